// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/form.hpp"

#include "dojang/http/caching.hpp"

#include <algorithm>

namespace dojang::http {
namespace {

std::string decoded(std::string_view text) {
    std::string plus_as_space(text);
    std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
    return percent_decode(plus_as_space);
}

}  // namespace

std::map<std::string, std::string> form_fields(std::string_view body) {
    std::map<std::string, std::string> fields;
    while (!body.empty()) {
        const auto end = body.find('&');
        const std::string_view pair = body.substr(0, end);
        body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
        if (pair.empty()) {
            continue;
        }
        const auto equals = pair.find('=');
        fields.emplace(
            decoded(pair.substr(0, equals)),
            equals == std::string_view::npos ? std::string() : decoded(pair.substr(equals + 1)));
    }
    return fields;
}

}  // namespace dojang::http
