// SPDX-License-Identifier: Apache-2.0
// A responder with one issued certificate, shared by ocsp_request_fuzz and the corpus test
// (not linked into any binary). Seed requests in fuzz-corpus/ocsp_request_fuzz/ carry marker
// bytes where the issuer hashes and serial go; with_run_values() swaps in this run's values,
// so mutations of a request for our issuer reach the signing paths.
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/ca/issuer.hpp"
#include "dojang/ocsp/responder.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dojang::ocsp::fuzzing {

/// Stand-ins for this run's SHA-1 issuerNameHash, issuerKeyHash (20 bytes) and serial
/// (16 bytes) in the seed requests; scripts/make-malformed-der.sh writes them.
inline constexpr std::string_view name_hash_marker = "DOJANG-FUZZ-NAMEHASH";
inline constexpr std::string_view key_hash_marker = "DOJANG-FUZZ-KEY-HASH";
inline constexpr std::string_view serial_marker = "DOJANG-SERIAL-01";

/// What an OCSPResponse says, as a relying party reads it.
struct Reading {
    bool parsed = false;    ///< one whole OCSPResponse
    int status = -1;        ///< responseStatus
    bool any_good = false;  ///< some SingleResponse says good
};

/// Reads the response a relying party would get.
inline Reading read_response(const Bytes& der) {
    Reading reading;
    const unsigned char* cursor = der.data();
    crypto::OcspResponsePtr response(
        d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size())));
    if (!response || cursor != der.data() + der.size()) {
        return reading;
    }
    reading.parsed = true;
    reading.status = OCSP_response_status(response.get());
    crypto::OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    for (int i = 0; basic && i < OCSP_resp_count(basic.get()); ++i) {
        int reason = -1;
        const int status = OCSP_single_get0_status(
            OCSP_resp_get0(basic.get(), i), &reason, nullptr, nullptr, nullptr);
        reading.any_good = reading.any_good || status == V_OCSP_CERTSTATUS_GOOD;
    }
    return reading;
}

/// A P-256 hierarchy, an SQLite store in a temporary folder, one issued certificate and a
/// warmed responder. Aborts when any of it cannot be made (a broken environment, not input).
class Rig {
public:
    Rig() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "dojang-ocsp-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            std::abort();
        }
        dir_ = pattern;
        ca::HierarchySpec spec;
        spec.ca_key = crypto::KeyAlgorithm::p256;
        spec.endpoints.base_url = "http://ca.example";
        auto hierarchy = ca::create_hierarchy(spec, clock_.now());
        sqlite::SqliteOptions options;
        options.synchronous = sqlite::Synchronous::normal;
        auto database = sqlite::open_sqlite(dir_ + "/fuzz.db", options);
        if (!hierarchy || !database) {
            std::abort();
        }
        hierarchy_ = std::make_unique<ca::Hierarchy>(std::move(*hierarchy));
        database_ = std::move(*database);
        certificates_.emplace(*database_);
        issue_one();
        responder_.emplace(hierarchy_->issuing,
                           std::move(hierarchy_->responder_certificate),
                           std::move(hierarchy_->responder),
                           *certificates_,
                           clock_,
                           Settings{});
        if (!responder_->warm()) {
            std::abort();
        }
        const X509* issuer = hierarchy_->issuing.certificate.get();
        auto name = crypto::to_der(X509_get_subject_name(issuer), i2d_X509_NAME);
        const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer);
        if (!name) {
            std::abort();
        }
        name_hash_ = sha1(*name);
        key_hash_ = sha1(Bytes(key->data, key->data + key->length));
    }
    ~Rig() {
        responder_.reset();
        certificates_.reset();
        database_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;

    /// `input` with the markers replaced by this run's issuer hashes and serial.
    [[nodiscard]] Bytes with_run_values(Bytes input) const {
        replace_all(input, name_hash_marker, name_hash_);
        replace_all(input, key_hash_marker, key_hash_);
        replace_all(input, serial_marker, serial_->bytes());
        return input;
    }

    /// True when `request` is a DER OCSPRequest (it re-encodes to itself) whose every CertID
    /// names our issuing CA under its own hash algorithm and the serial it issued. Only such
    /// a request may be answered `good`. Computed apart from the responder's own checks.
    [[nodiscard]] bool is_for_our_certificate(const Bytes& request) const {
        const unsigned char* cursor = request.data();
        crypto::OcspRequestPtr parsed(
            d2i_OCSP_REQUEST(nullptr, &cursor, static_cast<long>(request.size())));
        if (!parsed || cursor != request.data() + request.size()) {
            return false;
        }
        auto again = crypto::to_der(parsed.get(), i2d_OCSP_REQUEST);
        const int count = OCSP_request_onereq_count(parsed.get());
        if (!again || *again != request || count <= 0) {
            return false;
        }
        auto serial = pkix::to_asn1_integer(*serial_);
        for (int i = 0; i < count; ++i) {
            OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(parsed.get(), i));
            ASN1_OCTET_STRING* name_hash = nullptr;
            ASN1_OBJECT* algorithm = nullptr;
            ASN1_OCTET_STRING* key_hash = nullptr;
            ASN1_INTEGER* id_serial = nullptr;
            OCSP_id_get0_info(&name_hash, &algorithm, &key_hash, &id_serial, id);
            const X509* issuer = hierarchy_->issuing.certificate.get();
            crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free> key(
                ASN1_STRING_dup(X509_get0_pubkey_bitstr(issuer)));
            const EVP_MD* digest = EVP_get_digestbynid(OBJ_obj2nid(algorithm));
            crypto::OcspCertIdPtr expected(
                digest == nullptr
                    ? nullptr
                    : OCSP_cert_id_new(
                          digest, X509_get_subject_name(issuer), key.get(), serial->get()));
            ASN1_OCTET_STRING* expected_name = nullptr;
            ASN1_OCTET_STRING* expected_key = nullptr;
            if (expected) {
                OCSP_id_get0_info(&expected_name, nullptr, &expected_key, nullptr, expected.get());
            }
            if (!expected || ASN1_OCTET_STRING_cmp(name_hash, expected_name) != 0 ||
                ASN1_OCTET_STRING_cmp(key_hash, expected_key) != 0 ||
                ASN1_INTEGER_cmp(id_serial, serial->get()) != 0) {
                ERR_clear_error();
                return false;
            }
        }
        return true;
    }

    [[nodiscard]] Responder& responder() { return *responder_; }

private:
    void issue_one() {
        auto profiles = policy::built_in_profiles("1.2.410.200005", "http://ca.example");
        for (auto& profile : profiles) {
            profile.allow_ec = true;
        }
        auto issuer = ca::Issuer::create(
            hierarchy_->issuing, profiles, {"http://ca.example"}, *database_, clock_);
        if (!issuer) {
            std::abort();
        }
        // Until the serial fills the marker's 16 octets (127 random bits mostly do).
        for (int attempt = 0; attempt < 64 && !serial_; ++attempt) {
            ca::IssueRequest request;
            request.csr = make_csr();
            auto issued = issuer->issue(request);
            if (!issued) {
                std::abort();
            }
            if (issued->serial.bytes().size() == serial_marker.size()) {
                serial_ = issued->serial;
            }
        }
        if (!serial_) {
            std::abort();
        }
    }

    static Bytes make_csr() {
        auto key = crypto::generate_key(crypto::KeyAlgorithm::p256);
        auto subject = pkix::parse_name("C=KR,O=dojang,CN=fuzz");
        crypto::X509ReqPtr request(X509_REQ_new());
        if (!key || !subject || X509_REQ_set_pubkey(request.get(), key->get()) != 1 ||
            X509_REQ_set_subject_name(request.get(), subject->get()) != 1 ||
            X509_REQ_sign(request.get(), key->get(), EVP_sha256()) <= 0) {
            std::abort();
        }
        auto der = crypto::to_der(request.get(), i2d_X509_REQ);
        if (!der) {
            std::abort();
        }
        return *der;
    }

    static Bytes sha1(const Bytes& input) {
        Bytes digest(SHA_DIGEST_LENGTH);
        SHA1(input.data(), input.size(), digest.data());
        return digest;
    }

    static void replace_all(Bytes& input, std::string_view marker, const Bytes& value) {
        auto at = input.begin();
        while (true) {
            at = std::search(at, input.end(), marker.begin(), marker.end(), [](auto a, auto b) {
                return a == static_cast<std::uint8_t>(b);
            });
            if (at == input.end()) {
                return;
            }
            at = std::copy(value.begin(), value.end(), at);
        }
    }

    std::string dir_;
    ManualClock clock_{Seconds{std::chrono::seconds{1793502000}}};
    std::unique_ptr<ca::Hierarchy> hierarchy_;
    std::unique_ptr<store::Database> database_;
    std::optional<store::DatabaseStatusReader> certificates_;
    std::optional<SerialNumber> serial_;
    std::optional<Responder> responder_;
    Bytes name_hash_;
    Bytes key_hash_;
};

}  // namespace dojang::ocsp::fuzzing
