// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/ids.hpp"
#include "dojang/crypto/openssl.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace dojang::pkix {

/// True when `input` is exactly one ASN.1 value whose every tag and length obeys DER
/// (X.690 10.1: definite, minimal lengths; 10.2: primitive strings), nested at most
/// `max_der_depth` deep, with nothing after it. OpenSSL's decoders accept BER, so parsers of
/// DER-only structures (RFC 5280 4.1, RFC 2986 4, RFC 6960 4) call this first.
bool is_der(std::span<const std::uint8_t> input);

/// How deep is_der() follows constructed values; PKIX structures stay well under it.
inline constexpr int max_der_depth = 64;

/// Parses a distinguished name written "C=KR,O=Example,CN=Hong" (RFC 4514 order as written,
/// most significant first, `\,` escapes a comma) or OpenSSL's "/C=KR/O=Example/CN=Hong".
/// Values are UTF-8 (Korean names are fine) and stored as UTF8String, C as PrintableString.
Result<crypto::X509NamePtr> parse_name(std::string_view text);

/// RFC 2253 text of a name (most significant last, as OpenSSL prints it), UTF-8 kept as is.
std::string name_to_string(const X509_NAME* name);

/// "C=KR, O=…" one-line form, most significant first, for people.
std::string name_to_display(const X509_NAME* name);

/// A certificate signing request, parsed from PEM or DER.
class Csr {
public:
    /// Parses PEM ("CERTIFICATE REQUEST") or DER; rejects BER (see is_der()), trailing data and
    /// encrypted PEM. Errors: invalid_request, CSR_MALFORMED.
    static Result<Csr> parse(const Bytes& input);

    /// Verifies the self-signature (proof of possession for PKCS#10).
    [[nodiscard]] bool has_valid_signature() const;
    [[nodiscard]] X509_REQ* get() const { return req_.get(); }
    /// The subject public key; owned by the request.
    [[nodiscard]] EVP_PKEY* public_key() const;
    /// The subject public key as SubjectPublicKeyInfo DER.
    [[nodiscard]] Result<Bytes> public_key_der() const;
    [[nodiscard]] const X509_NAME* subject() const { return X509_REQ_get_subject_name(req_.get()); }

private:
    explicit Csr(crypto::X509ReqPtr req) : req_(std::move(req)) {}
    crypto::X509ReqPtr req_;
};

/// A parsed certificate.
class Certificate {
public:
    /// Parses PEM or DER; rejects BER (see is_der()), trailing data and encrypted PEM.
    /// Errors: invalid_request, CERTIFICATE_MALFORMED.
    static Result<Certificate> parse(const Bytes& input);
    /// Takes ownership of an OpenSSL certificate.
    static Certificate adopt(crypto::X509Ptr cert) { return Certificate(std::move(cert)); }

    [[nodiscard]] X509* get() const { return cert_.get(); }
    [[nodiscard]] Result<Bytes> der() const;
    [[nodiscard]] Result<std::string> pem() const;
    [[nodiscard]] Result<SerialNumber> serial() const;
    [[nodiscard]] Seconds not_before() const;
    [[nodiscard]] Seconds not_after() const;
    [[nodiscard]] std::string subject() const {
        return name_to_string(X509_get_subject_name(get()));
    }
    /// The subject public key as SubjectPublicKeyInfo DER.
    [[nodiscard]] Result<Bytes> public_key_der() const;
    /// Whether its key may sign what a holder signs: keyUsage has digitalSignature or
    /// nonRepudiation (or there is no keyUsage).
    [[nodiscard]] bool may_sign() const;

private:
    explicit Certificate(crypto::X509Ptr cert) : cert_(std::move(cert)) {}
    crypto::X509Ptr cert_;
};

/// Reads every certificate in a PEM bundle.
Result<std::vector<Certificate>> parse_pem_bundle(const std::string& pem);

/// An OpenSSL ASN1_TIME for `at`.
crypto::Asn1TimePtr to_asn1_time(Seconds at);
/// Seconds since the epoch of an ASN1_TIME.
Seconds from_asn1_time(const ASN1_TIME* time);

/// ASN1_INTEGER of a serial number.
Result<crypto::Asn1IntegerPtr> to_asn1_integer(const SerialNumber& serial);
/// SerialNumber of an ASN1_INTEGER (rejects zero and negative numbers).
Result<SerialNumber> from_asn1_integer(const ASN1_INTEGER* integer);

}  // namespace dojang::pkix
