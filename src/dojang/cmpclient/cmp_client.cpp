// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/cmp_client.hpp"

#include "dojang/cmpclient/rest.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/random_num.hpp"

#include <openssl/cmp.h>
#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <utility>

namespace dojang::cmpclient {
namespace {

/// Where the CMP messages go and what went wrong on the way: the transfer callback's argument,
/// owned by its context.
struct CmpTarget {
    std::string url;
    Transport transport;
    Waiter busy_wait;  ///< empty: a 503 is not waited out
    RetryPolicy retry;
    std::optional<Error> error;  ///< the last failed transfer (no answer, HTTP error)
};

void free_context(OSSL_CMP_CTX* context) {
    if (context != nullptr) {
        delete static_cast<CmpTarget*>(OSSL_CMP_CTX_get_transfer_cb_arg(context));
        OSSL_CMP_CTX_free(context);
    }
}

using CmpContextPtr = crypto::Owned<OSSL_CMP_CTX, free_context>;

/// RFC 6712 over libcurl (http and https alike, TLS verified by libcurl): one POST of the DER
/// request, the DER answer back. OpenSSL 3.0's own HTTP transfer has no TLS without a callback.
OSSL_CMP_MSG* post_message(OSSL_CMP_CTX* context, const OSSL_CMP_MSG* request) {
    auto* target = static_cast<CmpTarget*>(OSSL_CMP_CTX_get_transfer_cb_arg(context));
    target->error.reset();
    auto der = crypto::to_der(request, i2d_OSSL_CMP_MSG);
    if (!der) {
        target->error = der.error();
        return nullptr;
    }
    HttpRequest http;
    http.method = "POST";
    http.url = target->url;
    http.headers = {{"Content-Type", "application/pkixcmp"}, {"Accept", "application/pkixcmp"}};
    http.body.assign(der->begin(), der->end());
    auto answer = target->busy_wait ? send_with_retry(target->transport,
                                                      http,
                                                      target->retry,
                                                      target->busy_wait,
                                                      [] { return SystemClock().now(); })
                                    : target->transport(http);
    if (!answer) {
        target->error = answer.error();
        return nullptr;
    }
    if (answer->status != 200 || answer->content_type.rfind("application/pkixcmp", 0) != 0) {
        target->error = error_of(*answer);
        if (answer->status == 200) {
            target->error =
                Error{ErrorKind::unavailable,
                      "CMP_ANSWER_INVALID",
                      "the server's answer is not a CMP message (" + answer->content_type + ")",
                      {},
                      {}};
        }
        return nullptr;
    }
    const auto* cursor = reinterpret_cast<const unsigned char*>(answer->body.data());
    OSSL_CMP_MSG* message =
        d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(answer->body.size()));
    if (message == nullptr) {
        target->error = crypto::openssl_error(
            ErrorKind::unavailable, "CMP_ANSWER_INVALID", "the server's CMP answer is not DER");
    }
    return message;
}

struct StackDeleter {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), StackDeleter>;

/// What the certConf callback needs: the trust store for OpenSSL's own check of the new
/// certificate, and the holder's installation step.
struct CertConfState {
    X509_STORE* trusted = nullptr;
    const Install* install = nullptr;
    std::optional<Error> error;
};

constexpr const char* install_failed_text = "the holder could not install the certificate";

/// RFC 4210 5.3.18 certConf: OpenSSL sends what this returns (0 = accept). The certificate is
/// checked against the pinned root, then installed, so that a confirmed certificate is always
/// on the holder's disk with its key.
int on_certificate(OSSL_CMP_CTX* context, X509* certificate, int fail_info, const char** text) {
    auto* state = static_cast<CertConfState*>(OSSL_CMP_CTX_get_certConf_cb_arg(context));
    // OSSL_CMP_certConf_cb() reads its trust store from the callback argument.
    OSSL_CMP_CTX_set_certConf_cb_arg(context, state->trusted);
    const int checked = OSSL_CMP_certConf_cb(context, certificate, fail_info, text);
    OSSL_CMP_CTX_set_certConf_cb_arg(context, state);
    if (checked != 0) {
        state->error = crypto::openssl_error(ErrorKind::forbidden,
                                             "NEW_CERTIFICATE_UNTRUSTED",
                                             "the new certificate does not verify to the pinned "
                                             "root (새 인증서를 신뢰할 수 없습니다)");
        return checked;
    }
    if (X509_up_ref(certificate) != 1) {
        return 1 << OSSL_CMP_PKIFAILUREINFO_systemFailure;
    }
    auto installed = (*state->install)(pkix::Certificate::adopt(crypto::X509Ptr(certificate)));
    if (!installed) {
        state->error = installed.error();
        *text = install_failed_text;
        return 1 << OSSL_CMP_PKIFAILUREINFO_systemFailure;
    }
    return 0;
}

/// OpenSSL's CMP log goes to stdout by default; errors reach us through the error queue.
int quiet_log(const char* /*component*/,
              const char* /*file*/,
              int /*line*/,
              OSSL_CMP_severity /*level*/,
              const char* /*message*/) {
    return 1;
}

Result<CmpContextPtr> make_context(const Session& session) {
    const Endpoint& endpoint = session.trust->endpoint;
    CmpContextPtr context(OSSL_CMP_CTX_new(nullptr, nullptr));
    auto target = std::make_unique<CmpTarget>(
        CmpTarget{endpoint.url() + "/cmp",
                  session.transport ? session.transport : curl_transport(session.timeout),
                  session.busy_wait,
                  session.retry,
                  std::nullopt});
    if (!context || OSSL_CMP_CTX_set_transfer_cb(context.get(), post_message) != 1 ||
        OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), target.get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_CONTEXT_FAILED", "cannot create the CMP context");
    }
    static_cast<void>(target.release());  // the context owns it now (free_context)
    auto store = trust_store(*session.trust);
    DOJANG_TRY(store);
    X509StackPtr chain(chain_stack(*session.trust));
    const int seconds = static_cast<int>(session.timeout.count());
    if (OSSL_CMP_CTX_set_log_cb(context.get(), quiet_log) != 1 ||
        OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_MSG_TIMEOUT, seconds) != 1 ||
        OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_TOTAL_TIMEOUT, 2 * seconds) != 1 ||
        // A refusal of a wrong code comes unprotected: the CA does not know the secret then
        // (cmp/README.md). Only error answers are accepted so.
        OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_UNPROTECTED_ERRORS, 1) != 1 || !chain ||
        OSSL_CMP_CTX_set1_untrusted(context.get(), chain.get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_CONTEXT_FAILED", "cannot set up the CMP context");
    }
    if (OSSL_CMP_CTX_set0_trustedStore(context.get(), store->get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_CONTEXT_FAILED", "cannot set the trust store");
    }
    static_cast<void>(store->release());
    return context;
}

std::string status_text(const OSSL_CMP_CTX* context) {
    std::string text;
    const OSSL_CMP_PKIFREETEXT* strings = OSSL_CMP_CTX_get0_statusString(context);
    for (int i = 0; strings != nullptr && i < sk_ASN1_UTF8STRING_num(strings); ++i) {
        const ASN1_UTF8STRING* string = sk_ASN1_UTF8STRING_value(strings, i);
        if (!text.empty()) {
            text += "; ";
        }
        text.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(string)),
                    static_cast<std::size_t>(ASN1_STRING_length(string)));
    }
    return text;
}

Error failure_of(const OSSL_CMP_CTX* context, const std::string& what) {
    const auto* target = static_cast<const CmpTarget*>(OSSL_CMP_CTX_get_transfer_cb_arg(context));
    if (target != nullptr && target->error) {
        ERR_clear_error();
        return *target->error;  // no CMP answer: what the HTTP layer said
    }
    return detail::session_error(OSSL_CMP_CTX_get_status(context),
                                 OSSL_CMP_CTX_get_failInfoCode(context),
                                 status_text(context),
                                 what);
}

std::vector<pkix::Certificate> adopt_all(STACK_OF(X509) * stack) {
    std::vector<pkix::Certificate> certificates;
    if (stack == nullptr) {
        return certificates;
    }
    while (sk_X509_num(stack) > 0) {
        certificates.push_back(pkix::Certificate::adopt(crypto::X509Ptr(sk_X509_shift(stack))));
    }
    sk_X509_free(stack);
    return certificates;
}

/// The PKCS#10 request of a p10cr: `new_key`'s public key, the placeholder subject (the CA
/// takes the subject from its register) and the randomNum attribute holding R, signed with
/// `new_key`.
Result<crypto::X509ReqPtr> certification_request(EVP_PKEY* new_key,
                                                 std::span<const std::uint8_t> random_num) {
    crypto::X509ReqPtr request(X509_REQ_new());
    crypto::X509NamePtr subject(X509_NAME_new());
    if (!request || !subject ||
        X509_NAME_add_entry_by_txt(subject.get(),
                                   "CN",
                                   MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("dojang holder"),
                                   -1,
                                   -1,
                                   0) != 1 ||
        X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1 ||
        X509_REQ_set_subject_name(request.get(), subject.get()) != 1 ||
        X509_REQ_set_pubkey(request.get(), new_key) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CSR_FAILED", "cannot build the certification request");
    }
    auto attached = npki::add_random_num(request.get(), random_num);
    DOJANG_TRY(attached);
    if (X509_REQ_sign(request.get(), new_key, EVP_sha256()) <= 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CSR_FAILED", "cannot sign the certification request");
    }
    return request;
}

/// Runs one p10cr or kur in a prepared context and collects the answer.
Result<Enrolled> request_certificate(OSSL_CMP_CTX* context,
                                     int body,
                                     const Install& install,
                                     const std::string& what) {
    CertConfState state{OSSL_CMP_CTX_get0_trustedStore(context), &install, std::nullopt};
    if (OSSL_CMP_CTX_set_certConf_cb(context, on_certificate) != 1 ||
        OSSL_CMP_CTX_set_certConf_cb_arg(context, &state) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_CONTEXT_FAILED", "cannot set up the CMP context");
    }
    X509* issued = OSSL_CMP_exec_certreq(context, body, nullptr);
    if (issued == nullptr) {
        if (state.error) {
            ERR_clear_error();
            return tl::unexpected(std::move(*state.error));
        }
        return tl::unexpected(failure_of(context, what));
    }
    ERR_clear_error();
    if (X509_up_ref(issued) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "CMP_FAILED", what);
    }
    return Enrolled{pkix::Certificate::adopt(crypto::X509Ptr(issued)),
                    adopt_all(OSSL_CMP_CTX_get1_extraCertsIn(context)),
                    adopt_all(OSSL_CMP_CTX_get1_caPubs(context))};
}

Result<void> set_new_key(OSSL_CMP_CTX* context, EVP_PKEY* new_key) {
    if (EVP_PKEY_up_ref(new_key) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "CMP_CONTEXT_FAILED", "key reference");
    }
    if (OSSL_CMP_CTX_set0_newPkey(context, 1, new_key) != 1) {
        EVP_PKEY_free(new_key);
        return crypto::openssl_failure(ErrorKind::internal, "CMP_CONTEXT_FAILED", "new key");
    }
    return ok();
}

}  // namespace

Result<RevocationReason> parse_revocation_reason(std::string_view text) {
    static constexpr std::pair<std::string_view, RevocationReason> names[] = {
        {"unspecified", RevocationReason::unspecified},
        {"keyCompromise", RevocationReason::key_compromise},
        {"affiliationChanged", RevocationReason::affiliation_changed},
        {"superseded", RevocationReason::superseded},
        {"cessationOfOperation", RevocationReason::cessation_of_operation},
    };
    for (const auto& [name, reason] : names) {
        if (name == text) {
            return reason;
        }
    }
    return fail(ErrorKind::invalid_request,
                "REVOCATION_REASON_INVALID",
                "the reason must be keyCompromise, superseded, cessationOfOperation, "
                "affiliationChanged or unspecified (폐지 사유가 올바르지 않습니다)");
}

std::string revocation_reason_name(int code) {
    // RFC 5280 5.3.1 CRLReason; 7 is not used.
    static constexpr const char* names[] = {"unspecified",
                                            "keyCompromise",
                                            "cACompromise",
                                            "affiliationChanged",
                                            "superseded",
                                            "cessationOfOperation",
                                            "certificateHold",
                                            nullptr,
                                            "removeFromCRL",
                                            "privilegeWithdrawn",
                                            "aACompromise"};
    if (code >= 0 && code < static_cast<int>(std::size(names)) &&
        names[static_cast<std::size_t>(code)] != nullptr) {
        return names[static_cast<std::size_t>(code)];
    }
    return "reason " + std::to_string(code);
}

SecretBytes authorization_secret(const SecretBytes& code) {
    std::vector<std::uint8_t> digits;
    for (const auto byte : code.bytes()) {
        if (std::isdigit(byte) != 0) {
            digits.push_back(byte);
        }
    }
    return SecretBytes(std::move(digits));
}

Result<Enrolled> enroll(const Session& session,
                        std::string_view reference,
                        const SecretBytes& code,
                        EVP_PKEY* new_key,
                        std::span<const std::uint8_t> random_num,
                        const Install& install) {
    auto request = certification_request(new_key, random_num);
    DOJANG_TRY(request);
    auto context = make_context(session);
    DOJANG_TRY(context);
    const SecretBytes secret = authorization_secret(code);
    const std::string sender(reference);
    if (OSSL_CMP_CTX_set1_p10CSR(context->get(), request->get()) != 1 ||
        OSSL_CMP_CTX_set1_referenceValue(context->get(),
                                         reinterpret_cast<const unsigned char*>(sender.data()),
                                         static_cast<int>(sender.size())) != 1 ||
        OSSL_CMP_CTX_set1_secretValue(
            context->get(), secret.bytes().data(), static_cast<int>(secret.size())) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_CONTEXT_FAILED", "cannot set up the CMP request");
    }
    auto keyed = set_new_key(context->get(), new_key);
    DOJANG_TRY(keyed);
    return request_certificate(
        context->get(),
        OSSL_CMP_P10CR,
        install,
        "the CA refused the certificate request (발급 요청이 거절되었습니다)");
}

Result<Enrolled> update_key(const Session& session,
                            const pkix::Certificate& current,
                            EVP_PKEY* current_key,
                            EVP_PKEY* new_key,
                            const Install& install) {
    auto context = make_context(session);
    DOJANG_TRY(context);
    if (OSSL_CMP_CTX_set1_cert(context->get(), current.get()) != 1 ||
        OSSL_CMP_CTX_set1_pkey(context->get(), current_key) != 1 ||
        OSSL_CMP_CTX_set1_oldCert(context->get(), current.get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_CONTEXT_FAILED", "cannot set up the CMP request");
    }
    auto keyed = set_new_key(context->get(), new_key);
    DOJANG_TRY(keyed);
    return request_certificate(context->get(),
                               OSSL_CMP_KUR,
                               install,
                               "the CA refused the renewal (갱신이 거절되었습니다)");
}

Result<void> revoke(const Session& session,
                    const pkix::Certificate& certificate,
                    EVP_PKEY* key,
                    RevocationReason reason) {
    auto context = make_context(session);
    DOJANG_TRY(context);
    if (OSSL_CMP_CTX_set1_cert(context->get(), certificate.get()) != 1 ||
        OSSL_CMP_CTX_set1_pkey(context->get(), key) != 1 ||
        OSSL_CMP_CTX_set1_oldCert(context->get(), certificate.get()) != 1 ||
        OSSL_CMP_CTX_set_option(
            context->get(), OSSL_CMP_OPT_REVOCATION_REASON, static_cast<int>(reason)) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CMP_CONTEXT_FAILED", "cannot set up the CMP request");
    }
    if (OSSL_CMP_exec_RR_ses(context->get()) != 1) {
        return tl::unexpected(failure_of(
            context->get(), "the CA refused the revocation (폐지 요청이 거절되었습니다)"));
    }
    ERR_clear_error();
    return ok();
}

namespace detail {

Error session_error(int status, int fail_info, const std::string& text, const std::string& what) {
    const auto has = [&](int bit) { return (fail_info & (1 << bit)) != 0; };
    if (status < 0) {
        Error error = crypto::openssl_error(ErrorKind::unavailable,
                                            "CMP_TRANSFER_FAILED",
                                            "no CMP answer from the server (서버가 응답하지 "
                                            "않습니다); try again later");
        return error;
    }
    ERR_clear_error();
    ErrorKind kind = ErrorKind::internal;
    std::string code = "CMP_REJECTED";
    if (has(OSSL_CMP_PKIFAILUREINFO_badMessageCheck) ||
        has(OSSL_CMP_PKIFAILUREINFO_signerNotTrusted) ||
        has(OSSL_CMP_PKIFAILUREINFO_wrongIntegrity)) {
        kind = ErrorKind::unauthenticated;
        code = "CMP_BAD_MESSAGE_CHECK";
    } else if (has(OSSL_CMP_PKIFAILUREINFO_duplicateCertReq) ||
               has(OSSL_CMP_PKIFAILUREINFO_transactionIdInUse) ||
               has(OSSL_CMP_PKIFAILUREINFO_certConfirmed)) {
        kind = ErrorKind::conflict;
        code = "CMP_DUPLICATE";
    } else if (has(OSSL_CMP_PKIFAILUREINFO_notAuthorized) ||
               has(OSSL_CMP_PKIFAILUREINFO_certRevoked)) {
        kind = ErrorKind::forbidden;
        code = "CMP_NOT_AUTHORIZED";
    } else if (has(OSSL_CMP_PKIFAILUREINFO_badCertTemplate) ||
               has(OSSL_CMP_PKIFAILUREINFO_unacceptedPolicy) ||
               has(OSSL_CMP_PKIFAILUREINFO_unacceptedExtension)) {
        kind = ErrorKind::policy_rejected;
        code = "CMP_BAD_CERT_TEMPLATE";
    } else if (has(OSSL_CMP_PKIFAILUREINFO_badPOP)) {
        kind = ErrorKind::bad_proof_of_possession;
        code = "CMP_BAD_POP";
    } else if (has(OSSL_CMP_PKIFAILUREINFO_badCertId)) {
        kind = ErrorKind::not_found;
        code = "CMP_BAD_CERT_ID";
    } else if (has(OSSL_CMP_PKIFAILUREINFO_systemUnavail)) {
        kind = ErrorKind::unavailable;
        code = "CMP_SYSTEM_UNAVAILABLE";
    } else if (has(OSSL_CMP_PKIFAILUREINFO_badRequest) ||
               has(OSSL_CMP_PKIFAILUREINFO_badDataFormat) || has(OSSL_CMP_PKIFAILUREINFO_badAlg)) {
        kind = ErrorKind::invalid_request;
        code = "CMP_BAD_REQUEST";
    }
    return Error{kind, code, text.empty() ? what : what + ": " + text, {}, {}};
}

}  // namespace detail
}  // namespace dojang::cmpclient
