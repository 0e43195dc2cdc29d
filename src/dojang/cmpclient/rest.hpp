// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dojang::cmpclient {

/// One HTTP request of the REST API.
struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// Its answer (any status: only a failed transfer is an error).
struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
    std::string retry_after;  ///< the Retry-After header as sent, empty when absent
};

/// Sends one request; unavailable SERVER_UNREACHABLE when the transfer fails.
using Transport = std::function<Result<HttpResponse>(const HttpRequest&)>;

/// The libcurl transport (timeouts of `timeout`, no redirects, http and https only).
Transport curl_transport(std::chrono::seconds timeout = std::chrono::seconds{60});

/// Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date, relative to `now`; nullopt
/// when absent or malformed. A date in the past is zero seconds.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, Seconds now);

/// How often and how long the client waits out 503s.
struct RetryPolicy {
    int max_attempts = 4;
    std::chrono::seconds default_wait{5};  ///< when a 503 has no usable Retry-After
    std::chrono::seconds max_wait{120};    ///< longer Retry-After values are cut to this
};

/// Shows the wait (the countdown) and sleeps; `attempt` is the number of the next attempt.
using Waiter = std::function<void(std::chrono::seconds wait, int attempt, int max_attempts)>;

/// Sends `request`; on 503 waits Retry-After (Waiter) and tries again, at most
/// `policy.max_attempts` times in all. The last 503 is returned as it is.
Result<HttpResponse> send_with_retry(const Transport& transport,
                                     const HttpRequest& request,
                                     const RetryPolicy& policy,
                                     const Waiter& wait,
                                     const std::function<Seconds()>& now);

/// The Error of a non-2xx answer: kind from the HTTP status (architecture.md "Errors"), code
/// and texts from the problem document (dto::parse_problem: Korean and English, with the next
/// step); a body that is no problem document leaves the status to speak.
Error error_of(const HttpResponse& response);

}  // namespace dojang::cmpclient
