// SPDX-License-Identifier: Apache-2.0
#include "dojang/dto/dto.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <limits>

namespace dojang::dto {
namespace {

namespace json = boost::json;

/// Parses `text` as a JSON object, or nothing: the one place JSON text is parsed, into an error
/// code, so that no Boost.JSON exception leaves this file.
std::optional<json::object> object_of(std::string_view text) {
    boost::system::error_code error;
    json::value value = json::parse(text, error);
    if (error || !value.is_object()) {
        return std::nullopt;
    }
    return std::move(value.as_object());
}

/// A request body as a JSON object.
Result<json::object> parse_object(std::string_view text) {
    auto object = object_of(text);
    if (!object) {
        return fail(ErrorKind::invalid_request,
                    "BODY_INVALID",
                    "the request body must be a JSON object (요청 본문은 JSON 객체여야 합니다)");
    }
    return std::move(*object);
}

/// The server's answer as a JSON object. A malformed answer is the server's fault, not the
/// holder's: internal, so that the client says so instead of blaming the input.
Result<json::object> parse_answer(std::string_view text) {
    auto object = object_of(text);
    if (!object) {
        return fail(ErrorKind::internal,
                    "RESPONSE_MALFORMED",
                    "the server's answer is not the JSON object it should be");
    }
    return std::move(*object);
}

/// Member `name` of `object`, or nullptr when it is absent or null; records a violation when it
/// is required. `path` names the object inside the document ("codes.", "events[2].").
const json::value* member(const json::object& object,
                          std::string_view name,
                          bool required,
                          std::vector<Violation>& violations,
                          std::string_view path) {
    const json::value* value = object.if_contains(name);
    if (value == nullptr || value->is_null()) {
        if (required) {
            violations.push_back(
                {"FIELD_MISSING", std::string(path) + std::string(name) + " is required"});
        }
        return nullptr;
    }
    return value;
}

void mistyped(std::string_view path,
              std::string_view name,
              std::string_view what,
              std::vector<Violation>& violations) {
    violations.push_back(
        {"FIELD_INVALID", std::string(path) + std::string(name) + " must be " + std::string(what)});
}

/// Reads a string field; records a violation when it is missing (and required) or not a string.
std::optional<std::string> text_field(const json::object& object,
                                      std::string_view name,
                                      bool required,
                                      std::vector<Violation>& violations,
                                      std::string_view path = {}) {
    const json::value* value = member(object, name, required, violations, path);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        mistyped(path, name, "a string", violations);
        return std::nullopt;
    }
    return std::string(value->as_string());
}

/// The integer `value`, or nothing when it is not one that fits an int64 (3.0 is not).
std::optional<std::int64_t> integer_of(const json::value& value) {
    if (value.is_int64()) {
        return value.as_int64();
    }
    if (value.is_uint64() &&
        value.as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(value.as_uint64());
    }
    return std::nullopt;
}

/// Reads an integer field, as text_field() reads a string.
std::optional<std::int64_t> integer_field(const json::object& object,
                                          std::string_view name,
                                          bool required,
                                          std::vector<Violation>& violations,
                                          std::string_view path = {}) {
    const json::value* value = member(object, name, required, violations, path);
    if (value == nullptr) {
        return std::nullopt;
    }
    auto integer = integer_of(*value);
    if (!integer) {
        mistyped(path, name, "an integer", violations);
    }
    return integer;
}

/// Reads an array of strings, as text_field() reads a string.
std::optional<std::vector<std::string>> texts_field(const json::object& object,
                                                    std::string_view name,
                                                    bool required,
                                                    std::vector<Violation>& violations,
                                                    std::string_view path = {}) {
    const json::value* value = member(object, name, required, violations, path);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_array() ||
        !std::all_of(value->as_array().begin(),
                     value->as_array().end(),
                     [](const json::value& item) { return item.is_string(); })) {
        mistyped(path, name, "an array of strings", violations);
        return std::nullopt;
    }
    std::vector<std::string> texts;
    for (const auto& item : value->as_array()) {
        texts.emplace_back(item.as_string());
    }
    return texts;
}

/// Reads an object field: nullptr when it is absent, null or not an object (then a violation).
const json::object* object_field(const json::object& object,
                                 std::string_view name,
                                 bool required,
                                 std::vector<Violation>& violations,
                                 std::string_view path = {}) {
    const json::value* value = member(object, name, required, violations, path);
    if (value == nullptr) {
        return nullptr;
    }
    if (!value->is_object()) {
        mistyped(path, name, "an object", violations);
        return nullptr;
    }
    return &value->as_object();
}

/// Reads a required array of objects with `read(object, path, violations)` for each entry.
template <typename Entry, typename Read>
std::vector<Entry> entries_field(const json::object& object,
                                 std::string_view name,
                                 std::vector<Violation>& violations,
                                 Read read) {
    std::vector<Entry> entries;
    const json::value* value = member(object, name, true, violations, {});
    if (value == nullptr) {
        return entries;
    }
    if (!value->is_array()) {
        mistyped({}, name, "an array", violations);
        return entries;
    }
    std::size_t index = 0;
    for (const auto& item : value->as_array()) {
        const std::string path = std::string(name) + "[" + std::to_string(index++) + "].";
        if (!item.is_object()) {
            violations.push_back(
                {"FIELD_INVALID", path.substr(0, path.size() - 1) + " must be an object"});
            continue;
        }
        entries.push_back(read(item.as_object(), path, violations));
    }
    return entries;
}

Error body_error(std::vector<Violation> violations) {
    return Error{ErrorKind::invalid_request,
                 "BODY_INVALID",
                 "the request body has " + std::to_string(violations.size()) + " problem(s)",
                 {},
                 std::move(violations)};
}

Error answer_error(std::vector<Violation> violations) {
    return Error{ErrorKind::internal,
                 "RESPONSE_MALFORMED",
                 "the server's answer has " + std::to_string(violations.size()) + " problem(s)",
                 {},
                 std::move(violations)};
}

/// Adds `name` when `text` is not empty: an optional member the parsers read as empty anyway.
void put_text(json::object& object, std::string_view name, const std::string& text) {
    if (!text.empty()) {
        object[name] = text;
    }
}

json::array array_of(const std::vector<std::string>& texts) {
    json::array array;
    for (const auto& text : texts) {
        array.push_back(json::string(text));
    }
    return array;
}

/// The members of the wire types as JSON values, in the order the server has always written
/// them (the officers' review page shows the members in that order).
json::object value_of(const DocumentEntry& document) {
    json::object object{{"kind", document.kind},
                        {"media_type", document.media_type},
                        {"size", document.size},
                        {"sha256", document.sha256},
                        {"uploaded_at", document.uploaded_at}};
    if (document.url) {
        object["url"] = *document.url;
    }
    return object;
}

json::object value_of(const EventEntry& event) {
    return json::object{{"at", event.at}, {"kind", event.kind}, {"detail", event.detail}};
}

json::object value_of(const MessageEntry& message) {
    json::object object{{"channel", message.channel},
                        {"status", message.status},
                        {"attempts", message.attempts},
                        {"created_at", message.created_at}};
    if (message.sent_at) {
        object["sent_at"] = *message.sent_at;
    } else {
        object["sent_at"] = nullptr;
    }
    return object;
}

json::object value_of(const DecisionEntry& decision) {
    return json::object{{"officer", decision.officer},
                        {"decision", decision.decision},
                        {"reason", decision.reason},
                        {"text", decision.text},
                        {"at", decision.at}};
}

// Declared before array_of(): a template finds the overloads of its unqualified calls where
// it is defined (these live in an unnamed namespace, out of reach of argument lookup).
json::object value_of(const ReviewQueueEntry& item);

template <typename Entry>
json::array array_of(const std::vector<Entry>& entries) {
    json::array array;
    for (const auto& entry : entries) {
        array.push_back(value_of(entry));
    }
    return array;
}

json::object value_of(const ReviewQueueEntry& item) {
    return json::object{{"id", item.id},
                        {"holder_type", item.holder_type},
                        {"name", item.name},
                        {"reason", item.reason},
                        {"status", item.status},
                        {"created_at", item.created_at},
                        {"documents", array_of(item.documents)}};
}

/// The three members of the codes, into `object` (nested in a status, top-level in a verify
/// answer).
void put_codes(json::object& object, const CodesEntry& codes) {
    object["reference_number"] = codes.reference_number;
    object["authorization_code"] = codes.authorization_code;
    object["expires_at"] = codes.expires_at;
}

CodesEntry read_codes(const json::object& object,
                      const std::string& path,
                      std::vector<Violation>& violations) {
    CodesEntry codes;
    codes.reference_number =
        text_field(object, "reference_number", true, violations, path).value_or("");
    codes.authorization_code =
        text_field(object, "authorization_code", true, violations, path).value_or("");
    codes.expires_at = text_field(object, "expires_at", true, violations, path).value_or("");
    return codes;
}

EventEntry read_event(const json::object& object,
                      const std::string& path,
                      std::vector<Violation>& violations) {
    EventEntry event;
    event.at = text_field(object, "at", true, violations, path).value_or("");
    event.kind = text_field(object, "kind", true, violations, path).value_or("");
    event.detail = text_field(object, "detail", true, violations, path).value_or("");
    return event;
}

MessageEntry read_message(const json::object& object,
                          const std::string& path,
                          std::vector<Violation>& violations) {
    MessageEntry message;
    message.channel = text_field(object, "channel", true, violations, path).value_or("");
    message.status = text_field(object, "status", true, violations, path).value_or("");
    message.attempts = integer_field(object, "attempts", true, violations, path).value_or(0);
    message.created_at = text_field(object, "created_at", true, violations, path).value_or("");
    message.sent_at = text_field(object, "sent_at", false, violations, path);
    return message;
}

DocumentEntry read_document(const json::object& object,
                            const std::string& path,
                            std::vector<Violation>& violations) {
    DocumentEntry document;
    document.kind = text_field(object, "kind", true, violations, path).value_or("");
    document.media_type = text_field(object, "media_type", true, violations, path).value_or("");
    document.size = integer_field(object, "size", true, violations, path).value_or(0);
    document.sha256 = text_field(object, "sha256", true, violations, path).value_or("");
    document.uploaded_at = text_field(object, "uploaded_at", true, violations, path).value_or("");
    document.url = text_field(object, "url", false, violations, path);
    return document;
}

/// A member that RFC 9457 says to ignore unless it is a string: "" then.
std::string text_or_empty(const json::object& object, std::string_view name) {
    const json::value* value = object.if_contains(name);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
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

Result<HolderAction> parse_holder_action(std::string_view text) {
    auto object = parse_object(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    HolderAction action;
    action.action = text_field(*object, "action", true, violations).value_or("");
    action.serial = text_field(*object, "serial", true, violations).value_or("");
    action.csr = text_field(*object, "csr", false, violations);
    action.reason = text_field(*object, "reason", false, violations);
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return action;
}

Result<HolderSignedRequest> parse_holder_signed_request(std::string_view text) {
    auto object = parse_object(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    HolderSignedRequest request;
    request.signed_data = text_field(*object, "signed", true, violations).value_or("");
    if (!violations.empty()) {
        return tl::unexpected(body_error(std::move(violations)));
    }
    return request;
}

std::string to_json(const RenewalResponse& response) {
    json::object object;
    object["serial"] = response.serial;
    object["certificate"] = response.certificate;
    object["not_after"] = response.not_after;
    object["replaces"] = response.replaces;
    return json::serialize(object);
}

std::string to_json(const RenewalConfirmResponse& response) {
    json::object object;
    object["serial"] = response.serial;
    object["revoked"] = response.revoked;
    return json::serialize(object);
}

std::string to_json(const RevocationResponse& response) {
    json::object object;
    object["serial"] = response.serial;
    object["status"] = response.status;
    object["reason"] = response.reason;
    return json::serialize(object);
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
    request.code = text_field(*object, "code", need_code, violations);
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

std::string to_json(const ApplicationRequest& request) {
    json::object object;
    object["holder_type"] = request.holder_type;
    object["reason"] = request.reason;
    object["name"] = request.name;
    object["phone"] = request.phone;
    object["email"] = request.email;
    put_text(object, "channel", request.channel);
    put_text(object, "business_number", request.business_number);
    put_text(object, "representative_name", request.representative_name);
    put_text(object, "birth_date", request.birth_date);
    put_text(object, "resident_number", request.resident_number);
    if (!request.proxy_name.empty() || !request.proxy_phone.empty()) {
        object["proxy"] =
            json::object{{"name", request.proxy_name}, {"phone", request.proxy_phone}};
    }
    put_text(object, "old_serial", request.old_serial);
    return json::serialize(object);
}

std::string to_json(const OtpRequest& request) {
    json::object object;
    if (request.code) {
        object["code"] = *request.code;
    }
    if (request.channel) {
        object["channel"] = *request.channel;
    }
    return json::serialize(object);
}

Result<Problem> parse_problem(std::string_view text) {
    auto object = parse_answer(text);
    DOJANG_TRY(object);
    Problem problem;
    problem.type = text_or_empty(*object, "type");
    problem.title = text_or_empty(*object, "title");
    problem.title_ko = text_or_empty(*object, "title_ko");
    if (const json::value* status = object->if_contains("status"); status != nullptr) {
        const auto number = integer_of(*status);
        if (number && *number >= 0 && *number <= std::numeric_limits<unsigned>::max()) {
            problem.status = static_cast<unsigned>(*number);
        }
    }
    problem.code = text_or_empty(*object, "code");
    problem.detail = text_or_empty(*object, "detail");
    if (const json::value* next = object->if_contains("next_step");
        next != nullptr && next->is_object()) {
        problem.next_en = text_or_empty(next->as_object(), "en");
        problem.next_ko = text_or_empty(next->as_object(), "ko");
    }
    if (const json::value* retry = object->if_contains("retry_after"); retry != nullptr) {
        problem.retry_after = integer_of(*retry);
    }
    if (const json::value* list = object->if_contains("violations");
        list != nullptr && list->is_array()) {
        for (const auto& item : list->as_array()) {
            if (item.is_object()) {
                problem.violations.push_back({text_or_empty(item.as_object(), "code"),
                                              text_or_empty(item.as_object(), "detail")});
            }
        }
    }
    return problem;
}

std::string to_json(const ConfirmResponse& response) {
    return json::serialize(json::object{{"status", "confirmed"}, {"serial", response.serial}});
}

std::string to_json(const ApplicationResponse& response) {
    return json::serialize(
        json::object{{"application_id", response.application_id},
                     {"status", "submitted"},
                     {"status_token", response.status_token},
                     {"channel", response.channel},
                     {"code_expires_at", response.code_expires_at},
                     {"message", {{"en", response.message_en}, {"ko", response.message_ko}}}});
}

Result<ApplicationResponse> parse_application_response(std::string_view text) {
    auto object = parse_answer(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    ApplicationResponse response;
    response.application_id = text_field(*object, "application_id", true, violations).value_or("");
    response.status_token = text_field(*object, "status_token", true, violations).value_or("");
    response.channel = text_field(*object, "channel", true, violations).value_or("");
    response.code_expires_at =
        text_field(*object, "code_expires_at", true, violations).value_or("");
    if (const json::object* message = object_field(*object, "message", true, violations)) {
        response.message_en = text_field(*message, "en", true, violations, "message.").value_or("");
        response.message_ko = text_field(*message, "ko", true, violations, "message.").value_or("");
    }
    if (!violations.empty()) {
        return tl::unexpected(answer_error(std::move(violations)));
    }
    return response;
}

std::string to_json(const OtpVerifyResponse& response) {
    json::object object{{"application_id", response.application_id}, {"status", response.status}};
    if (response.codes) {
        put_codes(object, *response.codes);
    } else {
        object["required_documents"] = array_of(response.required_documents);
    }
    if (!response.status_token.empty()) {
        object["status_token"] = response.status_token;
    }
    return json::serialize(object);
}

Result<OtpVerifyResponse> parse_otp_verify_response(std::string_view text) {
    auto object = parse_answer(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    OtpVerifyResponse response;
    response.application_id = text_field(*object, "application_id", true, violations).value_or("");
    response.status = text_field(*object, "status", true, violations).value_or("");
    // The codes' members come together; without them the answer names the documents.
    if (const json::value* reference = object->if_contains("reference_number");
        reference != nullptr && !reference->is_null()) {
        response.codes = read_codes(*object, "", violations);
    } else {
        response.required_documents = texts_field(*object, "required_documents", true, violations)
                                          .value_or(std::vector<std::string>{});
    }
    response.status_token = text_field(*object, "status_token", false, violations).value_or("");
    if (!violations.empty()) {
        return tl::unexpected(answer_error(std::move(violations)));
    }
    return response;
}

std::string to_json(const OtpResendResponse& response) {
    return json::serialize(json::object{{"application_id", response.application_id},
                                        {"channel", response.channel},
                                        {"code_expires_at", response.code_expires_at}});
}

std::string to_json(const DocumentEntry& document) {
    return json::serialize(value_of(document));
}

std::string to_json(const ApplicationStatusResponse& response) {
    json::object object{{"application_id", response.application_id},
                        {"status", response.status},
                        {"holder_type", response.holder_type},
                        {"reason", response.reason},
                        {"events", array_of(response.events)},
                        {"messages", array_of(response.messages)},
                        {"required_documents", array_of(response.required_documents)},
                        {"documents", array_of(response.documents)}};
    if (response.review) {
        object["review"] = json::object{{"decision", response.review->decision},
                                        {"reason", response.review->reason},
                                        {"text", response.review->text}};
    }
    if (response.codes) {
        json::object codes;
        put_codes(codes, *response.codes);
        object["codes"] = std::move(codes);
    }
    return json::serialize(object);
}

Result<ApplicationStatusResponse> parse_application_status_response(std::string_view text) {
    auto object = parse_answer(text);
    DOJANG_TRY(object);
    std::vector<Violation> violations;
    ApplicationStatusResponse response;
    response.application_id = text_field(*object, "application_id", true, violations).value_or("");
    response.status = text_field(*object, "status", true, violations).value_or("");
    response.holder_type = text_field(*object, "holder_type", true, violations).value_or("");
    response.reason = text_field(*object, "reason", true, violations).value_or("");
    response.events = entries_field<EventEntry>(*object, "events", violations, read_event);
    response.messages = entries_field<MessageEntry>(*object, "messages", violations, read_message);
    response.required_documents = texts_field(*object, "required_documents", true, violations)
                                      .value_or(std::vector<std::string>{});
    response.documents =
        entries_field<DocumentEntry>(*object, "documents", violations, read_document);
    if (const json::object* review = object_field(*object, "review", false, violations)) {
        RejectionEntry rejection;
        rejection.decision =
            text_field(*review, "decision", true, violations, "review.").value_or("");
        rejection.reason = text_field(*review, "reason", true, violations, "review.").value_or("");
        rejection.text = text_field(*review, "text", true, violations, "review.").value_or("");
        response.review = std::move(rejection);
    }
    if (const json::object* codes = object_field(*object, "codes", false, violations)) {
        response.codes = read_codes(*codes, "codes.", violations);
    }
    if (!violations.empty()) {
        return tl::unexpected(answer_error(std::move(violations)));
    }
    return response;
}

std::string to_json(const SignInResponse& response) {
    return json::serialize(json::object{{"officer", response.officer},
                                        {"csrf_token", response.csrf_token},
                                        {"expires_at", response.expires_at}});
}

std::string to_json(const std::vector<ReviewQueueEntry>& items) {
    return json::serialize(json::object{{"items", array_of(items)}});
}

std::string to_json(const ReviewDetailResponse& response) {
    const ReviewApplicationEntry& application = response.application;
    json::object applicant{{"channel", application.applicant.channel},
                           {"phone", application.applicant.phone},
                           {"email", application.applicant.email}};
    if (!application.applicant.proxy_name.empty()) {
        applicant["proxy"] = json::object{{"name", application.applicant.proxy_name},
                                          {"phone", application.applicant.proxy_phone}};
    }
    const RegisterEntry& entry = response.register_entry;
    json::array certificates;
    for (const auto& certificate : response.certificates) {
        json::object item{{"serial", certificate.serial}, {"status", certificate.status}};
        for (const auto& [name, value] :
             {std::pair{"subject", &certificate.subject},
              std::pair{"not_after", &certificate.not_after},
              std::pair{"revoked_at", &certificate.revoked_at},
              std::pair{"revocation_reason", &certificate.revocation_reason}}) {
            if (!value->empty()) {
                item[name] = *value;
            }
        }
        certificates.push_back(std::move(item));
    }
    return json::serialize(
        json::object{{"application",
                      json::object{{"id", application.id},
                                   {"holder_type", application.holder_type},
                                   {"reason", application.reason},
                                   {"status", application.status},
                                   {"old_serial", application.old_serial},
                                   {"created_at", application.created_at},
                                   {"applicant", std::move(applicant)}}},
                     {"register",
                      json::object{{"customer_id", entry.customer_id},
                                   {"holder_type", entry.holder_type},
                                   {"name", entry.name},
                                   {"birth_date", entry.birth_date},
                                   {"business_number", entry.business_number},
                                   {"corporate_number", entry.corporate_number},
                                   {"representative", entry.representative},
                                   {"phone", entry.phone},
                                   {"email", entry.email},
                                   {"certificate_serials", array_of(entry.certificate_serials)}}},
                     {"required_documents", array_of(response.required_documents)},
                     {"documents", array_of(response.documents)},
                     {"events", array_of(response.events)},
                     {"approvals", array_of(response.approvals)},
                     {"certificates", certificates}});
}

std::string to_json(const DecisionResponse& response) {
    return json::serialize(json::object{{"id", response.id}, {"status", response.status}});
}

std::string to_json(const UnlockResponse& response) {
    return json::serialize(json::object{{"username", response.username}, {"status", "unlocked"}});
}

}  // namespace dojang::dto
