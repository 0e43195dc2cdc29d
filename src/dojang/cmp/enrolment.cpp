// SPDX-License-Identifier: Apache-2.0
// ir, cr and p10cr (with the holder's R for the VID) and the pollReq of a delayed delivery.
#include "dojang/cmp/callbacks.hpp"
#include "dojang/npki/encrypted_vid.hpp"
#include "dojang/npki/oids.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/npki/vid.hpp"

#include <openssl/err.h>

#include <optional>
#include <string>
#include <string_view>

namespace dojang::cmp {
namespace detail {
namespace {

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
    const store::CmpTransactionRecord& record = *transaction.replay.record;
    if (record.state == "waiting") {
        transaction.replay.pending_request.reset(OSSL_CMP_MSG_dup(request));
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
        stored->status != domain::CertificateStatus::issued) {
        return nullptr;
    }
    auto certificate = pkix::Certificate::parse(stored->der);
    if (!certificate) {
        return nullptr;
    }
    if (!record.token_sealed.empty()) {
        auto token = transaction.services->reissue.open(record.token_sealed, token_label);
        if (!token) {
            return nullptr;
        }
        transaction.issued.confirmation_token = std::string(token->chars(), token->size());
    }
    if (!record.renewed_from.empty()) {
        auto renewed = SerialNumber::from_hex(record.renewed_from);
        if (!renewed) {
            return nullptr;
        }
        transaction.issued.renewed_from = *renewed;
    }
    return answer_certificate(
        transaction, request, *certificate, certificate_out, chain_out, ca_pubs);
}

}  // namespace

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
    if (transaction.replay.record != nullptr) {
        return replay_answer(transaction, request, certificate_out, chain_out, ca_pubs);
    }
    if (OSSL_CMP_MSG_get_bodytype(request) == body_kur) {
        return on_key_update_request(
            transaction, request, crmf, certificate_out, chain_out, ca_pubs);
    }
    if (!transaction.requester.code) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                      "protect the request with the reference number and the authorization code");
    }
    const std::string code(transaction.requester.code->chars(), transaction.requester.code->size());
    auto vid = holder_vid(transaction, crmf, p10cr);
    if (!vid) {
        return refuse(transaction, failure_bit(vid.error().kind), vid.error().detail);
    }
    Result<ra::IssuedCertificate> issued = fail(ErrorKind::invalid_request,
                                                "CMP_REQUEST_EMPTY",
                                                "the request carries no certificate request");
    if (p10cr != nullptr) {
        issued = transaction.services->reissue.issue(
            ra::CertificateRequest{transaction.requester.reference,
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
        issued = transaction.services->reissue.issue_for_key(
            ra::KeyCertificateRequest{transaction.requester.reference,
                                      code,
                                      std::move(public_key),
                                      std::move(vid->random_num),
                                      std::move(vid->claimed_vid),
                                      vid->algorithm});
    }
    if (!issued && issued.error().code == "APPLICATION_IN_REVIEW") {
        // Delayed delivery (RFC 4210 5.1.3.4 / 9480): keep the request, the client polls.
        transaction.replay.pending_request.reset(OSSL_CMP_MSG_dup(request));
        return OSSL_CMP_STATUSINFO_new(
            OSSL_CMP_PKISTATUS_waiting, 0, status_text(issued.error()).c_str());
    }
    if (!issued) {
        return refuse(transaction, failure_bit(issued.error().kind), status_text(issued.error()));
    }
    transaction.replay.pending_request.reset();
    transaction.issued.confirmation_token = issued->confirmation_token;
    return answer_certificate(
        transaction, request, issued->certificate, certificate_out, chain_out, ca_pubs);
}

int on_poll_request(OSSL_CMP_SRV_CTX* server,
                    const OSSL_CMP_MSG* /*request*/,
                    int /*cert_request_id*/,
                    OSSL_CMP_MSG** certificate_request,
                    int64_t* check_after) {
    Server::Transaction& transaction = transaction_of(server);
    *certificate_request = nullptr;
    if (!transaction.replay.pending_request) {
        return 0;  // nothing of this transaction waits: OpenSSL answers with an error
    }
    auto waiting = transaction.services->reissue.in_review(transaction.requester.reference);
    if (waiting && *waiting) {
        *check_after = transaction.services->poll_interval.count();
        return 1;
    }
    // Approved, rejected or gone: the request runs again and gets the RA's answer.
    *certificate_request = OSSL_CMP_MSG_dup(transaction.replay.pending_request.get());
    transaction.replay.pending_request.reset();
    return *certificate_request != nullptr ? 1 : 0;
}

}  // namespace detail

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
            return detail::bad_random_num("regInfo utf8Pairs names randomNum more than once");
        }
        const std::string_view value = pair.substr(name.size());
        auto random_num = from_hex(value);
        if (!random_num || random_num->size() != npki::random_num_size ||
            value.size() != 2 * npki::random_num_size) {
            return detail::bad_random_num(
                "randomNum in regInfo utf8Pairs must be 40 hexadecimal digits (R 은 16진수 40 "
                "자리여야 합니다)");
        }
        found = std::move(*random_num);
    }
    return found;
}

}  // namespace dojang::cmp
