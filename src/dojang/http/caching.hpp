// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/http/router.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace dojang::http {

/// RFC 9110 section 5.6.7 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), independent of the C
/// locale.
std::string http_date(Seconds at);

/// A strong entity tag of `body`: the first 128 bits of its SHA-256, so every node behind a
/// load balancer gives the same tag for the same bytes.
std::string etag_of(const Bytes& body);

/// Decodes the %XX escapes of a URL path segment (RFC 3986 section 2.1); anything else,
/// including a malformed escape, is kept as it is.
std::string percent_decode(std::string_view text);

/// What a signed object valid from `this_update` to `next_update` is, for caching.
struct Validity {
    Seconds this_update;
    Seconds next_update;
};

/// Answers `body` (an OCSP response or a CRL) with the caching headers of RFC 5019 section
/// 6.2: max-age stays below nextUpdate − now (and under `at_most`), so no cache serves it
/// past nextUpdate; ETag, Last-Modified and Expires. 304 Not Modified when the request's
/// If-None-Match names the body's ETag.
Response cacheable(const Request& request,
                   std::string content_type,
                   const Bytes& body,
                   Validity validity,
                   Seconds now,
                   std::chrono::seconds at_most);

}  // namespace dojang::http
