// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace dojang::cmpclient {

/// A dojangd server as the holder names it ("http://ca.example:8080" or with a path prefix).
struct Endpoint {
    std::string host;
    int port = 80;
    std::string base_path;  ///< "" or "/prefix", never a trailing '/'
    bool tls = false;

    /// "http://host:port" + base path: what REST paths are appended to.
    [[nodiscard]] std::string url() const;
    /// base path + `path` ("/cmp", "/ocsp").
    [[nodiscard]] std::string path(std::string_view path) const;
    /// "host_port": a file-name-safe key of the server.
    [[nodiscard]] std::string key() const;
};

/// Parses an http(s) URL. invalid_request SERVER_URL_INVALID on anything else (no scheme,
/// query, fragment, user info, port 0).
Result<Endpoint> parse_endpoint(std::string_view url);

/// GET `url` (http or https, libcurl); not_found HTTP_NOT_FOUND on 404, unavailable
/// SERVER_UNREACHABLE when nothing answers.
Result<Bytes> http_get(const std::string& url, std::chrono::seconds timeout);

}  // namespace dojang::cmpclient
