// SPDX-License-Identifier: Apache-2.0
#include "dojang/pkix/pkix.hpp"

#include "dojang/crypto/keys.hpp"
#include "dojang/pkix/der.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <vector>

namespace dojang::pkix {
namespace {

bool looks_like_pem(const Bytes& input) {
    static constexpr std::string_view marker = "-----BEGIN ";
    const std::string_view text(reinterpret_cast<const char*>(input.data()),  // NOLINT
                                input.size());
    return text.find(marker) != std::string_view::npos;
}

/// PEM password callback that never asks: without it OpenSSL prompts on the terminal for a
/// block with a "Proc-Type: 4,ENCRYPTED" header, and a request could stall the server.
int refuse_password(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) {
    return -1;
}

/// The DER inside `input`: the body of its first PEM block labelled `label` when it looks like
/// PEM, else `input` itself. The error is a cause for logs.
Result<Bytes> der_of(const Bytes& input, const char* label) {
    if (!looks_like_pem(input)) {
        if (input.size() > LONG_MAX) {
            return fail(ErrorKind::invalid_request, "DER_TOO_LARGE", "input too large");
        }
        return input;
    }
    crypto::BioPtr in = crypto::memory_bio(input);
    unsigned char* data = nullptr;
    long length = 0;
    if (PEM_bytes_read_bio(&data, &length, nullptr, label, in.get(), refuse_password, nullptr) !=
        1) {
        return crypto::openssl_failure(
            ErrorKind::invalid_request, "PEM_MALFORMED", std::string("no PEM ") + label);
    }
    Bytes der(data, data + length);
    OPENSSL_free(data);
    return der;
}

/// Splits on unescaped `separator`, unescaping `\x` sequences inside values.
std::vector<std::string> split_escaped(std::string_view text, char separator) {
    std::vector<std::string> parts(1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            parts.back().push_back(text[++i]);
        } else if (c == separator) {
            parts.emplace_back();
        } else {
            parts.back().push_back(c);
        }
    }
    return parts;
}

std::string trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    return std::string(text);
}

}  // namespace

namespace {

/// True when `input` is a run of DER values, those inside constructed ones included.
bool is_der_run(std::span<const std::uint8_t> input, int depth) {
    while (!input.empty()) {
        const auto value = read_der_value(input);
        if (!value) {
            return false;
        }
        if (value->constructed &&
            (depth >= max_der_depth || !is_der_run(value->contents, depth + 1))) {
            return false;
        }
        input = value->rest;
    }
    return true;
}

}  // namespace

bool is_der(std::span<const std::uint8_t> input) {
    const auto value = read_der_value(input);
    if (!value || !value->rest.empty()) {
        return false;
    }
    return !value->constructed || is_der_run(value->contents, 1);
}

Result<crypto::X509NamePtr> parse_name(std::string_view text) {
    std::vector<std::string> parts;
    if (!text.empty() && text.front() == '/') {
        parts = split_escaped(text.substr(1), '/');
    } else {
        parts = split_escaped(text, ',');
    }
    crypto::X509NamePtr name(X509_NAME_new());
    for (const std::string& raw : parts) {
        const std::string part = trim(raw);
        if (part.empty()) {
            continue;
        }
        const auto equals = part.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == part.size()) {
            return fail(ErrorKind::invalid_request,
                        "NAME_INVALID",
                        "'" + part + "' is not of the form TYPE=value");
        }
        const std::string type = trim(part.substr(0, equals));
        const std::string value = trim(part.substr(equals + 1));
        const int nid = OBJ_txt2nid(type.c_str());
        if (nid == NID_undef) {
            return fail(ErrorKind::invalid_request,
                        "NAME_INVALID",
                        "unknown attribute type '" + type + "' in a name");
        }
        // RFC 5280 section 4.1.2.4: countryName is PrintableString; others UTF8String.
        const int string_type = nid == NID_countryName ? MBSTRING_ASC : MBSTRING_UTF8;
        if (value.size() > INT_MAX ||
            X509_NAME_add_entry_by_NID(
                name.get(),
                nid,
                string_type,
                reinterpret_cast<const unsigned char*>(value.data()),  // NOLINT
                static_cast<int>(value.size()),
                -1,
                0) != 1) {
            return crypto::openssl_failure(ErrorKind::invalid_request,
                                           "NAME_INVALID",
                                           "'" + value + "' is not a valid value for " + type);
        }
    }
    if (X509_NAME_entry_count(name.get()) == 0) {
        return fail(ErrorKind::invalid_request, "NAME_INVALID", "the name is empty");
    }
    return name;
}

namespace {

std::string print_name(const X509_NAME* name, unsigned long flags) {
    crypto::BioPtr out(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(out.get(), name, 0, flags);
    const Bytes bytes = crypto::bio_bytes(out.get());
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::string name_to_string(const X509_NAME* name) {
    return print_name(name, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
}

std::string name_to_display(const X509_NAME* name) {
    return print_name(name, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
}

Result<Csr> Csr::parse(const Bytes& input) {
    auto der = der_of(input, PEM_STRING_X509_REQ);
    if (!der) {
        return fail(ErrorKind::invalid_request,
                    "CSR_MALFORMED",
                    "the certificate request is not valid PKCS#10 (PEM or DER)",
                    der.error().describe());
    }
    // RFC 2986 4: the request is DER; BER would let two encodings carry one signature.
    if (!is_der(*der)) {
        return fail(ErrorKind::invalid_request,
                    "CSR_MALFORMED",
                    "the certificate request is not DER (indefinite, non-minimal or "
                    "truncated lengths, or trailing data)");
    }
    const unsigned char* p = der->data();
    crypto::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der->size())));
    if (!req) {
        return crypto::openssl_failure(ErrorKind::invalid_request,
                                       "CSR_MALFORMED",
                                       "the certificate request is not valid PKCS#10 (PEM or DER)");
    }
    return Csr(std::move(req));
}

bool Csr::has_valid_signature() const {
    EVP_PKEY* key = public_key();
    const bool valid = key != nullptr && X509_REQ_verify(req_.get(), key) == 1;
    ERR_clear_error();
    return valid;
}

EVP_PKEY* Csr::public_key() const {
    return X509_REQ_get0_pubkey(req_.get());
}

Result<Certificate> Certificate::parse(const Bytes& input) {
    auto der = der_of(input, PEM_STRING_X509);
    if (!der) {
        return fail(ErrorKind::invalid_request,
                    "CERTIFICATE_MALFORMED",
                    "the certificate is not valid X.509 (PEM or DER)",
                    der.error().describe());
    }
    // RFC 5280 4.1: certificates are DER.
    if (!is_der(*der)) {
        return fail(ErrorKind::invalid_request,
                    "CERTIFICATE_MALFORMED",
                    "the certificate is not DER (indefinite, non-minimal or truncated lengths, "
                    "or trailing data)");
    }
    const unsigned char* p = der->data();
    crypto::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
    if (!cert) {
        return crypto::openssl_failure(ErrorKind::invalid_request,
                                       "CERTIFICATE_MALFORMED",
                                       "the certificate is not valid X.509 (PEM or DER)");
    }
    return Certificate(std::move(cert));
}

Result<Bytes> Certificate::der() const {
    return crypto::to_der(cert_.get(), i2d_X509);
}

Result<std::string> Certificate::pem() const {
    crypto::BioPtr out(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(out.get(), cert_.get()) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "cannot write PEM");
    }
    const Bytes bytes = crypto::bio_bytes(out.get());
    return std::string(bytes.begin(), bytes.end());
}

Result<SerialNumber> Certificate::serial() const {
    return from_asn1_integer(X509_get0_serialNumber(cert_.get()));
}

Seconds Certificate::not_before() const {
    return from_asn1_time(X509_get0_notBefore(get()));
}
Seconds Certificate::not_after() const {
    return from_asn1_time(X509_get0_notAfter(get()));
}

Result<std::vector<Certificate>> parse_pem_bundle(const std::string& pem) {
    const Bytes bytes(pem.begin(), pem.end());
    crypto::BioPtr in = crypto::memory_bio(bytes);
    std::vector<Certificate> certificates;
    while (X509* cert = PEM_read_bio_X509(in.get(), nullptr, refuse_password, nullptr)) {
        certificates.push_back(Certificate::adopt(crypto::X509Ptr(cert)));
    }
    ERR_clear_error();  // the loop ends on a "no start line" error
    if (certificates.empty()) {
        return fail(ErrorKind::invalid_request, "CERTIFICATE_MALFORMED", "no certificate in PEM");
    }
    return certificates;
}

crypto::Asn1TimePtr to_asn1_time(Seconds at) {
    return crypto::Asn1TimePtr(
        ASN1_TIME_set(nullptr, static_cast<time_t>(at.time_since_epoch().count())));
}

Seconds from_asn1_time(const ASN1_TIME* time) {
    struct tm parts {};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
        return Seconds{};
    }
    return Seconds{std::chrono::seconds{timegm(&parts)}};
}

Result<crypto::Asn1IntegerPtr> to_asn1_integer(const SerialNumber& serial) {
    const Bytes bytes = serial.bytes();
    crypto::BignumPtr number(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!number) {
        return crypto::openssl_failure(ErrorKind::internal, "SERIAL_INVALID", "bad serial");
    }
    crypto::Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(number.get(), nullptr));
    if (!integer) {
        return crypto::openssl_failure(ErrorKind::internal, "SERIAL_INVALID", "bad serial");
    }
    return integer;
}

Result<SerialNumber> from_asn1_integer(const ASN1_INTEGER* integer) {
    crypto::BignumPtr number(ASN1_INTEGER_to_BN(integer, nullptr));
    if (!number || BN_is_negative(number.get()) != 0) {
        return fail(ErrorKind::invalid_request, "SERIAL_INVALID", "the serial number is negative");
    }
    Bytes bytes(static_cast<std::size_t>(BN_num_bytes(number.get())));
    BN_bn2bin(number.get(), bytes.data());
    return SerialNumber::from_bytes(bytes);
}

Result<Bytes> Csr::public_key_der() const {
    return crypto::public_key_der(public_key());
}

Result<Bytes> Certificate::public_key_der() const {
    return crypto::public_key_der(X509_get0_pubkey(get()));
}

bool Certificate::may_sign() const {
    // X509_get_key_usage answers all bits when the extension is absent.
    return (X509_get_key_usage(get()) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

}  // namespace dojang::pkix
