// SPDX-License-Identifier: Apache-2.0
#include "dojang/ocsp/routes.hpp"

#include "dojang/http/caching.hpp"

namespace dojang::ocsp {

namespace {

http::Response answer(Responder& responder,
                      const Clock& clock,
                      const http::Request& request,
                      const Bytes& der,
                      bool cacheable) {
    const Answer answered = responder.answer(der);
    if (cacheable && answered.this_update && answered.next_update) {
        return http::cacheable(request,
                               "application/ocsp-response",
                               *answered.der,
                               {*answered.this_update, *answered.next_update},
                               clock.now(),
                               std::chrono::hours{24});
    }
    auto response = http::Response::bytes(
        200, "application/ocsp-response", std::string(answered.der->begin(), answered.der->end()));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

}  // namespace

void add_routes(http::Router& router,
                Responder& responder,
                const Clock& clock,
                http::Counter& answered) {
    router.add(
        "POST",
        "/ocsp",
        [&responder, &clock, &answered](const http::Request& request) {
            answered.inc();
            return answer(responder, clock, request, to_bytes(request.body), false);
        },
        http::RouteClass::status);
    router.add_prefix(
        "GET",
        "/ocsp/",
        [&responder, &clock, &answered](const http::Request& request) {
            answered.inc();
            constexpr std::string_view prefix = "/ocsp/";
            auto der = from_base64(
                http::percent_decode(std::string_view(request.path).substr(prefix.size())));
            return answer(responder, clock, request, der ? *der : Bytes{}, true);
        },
        http::RouteClass::status);
}

}  // namespace dojang::ocsp
