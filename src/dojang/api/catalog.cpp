// SPDX-License-Identifier: Apache-2.0
#include "dojang/api/catalog.hpp"

namespace dojang::api {

const std::vector<dto::ErrorEntry>& error_catalog() {
    static const std::vector<dto::ErrorEntry> catalog{
        {"AUTHORIZATION_INVALID",
         401,
         "Reference number or authorization code is wrong",
         "참조번호 또는 인가코드가 올바르지 않습니다",
         "Check both codes exactly as they were given to you (digits only; dashes are optional).",
         "발급받은 참조번호와 인가코드를 그대로 입력하십시오 (숫자만, '-'는 생략 가능)."},
        {"AUTHORIZATION_USED",
         409,
         "The codes were already used",
         "이미 사용된 인가코드입니다",
         "A certificate was already issued with these codes. If that was not you, call us and "
         "revoke it.",
         "이 코드로 이미 인증서가 발급되었습니다. 본인이 아니라면 고객센터에 연락하여 "
         "폐지하십시오."},
        {"AUTHORIZATION_EXPIRED",
         403,
         "The authorization code has expired",
         "인가코드가 만료되었습니다",
         "Codes are valid for 14 days. Apply for reissuance again.",
         "인가코드는 14일간 유효합니다. 재발급을 다시 신청하십시오."},
        {"APPLICATION_NOT_APPROVED",
         403,
         "The application is not approved yet",
         "아직 승인되지 않은 신청입니다",
         "Wait for the review to finish; the status page shows where it is.",
         "심사가 끝날 때까지 기다리십시오. 진행 상태 화면에서 확인할 수 있습니다."},
        {"APPLICATION_NOT_FOUND",
         404,
         "No such application",
         "신청 내역을 찾을 수 없습니다",
         "Check the application number.",
         "신청 번호를 확인하십시오."},
        {"CERTIFICATE_NOT_FOUND",
         404,
         "No such certificate",
         "인증서를 찾을 수 없습니다",
         "Check the serial number of the certificate you received.",
         "받은 인증서의 일련번호를 확인하십시오."},
        {"CONFIRMATION_INVALID",
         401,
         "The confirmation token is wrong",
         "설치 확인 토큰이 올바르지 않습니다",
         "Use the confirmation_token returned with the certificate.",
         "인증서와 함께 받은 confirmation_token 을 사용하십시오."},
        {"BODY_INVALID",
         400,
         "The request body is not valid",
         "요청 형식이 올바르지 않습니다",
         "Send a JSON object with the fields listed in violations.",
         "violations 에 나온 항목을 채워 JSON 으로 보내십시오."},
        {"CSR_MALFORMED",
         400,
         "The certificate request cannot be read",
         "인증서 요청(CSR)을 읽을 수 없습니다",
         "Send a PKCS#10 request in PEM made by your certificate program.",
         "인증서 프로그램이 만든 PKCS#10 요청을 PEM 형식으로 보내십시오."},
        {"BAD_PROOF_OF_POSSESSION",
         400,
         "The request is not signed by its key",
         "개인키 소유 증명에 실패했습니다",
         "Create the request again on the device that holds the new key.",
         "새 개인키가 있는 기기에서 요청을 다시 만드십시오."},
        {"POLICY_REJECTED",
         422,
         "The request does not meet the certificate policy",
         "인증서 정책에 맞지 않는 요청입니다",
         "Fix every item in violations (for example use an RSA-2048 key) and send it again.",
         "violations 의 항목을 모두 고친 뒤 (예: RSA-2048 키 사용) 다시 보내십시오."},
        {"NOT_FOUND",
         404,
         "Not found",
         "요청한 주소가 없습니다",
         "Check the URL against docs/openapi.yaml.",
         "주소를 API 문서와 비교해 확인하십시오."},
        {"METHOD_NOT_ALLOWED",
         405,
         "Method not allowed",
         "허용되지 않는 요청 방식입니다",
         "Use a method listed in the Allow header.",
         "Allow 헤더에 있는 방식을 사용하십시오."},
        {"SERVER_BUSY",
         503,
         "The server is busy",
         "요청이 몰려 잠시 처리할 수 없습니다",
         "Nothing was lost. Try again after the number of seconds in Retry-After.",
         "접수된 내용은 보존됩니다. Retry-After 에 표시된 시간 뒤에 다시 시도하십시오."},
        {"STORE_UNAVAILABLE",
         503,
         "The service is temporarily unavailable",
         "일시적으로 서비스를 사용할 수 없습니다",
         "Try again in a few minutes.",
         "몇 분 뒤 다시 시도하십시오."},
        {"INTERNAL",
         500,
         "Internal error",
         "내부 오류가 발생했습니다",
         "Try again later; if it persists, contact us with the X-Request-Id.",
         "잠시 후 다시 시도하고, 계속되면 X-Request-Id 와 함께 문의하십시오."},
    };
    return catalog;
}

const dto::ErrorEntry* find_error(std::string_view code) {
    for (const auto& entry : error_catalog()) {
        if (entry.code == code) {
            return &entry;
        }
    }
    return nullptr;
}

unsigned http_status(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_request:
            return 400;
        case ErrorKind::unauthenticated:
            return 401;
        case ErrorKind::forbidden:
            return 403;
        case ErrorKind::not_found:
            return 404;
        case ErrorKind::conflict:
            return 409;
        case ErrorKind::policy_rejected:
            return 422;
        case ErrorKind::bad_proof_of_possession:
            return 400;
        case ErrorKind::unavailable:
            return 503;
        case ErrorKind::internal:
            return 500;
    }
    return 500;
}

}  // namespace dojang::api
