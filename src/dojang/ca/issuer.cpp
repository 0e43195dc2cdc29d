// SPDX-License-Identifier: Apache-2.0
#include "dojang/ca/issuer.hpp"

#include "dojang/ca/crl_asn1.h"
#include "dojang/ca/x509_build.hpp"
#include "dojang/core/failpoint.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/npki/vid.hpp"

#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <climits>

namespace dojang::ca {
namespace {

constexpr int max_serial_attempts = 3;

/// certificatePolicies with the CPS URI and a UTF8String userNotice, as Korean CAs write it.
Result<crypto::X509ExtPtr> policies_extension(const policy::Profile& profile) {
    crypto::Owned<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free> policies(
        CERTIFICATEPOLICIES_new());
    POLICYINFO* info = POLICYINFO_new();
    if (!policies || info == nullptr || sk_POLICYINFO_push(policies.get(), info) == 0) {
        POLICYINFO_free(info);
        return crypto::openssl_failure(ErrorKind::internal, "EXTENSION_INVALID", "out of memory");
    }
    ASN1_OBJECT_free(info->policyid);
    info->policyid = OBJ_txt2obj(profile.policy_oid.c_str(), 1);
    if (info->policyid == nullptr) {
        return crypto::openssl_failure(
            ErrorKind::invalid_request,
            "PROFILE_INVALID",
            "profile " + profile.name + ": '" + profile.policy_oid + "' is not an OID");
    }
    info->qualifiers = sk_POLICYQUALINFO_new_null();
    if (!profile.user_notice.empty()) {
        POLICYQUALINFO* notice = POLICYQUALINFO_new();
        sk_POLICYQUALINFO_push(info->qualifiers, notice);
        notice->pqualid = OBJ_nid2obj(NID_id_qt_unotice);
        notice->d.usernotice = USERNOTICE_new();
        notice->d.usernotice->exptext = ASN1_UTF8STRING_new();
        ASN1_STRING_set(notice->d.usernotice->exptext,
                        profile.user_notice.data(),
                        static_cast<int>(profile.user_notice.size()));
    }
    if (!profile.cps_uri.empty()) {
        POLICYQUALINFO* cps = POLICYQUALINFO_new();
        sk_POLICYQUALINFO_push(info->qualifiers, cps);
        cps->pqualid = OBJ_nid2obj(NID_id_qt_cps);
        cps->d.cpsuri = ASN1_IA5STRING_new();
        ASN1_STRING_set(
            cps->d.cpsuri, profile.cps_uri.data(), static_cast<int>(profile.cps_uri.size()));
    }
    crypto::X509ExtPtr extension(X509V3_EXT_i2d(NID_certificate_policies, 1, policies.get()));
    if (!extension) {
        return crypto::openssl_failure(ErrorKind::internal, "EXTENSION_INVALID", "policies");
    }
    return extension;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) {
        out += ",";
        out += part;
    }
    return out;
}

/// Korean certificates end at 23:59:59 KST (14:59:59Z) on their last day (korea.md). The day
/// is the Korean calendar day of `at` (UTC+9, no daylight saving), not its UTC day: from 00:00
/// to 08:59 KST the two differ.
Seconds korean_end_of_day(Seconds at) {
    constexpr std::chrono::hours kst_offset{9};
    const auto korean_day = std::chrono::floor<std::chrono::days>(at + kst_offset);
    return Seconds{korean_day + std::chrono::hours{23} + std::chrono::minutes{59} +
                   std::chrono::seconds{59} - kst_offset};
}

}  // namespace

Result<Issuer> Issuer::create(const Authority& authority,
                              const std::vector<policy::Profile>& profiles,
                              const Endpoints& endpoints,
                              store::Database& database,
                              const Clock& clock) {
    Issuer issuer(authority, database, clock);
    X509V3_CTX context;
    X509V3_set_ctx(&context, authority.certificate.get(), nullptr, nullptr, nullptr, 0);
    for (const auto& profile : profiles) {
        ProfileExtensions prepared{profile, {}};
        auto key_usage = make_extension(NID_key_usage, "critical" + join(profile.key_usage));
        auto policies = policies_extension(profile);
        auto crl =
            make_extension(NID_crl_distribution_points, "URI:" + endpoints.crl_url(authority.name));
        auto aia = make_extension(NID_info_access,
                                  "OCSP;URI:" + endpoints.ocsp_url() +
                                      ",caIssuers;URI:" + endpoints.ca_issuers_url(authority.name));
        crypto::X509ExtPtr aki(
            X509V3_EXT_conf_nid(nullptr, &context, NID_authority_key_identifier, "keyid:always"));
        for (auto* result : {&key_usage, &policies, &crl, &aia}) {
            if (!*result) {
                return tl::unexpected(result->error());
            }
            prepared.extensions.push_back(std::move(**result));
        }
        if (!aki) {
            return crypto::openssl_failure(ErrorKind::internal, "EXTENSION_INVALID", "AKI");
        }
        prepared.extensions.push_back(std::move(aki));
        issuer.profiles_.emplace(profile.name, std::move(prepared));
    }
    return issuer;
}

const policy::Profile* Issuer::profile(const std::string& name) const {
    const auto found = profiles_.find(name);
    return found == profiles_.end() ? nullptr : &found->second.profile;
}

Seconds Issuer::choose_not_after(const policy::Profile& profile,
                                 const std::optional<Seconds>& keep,
                                 Seconds now) const {
    // A reissue keeps the old notAfter (korea.md); an expired one gets a fresh validity.
    Seconds not_after = keep && *keep > now ? *keep : korean_end_of_day(now + profile.validity);
    // Never outlive the issuing CA (RFC 5280 6.1.3 would reject the chain afterwards).
    const Seconds ca_not_after = authority_->certificate.not_after();
    return not_after > ca_not_after ? ca_not_after : not_after;
}

Result<Issued> Issuer::issue(const IssueRequest& request, const IssueHooks& hooks) const {
    // 1. Authorisation is the caller's (see architecture.md, "The issuance cycle").
    // 2. Check the request, collecting every violation.
    const auto found = profiles_.find(request.profile);
    if (found == profiles_.end()) {
        return fail(ErrorKind::invalid_request,
                    "PROFILE_UNKNOWN",
                    "there is no certificate profile called '" + request.profile + "'");
    }
    const ProfileExtensions& prepared = found->second;
    // A CRMF request brings a bare public key (POP checked by the caller); otherwise a CSR.
    std::optional<pkix::Csr> csr;
    crypto::Owned<X509_PUBKEY, X509_PUBKEY_free> template_key;
    if (request.public_key) {
        const unsigned char* cursor = request.public_key->data();
        template_key.reset(
            d2i_X509_PUBKEY(nullptr, &cursor, static_cast<long>(request.public_key->size())));
        if (!template_key || X509_PUBKEY_get0(template_key.get()) == nullptr ||
            (!request.subject && !request.renews)) {
            return crypto::openssl_failure(ErrorKind::invalid_request,
                                           "PUBLIC_KEY_MALFORMED",
                                           "the request's public key cannot be read");
        }
    } else {
        auto parsed = pkix::Csr::parse(request.csr);
        DOJANG_TRY(parsed);
        csr.emplace(std::move(*parsed));
    }
    // The key as it came (SubjectPublicKeyInfo), and decoded for the policy checks.
    const X509_PUBKEY* spki = csr ? X509_REQ_get_X509_PUBKEY(csr->get()) : template_key.get();
    EVP_PKEY* public_key = csr ? csr->public_key() : X509_PUBKEY_get0(template_key.get());
    crypto::X509NamePtr subject;
    // A renewal keeps the subject and subjectAltName of the certificate it renews (korea.md).
    crypto::X509Ptr renewed;
    if (request.renews) {
        const unsigned char* cursor = request.renews->data();
        renewed.reset(d2i_X509(nullptr, &cursor, static_cast<long>(request.renews->size())));
        if (!renewed || request.subject || request.identity) {
            return crypto::openssl_failure(ErrorKind::invalid_request,
                                           "RENEWAL_INVALID",
                                           "the certificate to renew cannot be read");
        }
        subject.reset(X509_NAME_dup(X509_get_subject_name(renewed.get())));
    } else if (request.subject) {
        auto parsed = pkix::parse_name(*request.subject);
        DOJANG_TRY(parsed);
        subject = std::move(*parsed);
    } else {
        subject.reset(X509_NAME_dup(csr->subject()));
    }
    auto violations =
        csr ? policy::check_request(*csr, subject.get(), prepared.profile)
            : policy::check_key_and_subject(public_key, subject.get(), prepared.profile);
    crypto::X509ExtPtr identify_data;
    if (request.identity) {
        const Identity& identity = *request.identity;
        auto vid = npki::compute_vid(identity.idn, identity.random_num, identity.algorithm);
        if (!vid) {
            violations.push_back({vid.error().code, vid.error().detail});
        } else if (identity.claimed_vid &&
                   !crypto::constant_time_equal(*identity.claimed_vid, *vid)) {
            violations.push_back(
                {"VID_MISMATCH",
                 "the VID sent with the request does not match the identification number in the "
                 "register (본인확인 정보(VID)가 등록된 정보와 일치하지 않습니다)"});
        } else {
            auto extension =
                npki::identify_data_extension(identity.real_name, *vid, identity.algorithm);
            if (!extension) {
                violations.push_back({extension.error().code, extension.error().detail});
            } else {
                identify_data = std::move(*extension);
            }
        }
    }
    crypto::X509ExtPtr kept_alt_name;
    if (renewed) {
        const int at = X509_get_ext_by_NID(renewed.get(), NID_subject_alt_name, -1);
        if (at >= 0) {
            kept_alt_name.reset(X509_EXTENSION_dup(X509_get_ext(renewed.get(), at)));
        }
    }
    // A key whose certificate was revoked for keyCompromise never gets another certificate
    // (quality-bar.md: refused before a serial is spent).
    // (checked in T1 below, with the intent, so that a key blocked meanwhile is never signed).
    std::optional<Bytes> key_digest;
    if (public_key != nullptr && spki != nullptr) {
        auto spki_der = crypto::to_der(spki, i2d_X509_PUBKEY);
        DOJANG_TRY(spki_der);
        key_digest = crypto::sha256(*spki_der);
    }
    if (!violations.empty()) {
        return tl::unexpected(policy::rejection(std::move(violations)));
    }

    // 3. Prepare: serial, validity, TBS.  4. Record the intent (a collision is a retry).
    const Seconds now = clock_->now();
    const Seconds not_after = choose_not_after(prepared.profile, request.keep_not_after, now);
    crypto::X509Ptr cert;
    std::optional<SerialNumber> serial;
    Bytes tbs;
    // T1: the key is not blocked, the caller's work (the RA claims the codes), the intent.
    std::optional<Error> refusal;
    auto intended = database_->transact([&](store::Transaction& tx) -> Result<void> {
        serial.reset();
        refusal.reset();
        if (key_digest) {
            auto listed = tx.certificates().is_key_blocked(*key_digest);
            DOJANG_TRY(listed);
            if (*listed) {
                refusal = policy::rejection(
                    {{"KEY_COMPROMISED",
                      "this key belongs to a certificate revoked for key compromise; make a new "
                      "key (유출된 키입니다. 새 키를 만드십시오)"}});
                return ok();
            }
        }
        if (hooks.with_intent) {
            auto done = hooks.with_intent(tx);
            if (!done) {
                return done;
            }
        }
        for (int attempt = 0; attempt < max_serial_attempts && !serial; ++attempt) {
            auto candidate = random_serial();
            DOJANG_TRY(candidate);
            auto built = new_certificate(*candidate,
                                         subject.get(),
                                         X509_get_subject_name(authority_->certificate.get()),
                                         spki,
                                         now,
                                         not_after);
            DOJANG_TRY(built);
            cert = std::move(*built);
            auto ski = add_extensions(
                cert.get(), authority_->certificate.get(), {{NID_subject_key_identifier, "hash"}});
            DOJANG_TRY(ski);
            for (const auto& extension : prepared.extensions) {
                X509_add_ext(cert.get(), extension.get(), -1);
            }
            if (identify_data) {
                X509_add_ext(cert.get(), identify_data.get(), -1);
            }
            if (kept_alt_name) {
                X509_add_ext(cert.get(), kept_alt_name.get(), -1);
            }
            auto prepared_tbs = prepare_tbs(cert.get(), authority_->signer);
            DOJANG_TRY(prepared_tbs);
            tbs = std::move(*prepared_tbs);
            const store::CertificateRecord record{
                .serial = *candidate,
                .ca = authority_->name,
                .profile = prepared.profile.name,
                .subject = pkix::name_to_string(subject.get()),
                .not_before = now,
                .not_after = not_after,
                .status = domain::CertificateStatus::intended,
                .tbs = tbs,
                .der = {},
                .created_at = now,
                .issued_at = std::nullopt,
                .revoked_at = std::nullopt,
                .reason = std::nullopt,
            };
            auto recorded = tx.certificates().insert_intent(record);
            if (recorded) {
                serial = *candidate;
            } else if (recorded.error().code != "SERIAL_COLLISION") {
                return tl::unexpected(recorded.error());
            }
        }
        if (!serial) {
            return fail(
                ErrorKind::unavailable, "SERIAL_COLLISION", "could not allocate a serial number");
        }
        return ok();
    });
    DOJANG_TRY(intended);
    if (refusal) {
        return tl::unexpected(std::move(*refusal));
    }
    if (hooks.intent_committed) {
        hooks.intent_committed();
    }
    failpoint("issue.after_intent");

    // 5. Sign, and check that what was signed is exactly what was recorded.
    auto signed_cert = sign_certificate(cert.get(), authority_->signer);
    DOJANG_TRY(signed_cert);
    auto issued = pkix::Certificate::adopt(std::move(cert));
    auto der = issued.der();
    DOJANG_TRY(der);
    unsigned char* signed_tbs = nullptr;
    const int signed_length = i2d_re_X509_tbs(issued.get(), &signed_tbs);
    const bool same = signed_length > 0 && Bytes(signed_tbs, signed_tbs + signed_length) == tbs;
    OPENSSL_free(signed_tbs);
    if (!same) {
        return fail(ErrorKind::internal,
                    "TBS_MISMATCH",
                    "internal error while signing",
                    "the signed TBSCertificate differs from the recorded intent");
    }

    failpoint("issue.after_sign");

    // 6. T2: store as issued with the audit event and the caller's records, in one transaction.
    const std::string details =
        "{\"profile\":" + json_quote(prepared.profile.name) +
        ",\"subject\":" + json_quote(issued.subject()) +
        ",\"not_after\":" + json_quote(to_rfc3339(not_after)) +
        ",\"reissue\":" + (request.keep_not_after && !renewed ? "true" : "false") +
        (renewed ? ",\"renewal\":true" : "") + "}";
    auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto marked = tx.certificates().mark_issued(*serial, *der, now);
        if (!marked) {
            return marked;
        }
        auto counted = tx.counters().next("issuances");
        DOJANG_TRY(counted);
        auto audited = store::record_audit(
            tx, now, request.actor, "certificate.issue", serial->hex(), details);
        if (!audited) {
            return audited;
        }
        if (hooks.with_issued) {
            auto recorded = hooks.with_issued(tx, *serial, *der);
            if (!recorded) {
                return recorded;
            }
        }
        failpoint("issue.before_commit");
        return ok();
    });
    DOJANG_TRY(stored);
    failpoint("issue.after_commit");
    // 7. Answer with the recorded bytes, parsed: the in-memory certificate carries its key
    //    only as the copied SubjectPublicKeyInfo (x509_build.hpp).
    auto answered = pkix::Certificate::parse(*der);
    DOJANG_TRY(answered);
    return Issued{*serial, std::move(*answered)};
}

namespace {

/// Blocks the key of a certificate revoked for keyCompromise, in the revoking transaction.
Result<void> block_key_of(store::Transaction& tx, const SerialNumber& serial, Seconds now) {
    auto record = tx.certificates().find(serial);
    DOJANG_TRY(record);
    if (!*record || (*record)->der.empty()) {
        return ok();
    }
    auto certificate = pkix::Certificate::parse((*record)->der);
    DOJANG_TRY(certificate);
    auto spki = crypto::to_der(X509_get_X509_PUBKEY(certificate->get()), i2d_X509_PUBKEY);
    DOJANG_TRY(spki);
    return tx.certificates().block_key(crypto::sha256(*spki), serial, now);
}

}  // namespace

Result<void> revoke(store::Database& database,
                    const Clock& clock,
                    const SerialNumber& serial,
                    domain::RevocationReason reason,
                    const std::string& actor) {
    const Seconds now = clock.now();
    return database.transact([&](store::Transaction& tx) -> Result<void> {
        auto revoked = tx.certificates().revoke(serial, reason, now);
        if (!revoked) {
            return revoked;
        }
        if (reason == domain::RevocationReason::key_compromise) {
            auto blocked = block_key_of(tx, serial, now);
            if (!blocked) {
                return blocked;
            }
        }
        auto counted = tx.counters().next("revocations");
        DOJANG_TRY(counted);
        return store::record_audit(tx,
                                   now,
                                   actor,
                                   "certificate.revoke",
                                   serial.hex(),
                                   "{\"reason\":" + json_quote(domain::to_string(reason)) + "}");
    });
}

Result<void> release_hold(store::Database& database,
                          const Clock& clock,
                          const SerialNumber& serial,
                          const std::string& actor) {
    const Seconds now = clock.now();
    return database.transact([&](store::Transaction& tx) -> Result<void> {
        auto released = tx.certificates().release_hold(serial);
        if (!released) {
            return released;
        }
        auto counted = tx.counters().next("revocations");
        DOJANG_TRY(counted);
        return store::record_audit(tx, now, actor, "certificate.release_hold", serial.hex(), "{}");
    });
}

namespace {

using RevokedPtr = crypto::Owned<X509_REVOKED, X509_REVOKED_free>;
using AsnTypePtr = crypto::Owned<ASN1_TYPE, ASN1_TYPE_free>;
using BitStringPtr = crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;

tl::unexpected<Error> crl_failure(std::string what) {
    return crypto::openssl_failure(ErrorKind::internal, "CRL_BUILD_FAILED", std::move(what));
}

/// An ANY holding `der`, an encoded SEQUENCE, which it takes over (OPENSSL_malloc'd).
Result<AsnTypePtr> any_sequence(unsigned char* der, int length) {
    AsnTypePtr any(ASN1_TYPE_new());
    ASN1_STRING* value = ASN1_STRING_type_new(V_ASN1_SEQUENCE);
    if (!any || value == nullptr) {
        ASN1_STRING_free(value);
        OPENSSL_free(der);
        return crl_failure("out of memory");
    }
    ASN1_STRING_set0(value, der, length);
    ASN1_TYPE_set(any.get(), V_ASN1_SEQUENCE, value);
    return any;
}

/// Encodes the CRL entries with OpenSSL, one reused X509_REVOKED per reason code, in the order
/// X509_CRL_sort() gives (serial length, then its octets), as one revokedCertificates value.
class EntryEncoder {
public:
    Result<AsnTypePtr> encode(const std::vector<store::RevokedEntry>& entries) {
        std::vector<std::pair<Bytes, const store::RevokedEntry*>> sorted;
        sorted.reserve(entries.size());
        for (const auto& entry : entries) {
            sorted.emplace_back(entry.serial.bytes(), &entry);
        }
        std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
            return a.first.size() != b.first.size() ? a.first.size() < b.first.size()
                                                    : a.first < b.first;
        });
        Bytes body;
        body.reserve(entries.size() * 48);
        for (const auto& [serial, entry] : sorted) {
            auto appended = append(serial, *entry, body);
            DOJANG_TRY(appended);
        }
        if (body.size() > static_cast<std::size_t>(INT_MAX / 2)) {
            return crl_failure("too many CRL entries");
        }
        const int content = static_cast<int>(body.size());
        const int total = ASN1_object_size(1, content, V_ASN1_SEQUENCE);
        if (total <= content) {
            return crl_failure("too many CRL entries");
        }
        auto* der = static_cast<unsigned char*>(OPENSSL_malloc(static_cast<std::size_t>(total)));
        if (der == nullptr) {
            return crl_failure("out of memory");
        }
        unsigned char* cursor = der;
        ASN1_put_object(&cursor, 1, content, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
        std::copy(body.begin(), body.end(), cursor);
        return any_sequence(der, total);
    }

private:
    Result<void> append(const Bytes& serial, const store::RevokedEntry& entry, Bytes& out) {
        X509_REVOKED* revoked = for_reason(entry.reason);
        const auto when = pkix::to_asn1_time(entry.revoked_at);
        if (revoked == nullptr || !serial_ || serial.size() > INT_MAX ||
            ASN1_STRING_set(serial_.get(), serial.data(), static_cast<int>(serial.size())) != 1 ||
            X509_REVOKED_set_serialNumber(revoked, serial_.get()) != 1 || !when ||
            X509_REVOKED_set_revocationDate(revoked, when.get()) != 1) {
            return crl_failure("bad entry");
        }
        const int length = i2d_X509_REVOKED(revoked, nullptr);
        if (length <= 0) {
            return crl_failure("bad entry");
        }
        const std::size_t start = out.size();
        out.resize(start + static_cast<std::size_t>(length));
        unsigned char* cursor = out.data() + start;
        if (i2d_X509_REVOKED(revoked, &cursor) != length) {
            return crl_failure("bad entry");
        }
        return ok();
    }

    /// The entry of this reason, with its reasonCode extension (none for unspecified).
    X509_REVOKED* for_reason(domain::RevocationReason reason) {
        const auto code = static_cast<std::size_t>(reason);
        if (code >= by_reason_.size()) {
            return nullptr;
        }
        RevokedPtr& slot = by_reason_.at(code);
        if (!slot) {
            RevokedPtr made(X509_REVOKED_new());
            if (!made) {
                return nullptr;
            }
            if (reason != domain::RevocationReason::unspecified) {
                crypto::Owned<ASN1_ENUMERATED, ASN1_ENUMERATED_free> value(ASN1_ENUMERATED_new());
                if (!value || ASN1_ENUMERATED_set(value.get(), static_cast<long>(code)) != 1 ||
                    X509_REVOKED_add1_ext_i2d(made.get(), NID_crl_reason, value.get(), 0, 0) != 1) {
                    return nullptr;
                }
            }
            slot = std::move(made);
        }
        return slot.get();
    }

    std::array<RevokedPtr, 11> by_reason_;  ///< Indexed by CRLReason code.
    crypto::Asn1IntegerPtr serial_{ASN1_INTEGER_new()};
};

/// DER of `value` encoded with template `item`, in a buffer of OpenSSL's.
Result<std::pair<unsigned char*, int>> encode_item(const void* value, const ASN1_ITEM* item) {
    unsigned char* der = nullptr;
    const int length =
        ASN1_item_i2d(static_cast<ASN1_VALUE*>(const_cast<void*>(value)), &der, item);
    if (length <= 0 || der == nullptr) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "CRL encoding");
    }
    return std::pair{der, length};
}

}  // namespace

Result<Bytes> sign_crl(const Authority& authority,
                       std::int64_t number,
                       Seconds this_update,
                       Seconds next_update,
                       const std::vector<store::RevokedEntry>& entries) {
    // 1. The CRL without its entries, built and signed through X509_CRL: OpenSSL sets the
    //    version, issuer, times and extensions, and picks the AlgorithmIdentifier for the key.
    crypto::X509CrlPtr crl(X509_CRL_new());
    const auto last = pkix::to_asn1_time(this_update);
    const auto next = pkix::to_asn1_time(next_update);
    if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(authority.certificate.get())) !=
            1 ||
        X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
        X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
        return crl_failure("cannot build CRL");
    }
    crypto::Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
    ASN1_INTEGER_set_int64(crl_number.get(), number);
    X509V3_CTX context;
    X509V3_set_ctx(&context, authority.certificate.get(), nullptr, nullptr, crl.get(), 0);
    crypto::X509ExtPtr aki(
        X509V3_EXT_conf_nid(nullptr, &context, NID_authority_key_identifier, "keyid:always"));
    if (X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) != 1 || !aki ||
        X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) {
        return crl_failure("CRL extensions");
    }
    if (X509_CRL_sign(crl.get(), authority.signer.key(), authority.signer.digest()) <= 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "SIGNING_FAILED", "cannot sign the CRL");
    }
    const ASN1_BIT_STRING* unused_signature = nullptr;
    const X509_ALGOR* algorithm = nullptr;
    X509_CRL_get0_signature(crl.get(), &unused_signature, &algorithm);

    // 2. The same TBSCertList with the entries, encoded once (see crl_asn1.h).
    AsnTypePtr revoked;
    if (!entries.empty()) {
        auto encoded = EntryEncoder().encode(entries);
        DOJANG_TRY(encoded);
        revoked = std::move(*encoded);
    }
    crypto::Asn1IntegerPtr version(ASN1_INTEGER_new());
    if (!version || ASN1_INTEGER_set(version.get(), X509_CRL_VERSION_2) != 1) {
        return crl_failure("out of memory");
    }
    DOJANG_TBS_CERT_LIST tbs{
        version.get(),
        const_cast<X509_ALGOR*>(algorithm),
        X509_CRL_get_issuer(crl.get()),
        const_cast<ASN1_TIME*>(X509_CRL_get0_lastUpdate(crl.get())),
        const_cast<ASN1_TIME*>(X509_CRL_get0_nextUpdate(crl.get())),
        revoked.get(),
        const_cast<STACK_OF(X509_EXTENSION)*>(X509_CRL_get0_extensions(crl.get())),
    };
    auto tbs_der = encode_item(&tbs, ASN1_ITEM_rptr(DOJANG_TBS_CERT_LIST));
    revoked.reset();
    DOJANG_TRY(tbs_der);
    auto tbs_any = any_sequence(tbs_der->first, tbs_der->second);
    DOJANG_TRY(tbs_any);
    const ASN1_STRING* tbs_bytes = (*tbs_any)->value.sequence;

    // 3. The signature over those octets, as X509_CRL_sign() makes it.
    crypto::MdCtxPtr md(EVP_MD_CTX_new());
    std::size_t signature_length = 0;
    if (!md ||
        EVP_DigestSignInit(
            md.get(), nullptr, authority.signer.digest(), nullptr, authority.signer.key()) != 1 ||
        EVP_DigestSign(md.get(),
                       nullptr,
                       &signature_length,
                       ASN1_STRING_get0_data(tbs_bytes),
                       static_cast<std::size_t>(ASN1_STRING_length(tbs_bytes))) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "SIGNING_FAILED", "cannot sign the CRL");
    }
    Bytes signature(signature_length);
    if (EVP_DigestSign(md.get(),
                       signature.data(),
                       &signature_length,
                       ASN1_STRING_get0_data(tbs_bytes),
                       static_cast<std::size_t>(ASN1_STRING_length(tbs_bytes))) != 1 ||
        signature_length > INT_MAX) {
        return crypto::openssl_failure(
            ErrorKind::internal, "SIGNING_FAILED", "cannot sign the CRL");
    }
    BitStringPtr value(ASN1_BIT_STRING_new());
    if (!value || ASN1_BIT_STRING_set(
                      value.get(), signature.data(), static_cast<int>(signature_length)) != 1) {
        return crl_failure("out of memory");
    }
    // All bits used: without the flag the encoder would drop trailing zero octets.
    value->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07L);
    value->flags |= ASN1_STRING_FLAG_BITS_LEFT;

    // 4. CertificateList.
    DOJANG_CERTIFICATE_LIST list{tbs_any->get(), const_cast<X509_ALGOR*>(algorithm), value.get()};
    const int length = ASN1_item_i2d(
        reinterpret_cast<ASN1_VALUE*>(&list), nullptr, ASN1_ITEM_rptr(DOJANG_CERTIFICATE_LIST));
    if (length <= 0) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "CRL encoding");
    }
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    if (ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(&list),
                      &cursor,
                      ASN1_ITEM_rptr(DOJANG_CERTIFICATE_LIST)) != length) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "CRL encoding");
    }
    return der;
}

}  // namespace dojang::ca
