// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmp/message.hpp"

#include "dojang/pkix/der.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <array>

namespace dojang::cmp::detail {
namespace {

using CmpCtxPtr = crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free>;

/// The PKIBody names in choice order (RFC 4210 5.1.2), for the audit log.
constexpr std::array<const char*, 27> body_names{
    "ir",     "ip",      "cr",     "cp",   "p10cr", "popdecc", "popdecr",  "kur",     "kup",
    "krr",    "krp",     "rr",     "rp",   "ccr",   "ccp",     "ckuann",   "cann",    "rann",
    "crlann", "pkiconf", "nested", "genm", "genp",  "error",   "certConf", "pollReq", "pollRep"};

/// PKIHeader (RFC 4210 5.1.1): pvno, sender and recipient come before the tagged fields, and
/// a GeneralName's own context tags must not be taken for them.
constexpr std::size_t header_untagged = 3;
/// PKIMessage (RFC 4210 5.1): header and body (a CHOICE of context tags) before protection
/// [0] and extraCerts [1].
constexpr std::size_t message_untagged = 2;

/// The bytes of a DER value (a complete encoding of its own).
Bytes bytes_of(const pkix::DerValue& value) {
    return {value.encoding.begin(), value.encoding.end()};
}

/// The value inside the PKIHeader field [tag] EXPLICIT of `header_der`, or nothing.
std::optional<pkix::DerValue> header_field(const Bytes& header_der, std::uint32_t tag) {
    const auto field = pkix::explicit_field(header_der, tag, header_untagged);
    return field ? pkix::explicit_inner(*field) : std::nullopt;
}

int encode_header(const OSSL_CMP_PKIHEADER* header, unsigned char** out) {
    return i2d_OSSL_CMP_PKIHEADER(const_cast<OSSL_CMP_PKIHEADER*>(header), out);
}
int encode_template(const OSSL_CRMF_CERTTEMPLATE* tmpl, unsigned char** out) {
    return i2d_OSSL_CRMF_CERTTEMPLATE(const_cast<OSSL_CRMF_CERTTEMPLATE*>(tmpl), out);
}
int encode_status(const OSSL_CMP_PKISI* status, unsigned char** out) {
    return i2d_OSSL_CMP_PKISI(const_cast<OSSL_CMP_PKISI*>(status), out);
}

}  // namespace

std::string body_name(int body) {
    if (body < 0 || static_cast<std::size_t>(body) >= body_names.size()) {
        return "unknown";
    }
    return body_names[static_cast<std::size_t>(body)];
}

int encode_message(const OSSL_CMP_MSG* message, unsigned char** out) {
    return i2d_OSSL_CMP_MSG(const_cast<OSSL_CMP_MSG*>(message), out);
}
int encode_request(const X509_REQ* request, unsigned char** out) {
    return i2d_X509_REQ(request, out);
}

std::optional<std::string> sender_kid(const OSSL_CMP_PKIHEADER* header) {
    const Bytes der = der_of<OSSL_CMP_PKIHEADER, encode_header>(header);
    const auto octets = header_field(der, 2);
    if (!octets || !octets->is_universal(pkix::der_octet_string)) {
        return std::nullopt;
    }
    return std::string(octets->contents.begin(), octets->contents.end());
}

Bytes sender_nonce(const OSSL_CMP_PKIHEADER* header) {
    const Bytes der = der_of<OSSL_CMP_PKIHEADER, encode_header>(header);
    const auto octets = header_field(der, 5);
    if (!octets || !octets->is_universal(pkix::der_octet_string)) {
        return {};
    }
    return {octets->contents.begin(), octets->contents.end()};
}

bool is_protected(const OSSL_CMP_PKIHEADER* header) {
    return header_field(der_of<OSSL_CMP_PKIHEADER, encode_header>(header), 1).has_value();
}

bool is_mac_protected(const OSSL_CMP_PKIHEADER* header) {
    const Bytes der = der_of<OSSL_CMP_PKIHEADER, encode_header>(header);
    const auto algorithm = header_field(der, 1);
    if (!algorithm || !algorithm->is_universal(pkix::der_sequence)) {
        return false;
    }
    const auto members = pkix::der_members(*algorithm);
    if (!members || members->empty() ||
        !members->front().is_universal(pkix::der_object_identifier)) {
        return false;
    }
    const Bytes oid_der = bytes_of(members->front());
    const unsigned char* cursor = oid_der.data();
    crypto::Owned<ASN1_OBJECT, ASN1_OBJECT_free> object(
        d2i_ASN1_OBJECT(nullptr, &cursor, static_cast<long>(oid_der.size())));
    return object && OBJ_obj2nid(object.get()) == NID_id_PasswordBasedMAC;
}

std::vector<pkix::Certificate> extra_certificates(const Bytes& message_der) {
    std::vector<pkix::Certificate> certificates;
    const auto field = pkix::explicit_field(message_der, 1, message_untagged);
    const auto sequence = field ? pkix::explicit_inner(*field) : std::nullopt;
    if (!sequence || !sequence->is_universal(pkix::der_sequence)) {
        return certificates;
    }
    const auto members = pkix::der_members(*sequence);
    if (!members) {
        return certificates;
    }
    constexpr std::size_t max_certificates = 16;
    for (const auto& member : *members) {
        if (certificates.size() == max_certificates) {
            break;
        }
        auto certificate = pkix::Certificate::parse(bytes_of(member));
        if (certificate) {
            certificates.push_back(std::move(*certificate));
        }
    }
    ERR_clear_error();
    return certificates;
}

std::optional<domain::RevocationReason> revocation_reason(const Bytes& message_der) {
    const auto message = pkix::read_der_value(message_der);
    const auto elements = message ? pkix::der_members(*message) : std::nullopt;
    if (!elements || elements->size() < 2 ||
        (*elements)[1].tag_class != pkix::TagClass::context_specific ||
        (*elements)[1].tag != static_cast<std::uint32_t>(body_rr)) {
        return std::nullopt;
    }
    // rr [11] EXPLICIT RevReqContent, a SEQUENCE OF RevDetails.
    const auto content = pkix::explicit_inner((*elements)[1]);
    const auto all_details = content && content->is_universal(pkix::der_sequence)
                                 ? pkix::der_members(*content)
                                 : std::nullopt;
    if (!all_details || all_details->empty() ||
        !all_details->front().is_universal(pkix::der_sequence)) {
        return std::nullopt;
    }
    const auto details = pkix::der_members(all_details->front());
    if (!details) {
        return std::nullopt;
    }
    if (details->size() < 2) {
        return domain::RevocationReason::unspecified;
    }
    const Bytes extensions_der = bytes_of((*details)[1]);
    const unsigned char* cursor = extensions_der.data();
    STACK_OF(X509_EXTENSION)* extensions =
        d2i_X509_EXTENSIONS(nullptr, &cursor, static_cast<long>(extensions_der.size()));
    if (extensions == nullptr) {
        ERR_clear_error();
        return std::nullopt;
    }
    int critical = 0;
    auto* code = static_cast<ASN1_ENUMERATED*>(
        X509V3_get_d2i(extensions, NID_crl_reason, &critical, nullptr));
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    if (code == nullptr) {
        ERR_clear_error();
        // -1: not there (unspecified); anything else: present but unreadable or repeated.
        return critical == -1 ? std::optional(domain::RevocationReason::unspecified) : std::nullopt;
    }
    const long value = ASN1_ENUMERATED_get(code);
    ASN1_ENUMERATED_free(code);
    auto reason = domain::revocation_reason_from_code(static_cast<int>(value));
    if (!reason || value < 0 || value > 10) {
        return std::nullopt;
    }
    return *reason;
}

int quiet(const char* /*component*/,
          const char* /*file*/,
          int /*line*/,
          OSSL_CMP_severity /*level*/,
          const char* /*message*/) {
    return 1;
}

Bytes template_public_key(const OSSL_CRMF_MSG* message) {
    const Bytes der =
        der_of<OSSL_CRMF_CERTTEMPLATE, encode_template>(OSSL_CRMF_MSG_get0_tmpl(message));
    const auto outer = pkix::read_der_value(der);
    const auto members = outer ? pkix::der_members(*outer) : std::nullopt;
    if (!members) {
        return {};
    }
    for (const auto& member : *members) {
        if (member.tag_class == pkix::TagClass::context_specific && member.tag == 6 &&
            member.constructed) {
            Bytes spki = bytes_of(member);
            spki[0] = 0x30;
            return spki;
        }
    }
    return {};
}

long pki_status(const OSSL_CMP_PKISI* status_info) {
    if (status_info == nullptr) {
        return OSSL_CMP_PKISTATUS_accepted;
    }
    const Bytes der = der_of<OSSL_CMP_PKISI, encode_status>(status_info);
    const auto outer = pkix::read_der_value(der);
    const auto members = outer ? pkix::der_members(*outer) : std::nullopt;
    if (!members || members->empty() || !members->front().is_universal(pkix::der_integer)) {
        return OSSL_CMP_PKISTATUS_rejection;
    }
    const Bytes integer = bytes_of(members->front());
    const unsigned char* cursor = integer.data();
    crypto::Owned<ASN1_INTEGER, ASN1_INTEGER_free> value(
        d2i_ASN1_INTEGER(nullptr, &cursor, static_cast<long>(integer.size())));
    return value ? ASN1_INTEGER_get(value.get()) : OSSL_CMP_PKISTATUS_rejection;
}

int failure_bit(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_request:
            return OSSL_CMP_PKIFAILUREINFO_badRequest;
        case ErrorKind::unauthenticated:
            return OSSL_CMP_PKIFAILUREINFO_badMessageCheck;
        case ErrorKind::forbidden:
            return OSSL_CMP_PKIFAILUREINFO_notAuthorized;
        case ErrorKind::not_found:
            return OSSL_CMP_PKIFAILUREINFO_badCertId;
        case ErrorKind::conflict:
            return OSSL_CMP_PKIFAILUREINFO_duplicateCertReq;
        case ErrorKind::policy_rejected:
            return OSSL_CMP_PKIFAILUREINFO_badCertTemplate;
        case ErrorKind::bad_proof_of_possession:
            return OSSL_CMP_PKIFAILUREINFO_badPOP;
        case ErrorKind::unavailable:
            return OSSL_CMP_PKIFAILUREINFO_systemUnavail;
        case ErrorKind::internal:
            return OSSL_CMP_PKIFAILUREINFO_systemFailure;
    }
    return OSSL_CMP_PKIFAILUREINFO_systemFailure;
}

std::string failure_name(int bit) {
    static constexpr std::array<const char*, 27> names{"badAlg",
                                                       "badMessageCheck",
                                                       "badRequest",
                                                       "badTime",
                                                       "badCertId",
                                                       "badDataFormat",
                                                       "wrongAuthority",
                                                       "incorrectData",
                                                       "missingTimeStamp",
                                                       "badPOP",
                                                       "certRevoked",
                                                       "certConfirmed",
                                                       "wrongIntegrity",
                                                       "badRecipientNonce",
                                                       "timeNotAvailable",
                                                       "unacceptedPolicy",
                                                       "unacceptedExtension",
                                                       "addInfoNotAvailable",
                                                       "badSenderNonce",
                                                       "badCertTemplate",
                                                       "signerNotTrusted",
                                                       "transactionIdInUse",
                                                       "unsupportedVersion",
                                                       "notAuthorized",
                                                       "systemUnavail",
                                                       "systemFailure",
                                                       "duplicateCertReq"};
    if (bit < 0 || static_cast<std::size_t>(bit) >= names.size()) {
        return "unknown";
    }
    return names[static_cast<std::size_t>(bit)];
}

std::string status_text(const Error& error) {
    std::string text = error.kind == ErrorKind::internal ? "internal error" : error.detail;
    for (const auto& violation : error.violations) {
        text += "; " + violation.detail;
    }
    return text;
}

OSSL_CMP_PKISI* rejection(int failure, const std::string& text) {
    return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_rejection, 1 << failure, text.c_str());
}

bool signature_verifies(const OSSL_CMP_MSG* request, const pkix::Certificate& signer) {
    CmpCtxPtr context(OSSL_CMP_CTX_new(nullptr, nullptr));
    if (!context) {
        return false;
    }
    OSSL_CMP_CTX_set_log_cb(context.get(), quiet);
    const bool verifies = OSSL_CMP_CTX_set1_srvCert(context.get(), signer.get()) == 1 &&
                          OSSL_CMP_validate_msg(context.get(), request) == 1;
    ERR_clear_error();
    return verifies;
}

bool mac_verifies(const OSSL_CMP_MSG* request, const SecretBytes& secret) {
    CmpCtxPtr context(OSSL_CMP_CTX_new(nullptr, nullptr));
    if (!context) {
        return false;
    }
    // OpenSSL reads the secret only; the const_cast is for its non-const signature.
    auto* bytes = const_cast<unsigned char*>(secret.bytes().data());
    const bool verifies =
        OSSL_CMP_CTX_set1_secretValue(context.get(), bytes, static_cast<int>(secret.size())) == 1 &&
        OSSL_CMP_validate_msg(context.get(), request) == 1;
    ERR_clear_error();
    return verifies;
}

std::vector<SecretBytes> secret_spellings(const SecretBytes& digits) {
    std::vector<SecretBytes> spellings;
    spellings.push_back(digits);
    std::vector<std::uint8_t> grouped;
    const auto bytes = digits.bytes();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0 && i % 4 == 0) {
            grouped.push_back('-');
        }
        grouped.push_back(bytes[i]);
    }
    spellings.emplace_back(std::move(grouped));
    return spellings;
}

}  // namespace dojang::cmp::detail
