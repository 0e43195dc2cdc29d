// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/endpoint.hpp"

#include "dojang/crypto/openssl.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/http.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace dojang::cmpclient {
namespace {

/// Frees what OSSL_HTTP_parse_url() allocated.
struct UrlParts {
    char* user = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    char* path = nullptr;
    char* query = nullptr;
    char* fragment = nullptr;
    UrlParts() = default;
    UrlParts(const UrlParts&) = delete;
    UrlParts& operator=(const UrlParts&) = delete;
    ~UrlParts() {
        for (char* part : {user, host, port, path, query, fragment}) {
            OPENSSL_free(part);
        }
    }
};

constexpr std::size_t max_response_bytes = 1024 * 1024;

}  // namespace

std::string Endpoint::url() const {
    const bool default_port = (tls && port == 443) || (!tls && port == 80);
    const bool ipv6 = host.find(':') != std::string::npos;
    std::string text = tls ? "https://" : "http://";
    text += ipv6 ? "[" + host + "]" : host;
    if (!default_port) {
        text += ":" + std::to_string(port);
    }
    return text + base_path;
}

std::string Endpoint::path(std::string_view tail) const {
    return base_path + std::string(tail);
}

std::string Endpoint::key() const {
    std::string text = host + "_" + std::to_string(port);
    std::replace_if(
        text.begin(),
        text.end(),
        [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-';
        },
        '_');
    return text;
}

Result<Endpoint> parse_endpoint(std::string_view url) {
    const std::string text(url);
    const auto invalid = [&](const std::string& why) {
        return fail(ErrorKind::invalid_request,
                    "SERVER_URL_INVALID",
                    "the server URL must look like http://host:port (서버 주소가 올바르지 "
                    "않습니다): " +
                        why);
    };
    if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) {
        return invalid("no http:// or https://");
    }
    UrlParts parts;
    int ssl = 0;
    int port = 0;
    if (OSSL_HTTP_parse_url(text.c_str(),
                            &ssl,
                            &parts.user,
                            &parts.host,
                            &parts.port,
                            &port,
                            &parts.path,
                            &parts.query,
                            &parts.fragment) != 1) {
        ERR_clear_error();
        return invalid(text);
    }
    if ((parts.user != nullptr && *parts.user != '\0') ||
        (parts.query != nullptr && *parts.query != '\0') ||
        (parts.fragment != nullptr && *parts.fragment != '\0')) {
        return invalid("no user, query or fragment");
    }
    if (port <= 0 || port > 65535 || parts.host == nullptr || *parts.host == '\0') {
        return invalid("no host or port");
    }
    Endpoint endpoint;
    endpoint.host = parts.host;
    endpoint.port = port;
    endpoint.tls = ssl != 0;
    endpoint.base_path = parts.path == nullptr ? "" : parts.path;
    while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
        endpoint.base_path.pop_back();
    }
    return endpoint;
}

Result<Bytes> http_get(const std::string& url, std::chrono::seconds timeout) {
    crypto::BioPtr answer(OSSL_HTTP_get(url.c_str(),
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        0,
                                        nullptr,
                                        nullptr,
                                        0,
                                        max_response_bytes,
                                        static_cast<int>(timeout.count())));
    if (!answer) {
        return crypto::openssl_failure(ErrorKind::unavailable,
                                       "SERVER_UNREACHABLE",
                                       "no answer from " + url + " (서버에 연결할 수 없습니다)");
    }
    // The answer is a memory BIO or, for a streamed body, the connection: read it to the end.
    Bytes content;
    std::array<std::uint8_t, 4096> buffer{};
    for (;;) {
        const int read = BIO_read(answer.get(), buffer.data(), static_cast<int>(buffer.size()));
        if (read <= 0) {
            break;
        }
        content.insert(content.end(), buffer.begin(), buffer.begin() + read);
        if (content.size() > max_response_bytes) {
            return fail(ErrorKind::unavailable, "RESPONSE_TOO_LARGE", url + " answered too much");
        }
    }
    ERR_clear_error();
    return content;
}

}  // namespace dojang::cmpclient
