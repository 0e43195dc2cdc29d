// SPDX-License-Identifier: Apache-2.0
#include "dojang/api/reason_routes.hpp"

#include "dojang/dto/reasons.hpp"
#include "dojang/ra/reissue.hpp"

namespace dojang::api {

namespace {

std::string_view to_string(ra::OldCertificates old) {
    switch (old) {
        case ra::OldCertificates::kept:
            return "kept";
        case ra::OldCertificates::superseded_on_confirm:
            return "superseded_on_confirm";
        case ra::OldCertificates::revoked_at_once:
            return "revoked_at_once";
    }
    return "kept";
}

}  // namespace

void add_reason_routes(http::Router& router) {
    std::vector<dto::ReasonEntry> reasons;
    for (const ra::ReasonRule& rule : ra::reason_rules()) {
        reasons.push_back({std::string(domain::to_string(rule.reason)),
                           std::string(to_string(rule.old_certificates)),
                           rule.issues_certificate});
    }
    router.add(
        "GET",
        "/api/v1/reasons",
        [body = dto::to_json(reasons)](const http::Request&) {
            auto response = http::Response::bytes(200, "application/json", body);
            response.headers.emplace_back("Cache-Control", "max-age=3600, public");
            return response;
        },
        http::RouteClass::status);
}

}  // namespace dojang::api
