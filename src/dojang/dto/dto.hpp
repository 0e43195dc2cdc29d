// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::dto {

/// POST /api/v1/certificates: the codes and a PKCS#10 request.
struct CertificateRequest {
    std::string reference_number;
    std::string authorization_code;
    std::string csr;                        ///< PEM
    std::optional<std::string> random_num;  ///< hex, 40 digits: R for the VID
};

/// Its answer.
struct CertificateResponse {
    std::string application_id;
    std::string serial;
    std::string certificate;  ///< PEM
    std::string chain;        ///< PEM: the issuing CA and its issuers
    std::string not_after;    ///< RFC 3339
    std::string confirmation_token;
    std::string confirm_by;  ///< RFC 3339
};

/// POST /api/v1/certificates/{serial}/confirm.
struct ConfirmRequest {
    std::string confirmation_token;
};

/// One entry of the error catalog (GET /api/v1/errors).
struct ErrorEntry {
    std::string code;
    unsigned status = 400;
    std::string title_en;
    std::string title_ko;
    std::string next_en;  ///< what to do next
    std::string next_ko;
};

/// POST /api/v1/applications: an online application of a person or a company, perhaps made
/// by a proxy (`proxy`: {"name", "phone"}).
struct ApplicationRequest {
    std::string holder_type;
    std::string reason;
    std::string name;
    std::string birth_date;
    std::string resident_number;
    std::string business_number;
    std::string representative_name;
    std::string proxy_name;
    std::string proxy_phone;
    std::string phone;
    std::string email;
    std::string channel;
    std::string old_serial;

    friend bool operator==(const ApplicationRequest&, const ApplicationRequest&) = default;
};

/// POST /api/v1/applications/{id}/otp/verify and .../otp/resend.
struct OtpRequest {
    /// verify: present even when empty, so that an empty entry is a wrong code (401) and not
    /// a malformed body; resend: absent.
    std::optional<std::string> code;
    std::optional<std::string> channel;  ///< resend: switch to "sms" or "email"

    friend bool operator==(const OtpRequest&, const OtpRequest&) = default;
};

/// POST /api/v1/officer/sessions.
struct SignInRequest {
    std::string username;
    std::string password;
};

/// POST /api/v1/reviews/{id}/reject.
struct RejectRequest {
    std::string reason;
    std::string text;
};

Result<SignInRequest> parse_sign_in_request(std::string_view json);
Result<RejectRequest> parse_reject_request(std::string_view json);

/// Parses an application; BODY_INVALID as the other parsers.
Result<ApplicationRequest> parse_application_request(std::string_view json);
/// Parses a verify (`code` required when `need_code`) or resend body.
Result<OtpRequest> parse_otp_request(std::string_view json, bool need_code);

/// Parses a JSON body; invalid_request BODY_INVALID naming every missing or mistyped field.
Result<CertificateRequest> parse_certificate_request(std::string_view json);
Result<ConfirmRequest> parse_confirm_request(std::string_view json);

/// The requests of the holder client (dojang reissue), written as the parsers above read them:
/// optional members that are empty are left out.
std::string to_json(const ApplicationRequest& request);
std::string to_json(const OtpRequest& request);

std::string to_json(const CertificateResponse& response);
std::string to_json(const std::vector<ErrorEntry>& catalog);

/// One route of the server, as GET /api/v1 lists it.
struct RouteEntry {
    std::string method;
    std::string path;
    bool prefix = false;  ///< the path is a prefix (e.g. "/ocsp/")
};
/// {"routes":[{"method","path","prefix"}…]}
std::string to_json(const std::vector<RouteEntry>& routes);

/// GET /healthz when the server is ready.
struct HealthReport {
    std::size_t ocsp_cached_responses = 0;
    std::int64_t crl_number = 0;  ///< of the issuing CA's current CRL
};
/// {"status":"ok","ocsp_cached_responses":…,"crl_number":…}
std::string to_json(const HealthReport& health);

/// An RFC 9457 problem document for `error`, with the catalog's titles when it knows the code.
std::string problem_json(const Error& error, unsigned status, const ErrorEntry* entry);

/// A problem document as a client reads it (problem_json() writes it).
struct Problem {
    std::string type;
    std::string title;
    std::string title_ko;
    unsigned status = 0;
    std::string code;
    std::string detail;
    std::string next_en;                      ///< next_step.en
    std::string next_ko;                      ///< next_step.ko
    std::optional<std::int64_t> retry_after;  ///< seconds
    std::vector<Violation> violations;

    friend bool operator==(const Problem&, const Problem&) = default;
};
/// Parses a problem document. RFC 9457 section 3.1 has a client ignore a member of the wrong
/// type, so only a body that is not a JSON object is refused (RESPONSE_MALFORMED): a proxy's
/// HTML page, say.
Result<Problem> parse_problem(std::string_view json);

// The answers of the REST API. Times are RFC 3339 text. The parse_ functions are for the
// answers the holder client reads; they refuse a body that is not a JSON object, or that lacks
// or mistypes a member the server always writes, with internal RESPONSE_MALFORMED naming each
// member.

/// POST /api/v1/certificates/{serial}/confirm: {"status":"confirmed","serial":…}.
struct ConfirmResponse {
    std::string serial;
};
std::string to_json(const ConfirmResponse& response);

/// What a holder signs with a certificate's key (the content of the CMS SignedData of
/// POST /api/v1/certificates/{serial}/renewal, .../renewal/confirm and .../revocation):
/// {"action": "renew"|"confirm_renewal"|"revoke", "serial": hex, "csr": PEM (renew),
///  "reason": RFC 5280 name (revoke)}. Naming the action and the serial inside the signature
/// keeps a signed request from being used on another route or certificate.
struct HolderAction {
    std::string action;
    std::string serial;
    std::optional<std::string> csr;
    std::optional<std::string> reason;
};
Result<HolderAction> parse_holder_action(std::string_view text);

/// The body of those routes: {"signed": base64 of the SignedData (DER)}.
struct HolderSignedRequest {
    std::string signed_data;
};
Result<HolderSignedRequest> parse_holder_signed_request(std::string_view text);

/// Answer of a renewal: the new certificate, which `replaces` stays valid until confirmed.
struct RenewalResponse {
    std::string serial;
    std::string certificate;  ///< PEM
    std::string not_after;    ///< RFC 3339
    std::string replaces;     ///< serial of the current certificate
};
std::string to_json(const RenewalResponse& response);

/// Answer of a renewal's confirmation: `revoked` is the replaced certificate.
struct RenewalConfirmResponse {
    std::string serial;
    std::string revoked;
};
std::string to_json(const RenewalConfirmResponse& response);

/// Answer of a holder's revocation.
struct RevocationResponse {
    std::string serial;
    std::string status;  ///< "revoked"
    std::string reason;
};
std::string to_json(const RevocationResponse& response);

/// POST /api/v1/applications: {"application_id","status":"submitted","status_token",
/// "channel","code_expires_at","message":{"en","ko"}}; the same for a match and a stranger.
struct ApplicationResponse {
    std::string application_id;
    std::string status_token;  ///< Bearer token of the status calls; shown here only
    std::string channel;
    std::string code_expires_at;
    std::string message_en;  ///< where the code went and what to check when it does not come
    std::string message_ko;

    friend bool operator==(const ApplicationResponse&, const ApplicationResponse&) = default;
};
std::string to_json(const ApplicationResponse& response);
Result<ApplicationResponse> parse_application_response(std::string_view json);

/// The codes that fetch a certificate.
struct CodesEntry {
    std::string reference_number;
    std::string authorization_code;
    std::string expires_at;

    friend bool operator==(const CodesEntry&, const CodesEntry&) = default;
};

/// POST /api/v1/applications/{id}/otp/verify: {"application_id","status"} and either the codes'
/// three members (an individual, approved at once) or "required_documents" (a company or a
/// proxy, in review; a revocation, revoked).
struct OtpVerifyResponse {
    std::string application_id;
    std::string status;
    std::optional<CodesEntry> codes;
    std::vector<std::string> required_documents;  ///< written only without codes
    /// Opens GET /api/v1/applications/{id} on the device that entered the code; written when
    /// set.
    std::string status_token;

    friend bool operator==(const OtpVerifyResponse&, const OtpVerifyResponse&) = default;
};
std::string to_json(const OtpVerifyResponse& response);
Result<OtpVerifyResponse> parse_otp_verify_response(std::string_view json);

/// POST /api/v1/applications/{id}/otp/resend.
struct OtpResendResponse {
    std::string application_id;
    std::string channel;
    std::string code_expires_at;
};
std::string to_json(const OtpResendResponse& response);

/// A document of an application: the answer of PUT .../documents/{kind}, and an entry of the
/// status and review answers.
struct DocumentEntry {
    std::string kind;
    std::string media_type;
    std::int64_t size = 0;  ///< bytes
    std::string sha256;     ///< hex
    std::string uploaded_at;
    std::optional<std::string> url;  ///< where an officer fetches it (review answers only)

    friend bool operator==(const DocumentEntry&, const DocumentEntry&) = default;
};
std::string to_json(const DocumentEntry& document);

/// One step of an application's timeline.
struct EventEntry {
    std::string at;
    std::string kind;
    std::string detail;

    friend bool operator==(const EventEntry&, const EventEntry&) = default;
};

/// One message sent to the applicant (never its text).
struct MessageEntry {
    std::string channel;
    std::string status;
    std::int64_t attempts = 0;
    std::string created_at;
    std::optional<std::string> sent_at;  ///< null until sent

    friend bool operator==(const MessageEntry&, const MessageEntry&) = default;
};

/// An officer's rejection, as the applicant sees it.
struct RejectionEntry {
    std::string decision = "rejected";
    std::string reason;
    std::string text;

    friend bool operator==(const RejectionEntry&, const RejectionEntry&) = default;
};

/// GET /api/v1/applications/{id}.
struct ApplicationStatusResponse {
    std::string application_id;
    std::string status;
    std::string holder_type;
    std::string reason;
    std::vector<EventEntry> events;
    std::vector<MessageEntry> messages;
    std::vector<std::string> required_documents;
    std::vector<DocumentEntry> documents;
    std::optional<RejectionEntry> review;  ///< "review", when rejected
    std::optional<CodesEntry> codes;       ///< the first read after an officer approved

    friend bool operator==(const ApplicationStatusResponse&,
                           const ApplicationStatusResponse&) = default;
};
std::string to_json(const ApplicationStatusResponse& response);
Result<ApplicationStatusResponse> parse_application_status_response(std::string_view json);

/// POST /api/v1/officer/sessions.
struct SignInResponse {
    std::string officer;
    std::string csrf_token;  ///< sent back as X-CSRF-Token with every change
    std::string expires_at;
};
std::string to_json(const SignInResponse& response);

/// One application of the review queue.
struct ReviewQueueEntry {
    std::string id;
    std::string holder_type;
    std::string name;
    std::string reason;
    std::string status;
    std::string created_at;
    std::vector<DocumentEntry> documents;
};
/// GET /api/v1/reviews: {"items":[…]}.
std::string to_json(const std::vector<ReviewQueueEntry>& items);

/// Who applied and how to reach them: the register's phone and e-mail.
struct ApplicantEntry {
    std::string channel;  ///< "sms", "email" or "walk_in"
    std::string phone;
    std::string email;
    std::string proxy_name;  ///< "proxy": {"name","phone"}, written when there is a proxy
    std::string proxy_phone;
};

/// The application as an officer reviews it.
struct ReviewApplicationEntry {
    std::string id;
    std::string holder_type;
    std::string reason;
    std::string status;
    std::string old_serial;
    std::string created_at;
    ApplicantEntry applicant;
};

/// The register's entry of the holder (never the identification number).
struct RegisterEntry {
    std::string customer_id;
    std::string holder_type;
    std::string name;
    std::string birth_date;
    std::string business_number;
    std::string corporate_number;
    std::string representative;
    std::string phone;
    std::string email;
    std::vector<std::string> certificate_serials;
};

/// One officer's decision.
struct DecisionEntry {
    std::string officer;
    std::string decision;
    std::string reason;
    std::string text;
    std::string at;
};

/// GET /api/v1/reviews/{id}: {"application","register","required_documents","documents",
/// "events","approvals"}.
/// A certificate of the register entry as this CA records it: what the officer weighs beside
/// the reason ("certificate_status" is a rejection reason).
struct RegisterCertificateEntry {
    std::string serial;
    std::string status;      ///< "issued", "revoked", ...; "unknown" when this CA has no record
    std::string subject;     ///< empty when unknown
    std::string not_after;   ///< RFC 3339; empty when unknown
    std::string revoked_at;  ///< RFC 3339; empty unless revoked
    std::string revocation_reason;  ///< empty unless revoked
};

struct ReviewDetailResponse {
    ReviewApplicationEntry application;
    RegisterEntry register_entry;  ///< "register"
    std::vector<std::string> required_documents;
    std::vector<DocumentEntry> documents;
    std::vector<EventEntry> events;
    std::vector<DecisionEntry> approvals;
    std::vector<RegisterCertificateEntry> certificates;
};
std::string to_json(const ReviewDetailResponse& response);

/// POST /api/v1/reviews/{id}/approve and /reject.
struct DecisionResponse {
    std::string id;
    std::string status;  ///< "approved", "awaiting_second_approval" or "rejected"
};
std::string to_json(const DecisionResponse& response);

/// POST /api/v1/officers/{username}/unlock: {"username":…,"status":"unlocked"}.
struct UnlockResponse {
    std::string username;
};
std::string to_json(const UnlockResponse& response);

}  // namespace dojang::dto
