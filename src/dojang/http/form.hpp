// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace dojang::http {

/// The fields of an application/x-www-form-urlencoded body (WHATWG URL, "urlencoded parsing"):
/// name=value pairs split at '&', '+' read as a space, %XX escapes decoded. A name given twice
/// keeps its first value; a pair without '=' has an empty value.
std::map<std::string, std::string> form_fields(std::string_view body);

}  // namespace dojang::http
