// SPDX-License-Identifier: Apache-2.0
// Every notification text, in one table: edit wording here and nowhere else. Each kind has the
// same variables in every language (templates_test checks it), so a caller's variables fit
// whichever language the holder chose. Bodies double as SMS text: keep them short.
#include "dojang/notify/templates.hpp"

#include <array>

namespace dojang::notify {
namespace {

constexpr std::array texts{
    // The one-time code (the OTP challenge of the reissue journey).
    TemplateText{
        TemplateKind::otp,
        Language::ko,
        "[도장] 인증번호 안내",
        "[도장] 인증번호는 {code}입니다. {minutes}분 안에 입력하십시오. "
        "이 번호를 누구에게도 알려 주지 마십시오.",
    },
    TemplateText{
        TemplateKind::otp,
        Language::en,
        "[dojang] Your verification code",
        "[dojang] Your verification code is {code}. Enter it within {minutes} minutes. "
        "Never share it with anyone.",
    },
    // Approval, with the next step.
    TemplateText{
        TemplateKind::approved,
        Language::ko,
        "[도장] 인증서 재발급 신청이 승인되었습니다",
        "[도장] 인증서 재발급 신청이 승인되었습니다.\n"
        "참조번호 끝자리: {reference_hint}\n"
        "다음 단계: 인증서를 저장할 기기에서 {status_url} 에 접속하여 인증번호를 받아 "
        "입력하면 참조번호와 인가코드가 다시 표시되고, 그 화면에서 인증서를 발급받을 수 "
        "있습니다. dojang 프로그램으로도 발급받을 수 있습니다.",
    },
    TemplateText{
        TemplateKind::approved,
        Language::en,
        "[dojang] Your certificate application was approved",
        "[dojang] Your certificate reissue application was approved.\n"
        "Reference number ends in: {reference_hint}\n"
        "Next step: on the device that will hold the certificate, open {status_url} and enter "
        "the one-time code sent to you: the reference number and authorization code are shown "
        "again, and the certificate can be issued on that page (or with the dojang program).",
    },
    // Rejection, with the reason and the next step.
    TemplateText{
        TemplateKind::rejected,
        Language::ko,
        "[도장] 인증서 재발급 신청이 반려되었습니다",
        "[도장] 인증서 재발급 신청이 반려되었습니다.\n"
        "사유: {reason}\n"
        "다음 단계: {status_url} 에서 인증번호를 받아 신청을 열고, 서류 문제로 반려된 경우 "
        "서류를 보완하여 다시 심사를 요청하십시오. 정보가 다르면 새로 신청하십시오.",
    },
    TemplateText{
        TemplateKind::rejected,
        Language::en,
        "[dojang] Your certificate application was rejected",
        "[dojang] Your certificate reissue application was rejected.\n"
        "Reason: {reason}\n"
        "Next step: open the application at {status_url} with a one-time code; if a document "
        "was the problem, add it there and ask for review again. If the details were wrong, "
        "apply again.",
    },
    // The security notice on every reissue.
    TemplateText{
        TemplateKind::security_notice,
        Language::ko,
        "[도장] 인증서 재발급 보안 알림",
        "[도장] 귀하의 인증서가 {reissued_at}에 재발급되었습니다(요청 위치: {origin}). "
        "본인이 아니면 즉시 {contact}로 연락하십시오.",
    },
    TemplateText{
        TemplateKind::security_notice,
        Language::en,
        "[dojang] Security notice: your certificate was reissued",
        "[dojang] Your certificate was reissued at {reissued_at} from {origin}. "
        "If this was not you, call {contact} at once.",
    },
    // Issuance complete.
    TemplateText{
        TemplateKind::issued,
        Language::ko,
        "[도장] 인증서 발급이 완료되었습니다",
        "[도장] 인증서 발급이 완료되었습니다.\n"
        "일련번호: {serial}\n"
        "유효기간: {not_after}까지\n"
        "인증서를 백업하고 인증서 비밀번호를 안전하게 보관하십시오.",
    },
    TemplateText{
        TemplateKind::issued,
        Language::en,
        "[dojang] Your certificate has been issued",
        "[dojang] Your certificate has been issued.\n"
        "Serial number: {serial}\n"
        "Valid until: {not_after}\n"
        "Back it up and keep its password safe.",
    },
    // Expiry reminders (30, 7 and 1 days before notAfter).
    TemplateText{
        TemplateKind::expiry_reminder,
        Language::ko,
        "[도장] 인증서 만료 {days_left}일 전 안내",
        "[도장] 귀하의 인증서가 {not_after}에 만료됩니다({days_left}일 남음).\n"
        "갱신 방법: dojang 프로그램에서 갱신하거나 {portal_url} 에 접속하십시오. "
        "만료 전 갱신은 서류 없이 현재 인증서로 할 수 있습니다.",
    },
    TemplateText{
        TemplateKind::expiry_reminder,
        Language::en,
        "[dojang] Your certificate expires in {days_left} days",
        "[dojang] Your certificate expires on {not_after} ({days_left} days left).\n"
        "To renew: use the dojang program or visit {portal_url}. Renewing before expiry needs "
        "no paperwork, only your current certificate.",
    },
    // The authorization code over the channel the one-time code did not use.
    TemplateText{
        TemplateKind::authorization_code,
        Language::ko,
        "[도장] 인증서 발급용 인가코드",
        "[도장] 인가코드: {authorization_code}\n"
        "참조번호 끝자리 {reference_hint} 와 함께 {expires_at} 까지 사용할 수 있습니다. "
        "누구에게도 알려주지 마십시오. 본인이 신청하지 않았다면 즉시 고객센터에 연락하십시오.",
    },
    TemplateText{
        TemplateKind::authorization_code,
        Language::en,
        "[dojang] Your authorization code",
        "[dojang] Authorization code: {authorization_code}\n"
        "Use it with the reference number ending in {reference_hint} before {expires_at}. "
        "Never share it. If you did not apply, call us at once.",
    },
    // An earlier application replaced by a newer one of the same holder.
    TemplateText{
        TemplateKind::cancelled,
        Language::ko,
        "[도장] 이전 재발급 신청이 취소되었습니다",
        "[도장] 새 인증서 재발급 신청이 접수되어 이전 신청이 취소되었습니다. 이전 신청의 "
        "참조번호와 인가코드는 더 이상 사용할 수 없습니다. 본인이 신청하지 않았다면 즉시 "
        "{contact}로 연락하십시오.",
    },
    TemplateText{
        TemplateKind::cancelled,
        Language::en,
        "[dojang] Your earlier application was cancelled",
        "[dojang] A new certificate reissue application was made, so your earlier one was "
        "cancelled: its reference number and authorization code no longer work. If you did not "
        "apply, call {contact} at once.",
    },
    // A revocation application (폐지 신청): the holder's certificates were revoked.
    TemplateText{
        TemplateKind::revoked,
        Language::ko,
        "[도장] 인증서가 폐지되었습니다",
        "[도장] 폐지 신청에 따라 인증서(일련번호 {serials})가 폐지되었습니다. 폐지된 인증서로는 "
        "더 이상 로그인하거나 서명할 수 없습니다. 새 인증서가 필요하면 재발급을 신청하십시오. "
        "본인이 신청하지 않았다면 즉시 {contact}로 연락하십시오.",
    },
    TemplateText{
        TemplateKind::revoked,
        Language::en,
        "[dojang] Your certificates were revoked",
        "[dojang] As you asked, your certificates (serial numbers {serials}) were revoked: they "
        "no longer sign or log in anywhere. Apply for a reissue when you need a new one. If you "
        "did not ask for this, call {contact} at once.",
    },
};

}  // namespace

std::span<const TemplateText> builtin_texts() {
    return texts;
}

}  // namespace dojang::notify
