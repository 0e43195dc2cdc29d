// SPDX-License-Identifier: Apache-2.0
#include "dojang/crl/routes.hpp"

#include "dojang/http/caching.hpp"
#include "dojang/http/problem.hpp"

namespace dojang::crl {

void add_routes(http::Router& router,
                const Publishers& publishers,
                const Clock& clock,
                std::chrono::seconds cache_at_most) {
    router.add_prefix(
        "GET",
        "/crl/",
        [&publishers, &clock, cache_at_most](const http::Request& request) {
            constexpr std::string_view prefix = "/crl/";
            constexpr std::string_view suffix = ".crl";
            const std::string_view file = std::string_view(request.path).substr(prefix.size());
            const auto found =
                file.ends_with(suffix)
                    ? publishers.find(std::string(file.substr(0, file.size() - suffix.size())))
                    : publishers.end();
            if (found == publishers.end()) {
                return http::problem(Error{ErrorKind::not_found,
                                           "CRL_NOT_FOUND",
                                           "no CRL called " + std::string(file),
                                           {},
                                           {}});
            }
            const Published current = found->second.current();
            if (!current.der) {
                return http::problem(Error{
                    ErrorKind::unavailable, "CRL_NOT_READY", "the CRL is being published", {}, {}});
            }
            return http::cacheable(request,
                                   "application/pkix-crl",
                                   *current.der,
                                   {current.this_update, current.next_update},
                                   clock.now(),
                                   cache_at_most);
        },
        http::RouteClass::status);
}

}  // namespace dojang::crl
