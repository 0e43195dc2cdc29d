// SPDX-License-Identifier: Apache-2.0
// Server: one message in, one answer out, its transaction kept in the store between messages,
// and every message audited. The callbacks per message type are in callbacks.hpp.
#include "dojang/cmp/server.hpp"

#include "dojang/cmp/callbacks.hpp"
#include "dojang/cmp/message.hpp"
#include "dojang/cmp/transaction.hpp"
#include "dojang/core/text.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <optional>
#include <vector>

namespace dojang::cmp {
namespace {

/// How long a stored transaction waits for its certConf or pollReq before it is dropped. A
/// certificate it issued that stays unconfirmed is the RA's business: revoke_unconfirmed
/// revokes it after confirm_within (a reissue's codes then work again).
constexpr auto waiting_lifetime = std::chrono::hours{2};

/// The serial of a certificate as hex, or "?" when it has none we accept.
std::string record_serial_hex(const pkix::Certificate& certificate) {
    auto serial = certificate.serial();
    return serial ? serial->hex() : std::string("?");
}

}  // namespace

Server::Server(const ServerServices& services) : services_(services) {}

Server::~Server() = default;

std::unique_ptr<Server::Transaction> Server::start(const OSSL_CMP_MSG* request) {
    auto transaction = std::make_unique<Transaction>();
    transaction->services = &services_;
    const OSSL_CMP_PKIHEADER* header = OSSL_CMP_MSG_get0_header(request);
    if (detail::is_protected(header) && !detail::is_mac_protected(header)) {
        start_with_signature(*transaction, request);
    } else {
        start_with_codes(*transaction, request);
    }
    if (!transaction->server) {
        return nullptr;
    }
    OSSL_CMP_CTX_set_log_cb(OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction->server.get()),
                            detail::quiet);
    if (OSSL_CMP_SRV_CTX_init(transaction->server.get(),
                              transaction.get(),
                              detail::on_certificate_request,
                              detail::on_revocation_request,
                              detail::on_general_message,
                              nullptr,
                              detail::on_certificate_confirmation,
                              detail::on_poll_request) != 1) {
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
    const auto reference = detail::sender_kid(header);
    const std::string wrong_codes =
        "the reference number or the authorization code is not correct (참조번호 또는 "
        "인가코드가 올바르지 않습니다)";
    if (detail::is_protected(header) && reference) {
        transaction.requester.reference = *reference;
        transaction.audit.sender = "reference:" + *reference;
        auto secret = services_.reissue.authorization_secret(*reference);
        if (secret) {
            for (auto& spelling : detail::secret_spellings(*secret)) {
                if (detail::mac_verifies(request, spelling)) {
                    transaction.requester.code = *secret;  // the RA compares digits only
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
            transaction.refusal = {detail::failure_bit(secret.error().kind),
                                   detail::status_text(secret.error())};
        }
        if (!transaction.requester.code && !transaction.refusal) {
            transaction.refusal = {OSSL_CMP_PKIFAILUREINFO_badMessageCheck, wrong_codes};
        }
    } else if (OSSL_CMP_MSG_get_bodytype(request) != detail::body_genm) {
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
    const Bytes message_der = detail::der_of<OSSL_CMP_MSG, detail::encode_message>(request);
    // 1. The signer: a certificate in extraCerts that this CA issued and recorded, valid and not
    //    revoked now (the RA's rule), signed by the issuing CA, whose key signed the request.
    std::optional<Error> problem;
    for (auto& candidate : detail::extra_certificates(message_der)) {
        auto record = services_.renewal.holder_certificate(candidate);
        if (!record) {
            if (!problem || record.error().kind != ErrorKind::not_found) {
                problem = record.error();
                transaction.audit.sender = "certificate:" + record_serial_hex(candidate);
            }
            continue;
        }
        if (X509_verify(candidate.get(), X509_get0_pubkey(services_.issuing.certificate.get())) !=
                1 ||
            !detail::signature_verifies(request, candidate)) {
            problem = Error{ErrorKind::unauthenticated,
                            "SIGNATURE_INVALID",
                            "the request's signature does not verify with the certificate "
                            "(서명을 확인할 수 없습니다)",
                            {},
                            {}};
            transaction.audit.sender = "certificate:" + record->serial.hex();
            continue;
        }
        transaction.audit.sender = "certificate:" + record->serial.hex();
        transaction.requester.signer.emplace(std::move(candidate));
        break;
    }
    ERR_clear_error();
    if (!transaction.requester.signer) {
        transaction.refusal =
            problem
                ? std::pair{detail::failure_bit(problem->kind), detail::status_text(*problem)}
                : std::pair{OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                            std::string("sign the request with the key of a certificate this CA "
                                        "issued and send that certificate in extraCerts "
                                        "(이 인증기관이 발급한 인증서의 키로 서명하고 "
                                        "인증서를 함께 보내야 합니다)")};
    }
    if (OSSL_CMP_MSG_get_bodytype(request) == detail::body_rr) {
        transaction.revocation_reason = detail::revocation_reason(message_der);
    }
    // 2. OpenSSL checks the protection against the pinned signer; a refused request is
    //    accepted as it is only so that the callbacks can answer with the reason.
    transaction.server.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
    if (!transaction.server) {
        return;
    }
    OSSL_CMP_CTX* context = OSSL_CMP_SRV_CTX_get0_cmp_ctx(transaction.server.get());
    if (transaction.requester.signer) {
        OSSL_CMP_CTX_set1_srvCert(context, transaction.requester.signer->get());
    } else {
        OSSL_CMP_SRV_CTX_set_accept_unprotected(transaction.server.get(), 1);
    }
    // 3. The answer is signed with the CMP server certificate, its chain in extraCerts.
    std::vector<const pkix::Certificate*> chain{&services_.issuing.certificate};
    for (const auto& above : services_.issuing.chain) {
        chain.push_back(&above);
    }
    STACK_OF(X509)* untrusted = detail::certificate_stack(chain);
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
    record.state = transaction.replay.pending_request ? "waiting" : "issued";
    auto sealed = services_.reissue.seal(transaction.replay.request_der, detail::request_label);
    DOJANG_TRY(sealed);
    record.request_sealed = std::move(*sealed);
    record.sender_nonce = detail::sender_nonce(OSSL_CMP_MSG_get0_header(response));
    record.serial = transaction.issued.serial ? transaction.issued.serial->hex() : std::string();
    record.renewed_from =
        transaction.issued.renewed_from ? transaction.issued.renewed_from->hex() : std::string();
    if (!transaction.issued.confirmation_token.empty()) {
        auto token = services_.reissue.seal(to_bytes(transaction.issued.confirmation_token),
                                            detail::token_label);
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
    auto opened = services_.reissue.open(record->request_sealed, detail::request_label);
    if (!opened) {
        return nullptr;
    }
    const Bytes request_der(opened->bytes().begin(), opened->bytes().end());
    const unsigned char* cursor = request_der.data();
    detail::MsgPtr stored(
        d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(request_der.size())));
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
    transaction->replay.request_der = request_der;
    transaction->replay.record = &*record;
    detail::MsgPtr replayed(OSSL_CMP_SRV_process_request(transaction->server.get(), stored.get()));
    transaction->replay.record = nullptr;
    ERR_clear_error();
    if (!replayed || transaction->audit.outcome ||
        OSSL_CMP_MSG_get_bodytype(replayed.get()) == detail::body_error) {
        return nullptr;
    }
    transaction->audit.outcome.reset();
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
    if (transaction != nullptr && transaction->audit.outcome) {
        outcome = "rejection";
        fail_info = detail::failure_name(transaction->audit.outcome->first);
        text = transaction->audit.outcome->second;
    } else if (answer == detail::body_error || answer < 0) {
        outcome = "error";
    } else if (transaction != nullptr && transaction->replay.pending_request) {
        outcome = "waiting";  // the application is in review; the client polls
    }
    std::string details =
        "{\"sender\":" +
        json_quote(transaction != nullptr ? transaction->audit.sender : "anonymous") +
        ",\"transaction_id\":" + json_quote(transaction_id) +
        ",\"answer\":" + json_quote(detail::body_name(answer)) +
        ",\"outcome\":" + json_quote(outcome);
    if (!fail_info.empty()) {
        details += ",\"fail_info\":" + json_quote(fail_info) + ",\"text\":" + json_quote(text);
    }
    details += "}";
    const std::string action = "cmp." + detail::body_name(OSSL_CMP_MSG_get_bodytype(request));
    return services_.database.transact([&](store::Transaction& tx) {
        return store::record_audit(
            tx, services_.clock.now(), "cmp", action, transaction_id, details);
    });
}

Result<Bytes> Server::handle(const Bytes& request_der) {
    // 0. The Korean profile is chosen by what the message is (pvno 0/1, an rfc822Name sender,
    //    desMAC, krr or pkiconf, no transactionID), never by configuration.
    if (auto korean = kcmp::read_message(request_der)) {
        const kcmp::KoreanTraits traits = kcmp::korean_traits(*korean);
        if (traits.any()) {
            return handle_korean(*korean, traits);
        }
    }
    return handle_rfc(request_der);
}

Result<Bytes> Server::handle_rfc(const Bytes& request_der) {
    // 1. Decode (DER only, nothing after the message).
    const unsigned char* cursor = request_der.data();
    detail::MsgPtr request(
        d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(request_der.size())));
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
    const bool continues = (body == detail::body_cert_conf || body == detail::body_poll_req) &&
                           !transaction_id.empty();
    if (continues) {
        transaction = resume(to_hex(transaction_id));
    }
    if (!transaction) {
        transaction = start(request.get());
        if (transaction && body != detail::body_cert_conf && body != detail::body_poll_req) {
            transaction->replay.request_der = request_der;
        }
    }
    if (!transaction) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_SERVER_FAILED", "cannot set up the CMP server");
    }
    // The outcome of this message only (a certConf's transaction remembers its request's).
    transaction->audit.outcome.reset();

    // 3. OpenSSL checks protection, POP and sequence, calls back, and builds the answer.
    detail::MsgPtr response(OSSL_CMP_SRV_process_request(transaction->server.get(), request.get()));
    ERR_clear_error();
    // 4. An issued certificate waits for its certConf, a `waiting` request for its pollReq: the
    //    transaction is kept in the store until then (RFC 4210 5.1.3.4, 5.3.18). It ends only
    //    with a verified message that ends it (a certConf answered pkiConf, a pollReq answered
    //    with its final ip/cp/kup): a forged or stale message must not end another's transaction.
    //    Done before the audit, so that a failed audit write cannot leave an ended one behind.
    const int answered = response ? OSSL_CMP_MSG_get_bodytype(response.get()) : detail::body_error;
    const std::string id_hex = to_hex(transaction_id);
    Result<void> stored = ok();
    if (!transaction_id.empty() && body != detail::body_cert_conf &&
        (transaction->issued.serial || transaction->replay.pending_request) &&
        answered != detail::body_error) {
        stored = keep(id_hex, *transaction, response.get());
    } else if (continues &&
               ((body == detail::body_cert_conf && answered == detail::body_pki_conf) ||
                (body == detail::body_poll_req &&
                 (answered == detail::body_ip || answered == detail::body_cp ||
                  answered == detail::body_kup)))) {
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

}  // namespace dojang::cmp
