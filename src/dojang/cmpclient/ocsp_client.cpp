// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/ocsp_client.hpp"

#include "dojang/cmpclient/endpoint.hpp"
#include "dojang/cmpclient/rest.hpp"
#include "dojang/crypto/openssl.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include <memory>

namespace dojang::cmpclient {
namespace {

struct StringStackDeleter {
    void operator()(STACK_OF(OPENSSL_STRING) * stack) const noexcept {
        X509_email_free(stack);  // frees a STACK_OF(OPENSSL_STRING) as X509_get1_ocsp makes it
    }
};

}  // namespace

std::vector<std::string> ocsp_urls_of(X509* certificate) {
    std::vector<std::string> urls;
    std::unique_ptr<STACK_OF(OPENSSL_STRING), StringStackDeleter> found(
        X509_get1_ocsp(certificate));
    for (int i = 0; found && i < sk_OPENSSL_STRING_num(found.get()); ++i) {
        urls.emplace_back(sk_OPENSSL_STRING_value(found.get(), i));
    }
    return urls;
}

Result<StatusAnswer> check_status(const std::string& url,
                                  X509* certificate,
                                  X509* issuer,
                                  X509_STORE* trusted,
                                  std::chrono::seconds timeout) {
    auto endpoint = parse_endpoint(url);
    DOJANG_TRY(endpoint);
    // 1. The request: one CertID (SHA-1, as RFC 6960 B.1 and every responder accept).
    crypto::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), certificate, issuer);
    if (!request || id == nullptr || OCSP_request_add0_id(request.get(), id) == nullptr) {
        OCSP_CERTID_free(id);
        return crypto::openssl_failure(
            ErrorKind::internal, "OCSP_REQUEST_FAILED", "cannot build the OCSP request");
    }
    auto request_der = crypto::to_der<OCSP_REQUEST>(request.get(), i2d_OCSP_REQUEST);
    DOJANG_TRY(request_der);
    // 2. POST it (RFC 6960 A.1), over http or https.
    HttpRequest post;
    post.method = "POST";
    post.url = url;
    post.headers = {{"Content-Type", "application/ocsp-request"},
                    {"Accept", "application/ocsp-response"}};
    post.body.assign(request_der->begin(), request_der->end());
    auto answer = curl_transport(timeout)(post);
    if (!answer || answer->status != 200) {
        return fail(ErrorKind::unavailable,
                    "OCSP_UNREACHABLE",
                    "no OCSP answer from " + url + " (인증서 상태 확인 서버에 연결할 수 없습니다)",
                    answer ? "HTTP " + std::to_string(answer->status) : answer.error().detail);
    }
    const Bytes answer_der(answer->body.begin(), answer->body.end());
    crypto::BioPtr answer_bio = crypto::memory_bio(answer_der);
    crypto::OcspResponsePtr response(d2i_OCSP_RESPONSE_bio(answer_bio.get(), nullptr));
    if (!response) {
        return crypto::openssl_failure(ErrorKind::unavailable,
                                       "OCSP_RESPONSE_MALFORMED",
                                       url + " did not answer an OCSP response");
    }
    const int response_status = OCSP_response_status(response.get());
    if (response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        return fail(ErrorKind::unavailable,
                    "OCSP_REFUSED",
                    std::string("the OCSP responder answered ") +
                        OCSP_response_status_str(response_status));
    }
    // 3. The answer must be signed by the CA or its responder, up to the pinned root.
    crypto::OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    STACK_OF(X509)* intermediates = sk_X509_new_null();
    if (intermediates != nullptr) {
        sk_X509_push(intermediates, issuer);  // borrowed: freed with sk_X509_free only
    }
    const int verified = basic ? OCSP_basic_verify(basic.get(), intermediates, trusted, 0) : 0;
    sk_X509_free(intermediates);
    if (verified != 1) {
        return crypto::openssl_failure(ErrorKind::forbidden,
                                       "OCSP_RESPONSE_UNTRUSTED",
                                       "the OCSP answer is not signed by the certificate's CA "
                                       "(상태 응답을 신뢰할 수 없습니다)");
    }
    crypto::OcspCertIdPtr wanted(OCSP_cert_to_id(EVP_sha1(), certificate, issuer));
    int status = -1;
    int reason = -1;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    if (!wanted ||
        OCSP_resp_find_status(
            basic.get(), wanted.get(), &status, &reason, &revoked_at, &this_update, &next_update) !=
            1) {
        return crypto::openssl_failure(ErrorKind::forbidden,
                                       "OCSP_RESPONSE_UNTRUSTED",
                                       "the OCSP answer does not name the certificate");
    }
    // RFC 6960 3.2 item 4/5: the answer must be current (five minutes of clock skew).
    constexpr long skew_seconds = 300;
    if (OCSP_check_validity(this_update, next_update, skew_seconds, -1) != 1) {
        return crypto::openssl_failure(
            ErrorKind::forbidden, "OCSP_RESPONSE_STALE", "the OCSP answer is out of date");
    }
    ERR_clear_error();
    StatusAnswer result;
    result.url = url;
    switch (status) {
        case V_OCSP_CERTSTATUS_GOOD:
            result.status = CertificateStatus::good;
            break;
        case V_OCSP_CERTSTATUS_REVOKED:
            result.status = CertificateStatus::revoked;
            if (reason >= 0) {
                result.reason = reason;
            }
            if (revoked_at != nullptr) {
                result.revoked_at = pkix::from_asn1_time(revoked_at);
            }
            break;
        default:
            result.status = CertificateStatus::unknown;
            break;
    }
    return result;
}

}  // namespace dojang::cmpclient
