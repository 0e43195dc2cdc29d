// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace dojang {

/// `text` as a JSON string literal, quotes included (RFC 8259 section 7 escapes).
std::string json_quote(std::string_view text);

/// RFC 3339 UTC text of a time ("2026-11-22T01:49:26Z").
std::string to_rfc3339(std::chrono::sys_seconds at);

}  // namespace dojang
