// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmp/routes.hpp"

#include "dojang/http/problem.hpp"

namespace dojang::cmp {

void add_routes(http::Router& router, Server& server) {
    router.add(
        "POST",
        "/cmp",
        [&server](const http::Request& request) {
            auto answer = server.handle(to_bytes(request.body));
            if (!answer) {
                return http::problem(answer.error());
            }
            return http::Response::bytes(
                200, "application/pkixcmp", std::string(answer->begin(), answer->end()));
        },
        http::RouteClass::issuance);
}

}  // namespace dojang::cmp
