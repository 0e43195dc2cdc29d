// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/caching.hpp"

#include "dojang/core/text.hpp"
#include "dojang/crypto/digest.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

namespace dojang::http {

std::string http_date(Seconds at) {
    static constexpr std::array<const char*, 7> days{
        "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = at.time_since_epoch().count();
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 40> text{};
    std::snprintf(text.data(),
                  text.size(),
                  "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  days.at(static_cast<std::size_t>(utc.tm_wday)),
                  utc.tm_mday,
                  months.at(static_cast<std::size_t>(utc.tm_mon)),
                  utc.tm_year + 1900,
                  utc.tm_hour,
                  utc.tm_min,
                  utc.tm_sec);
    return text.data();
}

std::string etag_of(const Bytes& body) {
    return "\"" + to_hex(crypto::sha256(body)).substr(0, 32) + "\"";
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            auto byte = from_hex(text.substr(i + 1, 2));
            if (byte && byte->size() == 1) {
                out.push_back(static_cast<char>((*byte)[0]));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

Response cacheable(const Request& request,
                   std::string content_type,
                   const Bytes& body,
                   Validity validity,
                   Seconds now,
                   std::chrono::seconds at_most) {
    const std::string etag = etag_of(body);
    Response response =
        request.header("if-none-match") == etag
            ? Response{304, {}, {}}
            : Response::bytes(200, std::move(content_type), std::string(body.begin(), body.end()));
    auto remaining = std::chrono::duration_cast<std::chrono::seconds>(validity.next_update - now) -
                     std::chrono::seconds{60};
    remaining = std::clamp(remaining, std::chrono::seconds{0}, at_most);
    response.headers.emplace_back(
        "Cache-Control",
        "max-age=" + std::to_string(remaining.count()) + ", public, no-transform, must-revalidate");
    response.headers.emplace_back("ETag", etag);
    response.headers.emplace_back("Last-Modified", http_date(validity.this_update));
    response.headers.emplace_back("Expires", http_date(validity.next_update));
    return response;
}

}  // namespace dojang::http
