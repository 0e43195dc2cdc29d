// SPDX-License-Identifier: Apache-2.0
#include "dojang/dto/dto.hpp"

#include <boost/json.hpp>

namespace dojang::dto {
namespace {

namespace json = boost::json;

/// Parses `text` as a JSON object; the one place Boost.JSON's exceptions are caught.
Result<json::object> parse_object(std::string_view text) {
    boost::system::error_code error;
    json::value value = json::parse(text, error);
    if (error || !value.is_object()) {
        return fail(ErrorKind::invalid_request,
                    "BODY_INVALID",
                    "the request body must be a JSON object (요청 본문은 JSON 객체여야 합니다)");
    }
    return std::move(value.as_object());
}

/// Reads a string field; records a violation when it is missing (and required) or not a string.
std::optional<std::string> text_field(const json::object& object,
                                      std::string_view name,
                                      bool required,
                                      std::vector<Violation>& violations) {
    const json::value* value = object.if_contains(name);
    if (value == nullptr || value->is_null()) {
        if (required) {
            violations.push_back({"FIELD_MISSING", std::string(name) + " is required"});
        }
        return std::nullopt;
    }
    if (!value->is_string()) {
        violations.push_back({"FIELD_INVALID", std::string(name) + " must be a string"});
        return std::nullopt;
    }
    return std::string(value->as_string());
}

Error body_error(std::vector<Violation> violations) {
    return Error{ErrorKind::invalid_request,
                 "BODY_INVALID",
                 "the request body has " + std::to_string(violations.size()) + " problem(s)",
                 {},
                 std::move(violations)};
}

}  // namespace

Result<CertificateRequest> parse_certificate_request(std::string_view text) {
    auto object = parse_object(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    CertificateRequest request;
    request.reference_number =
        text_field(*object, "reference_number", true, violations).value_or("");
    request.authorization_code =
        text_field(*object, "authorization_code", true, violations).value_or("");
    request.csr = text_field(*object, "csr", true, violations).value_or("");
    request.random_num = text_field(*object, "random_num", false, violations);
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return request;
}

Result<ConfirmRequest> parse_confirm_request(std::string_view text) {
    auto object = parse_object(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    ConfirmRequest request;
    request.confirmation_token =
        text_field(*object, "confirmation_token", true, violations).value_or("");
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return request;
}

std::string to_json(const CertificateResponse& response) {
    json::object object;
    object["application_id"] = response.application_id;
    object["serial"] = response.serial;
    object["certificate"] = response.certificate;
    object["chain"] = response.chain;
    object["not_after"] = response.not_after;
    object["confirmation_token"] = response.confirmation_token;
    object["confirm_by"] = response.confirm_by;
    return json::serialize(object);
}

std::string to_json(const std::vector<ErrorEntry>& catalog) {
    json::array errors;
    for (const auto& entry : catalog) {
        errors.push_back(
            json::object{{"code", entry.code},
                         {"status", entry.status},
                         {"title", {{"en", entry.title_en}, {"ko", entry.title_ko}}},
                         {"next_step", {{"en", entry.next_en}, {"ko", entry.next_ko}}}});
    }
    return json::serialize(json::object{{"errors", std::move(errors)}});
}

std::string to_json(const std::vector<RouteEntry>& routes) {
    json::array listed;
    for (const auto& route : routes) {
        listed.push_back(
            json::object{{"method", route.method}, {"path", route.path}, {"prefix", route.prefix}});
    }
    return json::serialize(json::object{{"routes", std::move(listed)}});
}

std::string to_json(const HealthReport& health) {
    return json::serialize(json::object{{"status", "ok"},
                                        {"ocsp_cached_responses", health.ocsp_cached_responses},
                                        {"crl_number", health.crl_number}});
}

Result<ApplicationRequest> parse_application_request(std::string_view text) {
    auto object = parse_object(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    ApplicationRequest request;
    request.holder_type = text_field(*object, "holder_type", true, violations).value_or("");
    request.reason = text_field(*object, "reason", true, violations).value_or("");
    request.name = text_field(*object, "name", true, violations).value_or("");
    request.birth_date = text_field(*object, "birth_date", false, violations).value_or("");
    request.resident_number =
        text_field(*object, "resident_number", false, violations).value_or("");
    request.phone = text_field(*object, "phone", true, violations).value_or("");
    request.email = text_field(*object, "email", true, violations).value_or("");
    request.channel = text_field(*object, "channel", false, violations).value_or("sms");
    request.old_serial = text_field(*object, "old_serial", false, violations).value_or("");
    request.business_number =
        text_field(*object, "business_number", false, violations).value_or("");
    request.representative_name =
        text_field(*object, "representative_name", false, violations).value_or("");
    if (const json::value* proxy = object->if_contains("proxy");
        proxy != nullptr && !proxy->is_null()) {
        if (!proxy->is_object()) {
            violations.push_back({"FIELD_INVALID", "proxy must be an object with name and phone"});
        } else {
            request.proxy_name =
                text_field(proxy->as_object(), "name", true, violations).value_or("");
            request.proxy_phone =
                text_field(proxy->as_object(), "phone", true, violations).value_or("");
        }
    }
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return request;
}

Result<SignInRequest> parse_sign_in_request(std::string_view text) {
    auto object = parse_object(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    SignInRequest request;
    request.username = text_field(*object, "username", true, violations).value_or("");
    request.password = text_field(*object, "password", true, violations).value_or("");
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return request;
}

Result<RejectRequest> parse_reject_request(std::string_view text) {
    auto object = parse_object(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    RejectRequest request;
    request.reason = text_field(*object, "reason", true, violations).value_or("");
    request.text = text_field(*object, "text", false, violations).value_or("");
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return request;
}

Result<OtpRequest> parse_otp_request(std::string_view text, bool need_code) {
    auto object = parse_object(text.empty() ? std::string_view("{}") : text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    OtpRequest request;
    request.code = text_field(*object, "code", need_code, violations).value_or("");
    request.channel = text_field(*object, "channel", false, violations);
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return request;
}

std::string problem_json(const Error& error, unsigned status, const ErrorEntry* entry) {
    // RFC 9457 section 3: type, title, status, detail; "code", "title_ko", "next_step",
    // "retry_after" (seconds) and "violations" are extension members.
    json::object object;
    object["type"] = "/api/v1/errors#" + error.code;
    object["title"] = entry != nullptr ? entry->title_en : std::string(to_string(error.kind));
    if (entry != nullptr) {
        object["title_ko"] = entry->title_ko;
        object["next_step"] = json::object{{"en", entry->next_en}, {"ko", entry->next_ko}};
    }
    object["status"] = status;
    object["code"] = error.code;
    object["detail"] = error.detail;
    if (error.retry_after) {
        object["retry_after"] = error.retry_after->count();
    }
    if (!error.violations.empty()) {
        json::array violations;
        for (const auto& violation : error.violations) {
            violations.push_back(
                json::object{{"code", violation.code}, {"detail", violation.detail}});
        }
        object["violations"] = std::move(violations);
    }
    return json::serialize(object);
}

}  // namespace dojang::dto
