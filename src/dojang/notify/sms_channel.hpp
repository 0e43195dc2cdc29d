// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/notify/channel.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace dojang::notify {

/// One request header for the SMS gateway; the value often carries an API key.
struct GatewayHeader {
    std::string name;
    SecretBytes value;
};

/// How to reach an SMS gateway that takes one JSON POST per message.
struct SmsGatewaySettings {
    std::string url;  ///< "https://gateway.example/v1/send" (http:// for loopback tests).
    std::vector<GatewayHeader> headers;
    /// The request body. "{to}" and "{text}" are replaced by the phone number and the message
    /// text, JSON-escaped without quotes, so the template supplies the quotes. Must contain both.
    std::string body_template = R"({"to":"{to}","text":"{text}"})";
    std::chrono::milliseconds timeout{10'000};
    std::string ca_file;  ///< CA bundle for an https gateway; empty: the system's.
};

/// Delivers SMS through an HTTP gateway with libcurl. Thread-safe.
class HttpSmsChannel final : public Channel {
public:
    /// Checks `settings`: invalid_request (SMS_SETTINGS_INVALID) for a URL that is not http(s),
    /// a template without both placeholders, or a header with a bad name or a line break.
    static Result<std::unique_ptr<HttpSmsChannel>> create(SmsGatewaySettings settings);

    /// Posts one message: 2xx is delivered; 408, 429, 5xx, timeouts and connection failures are
    /// `unavailable` (retry); other 4xx and a malformed phone number are invalid_request.
    Result<void> send(const store::OutboxMessage& message) override;

private:
    explicit HttpSmsChannel(SmsGatewaySettings settings) : settings_(std::move(settings)) {}
    SmsGatewaySettings settings_;
};

/// The phone number as digits with an optional leading '+', separators ('-', ' ', '(', ')',
/// '.') removed; invalid_request (PHONE_NUMBER_INVALID) unless 8 to 15 digits remain.
Result<std::string> normalise_phone_number(std::string_view phone);

/// `body_template` with "{to}" and "{text}" replaced by the JSON-escaped values.
std::string render_gateway_body(std::string_view body_template,
                                std::string_view to,
                                std::string_view text);

}  // namespace dojang::notify
