// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/endpoint.hpp"

#include "dojang/cmpclient/rest.hpp"
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
    HttpRequest request;
    request.url = url;
    auto answer = curl_transport(timeout)(request);
    DOJANG_TRY(answer);
    if (answer->status == 404) {
        return fail(ErrorKind::not_found, "HTTP_NOT_FOUND", url + " answered 404");
    }
    if (answer->status != 200) {
        return fail(ErrorKind::unavailable,
                    "SERVER_UNREACHABLE",
                    url + " answered HTTP " + std::to_string(answer->status) +
                        " (서버가 요청에 응답하지 않습니다)");
    }
    return Bytes(answer->body.begin(), answer->body.end());
}

}  // namespace dojang::cmpclient
