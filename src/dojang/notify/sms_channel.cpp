// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/sms_channel.hpp"

#include "dojang/core/text.hpp"
#include "dojang/notify/curl.hpp"

#include <array>

namespace dojang::notify {
namespace {

using detail::failed;

constexpr std::string_view to_placeholder = "{to}";
constexpr std::string_view text_placeholder = "{text}";

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

/// The JSON string literal of `text` without its quotes.
std::string json_escaped(std::string_view text) {
    const std::string quoted = json_quote(text);
    return quoted.substr(1, quoted.size() - 2);
}

/// RFC 9110 section 5.1 field-name: a token.
bool is_token(std::string_view name) {
    static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
    if (name.empty()) {
        return false;
    }
    for (const char c : name) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && extra.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

bool has_line_break(std::span<const std::uint8_t> value) {
    for (const std::uint8_t byte : value) {
        if (byte == '\r' || byte == '\n' || byte == 0) {
            return true;
        }
    }
    return false;
}

bool is_content_type(std::string_view name) {
    static constexpr std::string_view wanted = "content-type";
    if (name.size() != wanted.size()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c =
            name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
        if (c != wanted[i]) {
            return false;
        }
    }
    return true;
}

Error settings_error(std::string detail) {
    return Error{ErrorKind::invalid_request, "SMS_SETTINGS_INVALID", std::move(detail), {}, {}};
}

}  // namespace

Result<std::string> normalise_phone_number(std::string_view phone) {
    static constexpr std::string_view separators = "- ().";
    std::string digits;
    for (std::size_t i = 0; i < phone.size(); ++i) {
        const char c = phone[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c == '+' && i == 0) {
            digits.push_back(c);
        } else if (separators.find(c) == std::string_view::npos) {
            digits.clear();
            break;
        }
    }
    const std::size_t count = digits.size() - (starts_with(digits, "+") ? 1 : 0);
    if (digits.empty() || count < 8 || count > 15) {
        return fail(ErrorKind::invalid_request,
                    "PHONE_NUMBER_INVALID",
                    "the destination is not a phone number");
    }
    return digits;
}

std::string render_gateway_body(std::string_view body_template,
                                std::string_view to,
                                std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < body_template.size()) {
        const std::string_view rest = body_template.substr(i);
        if (starts_with(rest, to_placeholder)) {
            out += json_escaped(to);
            i += to_placeholder.size();
        } else if (starts_with(rest, text_placeholder)) {
            out += json_escaped(text);
            i += text_placeholder.size();
        } else {
            out.push_back(body_template[i]);
            ++i;
        }
    }
    return out;
}

Result<std::unique_ptr<HttpSmsChannel>> HttpSmsChannel::create(SmsGatewaySettings settings) {
    if (!starts_with(settings.url, "https://") && !starts_with(settings.url, "http://")) {
        return tl::unexpected(settings_error("the SMS gateway URL must be http:// or https://"));
    }
    if (settings.body_template.find(to_placeholder) == std::string::npos ||
        settings.body_template.find(text_placeholder) == std::string::npos) {
        return tl::unexpected(
            settings_error("the SMS gateway body template needs both {to} and {text}"));
    }
    for (const GatewayHeader& header : settings.headers) {
        if (!is_token(header.name) || has_line_break(header.value.bytes())) {
            return tl::unexpected(settings_error("bad SMS gateway header '" + header.name + "'"));
        }
    }
    return std::unique_ptr<HttpSmsChannel>(new HttpSmsChannel(std::move(settings)));
}

Result<void> HttpSmsChannel::send(const store::OutboxMessage& message) {
    // 1. The request body; a malformed number is permanent.
    auto phone = normalise_phone_number(message.destination);
    DOJANG_TRY(phone);
    const std::string body = render_gateway_body(settings_.body_template, *phone, message.body);
    // 2. The request: headers (API keys among them), JSON body.
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    auto easy =
        detail::make_easy("http,https", settings_.timeout, settings_.ca_file, error_buffer.data());
    DOJANG_TRY(easy);
    CURL* handle = easy->get();
    detail::CurlList headers;
    bool has_content_type = false;
    bool listed = true;
    for (const GatewayHeader& header : settings_.headers) {
        SecretBytes line(header.name + ": " +
                         std::string(header.value.chars(), header.value.size()));
        listed = listed && detail::append(headers, std::string(line.chars(), line.size()));
        has_content_type = has_content_type || is_content_type(header.name);
    }
    if (!has_content_type) {
        listed = listed && detail::append(headers, "Content-Type: application/json");
    }
    // Ask the gateway for its answer at once rather than after a 100-continue round trip.
    listed = listed && detail::append(headers, "Expect:");
    if (!listed) {
        return fail(ErrorKind::unavailable, "SMS_FAILED", "out of memory");
    }
    CURLcode set = curl_easy_setopt(handle, CURLOPT_URL, settings_.url.c_str());
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    }
    if (!failed(set)) {
        set = curl_easy_setopt(
            handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
    }
    if (failed(set)) {
        return fail(ErrorKind::unavailable,
                    "SMS_FAILED",
                    "cannot set up the SMS gateway request",
                    detail::describe(set, error_buffer.data()));
    }
    // 3. Send and sort the answer into delivered, retry or give up.
    const CURLcode sent = curl_easy_perform(handle);
    if (failed(sent)) {
        return fail(ErrorKind::unavailable,
                    "SMS_UNAVAILABLE",
                    "SMS gateway: " + detail::describe(sent, error_buffer.data()));
    }
    long status = 0;
    (void)curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
        return ok();
    }
    const std::string why = "SMS gateway answered HTTP " + std::to_string(status);
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
        return fail(ErrorKind::invalid_request, "SMS_REJECTED", why);
    }
    return fail(ErrorKind::unavailable, "SMS_UNAVAILABLE", why);
}

}  // namespace dojang::notify
