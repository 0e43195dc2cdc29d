// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/rest.hpp"

#include "dojang/dto/dto.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <memory>

namespace dojang::cmpclient {
namespace {

constexpr std::size_t max_body_bytes = 4 * 1024 * 1024;

struct Collected {
    std::string body;
    std::string content_type;
    std::string retry_after;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* collected = static_cast<Collected*>(user);
    const std::size_t bytes = size * count;
    if (collected->body.size() + bytes > max_body_bytes) {
        collected->too_large = true;
        return 0;
    }
    collected->body.append(data, bytes);
    return bytes;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

std::string trim(std::string_view text) {
    const auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!text.empty() && is_space(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* collected = static_cast<Collected*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        const std::string name = lower(line.substr(0, colon));
        const std::string value = trim(line.substr(colon + 1));
        if (name == "retry-after") {
            collected->retry_after = value;
        } else if (name == "content-type") {
            collected->content_type = value;
        }
    } else if (line.rfind("HTTP/", 0) == 0) {
        // A new status line (after a 100 Continue): forget the headers of the one before.
        collected->retry_after.clear();
        collected->content_type.clear();
    }
    return bytes;
}

struct CurlDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

Result<HttpResponse> curl_send(const HttpRequest& request, std::chrono::seconds timeout) {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!initialised) {
        return fail(ErrorKind::internal, "HTTP_CLIENT_FAILED", "cannot initialise libcurl");
    }
    std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
    if (!handle) {
        return fail(ErrorKind::internal, "HTTP_CLIENT_FAILED", "cannot create a libcurl handle");
    }
    curl_slist* raw_headers = nullptr;
    for (const auto& [name, value] : request.headers) {
        const std::string line = name + ": " + value;
        curl_slist* appended = curl_slist_append(raw_headers, line.c_str());
        if (appended == nullptr) {
            curl_slist_free_all(raw_headers);
            return fail(ErrorKind::internal, "HTTP_CLIENT_FAILED", "out of memory");
        }
        raw_headers = appended;
    }
    std::unique_ptr<curl_slist, SlistDeleter> headers(raw_headers);
    Collected collected;
    CURL* curl = handle.get();
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &collected);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &collected);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    // https: libcurl verifies the server against the system's CAs, or against the PEM file
    // named by DOJANG_TLS_CA_FILE (a private CA in front of dojangd).
    if (const char* ca_file = std::getenv("DOJANG_TLS_CA_FILE"); ca_file != nullptr && *ca_file) {
        curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    }
    if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(
            curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    const CURLcode result = curl_easy_perform(curl);
    if (result != CURLE_OK) {
        if (collected.too_large) {
            return fail(ErrorKind::unavailable,
                        "RESPONSE_TOO_LARGE",
                        request.url + " answered more than 4 MiB");
        }
        if (result == CURLE_PEER_FAILED_VERIFICATION) {
            return fail(ErrorKind::forbidden,
                        "TLS_UNTRUSTED",
                        "the TLS certificate of " + request.url +
                            " is not trusted (서버의 TLS 인증서를 신뢰할 수 없습니다); if the CA "
                            "runs its own TLS CA, name its PEM file in DOJANG_TLS_CA_FILE",
                        curl_easy_strerror(result));
        }
        return fail(ErrorKind::unavailable,
                    "SERVER_UNREACHABLE",
                    "cannot reach " + request.url + " (서버에 연결할 수 없습니다)",
                    curl_easy_strerror(result));
    }
    HttpResponse response;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(collected.body);
    response.content_type = std::move(collected.content_type);
    response.retry_after = std::move(collected.retry_after);
    return response;
}

ErrorKind kind_of_status(long status) {
    switch (status) {
        case 400:
        case 413:
        case 415:
            return ErrorKind::invalid_request;
        case 401:
            return ErrorKind::unauthenticated;
        case 403:
            return ErrorKind::forbidden;
        case 404:
            return ErrorKind::not_found;
        case 409:
            return ErrorKind::conflict;
        case 422:
            return ErrorKind::policy_rejected;
        case 429:
        case 503:
            return ErrorKind::unavailable;
        default:
            return status >= 400 && status < 500 ? ErrorKind::invalid_request : ErrorKind::internal;
    }
}

}  // namespace

Transport curl_transport(std::chrono::seconds timeout) {
    return [timeout](const HttpRequest& request) { return curl_send(request, timeout); };
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, Seconds now) {
    const std::string text = trim(value);
    if (text.empty()) {
        return std::nullopt;
    }
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (text.size() > 9) {
            return std::chrono::seconds{999'999'999};
        }
        return std::chrono::seconds{std::stol(text)};
    }
    // IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7).
    std::tm parsed{};
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parsed);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    const Seconds at{std::chrono::seconds{timegm(&parsed)}};
    return at <= now ? std::chrono::seconds{0} : at - now;
}

Result<HttpResponse> send_with_retry(const Transport& transport,
                                     const HttpRequest& request,
                                     const RetryPolicy& policy,
                                     const Waiter& wait,
                                     const std::function<Seconds()>& now) {
    for (int attempt = 1;; ++attempt) {
        auto response = transport(request);
        if (!response || response->status != 503 || attempt >= policy.max_attempts) {
            return response;
        }
        auto delay = parse_retry_after(response->retry_after, now()).value_or(policy.default_wait);
        delay = std::min(delay, policy.max_wait);
        wait(delay, attempt + 1, policy.max_attempts);
    }
}

Error error_of(const HttpResponse& response) {
    // A body that is no problem document (a proxy's page, "busy") reads as an empty one.
    const dto::Problem problem = dto::parse_problem(response.body).value_or(dto::Problem{});
    Error error;
    error.kind = kind_of_status(response.status);
    error.code = problem.code.empty() ? "HTTP_" + std::to_string(response.status) : problem.code;
    std::string detail = problem.detail.empty() ? problem.title : problem.detail;
    if (detail.empty()) {
        detail = "the server answered HTTP " + std::to_string(response.status);
    }
    if (!problem.title_ko.empty()) {
        detail += " (" + problem.title_ko + ")";
    }
    if (!problem.next_ko.empty() || !problem.next_en.empty()) {
        detail += "\n  다음 단계: " + problem.next_ko + "\n  next step: " + problem.next_en;
    }
    error.detail = std::move(detail);
    error.violations = problem.violations;
    return error;
}

}  // namespace dojang::cmpclient
