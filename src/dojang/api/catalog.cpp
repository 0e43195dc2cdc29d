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
        {"APPLICATION_IN_REVIEW",
         403,
         "The application is still being reviewed",
         "서류 심사 중인 신청입니다",
         "Your codes are right; they work once an officer approves the documents. Try again "
         "later (a CMP client polls by itself).",
         "참조번호와 인가코드는 맞습니다. 담당자가 서류를 승인하면 사용할 수 있으니 나중에 다시 "
         "시도하십시오 (CMP 프로그램은 자동으로 다시 확인합니다)."},
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
        {"IDN_NOT_REGISTERED",
         400,
         "The register holds no identification number for you",
         "등록된 식별번호가 없습니다",
         "Request the certificate without random_num (it will carry no VID), or ask the CA to "
         "complete your registration.",
         "random_num 없이 요청하거나(VID 없는 인증서), 인증기관에 등록 정보 보완을 요청하십시오."},
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
        {"APPLICATION_INVALID",
         400,
         "The application form has mistakes",
         "신청서 입력 내용에 오류가 있습니다",
         "Fix every field listed in violations and send the application again.",
         "violations 에 나온 항목을 모두 고쳐 다시 신청하십시오."},
        {"IDENTITY_NOT_VERIFIED",
         403,
         "We could not verify your identity",
         "본인 확인을 하지 못했습니다",
         "Check your name, birth date and especially your mobile phone number exactly as your "
         "bank or branch has them, then apply again; or visit a branch.",
         "성명, 생년월일, 특히 휴대폰 번호를 등록된 그대로 입력했는지 확인한 뒤 다시 "
         "신청하거나 영업점을 방문하십시오."},
        {"OTP_INVALID",
         401,
         "The one-time code is not correct",
         "인증번호가 올바르지 않습니다",
         "Enter the 6 digits from the latest message; detail says how many tries are left. If "
         "no code works, check the phone number and name you applied with.",
         "가장 최근에 받은 6자리 숫자를 입력하십시오. 남은 횟수는 detail 에 있습니다. 계속 "
         "맞지 않으면 신청한 휴대폰 번호와 성명을 확인하십시오."},
        {"OTP_EXPIRED",
         403,
         "The one-time code has expired or was used",
         "인증번호가 만료되었거나 이미 사용되었습니다",
         "Codes are valid for 5 minutes and once only: ask for a new one (otp/resend).",
         "인증번호는 5분간 한 번만 쓸 수 있습니다. 새 인증번호를 요청하십시오 (otp/resend)."},
        {"OTP_LOCKED",
         403,
         "Too many wrong entries for this code",
         "인증번호 입력 오류 횟수를 초과했습니다",
         "This code no longer works after 5 wrong entries. Ask for a new one (otp/resend).",
         "5회 잘못 입력한 인증번호는 더 이상 쓸 수 없습니다. 새 인증번호를 요청하십시오."},
        {"APPLICATION_LOCKED",
         403,
         "The application is locked",
         "신청이 잠겼습니다",
         "Three codes were entered wrongly too often. Visit a branch with your ID card: the "
         "staff will register you in person (walk-in registration) and give you the codes.",
         "인증번호 오류가 반복되어 신청이 잠겼습니다. 신분증을 지참하고 영업점을 방문하면 "
         "창구 등록으로 참조번호와 인가코드를 받을 수 있습니다."},
        {"APPLICATION_ALREADY_VERIFIED",
         409,
         "The application is already verified",
         "이미 본인 확인이 끝난 신청입니다",
         "No new code is needed: fetch your certificate with the codes you were shown.",
         "새 인증번호가 필요 없습니다. 안내받은 참조번호와 인가코드로 인증서를 발급받으십시오."},
        {"RESEND_TOO_SOON",
         429,
         "A code was sent too recently",
         "인증번호를 너무 자주 요청했습니다",
         "Wait the number of seconds in Retry-After (codes: once a minute, 5 an hour, 10 a day "
         "for the same details and channel), or switch channel.",
         "Retry-After 에 표시된 초만큼 기다리십시오 (1분에 1회, 1시간에 5회, 하루 10회). 다른 "
         "수단(SMS/e-mail)으로 바꿀 수도 있습니다."},
        {"APPLICATIONS_TOO_MANY",
         429,
         "Too many applications from this address",
         "이 주소에서 신청이 너무 많습니다",
         "Wait the number of seconds in Retry-After: one address may make 10 applications an "
         "hour and 30 a day. At a branch, ask the staff for a walk-in registration.",
         "Retry-After 에 표시된 초만큼 기다리십시오 (한 주소에서 1시간에 10회, 하루 30회까지 "
         "신청할 수 있습니다). 영업점에서는 창구 등록을 요청하십시오."},
        {"IDEMPOTENCY_KEY_REUSED",
         422,
         "The Idempotency-Key was used for another request",
         "같은 Idempotency-Key 로 다른 요청을 보냈습니다",
         "Use a new Idempotency-Key for a new application; repeat a request only unchanged.",
         "새 신청에는 새 Idempotency-Key 를 쓰고, 재전송할 때는 같은 내용을 보내십시오."},
        {"STATUS_TOKEN_INVALID",
         401,
         "The status token does not open this application",
         "조회 토큰이 올바르지 않습니다",
         "Send the status_token you received when you applied as 'Authorization: Bearer …'.",
         "신청할 때 받은 status_token 을 'Authorization: Bearer …' 로 보내십시오."},
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
        {"TOO_MANY_REQUESTS",
         429,
         "Too many requests from your address",
         "요청이 너무 많습니다",
         "Wait the number of seconds in Retry-After, then try again; the limit is per address.",
         "Retry-After 에 표시된 시간만큼 기다린 뒤 다시 시도하십시오. 주소별 제한입니다."},
        {"STORE_UNAVAILABLE",
         503,
         "The service is temporarily unavailable",
         "일시적으로 서비스를 사용할 수 없습니다",
         "Try again in a few minutes.",
         "몇 분 뒤 다시 시도하십시오."},
        {"DOCUMENT_TYPE_NOT_ALLOWED",
         415,
         "Only PDF, JPEG or PNG documents are accepted",
         "PDF, JPEG, PNG 파일만 제출할 수 있습니다",
         "Scan or photograph the document and send it as PDF, JPEG or PNG; the file's content "
         "must match its type.",
         "서류를 스캔하거나 촬영하여 PDF, JPEG, PNG 파일로 제출하십시오. 파일 내용과 형식이 "
         "일치해야 합니다."},
        {"DOCUMENT_TOO_LARGE",
         413,
         "The document is larger than 10 MB",
         "서류 파일이 10MB 를 넘습니다",
         "Scan at a lower resolution or compress the PDF to under 10 MB.",
         "해상도를 낮추어 다시 스캔하거나 PDF 를 압축하여 10MB 이하로 만드십시오."},
        {"BODY_TOO_LARGE",
         413,
         "The request is too large",
         "요청이 너무 큽니다",
         "Documents may be at most 10 MB; other requests are much smaller.",
         "서류는 10MB 이하로 제출하십시오."},
        {"DOCUMENT_EMPTY",
         400,
         "The file is empty",
         "빈 파일입니다",
         "Choose the file again; it may not have been saved completely.",
         "파일을 다시 선택하십시오. 저장이 완료되지 않았을 수 있습니다."},
        {"DOCUMENT_KIND_UNKNOWN",
         404,
         "Unknown kind of document",
         "알 수 없는 서류 종류입니다",
         "Use one of: business_registration, representative_id, seal_certificate, "
         "corporate_register, power_of_attorney, proxy_id.",
         "사업자등록증, 대표자 신분증, 인감증명서, 법인등기부등본, 위임장, 대리인 신분증 중에서 "
         "선택하십시오."},
        {"DOCUMENT_NOT_FOUND",
         404,
         "No such document",
         "서류가 없습니다",
         "The applicant has not uploaded this document yet.",
         "신청인이 아직 이 서류를 제출하지 않았습니다."},
        {"DOCUMENT_MISSING",
         409,
         "Required documents are missing",
         "필수 서류가 제출되지 않았습니다",
         "Upload every document listed in required_documents, then wait for the review.",
         "required_documents 에 나열된 서류를 모두 제출한 뒤 심사를 기다리십시오."},
        {"DOCUMENT_UNREADABLE",
         503,
         "The stored document cannot be read",
         "저장된 서류를 읽을 수 없습니다",
         "The file is missing or was altered on the server; ask the applicant to upload it "
         "again and tell the operator.",
         "서버의 파일이 없거나 변경되었습니다. 신청인에게 다시 제출을 요청하고 운영자에게 "
         "알리십시오."},
        {"DOCUMENTS_UNAVAILABLE",
         503,
         "Documents are not accepted here",
         "이 서버는 서류를 받지 않습니다",
         "Apply at a branch or through the operator's portal.",
         "영업점이나 운영 기관의 포털에서 신청하십시오."},
        {"APPLICATION_CLOSED",
         409,
         "The application was already decided",
         "이미 처리된 신청입니다",
         "Documents can no longer change. If it was rejected, start a new application.",
         "서류를 더 이상 바꿀 수 없습니다. 반려되었다면 새로 신청하십시오."},
        {"APPLICATION_NOT_IN_REVIEW",
         409,
         "The application is not waiting for review",
         "심사 대기 중인 신청이 아닙니다",
         "It was already decided, or the applicant has not entered the one-time code yet.",
         "이미 처리되었거나 신청인이 아직 인증번호를 입력하지 않았습니다."},
        {"REVIEW_SAME_OFFICER",
         409,
         "A different officer must give the second approval",
         "두 번째 승인은 다른 심사자가 해야 합니다",
         "Ask another officer to review and approve the application.",
         "다른 심사자에게 심사와 승인을 요청하십시오."},
        {"REJECTION_REASON_INVALID",
         400,
         "Give a rejection reason",
         "반려 사유를 선택하십시오",
         "Use info_mismatch, certificate_status, unreadable_document, missing_document, or other "
         "with a text for the applicant.",
         "정보 불일치, 인증서 상태, 판독 불가 서류, 서류 누락 중에서 고르거나 '기타'와 설명을 "
         "입력하십시오."},
        {"OFFICER_SIGN_IN_FAILED",
         401,
         "Wrong username or password",
         "사용자 이름 또는 비밀번호가 올바르지 않습니다",
         "Check both and try again; an operator can reset the password with dojangd admin "
         "officers add.",
         "다시 확인하십시오. 운영자가 dojangd admin officers add 로 비밀번호를 재설정할 수 "
         "있습니다."},
        {"OFFICER_UNAUTHENTICATED",
         401,
         "Sign in as an officer",
         "심사자로 로그인하십시오",
         "Your session may have expired (8 hours). Sign in again.",
         "세션이 만료되었을 수 있습니다 (8시간). 다시 로그인하십시오."},
        {"CSRF_TOKEN_INVALID",
         403,
         "The request did not carry the session's CSRF token",
         "보안 토큰(CSRF)이 없거나 올바르지 않습니다",
         "Reload the console and try again.",
         "화면을 새로 고친 뒤 다시 시도하십시오."},
        {"OFFICER_INVALID",
         400,
         "The officer cannot be added",
         "심사자를 추가할 수 없습니다",
         "Usernames use a-z, 0-9, '.', '-', '_'; passwords need at least 12 characters.",
         "사용자 이름은 영문 소문자, 숫자, '.', '-', '_' 만, 비밀번호는 12자 이상이어야 "
         "합니다."},
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
