// SPDX-License-Identifier: Apache-2.0
#pragma once
// What every REST handler of this component answers with: a JSON body (a dto wire type written
// by dto::to_json) that no cache keeps, and the router's "no such route" for a path that is
// under a prefix route but names nothing.

#include "dojang/core/error.hpp"
#include "dojang/http/router.hpp"

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

}  // namespace dojang::api
