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
};

/// POST /api/v1/applications/{id}/otp/verify and .../otp/resend.
struct OtpRequest {
    std::string code;                    ///< verify
    std::optional<std::string> channel;  ///< resend: switch to "sms" or "email"
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

}  // namespace dojang::dto
