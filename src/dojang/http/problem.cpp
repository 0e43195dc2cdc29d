// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/problem.hpp"

#include "dojang/dto/catalog.hpp"

namespace dojang::http {

Response problem(const Error& error, std::string_view request_id) {
    Error shown = error;
    if (error.kind == ErrorKind::internal) {
        // Never show internals: the detail of an internal error may name files or keys.
        shown = Error{ErrorKind::internal, "INTERNAL", "internal error", {}, {}};
        if (!request_id.empty()) {
            const std::string id(request_id);
            shown.detail = "internal error; quote request id " + id + " (요청 번호 " + id +
                           " 를 알려 주십시오)";
        }
    }
    // The catalog names the status of a code where it is more precise than its kind's (408,
    // 413, 415, 429, 431).
    const dto::ErrorEntry* entry = dto::find_error(shown.code);
    const unsigned status = entry != nullptr ? entry->status : dto::http_status(shown.kind);
    auto response = Response::bytes(
        status, "application/problem+json", dto::problem_json(shown, status, entry));
    if (shown.retry_after) {
        response.headers.emplace_back("Retry-After", std::to_string(shown.retry_after->count()));
    } else if (status == 503) {
        response.headers.emplace_back("Retry-After", "5");
    } else if (status == 429) {
        response.headers.emplace_back("Retry-After", "60");
    }
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

}  // namespace dojang::http
