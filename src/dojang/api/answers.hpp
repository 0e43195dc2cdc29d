// SPDX-License-Identifier: Apache-2.0
#pragma once
// What every REST handler of this component answers with: a JSON body (a dto wire type written
// by dto::to_json) that no cache keeps, and the router's "no such route" for a path that is
// under a prefix route but names nothing.

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/text.hpp"
#include "dojang/dto/dto.hpp"
#include "dojang/http/router.hpp"
#include "dojang/store/review.hpp"

#include <optional>
#include <string>

namespace dojang::api {

/// A JSON answer with Cache-Control: no-store.
inline http::Response json(unsigned status, std::string body) {
    auto response = http::Response::bytes(status, "application/json", std::move(body));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

/// NOT_FOUND for a path under a prefix route that names no resource.
inline Error no_such_route() {
    return Error{ErrorKind::not_found, "NOT_FOUND", "no such route", {}, {}};
}

/// A stored document as the wire shows it; `url` where the reader may fetch its bytes (the
/// officers' review), none for the applicant.
inline dto::DocumentEntry document_entry(const store::DocumentRecord& document,
                                         std::optional<std::string> url = std::nullopt) {
    return {document.kind,
            document.media_type,
            document.size,
            to_hex(document.sha256),
            to_rfc3339(document.uploaded_at),
            std::move(url)};
}

}  // namespace dojang::api
