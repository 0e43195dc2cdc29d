// SPDX-License-Identifier: Apache-2.0
// libcurl plumbing shared by the SMTP and SMS channels (not part of the public API).
#pragma once

#include "dojang/core/error.hpp"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace dojang::notify::detail {

/// Frees an easy handle.
struct CurlEasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
/// Frees a string list.
struct CurlListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

/// A new easy handle with what every transfer here wants: no signals (threads), no redirects,
/// only the given protocols (e.g. "smtp,smtps"), connect and total timeouts, peer verification
/// on with `ca_file` when not empty, and `error_buffer` (CURL_ERROR_SIZE) for messages.
/// `unavailable` when libcurl cannot be set up.
Result<CurlEasy> make_easy(std::string_view protocols,
                           std::chrono::milliseconds timeout,
                           const std::string& ca_file,
                           char* error_buffer);

/// Appends `line` to `list` (which may be empty); false when libcurl is out of memory.
bool append(CurlList& list, const std::string& line);

/// libcurl's message for `code`, with the handle's error buffer when it has more.
std::string describe(CURLcode code, const char* error_buffer);

/// True for a libcurl option call that failed.
inline bool failed(CURLcode code) {
    return code != CURLE_OK;
}

}  // namespace dojang::notify::detail
