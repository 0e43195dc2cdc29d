// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/curl.hpp"

namespace dojang::notify::detail {
namespace {

/// curl_global_init once per process, before the first handle (thread-safe static).
bool curl_ready() {
    static const bool ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    return ready;
}

/// Discards a response body (the gateway may echo the message text; never keep it).
std::size_t discard(char* /*data*/, std::size_t size, std::size_t count, void* /*user*/) {
    return size * count;
}

}  // namespace

Result<CurlEasy> make_easy(std::string_view protocols,
                           std::chrono::milliseconds timeout,
                           const std::string& ca_file,
                           char* error_buffer) {
    if (!curl_ready()) {
        return fail(ErrorKind::unavailable, "CURL_INIT_FAILED", "cannot start libcurl");
    }
    CurlEasy easy(curl_easy_init());
    if (!easy) {
        return fail(ErrorKind::unavailable, "CURL_INIT_FAILED", "cannot start libcurl");
    }
    error_buffer[0] = '\0';
    CURL* handle = easy.get();
    const std::string allowed(protocols);
    const long millis = static_cast<long>(timeout.count());
    CURLcode set = curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, allowed.c_str());
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, millis);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, millis);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (!failed(set) && !ca_file.empty()) {
        set = curl_easy_setopt(handle, CURLOPT_CAINFO, ca_file.c_str());
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
    }
    if (failed(set)) {
        return fail(ErrorKind::unavailable,
                    "CURL_INIT_FAILED",
                    "cannot set up libcurl",
                    describe(set, error_buffer));
    }
    return easy;
}

bool append(CurlList& list, const std::string& line) {
    curl_slist* extended = curl_slist_append(list.get(), line.c_str());
    if (extended == nullptr) {
        return false;
    }
    (void)list.release();  // now owned by `extended`, the same list with one more entry
    list.reset(extended);
    return true;
}

std::string describe(CURLcode code, const char* error_buffer) {
    std::string text = curl_easy_strerror(code);
    if (error_buffer != nullptr && error_buffer[0] != '\0') {
        text += ": ";
        text += error_buffer;
    }
    return text;
}

}  // namespace dojang::notify::detail
