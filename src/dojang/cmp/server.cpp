// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmp/server.hpp"

#include "dojang/core/text.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/encrypted_vid.hpp"
#include "dojang/npki/oids.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/pkix/der.hpp"

#include <openssl/crmf.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <optional>
#include <vector>

namespace dojang::cmp {
namespace {

using SrvCtxPtr = crypto::Owned<OSSL_CMP_SRV_CTX, OSSL_CMP_SRV_CTX_free>;
using MsgPtr = crypto::Owned<OSSL_CMP_MSG, OSSL_CMP_MSG_free>;
using CmpCtxPtr = crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free>;

/// Transactions waiting for certConf are dropped after this (the RA revokes the certificate
/// when it stays unconfirmed) and there are never more than this many.
/// How long a transaction waits for its certConf or pollReq; a renewal never confirmed by
/// then is revoked.
constexpr auto waiting_lifetime = std::chrono::hours{2};
/// Labels of what the RA seals for a stored transaction.
constexpr std::string_view request_label = "dojang-cmp-request-v1";
constexpr std::string_view token_label = "dojang-cmp-token-v1";

/// PKIBody choices (RFC 4210 5.1.2); OpenSSL 3.0 keeps its names for them private.
constexpr int body_ir = 0;
constexpr int body_kur = 7;
constexpr int body_rr = 11;
constexpr int body_genm = 21;
constexpr int body_error = 23;
constexpr int body_cert_conf = 24;
constexpr int body_poll_req = 25;
constexpr int body_ip = 1;
constexpr int body_cp = 3;
constexpr int body_kup = 8;
constexpr int body_pki_conf = 19;

/// The PKIBody names in choice order (RFC 4210 5.1.2), for the audit log.
constexpr std::array<const char*, 27> body_names{
    "ir",     "ip",      "cr",     "cp",   "p10cr", "popdecc", "popdecr",  "kur",     "kup",
    "krr",    "krp",     "rr",     "rp",   "ccr",   "ccp",     "ckuann",   "cann",    "rann",
    "crlann", "pkiconf", "nested", "genm", "genp",  "error",   "certConf", "pollReq", "pollRep"};

std::string body_name(int body) {
    if (body < 0 || static_cast<std::size_t>(body) >= body_names.size()) {
        return "unknown";
    }
    return body_names[static_cast<std::size_t>(body)];
}

/// id-it-caCerts (RFC 9480 section 2.4); OpenSSL 3.0 has no NID for it.
constexpr const char* ca_certs_oid = "1.3.6.1.5.5.7.4.17";

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

template <typename T, int (*Encode)(const T*, unsigned char**)>
Bytes der_of(const T* value) {
    unsigned char* out = nullptr;
    const int length = Encode(value, &out);
    if (length <= 0) {
        return {};
    }
    Bytes bytes(out, out + length);
    OPENSSL_free(out);
    return bytes;
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
int encode_message(const OSSL_CMP_MSG* message, unsigned char** out) {
    return i2d_OSSL_CMP_MSG(const_cast<OSSL_CMP_MSG*>(message), out);
}
int encode_request(const X509_REQ* request, unsigned char** out) {
    return i2d_X509_REQ(request, out);
}

/// The header's senderKID [2] (RFC 4210 5.1.1): OpenSSL 3.0 has no getter for it.
std::optional<std::string> sender_kid(const OSSL_CMP_PKIHEADER* header) {
    const Bytes der = der_of<OSSL_CMP_PKIHEADER, encode_header>(header);
    const auto octets = header_field(der, 2);
    if (!octets || !octets->is_universal(pkix::der_octet_string)) {
        return std::nullopt;
    }
    return std::string(octets->contents.begin(), octets->contents.end());
}

/// senderNonce [5] of a header: the recipNonce the peer's next message carries.
Bytes sender_nonce(const OSSL_CMP_PKIHEADER* header) {
    const Bytes der = der_of<OSSL_CMP_PKIHEADER, encode_header>(header);
    const auto octets = header_field(der, 5);
    if (!octets || !octets->is_universal(pkix::der_octet_string)) {
        return {};
    }
    return {octets->contents.begin(), octets->contents.end()};
}

/// Whether the header names a protection algorithm (protectionAlg [1]).
bool is_protected(const OSSL_CMP_PKIHEADER* header) {
    return header_field(der_of<OSSL_CMP_PKIHEADER, encode_header>(header), 1).has_value();
}

/// Whether the header's protectionAlg [1] is the password-based MAC (RFC 4210 5.1.3.1).
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

/// The certificates of the message's extraCerts [1] (RFC 4210 5.1): a signing client puts its
/// own certificate there. OpenSSL 3.0 has no getter; unreadable entries are skipped.
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

/// The reason of the first RevDetails of an rr (RFC 4210 5.3.9): the CRLReason extension of
/// crlEntryDetails (RFC 5280 5.3.1), unspecified when absent; nothing when it is malformed or
/// not a CRLReason value.
std::optional<store::RevocationReason> revocation_reason(const Bytes& message_der) {
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
        return store::RevocationReason::unspecified;
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
        return critical == -1 ? std::optional(store::RevocationReason::unspecified) : std::nullopt;
    }
    const long value = ASN1_ENUMERATED_get(code);
    ASN1_ENUMERATED_free(code);
    auto reason = store::revocation_reason_from_code(static_cast<int>(value));
    if (!reason || value < 0 || value > 10) {
        return std::nullopt;
    }
    return *reason;
}

/// OpenSSL's CMP log goes to stderr by default; refusals are answered, not logged here.
int quiet(const char* /*component*/,
          const char* /*file*/,
          int /*line*/,
          OSSL_CMP_severity /*level*/,
          const char* /*message*/) {
    return 1;
}

/// The CRMF template's publicKey [6] (RFC 4211 5) as a SubjectPublicKeyInfo: the field is
/// IMPLICIT, so the SEQUENCE tag replaces the context tag. OpenSSL 3.0 has no getter.
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

/// PKIStatus of a PKIStatusInfo (RFC 4210 5.2.3); accepted (0) when absent.
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

/// PKIFailureInfo bit for an error kind (architecture.md, "Errors").
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

/// The ASN.1 name of a PKIFailureInfo bit (RFC 4210 5.2.3), for the audit log.
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

/// The serial of a certificate as hex, or "?" when it has none we accept.
std::string record_serial_hex(const pkix::Certificate& certificate) {
    auto serial = certificate.serial();
    return serial ? serial->hex() : std::string("?");
}

/// The statusString a person reads: the detail and every violation (internal causes stay out).
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

/// Whether the request is signed with the key of `signer` (RFC 4210 5.1.3.3). OpenSSL checks
/// the signature against the pinned certificate only; the caller decides whether the
/// certificate may authenticate its holder.
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

/// Whether `secret` verifies the request's password-based MAC.
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

/// The code as the holder may type it into a client: the digits, or grouped by four.
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

}  // namespace

struct Server::Transaction {
    ra::ReissueService* reissue = nullptr;
    ra::RenewalService* renewal = nullptr;
    const ca::Authority* issuing = nullptr;
    const ServerServices* services = nullptr;
    SrvCtxPtr server;
    std::string reference;
    std::optional<SecretBytes> code;  ///< the secret that verified the request's MAC
    /// The holder's certificate whose key signed the request (kur, rr), checked by the RA.
    std::optional<pkix::Certificate> signer;
    std::optional<store::RevocationReason> revocation_reason;  ///< rr
    /// Set when the request is refused before OpenSSL processes it: failInfo bit and text.
    std::optional<std::pair<int, std::string>> refusal;
    std::optional<SerialNumber> serial;        ///< issued, waiting for certConf
    std::optional<SerialNumber> renewed_from;  ///< kur: the certificate being renewed
    std::string confirmation_token;
    Bytes certificate_hash;
    /// The ir/cr/p10cr answered `waiting` (its application is in review), replayed when a
    /// pollReq finds it approved.
    MsgPtr pending_request;
    /// For the audit log: who sent the request, and the last refusal answered.
    std::string sender = "anonymous";
    std::optional<std::pair<int, std::string>> outcome;
    /// The certificate request that started the transaction (DER), kept sealed in the store.
    Bytes request_der;
    /// Set while a stored transaction is rebuilt: the certificate request is processed again
    /// only to bring OpenSSL's context to where it was, and answered from this record.
    const store::CmpTransactionRecord* replay = nullptr;
};

namespace {

/// Ownership-transferring copies of the CA certificates for extraCerts, caPubs and genp.
STACK_OF(X509) * certificate_stack(const std::vector<const pkix::Certificate*>& certificates) {
    STACK_OF(X509)* stack = sk_X509_new_null();
    for (const auto* certificate : certificates) {
        X509* copy = X509_dup(certificate->get());
        if (stack == nullptr || copy == nullptr || sk_X509_push(stack, copy) == 0) {
            X509_free(copy);
            sk_X509_pop_free(stack, X509_free);
            return nullptr;
        }
    }
    return stack;
}

Server::Transaction& transaction_of(OSSL_CMP_SRV_CTX* server) {
    return *static_cast<Server::Transaction*>(OSSL_CMP_SRV_CTX_get0_custom_ctx(server));
}

/// A rejection that is also remembered for the audit log.
OSSL_CMP_PKISI* refuse(Server::Transaction& transaction, int failure, const std::string& text) {
    transaction.outcome = {failure, text};
    return rejection(failure, text);
}

/// Fills the answer of an accepted certificate request and remembers what certConf checks.
OSSL_CMP_PKISI* answer_certificate(Server::Transaction& transaction,
                                   const OSSL_CMP_MSG* request,
                                   const pkix::Certificate& certificate,
                                   X509** certificate_out,
                                   STACK_OF(X509) * *chain_out,
                                   STACK_OF(X509) * *ca_pubs) {
    // The chain goes in extraCerts; an ir (initial registration) also gets the root as caPubs.
    std::vector<const pkix::Certificate*> chain{&transaction.issuing->certificate};
    for (const auto& above : transaction.issuing->chain) {
        chain.push_back(&above);
    }
    *certificate_out = X509_dup(certificate.get());
    *chain_out = certificate_stack(chain);
    if (OSSL_CMP_MSG_get_bodytype(request) == body_ir) {
        *ca_pubs = certificate_stack({chain.back()});
    }
    crypto::Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> hash(
        X509_digest_sig(certificate.get(), nullptr, nullptr));
    auto serial = certificate.serial();
    if (*certificate_out == nullptr || *chain_out == nullptr || !hash || !serial) {
        return refuse(transaction, OSSL_CMP_PKIFAILUREINFO_systemFailure, "internal error");
    }
    transaction.serial = *serial;
    transaction.certificate_hash.assign(hash->data, hash->data + hash->length);
    return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, nullptr);
}

/// kur (RFC 4210 5.3.5): renewal signed with the current certificate's key, which the request
/// names in id-regCtrl-oldCertID (korea.md); the RA applies the renewal window.
OSSL_CMP_PKISI* on_key_update_request(Server::Transaction& transaction,
                                      const OSSL_CMP_MSG* request,
                                      const OSSL_CRMF_MSG* crmf,
                                      X509** certificate_out,
                                      STACK_OF(X509) * *chain_out,
                                      STACK_OF(X509) * *ca_pubs) {
    if (!transaction.signer) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                      "sign the renewal request with the key of your current certificate (현재 "
                      "인증서의 키로 서명해야 합니다)");
    }
    if (crmf == nullptr) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badRequest,
                      "the request carries no certificate request");
    }
    X509* signer = transaction.signer->get();
    const OSSL_CRMF_CERTID* old_id = OSSL_CRMF_MSG_get0_regCtrl_oldCertID(crmf);
    if (old_id != nullptr &&
        (X509_NAME_cmp(OSSL_CRMF_CERTID_get0_issuer(old_id), X509_get_issuer_name(signer)) != 0 ||
         ASN1_INTEGER_cmp(OSSL_CRMF_CERTID_get0_serialNumber(old_id),
                          X509_get0_serialNumber(signer)) != 0)) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badCertId,
                      "oldCertID does not name the certificate that signed the request (갱신할 "
                      "인증서와 서명한 인증서가 다릅니다)");
    }
    Bytes public_key = template_public_key(crmf);
    if (public_key.empty()) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badCertTemplate,
                      "the certificate template carries no public key");
    }
    auto renewed = transaction.renewal->renew(*transaction.signer, public_key);
    if (!renewed) {
        return refuse(transaction, failure_bit(renewed.error().kind), status_text(renewed.error()));
    }
    transaction.renewed_from = *transaction.signer->serial();
    return answer_certificate(
        transaction, request, renewed->certificate, certificate_out, chain_out, ca_pubs);
}

tl::unexpected<Error> bad_random_num(std::string detail) {
    return fail(ErrorKind::invalid_request, "RANDOM_NUM_INVALID", std::move(detail));
}

/// What the holder's request says about the VID: R, and the VID its client computed when it
/// came as an EncryptedVID.
struct HolderVid {
    std::optional<Bytes> random_num;
    std::optional<Bytes> claimed_vid;
    npki::HashAlgorithm algorithm = npki::HashAlgorithm::sha256;
};

/// R in a CRMF request's regInfo utf8Pairs ("randomNum?<hex>%"), if any. OpenSSL 3.0's
/// OSSL_CRMF_MSG_get0_regInfo_utf8Pairs reads the controls, not regInfo, so npki reads it.
Result<std::optional<Bytes>> utf8_pairs_random_num(const OSSL_CRMF_MSG* crmf) {
    auto value = npki::reg_info_value(crmf, "1.3.6.1.5.5.7.5.2.1");  // id-regInfo-utf8Pairs
    if (!value || !*value) {
        return value ? Result<std::optional<Bytes>>{std::optional<Bytes>{}}
                     : tl::unexpected(value.error());
    }
    const unsigned char* cursor = (*value)->data();
    crypto::Owned<ASN1_UTF8STRING, ASN1_UTF8STRING_free> pairs(
        d2i_ASN1_UTF8STRING(nullptr, &cursor, static_cast<long>((*value)->size())));
    if (!pairs) {
        ERR_clear_error();
        return bad_random_num("regInfo utf8Pairs is not a UTF8String");
    }
    return random_num_of_utf8_pairs(
        std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(pairs.get())),
                         static_cast<std::size_t>(ASN1_STRING_length(pairs.get()))));
}

/// The EncryptedVID in a CRMF request's regInfo, opened with the CA's VID encryption key.
Result<std::optional<npki::ClaimedVid>> encrypted_vid(const Server::Transaction& transaction,
                                                      const OSSL_CRMF_MSG* crmf) {
    auto sealed = npki::reg_info_value(crmf, npki::encrypted_vid_oid);
    if (!sealed || !*sealed) {
        return sealed ? Result<std::optional<npki::ClaimedVid>>{std::nullopt}
                      : tl::unexpected(sealed.error());
    }
    const ServerServices& services = *transaction.services;
    if (services.vid_certificate == nullptr || services.vid_key == nullptr) {
        return fail(ErrorKind::invalid_request,
                    "ENCRYPTED_VID_UNSUPPORTED",
                    "this CA has no VID encryption key; send R (randomNum) instead");
    }
    auto claim = npki::open_vid(**sealed, services.vid_certificate->get(), services.vid_key->key());
    DOJANG_TRY(claim);
    return std::optional<npki::ClaimedVid>{std::move(*claim)};
}

/// The holder's R for the VID (cmp/README.md, "randomNum"): the randomNum attribute of a
/// p10cr's PKCS#10 request, or in an ir/cr a regInfo utf8Pairs "randomNum?<hex>%" or an
/// EncryptedVID (then with the VID the client computed); nothing when the request carries
/// none. invalid_request with a readable text unless R is 20 bytes and sent once.
Result<HolderVid> holder_vid(const Server::Transaction& transaction,
                             const OSSL_CRMF_MSG* crmf,
                             const X509_REQ* p10cr) {
    HolderVid found;
    Result<std::optional<Bytes>> random_num = std::optional<Bytes>{};
    if (p10cr != nullptr) {
        random_num = npki::random_num_of(p10cr);
    } else if (crmf != nullptr && (random_num = utf8_pairs_random_num(crmf))) {
        auto claim = encrypted_vid(transaction, crmf);
        DOJANG_TRY(claim);
        if (*claim && *random_num) {
            return bad_random_num(
                "send R once: either in utf8Pairs or in the EncryptedVID (R 은 한 번만 "
                "보내십시오)");
        }
        if (*claim) {
            found.claimed_vid = std::move((*claim)->vid);
            found.algorithm = (*claim)->algorithm;
            random_num = std::optional<Bytes>{std::move((*claim)->random_num)};
        }
    }
    if (!random_num) {
        if (random_num.error().kind != ErrorKind::invalid_request) {
            return tl::unexpected(random_num.error());
        }
        return bad_random_num(random_num.error().detail + " (randomNum 형식이 올바르지 않습니다)");
    }
    if (*random_num && (*random_num)->size() != npki::random_num_size) {
        return bad_random_num("randomNum (R) must be exactly 20 bytes; got " +
                              std::to_string((*random_num)->size()) +
                              " (R 은 20 바이트여야 합니다)");
    }
    found.random_num = std::move(*random_num);
    return found;
}

/// The answer a stored transaction gave, given again while it is rebuilt: `waiting` for a
/// request in review, the recorded certificate for one that was issued.
OSSL_CMP_PKISI* replay_answer(Server::Transaction& transaction,
                              const OSSL_CMP_MSG* request,
                              X509** certificate_out,
                              STACK_OF(X509) * *chain_out,
                              STACK_OF(X509) * *ca_pubs) {
    const store::CmpTransactionRecord& record = *transaction.replay;
    if (record.state == "waiting") {
        transaction.pending_request.reset(OSSL_CMP_MSG_dup(request));
        return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_waiting, 0, nullptr);
    }
    auto serial = SerialNumber::from_hex(record.serial);
    if (!serial) {
        return nullptr;
    }
    std::optional<store::CertificateRecord> stored;
    auto read =
        transaction.services->database.transact([&](store::Transaction& tx) -> Result<void> {
            auto found = tx.certificates().find(*serial);
            DOJANG_TRY(found);
            stored = std::move(*found);
            return ok();
        });
    // Only a certificate still waiting for its confirmation: one the RA revoked meanwhile
    // (never confirmed in time) cannot be confirmed any more.
    if (!read || !stored || stored->der.empty() ||
        stored->status != store::CertificateStatus::issued) {
        return nullptr;
    }
    auto certificate = pkix::Certificate::parse(stored->der);
    if (!certificate) {
        return nullptr;
    }
    if (!record.token_sealed.empty()) {
        auto token = transaction.reissue->open(record.token_sealed, token_label);
        if (!token) {
            return nullptr;
        }
        transaction.confirmation_token = std::string(token->chars(), token->size());
    }
    if (!record.renewed_from.empty()) {
        auto renewed = SerialNumber::from_hex(record.renewed_from);
        if (!renewed) {
            return nullptr;
        }
        transaction.renewed_from = *renewed;
    }
    return answer_certificate(
        transaction, request, *certificate, certificate_out, chain_out, ca_pubs);
}

/// ir/cr/p10cr: the RA applies every rule of the reissue journey; OpenSSL has verified the
/// MAC and the proof of possession before calling this.
OSSL_CMP_PKISI* on_certificate_request(OSSL_CMP_SRV_CTX* server,
                                       const OSSL_CMP_MSG* request,
                                       int /*cert_request_id*/,
                                       const OSSL_CRMF_MSG* crmf,
                                       const X509_REQ* p10cr,
                                       X509** certificate_out,
                                       STACK_OF(X509) * *chain_out,
                                       STACK_OF(X509) * *ca_pubs) {
    Server::Transaction& transaction = transaction_of(server);
    if (transaction.refusal) {
        return refuse(transaction, transaction.refusal->first, transaction.refusal->second);
    }
    if (transaction.replay != nullptr) {
        return replay_answer(transaction, request, certificate_out, chain_out, ca_pubs);
    }
    if (OSSL_CMP_MSG_get_bodytype(request) == body_kur) {
        return on_key_update_request(
            transaction, request, crmf, certificate_out, chain_out, ca_pubs);
    }
    if (!transaction.code) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                      "protect the request with the reference number and the authorization code");
    }
    const std::string code(transaction.code->chars(), transaction.code->size());
    auto vid = holder_vid(transaction, crmf, p10cr);
    if (!vid) {
        return refuse(transaction, failure_bit(vid.error().kind), vid.error().detail);
    }
    Result<ra::IssuedCertificate> issued = fail(ErrorKind::invalid_request,
                                                "CMP_REQUEST_EMPTY",
                                                "the request carries no certificate request");
    if (p10cr != nullptr) {
        issued = transaction.reissue->issue(
            ra::CertificateRequest{transaction.reference,
                                   code,
                                   der_of<X509_REQ, encode_request>(p10cr),
                                   std::move(vid->random_num),
                                   std::nullopt,
                                   vid->algorithm});
    } else if (crmf != nullptr) {
        Bytes public_key = template_public_key(crmf);
        if (public_key.empty()) {
            return refuse(transaction,
                          OSSL_CMP_PKIFAILUREINFO_badCertTemplate,
                          "the certificate template carries no public key");
        }
        issued = transaction.reissue->issue_for_key(
            ra::KeyCertificateRequest{transaction.reference,
                                      code,
                                      std::move(public_key),
                                      std::move(vid->random_num),
                                      std::move(vid->claimed_vid),
                                      vid->algorithm});
    }
    if (!issued && issued.error().code == "APPLICATION_IN_REVIEW") {
        // Delayed delivery (RFC 4210 5.1.3.4 / 9480): keep the request, the client polls.
        transaction.pending_request.reset(OSSL_CMP_MSG_dup(request));
        return OSSL_CMP_STATUSINFO_new(
            OSSL_CMP_PKISTATUS_waiting, 0, status_text(issued.error()).c_str());
    }
    if (!issued) {
        return refuse(transaction, failure_bit(issued.error().kind), status_text(issued.error()));
    }
    transaction.pending_request.reset();
    transaction.confirmation_token = issued->confirmation_token;
    return answer_certificate(
        transaction, request, issued->certificate, certificate_out, chain_out, ca_pubs);
}

/// rr (RFC 4210 5.3.9): the holder revokes the certificate whose key signed the request, with
/// the CRLReason of crlEntryDetails.
OSSL_CMP_PKISI* on_revocation_request(OSSL_CMP_SRV_CTX* server,
                                      const OSSL_CMP_MSG* /*request*/,
                                      const X509_NAME* issuer,
                                      const ASN1_INTEGER* serial) {
    Server::Transaction& transaction = transaction_of(server);
    if (transaction.refusal) {
        return refuse(transaction, transaction.refusal->first, transaction.refusal->second);
    }
    if (!transaction.signer) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                      "sign the revocation request with the key of the certificate (폐지할 "
                      "인증서의 키로 서명해야 합니다)");
    }
    X509* signer = transaction.signer->get();
    if (issuer == nullptr || serial == nullptr ||
        X509_NAME_cmp(issuer, X509_get_issuer_name(signer)) != 0 ||
        ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(signer)) != 0) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_notAuthorized,
                      "only the certificate whose key signs the request can be revoked this way "
                      "(서명한 인증서만 폐지할 수 있습니다)");
    }
    if (!transaction.revocation_reason) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badRequest,
                      "crlEntryDetails must hold one RFC 5280 CRLReason (폐지 사유가 올바르지 "
                      "않습니다)");
    }
    auto revoked = transaction.renewal->revoke(*transaction.signer, *transaction.revocation_reason);
    if (!revoked) {
        return refuse(transaction, failure_bit(revoked.error().kind), status_text(revoked.error()));
    }
    return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, nullptr);
}

/// certConf: the holder installed the certificate (RFC 4210 5.3.18); the RA completes the
/// reissue. A rejecting certConf leaves it unconfirmed, so the RA revokes it later.
/// pollReq: while the application is in review the answer is a pollRep with checkAfter; once
/// approved, OpenSSL processes the kept request again and answers with its ip/cp.
int on_poll_request(OSSL_CMP_SRV_CTX* server,
                    const OSSL_CMP_MSG* /*request*/,
                    int /*cert_request_id*/,
                    OSSL_CMP_MSG** certificate_request,
                    int64_t* check_after) {
    Server::Transaction& transaction = transaction_of(server);
    *certificate_request = nullptr;
    if (!transaction.pending_request) {
        return 0;  // nothing of this transaction waits: OpenSSL answers with an error
    }
    auto waiting = transaction.reissue->in_review(transaction.reference);
    if (waiting && *waiting) {
        *check_after = transaction.services->poll_interval.count();
        return 1;
    }
    // Approved, rejected or gone: the request runs again and gets the RA's answer.
    *certificate_request = OSSL_CMP_MSG_dup(transaction.pending_request.get());
    transaction.pending_request.reset();
    return *certificate_request != nullptr ? 1 : 0;
}

int on_certificate_confirmation(OSSL_CMP_SRV_CTX* server,
                                const OSSL_CMP_MSG* /*request*/,
                                int /*cert_request_id*/,
                                const ASN1_OCTET_STRING* certificate_hash,
                                const OSSL_CMP_PKISI* status_info) {
    Server::Transaction& transaction = transaction_of(server);
    if (transaction.refusal || !transaction.serial || certificate_hash == nullptr) {
        return 0;
    }
    const Bytes presented(certificate_hash->data,
                          certificate_hash->data + certificate_hash->length);
    if (presented != transaction.certificate_hash) {
        ERR_raise(ERR_LIB_CMP, CMP_R_CERTHASH_UNMATCHED);
        return 0;
    }
    const bool accepted = pki_status(status_info) == OSSL_CMP_PKISTATUS_accepted;
    if (transaction.renewed_from) {
        // A renewal: the old certificate is superseded once the new one is installed; a
        // refused one is revoked at once and the old one stays valid.
        auto done =
            accepted ? transaction.renewal->confirm(*transaction.renewed_from, *transaction.serial)
                     : transaction.renewal->abandon(*transaction.serial);
        return done ? 1 : 0;
    }
    if (!accepted) {
        return 1;
    }
    auto confirmed =
        transaction.reissue->confirm(*transaction.serial, transaction.confirmation_token);
    return confirmed ? 1 : 0;
}

/// genm: the CA certificates as id-it-caCerts (RFC 9480 2.4), whatever was asked.
int on_general_message(OSSL_CMP_SRV_CTX* server,
                       const OSSL_CMP_MSG* /*request*/,
                       const STACK_OF(OSSL_CMP_ITAV) * /*in*/,
                       STACK_OF(OSSL_CMP_ITAV) * *out) {
    Server::Transaction& transaction = transaction_of(server);
    if (transaction.refusal) {
        return 0;
    }
    Bytes certificates = *transaction.issuing->certificate.der();
    for (const auto& above : transaction.issuing->chain) {
        const Bytes der = *above.der();
        certificates.insert(certificates.end(), der.begin(), der.end());
    }
    const int header_length = ASN1_object_size(1, static_cast<int>(certificates.size()), -1) -
                              static_cast<int>(certificates.size());
    Bytes sequence(static_cast<std::size_t>(header_length));
    unsigned char* cursor = sequence.data();
    ASN1_put_object(
        &cursor, 1, static_cast<int>(certificates.size()), V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
    sequence.insert(sequence.end(), certificates.begin(), certificates.end());
    ASN1_STRING* value = ASN1_STRING_type_new(V_ASN1_SEQUENCE);
    ASN1_TYPE* type = ASN1_TYPE_new();
    ASN1_OBJECT* oid = OBJ_txt2obj(ca_certs_oid, 1);
    STACK_OF(OSSL_CMP_ITAV)* itavs = sk_OSSL_CMP_ITAV_new_null();
    OSSL_CMP_ITAV* itav = nullptr;
    if (value != nullptr && type != nullptr && oid != nullptr && itavs != nullptr &&
        ASN1_STRING_set(value, sequence.data(), static_cast<int>(sequence.size())) == 1) {
        ASN1_TYPE_set(type, V_ASN1_SEQUENCE, value);
        value = nullptr;
        itav = OSSL_CMP_ITAV_create(oid, type);
    }
    if (itav == nullptr || sk_OSSL_CMP_ITAV_push(itavs, itav) == 0) {
        if (itav != nullptr) {
            OSSL_CMP_ITAV_free(itav);
        } else {
            ASN1_STRING_free(value);
            ASN1_TYPE_free(type);
            ASN1_OBJECT_free(oid);
        }
        sk_OSSL_CMP_ITAV_free(itavs);
        return 0;
    }
    *out = itavs;
    return 1;
}

}  // namespace

Server::Server(const ServerServices& services) : services_(services) {}

Server::~Server() = default;

std::unique_ptr<Server::Transaction> Server::start(const OSSL_CMP_MSG* request) {
    auto transaction = std::make_unique<Transaction>();
    transaction->reissue = &services_.reissue;
    transaction->services = &services_;
    transaction->renewal = &services_.renewal;
    transaction->issuing = &services_.issuing;
    const OSSL_CMP_PKIHEADER* header = OSSL_CMP_MSG_get0_header(request);
    if (is_protected(header) && !is_mac_protected(header)) {
        start_with_signature(*transaction, request);
    } else {
        start_with_codes(*transaction, request);
    }
    if (!transaction->server) {
        return nullptr;
    }
    OSSL_CMP_CTX_set_log_cb(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction->server.get()), quiet);
    if (OSSL_CMP_SRV_CTX_init(transaction->server.get(),
                              transaction.get(),
                              on_certificate_request,
                              on_revocation_request,
                              on_general_message,
                              nullptr,
                              on_certificate_confirmation,
                              on_poll_request) != 1) {
        return nullptr;
    }
    // Nothing of the checks above may end up in OpenSSL's error answers.
    ERR_clear_error();
    return transaction;
}

void Server::start_with_codes(Transaction& transaction, const OSSL_CMP_MSG* request) {
    // 1. Find the secret: senderKID is the reference number, the secret its authorization
    //    code (korea.md). OpenSSL 3.0 has no getter for senderKID: read it from the header.
    const OSSL_CMP_PKIHEADER* header = OSSL_CMP_MSG_get0_header(request);
    const auto reference = sender_kid(header);
    const std::string wrong_codes =
        "the reference number or the authorization code is not correct (참조번호 또는 "
        "인가코드가 올바르지 않습니다)";
    if (is_protected(header) && reference) {
        transaction.reference = *reference;
        transaction.sender = "reference:" + *reference;
        auto secret = services_.reissue.authorization_secret(*reference);
        if (secret) {
            for (auto& spelling : secret_spellings(*secret)) {
                if (mac_verifies(request, spelling)) {
                    transaction.code = *secret;  // the RA compares digits only
                    auto* bytes = const_cast<unsigned char*>(spelling.bytes().data());
                    transaction.server.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
                    if (transaction.server) {
                        OSSL_CMP_CTX_set1_secretValue(
                            OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction.server.get()),
                            bytes,
                            static_cast<int>(spelling.size()));
                    }
                    break;
                }
            }
        } else if (secret.error().kind != ErrorKind::unauthenticated) {
            transaction.refusal = {failure_bit(secret.error().kind), status_text(secret.error())};
        }
        if (!transaction.code && !transaction.refusal) {
            transaction.refusal = {OSSL_CMP_PKIFAILUREINFO_badMessageCheck, wrong_codes};
        }
    } else if (OSSL_CMP_MSG_get_bodytype(request) != body_genm) {
        transaction.refusal = {OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                               "protect the request with the reference number and the "
                               "authorization code, or sign it with your certificate's key "
                               "(참조번호와 인가코드로 보호하거나 인증서의 키로 서명해야 합니다)"};
    }
    // 2. Without a verified secret OpenSSL must accept the request unprotected, so that our
    //    callbacks answer with the refusal (or the CA certificates), and answer unprotected.
    if (!transaction.server) {
        transaction.server.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
        if (!transaction.server) {
            return;
        }
        OSSL_CMP_SRV_CTX_set_accept_unprotected(transaction.server.get(), 1);
        OSSL_CMP_SRV_CTX_set_send_unprotected_errors(transaction.server.get(), 1);
        OSSL_CMP_CTX_set_option(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction.server.get()),
                                OSSL_CMP_OPT_UNPROTECTED_SEND,
                                1);
    }
    // The answer's sender is the issuing CA (RFC 4210 5.1.1: a PBM answer needs a sender name).
    OSSL_CMP_CTX_set1_subjectName(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction.server.get()),
                                  X509_get_subject_name(services_.issuing.certificate.get()));
}

void Server::start_with_signature(Transaction& transaction, const OSSL_CMP_MSG* request) {
    // OpenSSL read the message leniently (BER too); the fields it has no getter for are read
    // from its DER re-encoding, which the DER reader takes.
    const Bytes message_der = der_of<OSSL_CMP_MSG, encode_message>(request);
    // 1. The signer: a certificate in extraCerts that this CA issued and recorded, valid and not
    //    revoked now (the RA's rule), signed by the issuing CA, whose key signed the request.
    std::optional<Error> problem;
    for (auto& candidate : extra_certificates(message_der)) {
        auto record = services_.renewal.holder_certificate(candidate);
        if (!record) {
            if (!problem || record.error().kind != ErrorKind::not_found) {
                problem = record.error();
                transaction.sender = "certificate:" + record_serial_hex(candidate);
            }
            continue;
        }
        if (X509_verify(candidate.get(), X509_get0_pubkey(services_.issuing.certificate.get())) !=
                1 ||
            !signature_verifies(request, candidate)) {
            problem = Error{ErrorKind::unauthenticated,
                            "SIGNATURE_INVALID",
                            "the request's signature does not verify with the certificate "
                            "(서명을 확인할 수 없습니다)",
                            {},
                            {}};
            transaction.sender = "certificate:" + record->serial.hex();
            continue;
        }
        transaction.sender = "certificate:" + record->serial.hex();
        transaction.signer.emplace(std::move(candidate));
        break;
    }
    ERR_clear_error();
    if (!transaction.signer) {
        transaction.refusal =
            problem
                ? std::pair{failure_bit(problem->kind), status_text(*problem)}
                : std::pair{OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                            std::string("sign the request with the key of a certificate this CA "
                                        "issued and send that certificate in extraCerts "
                                        "(이 인증기관이 발급한 인증서의 키로 서명하고 "
                                        "인증서를 함께 보내야 합니다)")};
    }
    if (OSSL_CMP_MSG_get_bodytype(request) == body_rr) {
        transaction.revocation_reason = revocation_reason(message_der);
    }
    // 2. OpenSSL checks the protection against the pinned signer; a refused request is
    //    accepted as it is only so that the callbacks can answer with the reason.
    transaction.server.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
    if (!transaction.server) {
        return;
    }
    OSSL_CMP_CTX* context = OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction.server.get());
    if (transaction.signer) {
        OSSL_CMP_CTX_set1_srvCert(context, transaction.signer->get());
    } else {
        OSSL_CMP_SRV_CTX_set_accept_unprotected(transaction.server.get(), 1);
    }
    // 3. The answer is signed with the CMP server certificate, its chain in extraCerts.
    std::vector<const pkix::Certificate*> chain{&services_.issuing.certificate};
    for (const auto& above : services_.issuing.chain) {
        chain.push_back(&above);
    }
    STACK_OF(X509)* untrusted = certificate_stack(chain);
    if (untrusted == nullptr || OSSL_CMP_CTX_set1_cert(context, services_.certificate.get()) != 1 ||
        OSSL_CMP_CTX_set1_pkey(context, services_.key.key()) != 1 ||
        OSSL_CMP_CTX_set1_untrusted(context, untrusted) != 1) {
        transaction.server.reset();
    }
    sk_X509_pop_free(untrusted, X509_free);
}

Result<void> Server::keep(const std::string& transaction_id,
                          const Transaction& transaction,
                          const OSSL_CMP_MSG* response) {
    const Seconds now = services_.clock.now();
    store::CmpTransactionRecord record;
    record.transaction_id = transaction_id;
    record.state = transaction.pending_request ? "waiting" : "issued";
    auto sealed = services_.reissue.seal(transaction.request_der, request_label);
    DOJANG_TRY(sealed);
    record.request_sealed = std::move(*sealed);
    record.sender_nonce = sender_nonce(OSSL_CMP_MSG_get0_header(response));
    record.serial = transaction.serial ? transaction.serial->hex() : std::string();
    record.renewed_from =
        transaction.renewed_from ? transaction.renewed_from->hex() : std::string();
    if (!transaction.confirmation_token.empty()) {
        auto token = services_.reissue.seal(to_bytes(transaction.confirmation_token), token_label);
        DOJANG_TRY(token);
        record.token_sealed = std::move(*token);
    }
    record.expires_at = now + std::chrono::duration_cast<std::chrono::seconds>(waiting_lifetime);
    // Expired rows go; the certificates of transactions never confirmed are the RA's business
    // (revoke_unconfirmed() revokes reissues and renewals alike after confirm_within).
    return services_.database.transact([&](store::Transaction& tx) -> Result<void> {
        auto expired = tx.cmp().expired(now);
        DOJANG_TRY(expired);
        for (const auto& old : *expired) {
            auto erased = tx.cmp().erase(old.transaction_id);
            if (!erased) {
                return erased;
            }
        }
        return tx.cmp().put(record);
    });
}

std::unique_ptr<Server::Transaction> Server::resume(const std::string& transaction_id) {
    std::optional<store::CmpTransactionRecord> record;
    auto read = services_.database.transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.cmp().find(transaction_id);
        DOJANG_TRY(found);
        record = std::move(*found);
        return ok();
    });
    if (!read || !record || record->expires_at < services_.clock.now()) {
        return nullptr;
    }
    auto opened = services_.reissue.open(record->request_sealed, request_label);
    if (!opened) {
        return nullptr;
    }
    const Bytes request_der(opened->bytes().begin(), opened->bytes().end());
    const unsigned char* cursor = request_der.data();
    MsgPtr stored(d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(request_der.size())));
    if (!stored) {
        ERR_clear_error();
        return nullptr;
    }
    // OpenSSL's context holds the transaction's state (transactionID, certReqId, status): it is
    // brought back by processing the stored request again, answered from the record, and then
    // given the nonce our last answer carried.
    auto transaction = start(stored.get());
    if (!transaction) {
        return nullptr;
    }
    transaction->request_der = request_der;
    transaction->replay = &*record;
    MsgPtr replayed(OSSL_CMP_SRV_process_request(transaction->server.get(), stored.get()));
    transaction->replay = nullptr;
    ERR_clear_error();
    if (!replayed || transaction->outcome ||
        OSSL_CMP_MSG_get_bodytype(replayed.get()) == body_error) {
        return nullptr;
    }
    transaction->outcome.reset();
    crypto::Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> nonce(ASN1_OCTET_STRING_new());
    if (!nonce ||
        ASN1_OCTET_STRING_set(nonce.get(),
                              record->sender_nonce.data(),
                              static_cast<int>(record->sender_nonce.size())) != 1 ||
        OSSL_CMP_CTX_set1_senderNonce(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction->server.get()),
                                      nonce.get()) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    return transaction;
}

Result<void> Server::forget(const std::string& transaction_id) {
    return services_.database.transact(
        [&](store::Transaction& tx) { return tx.cmp().erase(transaction_id); });
}

Result<void> Server::audit(const OSSL_CMP_MSG* request,
                           const Transaction* transaction,
                           const OSSL_CMP_MSG* response) {
    const OSSL_CMP_PKIHEADER* header = OSSL_CMP_MSG_get0_header(request);
    const ASN1_OCTET_STRING* id = OSSL_CMP_HDR_get0_transactionID(header);
    const std::string transaction_id =
        id == nullptr ? std::string() : to_hex(Bytes(id->data, id->data + id->length));
    const int answer = response == nullptr ? -1 : OSSL_CMP_MSG_get_bodytype(response);
    std::string outcome = "accepted";
    std::string fail_info;
    std::string text;
    if (transaction != nullptr && transaction->outcome) {
        outcome = "rejection";
        fail_info = failure_name(transaction->outcome->first);
        text = transaction->outcome->second;
    } else if (answer == body_error || answer < 0) {
        outcome = "error";
    } else if (transaction != nullptr && transaction->pending_request) {
        outcome = "waiting";  // the application is in review; the client polls
    }
    std::string details =
        "{\"sender\":" + json_quote(transaction != nullptr ? transaction->sender : "anonymous") +
        ",\"transaction_id\":" + json_quote(transaction_id) +
        ",\"answer\":" + json_quote(body_name(answer)) + ",\"outcome\":" + json_quote(outcome);
    if (!fail_info.empty()) {
        details += ",\"fail_info\":" + json_quote(fail_info) + ",\"text\":" + json_quote(text);
    }
    details += "}";
    const std::string action = "cmp." + body_name(OSSL_CMP_MSG_get_bodytype(request));
    return services_.database.transact([&](store::Transaction& tx) {
        return store::record_audit(
            tx, services_.clock.now(), "cmp", action, transaction_id, details);
    });
}

Result<Bytes> Server::handle(const Bytes& request_der) {
    // 1. Decode (DER only, nothing after the message).
    const unsigned char* cursor = request_der.data();
    MsgPtr request(d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(request_der.size())));
    if (!request || cursor != request_der.data() + request_der.size() ||
        OSSL_CMP_MSG_get0_header(request.get()) == nullptr) {
        ERR_clear_error();
        return fail(ErrorKind::invalid_request,
                    "CMP_MESSAGE_MALFORMED",
                    "the request body is not a DER-encoded PKIMessage (RFC 4210)");
    }
    const ASN1_OCTET_STRING* id =
        OSSL_CMP_HDR_get0_transactionID(OSSL_CMP_MSG_get0_header(request.get()));
    const Bytes transaction_id = id == nullptr ? Bytes{} : Bytes(id->data, id->data + id->length);
    const int body = OSSL_CMP_MSG_get_bodytype(request.get());

    // 2. certConf and pollReq continue the transaction of their ir/cr/p10cr/kur; anything else
    //    starts one.
    //    Their state is in the store, so any node, or this one after a restart, goes on.
    std::unique_ptr<Transaction> transaction;
    const bool continues =
        (body == body_cert_conf || body == body_poll_req) && !transaction_id.empty();
    if (continues) {
        transaction = resume(to_hex(transaction_id));
    }
    if (!transaction) {
        transaction = start(request.get());
        if (transaction && body != body_cert_conf && body != body_poll_req) {
            transaction->request_der = request_der;
        }
    }
    if (!transaction) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_SERVER_FAILED", "cannot set up the CMP server");
    }
    // The outcome of this message only (a certConf's transaction remembers its request's).
    transaction->outcome.reset();

    // 3. OpenSSL checks protection, POP and sequence, calls back, and builds the answer.
    MsgPtr response(OSSL_CMP_SRV_process_request(transaction->server.get(), request.get()));
    ERR_clear_error();
    // 4. An issued certificate waits for its certConf, a `waiting` request for its pollReq: the
    //    transaction is kept in the store until then (RFC 4210 5.1.3.4, 5.3.18). It ends only
    //    with a verified message that ends it (a certConf answered pkiConf, a pollReq answered
    //    with its final ip/cp/kup): a forged or stale message must not end another's transaction.
    //    Done before the audit, so that a failed audit write cannot leave an ended one behind.
    const int answered = response ? OSSL_CMP_MSG_get_bodytype(response.get()) : body_error;
    const std::string id_hex = to_hex(transaction_id);
    Result<void> stored = ok();
    if (!transaction_id.empty() && body != body_cert_conf &&
        (transaction->serial || transaction->pending_request) && answered != body_error) {
        stored = keep(id_hex, *transaction, response.get());
    } else if (continues &&
               ((body == body_cert_conf && answered == body_pki_conf) ||
                (body == body_poll_req &&
                 (answered == body_ip || answered == body_cp || answered == body_kup)))) {
        stored = forget(id_hex);
    }
    // 5. Every message is audited, refused ones too; a failed audit write fails the request.
    auto audited = audit(request.get(), transaction.get(), response.get());
    DOJANG_TRY(audited);
    DOJANG_TRY(stored);
    if (!response) {
        return fail(ErrorKind::internal, "CMP_SERVER_FAILED", "the CMP server could not answer");
    }
    Bytes answer;
    unsigned char* out = nullptr;
    const int length = i2d_OSSL_CMP_MSG(response.get(), &out);
    if (length <= 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_SERVER_FAILED", "cannot encode the CMP answer");
    }
    answer.assign(out, out + length);
    OPENSSL_free(out);
    return answer;
}

Result<std::optional<Bytes>> random_num_of_utf8_pairs(std::string_view pairs) {
    constexpr std::string_view name = "randomNum?";
    std::optional<Bytes> found;
    while (!pairs.empty()) {
        const std::size_t end = pairs.find('%');
        const std::string_view pair = pairs.substr(0, end);
        pairs = end == std::string_view::npos ? std::string_view{} : pairs.substr(end + 1);
        if (!pair.starts_with(name)) {
            continue;
        }
        if (found) {
            return bad_random_num("regInfo utf8Pairs names randomNum more than once");
        }
        const std::string_view value = pair.substr(name.size());
        auto random_num = from_hex(value);
        if (!random_num || random_num->size() != npki::random_num_size ||
            value.size() != 2 * npki::random_num_size) {
            return bad_random_num(
                "randomNum in regInfo utf8Pairs must be 40 hexadecimal digits (R 은 16진수 40 "
                "자리여야 합니다)");
        }
        found = std::move(*random_num);
    }
    return found;
}

}  // namespace dojang::cmp
