// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmp/server.hpp"

#include "dojang/crypto/openssl.hpp"

#include <openssl/crmf.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <optional>
#include <vector>

namespace dojang::cmp {
namespace {

using SrvCtxPtr = crypto::Owned<OSSL_CMP_SRV_CTX, OSSL_CMP_SRV_CTX_free>;
using MsgPtr = crypto::Owned<OSSL_CMP_MSG, OSSL_CMP_MSG_free>;
using CmpCtxPtr = crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free>;

/// Transactions waiting for certConf are dropped after this (the RA revokes the certificate
/// when it stays unconfirmed) and there are never more than this many.
constexpr auto waiting_lifetime = std::chrono::hours{2};
constexpr std::size_t max_waiting = 10000;

/// PKIBody choices (RFC 4210 5.1.2); OpenSSL 3.0 keeps its names for them private.
constexpr int body_ir = 0;
constexpr int body_genm = 21;
constexpr int body_cert_conf = 24;

/// id-it-caCerts (RFC 9480 section 2.4); OpenSSL 3.0 has no NID for it.
constexpr const char* ca_certs_oid = "1.3.6.1.5.5.7.4.17";

/// One TLV of a DER encoding: where its contents are and what tag it has.
struct Element {
    int tag = 0;
    int tag_class = 0;
    std::size_t start = 0;    ///< first byte of the TLV
    std::size_t content = 0;  ///< first byte of the contents
    std::size_t end = 0;      ///< one past the last byte
};

/// The element at `offset` of `der`, or nothing if it does not parse.
std::optional<Element> element_at(const Bytes& der, std::size_t offset, std::size_t limit) {
    if (offset >= limit) {
        return std::nullopt;
    }
    const unsigned char* cursor = der.data() + offset;
    long length = 0;
    int tag = 0;
    int tag_class = 0;
    const int flags =
        ASN1_get_object(&cursor, &length, &tag, &tag_class, static_cast<long>(limit - offset));
    if ((flags & 0x80) != 0 || (flags & 0x01) != 0) {  // error, or indefinite length (not DER)
        return std::nullopt;
    }
    const auto content = static_cast<std::size_t>(cursor - der.data());
    const std::size_t end = content + static_cast<std::size_t>(length);
    if (end > limit) {
        return std::nullopt;
    }
    return Element{tag, tag_class, offset, content, end};
}

/// The elements of the SEQUENCE that `der` is.
std::vector<Element> sequence_elements(const Bytes& der) {
    std::vector<Element> elements;
    const auto outer = element_at(der, 0, der.size());
    if (!outer || outer->tag != V_ASN1_SEQUENCE) {
        return elements;
    }
    std::size_t offset = outer->content;
    while (offset < outer->end) {
        const auto next = element_at(der, offset, outer->end);
        if (!next) {
            return {};
        }
        elements.push_back(*next);
        offset = next->end;
    }
    return elements;
}

/// The context-specific field [tag] of the SEQUENCE `der`.
std::optional<Element> context_field(const Bytes& der, int tag) {
    for (const auto& element : sequence_elements(der)) {
        if (element.tag_class == V_ASN1_CONTEXT_SPECIFIC && element.tag == tag) {
            return element;
        }
    }
    return std::nullopt;
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
int encode_request(const X509_REQ* request, unsigned char** out) {
    return i2d_X509_REQ(request, out);
}

/// The header's senderKID [2] (RFC 4210 5.1.1): OpenSSL 3.0 has no getter for it.
std::optional<std::string> sender_kid(const OSSL_CMP_PKIHEADER* header) {
    const Bytes der = der_of<OSSL_CMP_PKIHEADER, encode_header>(header);
    const auto field = context_field(der, 2);
    if (!field) {
        return std::nullopt;
    }
    const auto octets = element_at(der, field->content, field->end);
    if (!octets || octets->tag != V_ASN1_OCTET_STRING) {
        return std::nullopt;
    }
    return std::string(der.begin() + static_cast<std::ptrdiff_t>(octets->content),
                       der.begin() + static_cast<std::ptrdiff_t>(octets->end));
}

/// Whether the header names a protection algorithm (protectionAlg [1]).
bool is_protected(const OSSL_CMP_PKIHEADER* header) {
    return context_field(der_of<OSSL_CMP_PKIHEADER, encode_header>(header), 1).has_value();
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
    const auto field = context_field(der, 6);
    if (!field || der[field->start] != 0xA6) {
        return {};
    }
    Bytes spki(der.begin() + static_cast<std::ptrdiff_t>(field->start),
               der.begin() + static_cast<std::ptrdiff_t>(field->end));
    spki[0] = 0x30;
    return spki;
}

/// PKIStatus of a PKIStatusInfo (RFC 4210 5.2.3); accepted (0) when absent.
long pki_status(const OSSL_CMP_PKISI* status_info) {
    if (status_info == nullptr) {
        return OSSL_CMP_PKISTATUS_accepted;
    }
    const Bytes der = der_of<OSSL_CMP_PKISI, encode_status>(status_info);
    const auto elements = sequence_elements(der);
    if (elements.empty() || elements.front().tag != V_ASN1_INTEGER) {
        return OSSL_CMP_PKISTATUS_rejection;
    }
    const unsigned char* cursor = der.data() + elements.front().start;
    crypto::Owned<ASN1_INTEGER, ASN1_INTEGER_free> value(d2i_ASN1_INTEGER(
        nullptr, &cursor, static_cast<long>(elements.front().end - elements.front().start)));
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
    const ca::Authority* issuing = nullptr;
    SrvCtxPtr server;
    std::string reference;
    std::optional<SecretBytes> code;  ///< the secret that verified the request's MAC
    /// Set when the request is refused before OpenSSL processes it: failInfo bit and text.
    std::optional<std::pair<int, std::string>> refusal;
    std::optional<SerialNumber> serial;  ///< issued, waiting for certConf
    std::string confirmation_token;
    Bytes certificate_hash;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
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
        return rejection(transaction.refusal->first, transaction.refusal->second);
    }
    if (!transaction.code) {
        return rejection(
            OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
            "protect the request with the reference number and the authorization code");
    }
    const std::string code(transaction.code->chars(), transaction.code->size());
    Result<ra::IssuedCertificate> issued = fail(ErrorKind::invalid_request,
                                                "CMP_REQUEST_EMPTY",
                                                "the request carries no certificate request");
    if (p10cr != nullptr) {
        issued = transaction.reissue->issue(ra::CertificateRequest{
            transaction.reference, code, der_of<X509_REQ, encode_request>(p10cr), std::nullopt});
    } else if (crmf != nullptr) {
        Bytes public_key = template_public_key(crmf);
        if (public_key.empty()) {
            return rejection(OSSL_CMP_PKIFAILUREINFO_badCertTemplate,
                             "the certificate template carries no public key");
        }
        issued = transaction.reissue->issue_for_key(ra::KeyCertificateRequest{
            transaction.reference, code, std::move(public_key), std::nullopt});
    }
    if (!issued) {
        return rejection(failure_bit(issued.error().kind), status_text(issued.error()));
    }
    // The chain goes in extraCerts; an ir (initial registration) also gets the root as caPubs.
    std::vector<const pkix::Certificate*> chain{&transaction.issuing->certificate};
    for (const auto& above : transaction.issuing->chain) {
        chain.push_back(&above);
    }
    *certificate_out = X509_dup(issued->certificate.get());
    *chain_out = certificate_stack(chain);
    if (OSSL_CMP_MSG_get_bodytype(request) == body_ir) {
        *ca_pubs = certificate_stack({chain.back()});
    }
    crypto::Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> hash(
        X509_digest_sig(issued->certificate.get(), nullptr, nullptr));
    if (*certificate_out == nullptr || *chain_out == nullptr || !hash) {
        return rejection(OSSL_CMP_PKIFAILUREINFO_systemFailure, "internal error");
    }
    transaction.serial = *issued->certificate.serial();
    transaction.confirmation_token = issued->confirmation_token;
    transaction.certificate_hash.assign(hash->data, hash->data + hash->length);
    return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, nullptr);
}

/// certConf: the holder installed the certificate (RFC 4210 5.3.18); the RA completes the
/// reissue. A rejecting certConf leaves it unconfirmed, so the RA revokes it later.
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
    if (pki_status(status_info) != OSSL_CMP_PKISTATUS_accepted) {
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

Server::Server(ra::ReissueService& reissue, const ca::Authority& issuing)
    : reissue_(&reissue), issuing_(&issuing) {}

Server::~Server() = default;

std::unique_ptr<Server::Transaction> Server::start(const OSSL_CMP_MSG* request) {
    auto transaction = std::make_unique<Transaction>();
    transaction->reissue = reissue_;
    transaction->issuing = issuing_;
    // 1. Find the secret: senderKID is the reference number, the secret its authorization
    //    code (korea.md). OpenSSL 3.0 has no getter for senderKID: read it from the header.
    const OSSL_CMP_PKIHEADER* header = OSSL_CMP_MSG_get0_header(request);
    const auto reference = sender_kid(header);
    const std::string wrong_codes =
        "the reference number or the authorization code is not correct (참조번호 또는 "
        "인가코드가 올바르지 않습니다)";
    if (is_protected(header) && reference) {
        transaction->reference = *reference;
        auto secret = reissue_->authorization_secret(*reference);
        if (secret) {
            for (auto& spelling : secret_spellings(*secret)) {
                if (mac_verifies(request, spelling)) {
                    transaction->code = *secret;  // the RA compares digits only
                    auto* bytes = const_cast<unsigned char*>(spelling.bytes().data());
                    transaction->server.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
                    if (transaction->server) {
                        OSSL_CMP_CTX_set1_secretValue(
                            OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction->server.get()),
                            bytes,
                            static_cast<int>(spelling.size()));
                    }
                    break;
                }
            }
        } else if (secret.error().kind != ErrorKind::unauthenticated) {
            transaction->refusal = {failure_bit(secret.error().kind), status_text(secret.error())};
        }
        if (!transaction->code && !transaction->refusal) {
            transaction->refusal = {OSSL_CMP_PKIFAILUREINFO_badMessageCheck, wrong_codes};
        }
    } else if (OSSL_CMP_MSG_get_bodytype(request) != body_genm) {
        transaction->refusal = {OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                                "protect the request with the reference number and the "
                                "authorization code (참조번호와 인가코드로 보호해야 합니다)"};
    }
    // 2. Without a verified secret OpenSSL must accept the request unprotected, so that our
    //    callbacks answer with the refusal (or the CA certificates), and answer unprotected.
    if (!transaction->server) {
        transaction->server.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
        if (!transaction->server) {
            return nullptr;
        }
        OSSL_CMP_SRV_CTX_set_accept_unprotected(transaction->server.get(), 1);
        OSSL_CMP_SRV_CTX_set_send_unprotected_errors(transaction->server.get(), 1);
        OSSL_CMP_CTX_set_option(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction->server.get()),
                                OSSL_CMP_OPT_UNPROTECTED_SEND,
                                1);
    }
    OSSL_CMP_CTX_set_log_cb(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction->server.get()), quiet);
    // The answer's sender is the issuing CA (RFC 4210 5.1.1: a PBM answer needs a sender name).
    OSSL_CMP_CTX_set1_subjectName(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction->server.get()),
                                  X509_get_subject_name(issuing_->certificate.get()));
    if (OSSL_CMP_SRV_CTX_init(transaction->server.get(),
                              transaction.get(),
                              on_certificate_request,
                              nullptr,
                              on_general_message,
                              nullptr,
                              on_certificate_confirmation,
                              nullptr) != 1) {
        return nullptr;
    }
    return transaction;
}

void Server::keep_waiting(const Bytes& transaction_id, std::unique_ptr<Transaction> transaction) {
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(mutex_);
    std::erase_if(waiting_, [&](const auto& entry) {
        return now - entry.second->started > waiting_lifetime;
    });
    if (waiting_.size() < max_waiting) {
        waiting_[to_hex(transaction_id)] = std::move(transaction);
    }
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

    // 2. certConf continues the transaction of its ir/cr/p10cr; anything else starts one.
    std::unique_ptr<Transaction> transaction;
    if (body == body_cert_conf && !transaction_id.empty()) {
        const std::lock_guard lock(mutex_);
        const auto found = waiting_.find(to_hex(transaction_id));
        if (found != waiting_.end()) {
            transaction = std::move(found->second);
            waiting_.erase(found);
        }
    }
    if (!transaction) {
        transaction = start(request.get());
    }
    if (!transaction) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_SERVER_FAILED", "cannot set up the CMP server");
    }

    // 3. OpenSSL checks protection, POP and sequence, calls back, and builds the answer.
    MsgPtr response(OSSL_CMP_SRV_process_request(transaction->server.get(), request.get()));
    if (!response) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_SERVER_FAILED", "the CMP server could not answer");
    }
    ERR_clear_error();
    Bytes answer;
    unsigned char* out = nullptr;
    const int length = i2d_OSSL_CMP_MSG(response.get(), &out);
    if (length <= 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_SERVER_FAILED", "cannot encode the CMP answer");
    }
    answer.assign(out, out + length);
    OPENSSL_free(out);

    // 4. An issued certificate waits for its certConf in this transaction's context.
    if (body != body_cert_conf && transaction->serial && !transaction_id.empty()) {
        keep_waiting(transaction_id, std::move(transaction));
    }
    return answer;
}

}  // namespace dojang::cmp
