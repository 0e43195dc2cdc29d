// SPDX-License-Identifier: Apache-2.0
#include "dojang/ocsp/responder.hpp"

#include <openssl/err.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <set>

namespace dojang::ocsp {
namespace {

std::shared_ptr<const Bytes> status_only(int status) {
    crypto::OcspResponsePtr response(OCSP_response_create(status, nullptr));
    auto der = crypto::to_der(response.get(), i2d_OCSP_RESPONSE);
    return std::make_shared<const Bytes>(der ? *der : Bytes{});
}

const EVP_MD* digest_of(const ASN1_OBJECT* algorithm) {
    return EVP_get_digestbynid(OBJ_obj2nid(algorithm));
}

}  // namespace

Responder::Responder(const ca::Authority& issuer,
                     pkix::Certificate responder_certificate,
                     crypto::Signer responder_key,
                     store::StatusReader& certificates,
                     const Clock& clock,
                     Settings settings)
    : issuer_(&issuer),
      responder_certificate_(std::move(responder_certificate)),
      responder_key_(std::move(responder_key)),
      certificates_(&certificates),
      clock_(&clock),
      settings_(settings),
      malformed_(status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST)),
      unauthorized_(status_only(OCSP_RESPONSE_STATUS_UNAUTHORIZED)),
      internal_error_(status_only(OCSP_RESPONSE_STATUS_INTERNALERROR)),
      try_later_(status_only(OCSP_RESPONSE_STATUS_TRYLATER)) {
    auto name = crypto::to_der(X509_get_subject_name(issuer.certificate.get()), i2d_X509_NAME);
    issuer_name_der_ = name ? *name : Bytes{};
    const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer.certificate.get());
    issuer_key_.assign(key->data, key->data + key->length);
}

bool Responder::is_our_issuer(OCSP_CERTID* id) const {
    // RFC 6960 4.1.1: issuerNameHash and issuerKeyHash under the CertID's own hash algorithm.
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* algorithm = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    OCSP_id_get0_info(&name_hash, &algorithm, &key_hash, nullptr, id);
    const EVP_MD* digest = digest_of(algorithm);
    if (digest == nullptr || name_hash == nullptr || key_hash == nullptr) {
        return false;
    }
    const auto matches = [digest](const Bytes& input, const ASN1_OCTET_STRING* hash) {
        unsigned char expected[EVP_MAX_MD_SIZE];  // NOLINT: OpenSSL writes into a C array
        unsigned int length = 0;
        // A digest OpenSSL names but cannot compute (MD4 without the legacy provider) fails
        // here; unchecked, it left `length` at 0 and an empty hash matched any issuer.
        if (EVP_Digest(input.data(), input.size(), expected, &length, digest, nullptr) != 1 ||
            length == 0) {
            ERR_clear_error();
            return false;
        }
        return static_cast<unsigned>(ASN1_STRING_length(hash)) == length &&
               CRYPTO_memcmp(ASN1_STRING_get0_data(hash), expected, length) == 0;
    };
    return matches(issuer_name_der_, name_hash) && matches(issuer_key_, key_hash);
}

Result<Answer> Responder::sign(
    const std::vector<std::pair<OCSP_CERTID*, const store::CertificateRecord*>>& items) const {
    crypto::OcspBasicPtr basic(OCSP_BASICRESP_new());
    const Seconds now = clock_->now();
    const Seconds next = now + settings_.validity;
    const auto this_update = pkix::to_asn1_time(now);
    const auto next_update = pkix::to_asn1_time(next);
    for (const auto& [id, record] : items) {
        int status = V_OCSP_CERTSTATUS_GOOD;
        int reason = -1;
        crypto::Asn1TimePtr revoked_at;
        if (record->status == domain::CertificateStatus::revoked) {
            status = V_OCSP_CERTSTATUS_REVOKED;
            revoked_at = pkix::to_asn1_time(record->revoked_at.value_or(now));
            // RFC 6960 4.2.1: revocationReason is optional; omit it for unspecified (RFC 5280).
            const auto code = record->reason.value_or(domain::RevocationReason::unspecified);
            reason = code == domain::RevocationReason::unspecified ? -1 : static_cast<int>(code);
        }
        if (OCSP_basic_add1_status(basic.get(),
                                   id,
                                   status,
                                   reason,
                                   revoked_at.get(),
                                   this_update.get(),
                                   next_update.get()) == nullptr) {
            return crypto::openssl_failure(ErrorKind::internal, "OCSP_SIGN_FAILED", "add status");
        }
    }
    // The responder certificate goes into `certs` so clients can check the delegation.
    if (OCSP_basic_sign(basic.get(),
                        responder_certificate_.get(),
                        responder_key_.key(),
                        responder_key_.digest(),
                        nullptr,
                        0) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "OCSP_SIGN_FAILED", "cannot sign");
    }
    crypto::OcspResponsePtr response(
        OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    auto der = crypto::to_der(response.get(), i2d_OCSP_RESPONSE);
    DOJANG_TRY(der);
    return Answer{std::make_shared<const Bytes>(std::move(*der)), now, next};
}

Result<Answer> Responder::sign_record(const store::CertificateRecord& record) const {
    auto serial = pkix::to_asn1_integer(record.serial);
    DOJANG_TRY(serial);
    crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free> key(
        ASN1_STRING_dup(X509_get0_pubkey_bitstr(issuer_->certificate.get())));
    crypto::OcspCertIdPtr id(OCSP_cert_id_new(
        EVP_sha1(), X509_get_subject_name(issuer_->certificate.get()), key.get(), serial->get()));
    if (!id) {
        return crypto::openssl_failure(ErrorKind::internal, "OCSP_SIGN_FAILED", "CertID");
    }
    return sign({{id.get(), &record}});
}

Answer Responder::answer(const Bytes& request) {
    // RFC 6960 4: requests are DER. OpenSSL's decoder also takes BER (indefinite and
    // non-minimal lengths), which would give one request several encodings.
    if (request.empty() || request.size() > LONG_MAX || !pkix::is_der(request)) {
        return Answer{malformed_, {}, {}};
    }
    const unsigned char* cursor = request.data();
    crypto::OcspRequestPtr parsed(
        d2i_OCSP_REQUEST(nullptr, &cursor, static_cast<long>(request.size())));
    const int count = parsed ? OCSP_request_onereq_count(parsed.get()) : 0;
    if (!parsed || cursor != request.data() + request.size() || count <= 0) {
        ERR_clear_error();
        return Answer{malformed_, {}, {}};
    }
    std::vector<std::pair<OCSP_CERTID*, std::optional<SerialNumber>>> ids;
    for (int i = 0; i < count; ++i) {
        OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(parsed.get(), i));
        if (!is_our_issuer(id)) {
            return Answer{unauthorized_, {}, {}};
        }
        ASN1_INTEGER* serial_integer = nullptr;
        OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial_integer, id);
        auto serial = pkix::from_asn1_integer(serial_integer);
        if (!serial) {
            return Answer{unauthorized_, {}, {}};
        }
        ids.emplace_back(id, *serial);
    }
    ASN1_OBJECT* algorithm = nullptr;
    OCSP_id_get0_info(nullptr, &algorithm, nullptr, nullptr, ids.front().first);
    if (ids.size() == 1 && OBJ_obj2nid(algorithm) == NID_sha1) {
        const std::string hex = ids.front().second->hex();
        {
            std::shared_lock lock(mutex_);
            const auto found = cache_.find(hex);
            if (found != cache_.end()) {
                return found->second.answer;
            }
        }
        auto refreshed = refresh_answer(*ids.front().second);
        if (!refreshed) {
            return Answer{try_later_, {}, {}};
        }
        return *refreshed ? **refreshed : Answer{unauthorized_, {}, {}};
    }
    // Several certificates or another hash: sign on demand, for serials we issued only.
    std::vector<store::CertificateRecord> records;
    records.reserve(ids.size());
    for (const auto& [id, serial] : ids) {
        auto loaded = load(*serial);
        if (!loaded) {
            return Answer{try_later_, {}, {}};
        }
        auto& record = *loaded;
        if (!record || record->status == domain::CertificateStatus::intended ||
            record->ca != issuer_->name) {
            return Answer{unauthorized_, {}, {}};
        }
        records.push_back(std::move(*record));
    }
    std::vector<std::pair<OCSP_CERTID*, const store::CertificateRecord*>> items;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        items.emplace_back(ids[i].first, &records[i]);
    }
    auto signed_answer = sign(items);
    return signed_answer ? *signed_answer : Answer{internal_error_, {}, {}};
}

Result<void> Responder::warm() {
    auto records = certificates_->all_signed(issuer_->name, settings_.cache_entries);
    DOJANG_TRY(records);
    std::map<std::string, Entry> fresh;
    for (const auto& record : *records) {
        auto signed_answer = sign_record(record);
        DOJANG_TRY(signed_answer);
        fresh.emplace(record.serial.hex(),
                      Entry{*signed_answer, record.status == domain::CertificateStatus::revoked});
    }
    std::unique_lock lock(mutex_);
    cache_ = std::move(fresh);
    return ok();
}

Result<std::optional<store::CertificateRecord>> Responder::load(const SerialNumber& serial) const {
    return certificates_->find(serial);
}

Result<Answer> Responder::store_entry(const store::CertificateRecord& record) {
    auto signed_answer = sign_record(record);
    DOJANG_TRY(signed_answer);
    const std::string hex = record.serial.hex();
    std::unique_lock lock(mutex_);
    cache_[hex] = Entry{*signed_answer, record.status == domain::CertificateStatus::revoked};
    trim(hex);
    return *signed_answer;
}

void Responder::trim(const std::string& keep) {
    const std::size_t bound = std::max<std::size_t>(settings_.cache_entries, 1);
    while (cache_.size() > bound) {
        // Serials are random, so the entry after a random key is a random entry.
        const std::uint64_t pick = random_();
        Bytes probe(sizeof pick);
        for (std::size_t i = 0; i < probe.size(); ++i) {
            probe[i] = static_cast<std::uint8_t>(pick >> (8 * i));
        }
        auto victim = cache_.lower_bound(to_hex(probe));
        if (victim == cache_.end()) {
            victim = cache_.begin();
        }
        if (victim->first == keep) {
            victim = std::next(victim) == cache_.end() ? cache_.begin() : std::next(victim);
        }
        cache_.erase(victim);
    }
}

Result<std::optional<Answer>> Responder::refresh_answer(const SerialNumber& serial) {
    auto record = load(serial);
    DOJANG_TRY(record);
    if (!*record || (*record)->status == domain::CertificateStatus::intended ||
        (*record)->ca != issuer_->name) {
        std::unique_lock lock(mutex_);
        cache_.erase(serial.hex());
        return std::optional<Answer>{};
    }
    auto stored = store_entry(**record);
    DOJANG_TRY(stored);
    return std::optional<Answer>{std::move(*stored)};
}

Result<void> Responder::refresh(const SerialNumber& serial) {
    auto refreshed = refresh_answer(serial);
    DOJANG_TRY(refreshed);
    return ok();
}

Result<std::size_t> Responder::sync_revocations() {
    auto revoked = certificates_->revoked_unexpired(issuer_->name, clock_->now());
    DOJANG_TRY(revoked);
    std::set<std::string> revoked_now;
    for (const auto& entry : *revoked) {
        revoked_now.insert(entry.serial.hex());
    }
    std::vector<SerialNumber> changed;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [hex, entry] : cache_) {
            if (entry.revoked != (revoked_now.count(hex) != 0)) {
                changed.push_back(*SerialNumber::from_hex(hex));
            }
        }
        // Revoked serials not in memory are signed ahead while there is room; beyond the
        // bound they are read and signed when asked for, with their status from the database.
        for (const auto& entry : *revoked) {
            if (cache_.size() + changed.size() >= settings_.cache_entries) {
                break;
            }
            const auto found = cache_.find(entry.serial.hex());
            if (found == cache_.end()) {
                changed.push_back(entry.serial);
            }
        }
    }
    for (const auto& serial : changed) {
        auto refreshed = refresh(serial);
        DOJANG_TRY(refreshed);
    }
    return changed.size();
}

Result<std::size_t> Responder::refresh_due() {
    const Seconds threshold = clock_->now() + settings_.refresh_before;
    std::vector<SerialNumber> due;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [hex, entry] : cache_) {
            if (entry.answer.next_update && *entry.answer.next_update < threshold) {
                auto serial = SerialNumber::from_hex(hex);
                if (serial) {
                    due.push_back(*serial);
                }
            }
        }
    }
    for (const auto& serial : due) {
        auto refreshed = refresh(serial);
        DOJANG_TRY(refreshed);
    }
    return due.size();
}

std::size_t Responder::size() const {
    std::shared_lock lock(mutex_);
    return cache_.size();
}

}  // namespace dojang::ocsp
