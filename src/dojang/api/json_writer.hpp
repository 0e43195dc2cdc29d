// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/text.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace dojang::api {

/// Builds one JSON object member by member; values are quoted, nested JSON is taken as is.
class JsonObject {
public:
    JsonObject& text(std::string_view key, std::string_view value) {
        return raw(key, json_quote(value));
    }
    JsonObject& number(std::string_view key, std::int64_t value) {
        return raw(key, std::to_string(value));
    }
    JsonObject& boolean(std::string_view key, bool value) {
        return raw(key, value ? "true" : "false");
    }
    JsonObject& time(std::string_view key, const std::optional<Seconds>& at) {
        return raw(key, at ? json_quote(to_rfc3339(*at)) : std::string("null"));
    }
    /// `json` must already be valid JSON (an object, array or literal).
    JsonObject& raw(std::string_view key, std::string_view json) {
        body_ += (body_.empty() ? "" : ",") + json_quote(key) + ":" + std::string(json);
        return *this;
    }
    [[nodiscard]] std::string str() const { return "{" + body_ + "}"; }

private:
    std::string body_;
};

/// Builds a JSON array of already-encoded values.
class JsonArray {
public:
    JsonArray& raw(std::string_view json) {
        body_ += (body_.empty() ? "" : ",") + std::string(json);
        return *this;
    }
    JsonArray& text(std::string_view value) { return raw(json_quote(value)); }
    [[nodiscard]] std::string str() const { return "[" + body_ + "]"; }

private:
    std::string body_;
};

}  // namespace dojang::api
