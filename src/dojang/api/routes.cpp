// SPDX-License-Identifier: Apache-2.0
#include "dojang/api/routes.hpp"

#include "dojang/api/catalog.hpp"
#include "dojang/core/text.hpp"
#include "dojang/dto/dto.hpp"

namespace dojang::api {
namespace {

http::Response json(unsigned status, std::string body) {
    auto response = http::Response::bytes(status, "application/json", std::move(body));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

/// POST /api/v1/certificates: read → validate → authorise and act (ra) → render.
http::Response issue_certificate(ra::ReissueService& reissue, const http::Request& request) {
    auto body = dto::parse_certificate_request(request.body);
    if (!body) {
        return problem(body.error());
    }
    ra::CertificateRequest call;
    call.reference_number = body->reference_number;
    call.authorization_code = body->authorization_code;
    call.csr = to_bytes(body->csr);
    if (body->random_num) {
        auto random_num = from_hex(*body->random_num);
        if (!random_num || random_num->size() != 20) {
            return problem(Error{ErrorKind::invalid_request,
                                 "BODY_INVALID",
                                 "random_num must be 40 hexadecimal digits",
                                 {},
                                 {{"FIELD_INVALID", "random_num must be 40 hexadecimal digits"}}});
        }
        call.random_num = std::move(*random_num);
    }
    auto issued = reissue.issue(call);
    if (!issued) {
        return problem(issued.error());
    }
    dto::CertificateResponse response;
    response.application_id = issued->application_id;
    response.serial = issued->certificate.serial()->hex();
    response.certificate = *issued->certificate.pem();
    response.chain = issued->chain_pem;
    response.not_after = to_rfc3339(issued->certificate.not_after());
    response.confirmation_token = issued->confirmation_token;
    response.confirm_by = to_rfc3339(issued->confirm_by);
    return json(201, dto::to_json(response));
}

/// POST /api/v1/certificates/{serial}/confirm
http::Response confirm_certificate(ra::ReissueService& reissue, const http::Request& request) {
    constexpr std::string_view prefix = "/api/v1/certificates/";
    constexpr std::string_view suffix = "/confirm";
    const std::string_view path = request.path;
    if (path.size() <= prefix.size() + suffix.size() || !path.ends_with(suffix)) {
        return problem(Error{ErrorKind::not_found, "NOT_FOUND", "no such route", {}, {}});
    }
    auto serial = SerialNumber::from_hex(
        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
    if (!serial) {
        return problem(
            Error{ErrorKind::not_found, "CERTIFICATE_NOT_FOUND", "no such certificate", {}, {}});
    }
    auto body = dto::parse_confirm_request(request.body);
    if (!body) {
        return problem(body.error());
    }
    auto confirmed = reissue.confirm(*serial, body->confirmation_token);
    if (!confirmed) {
        return problem(confirmed.error());
    }
    return json(200, R"({"status":"confirmed","serial":)" + json_quote(serial->hex()) + "}");
}

}  // namespace

http::Response problem(const Error& error) {
    const unsigned status = http_status(error.kind);
    Error shown = error;
    if (error.kind == ErrorKind::internal) {
        // Never show internals: the detail of an internal error may name files or keys.
        shown = Error{ErrorKind::internal, "INTERNAL", "internal error", {}, {}};
    }
    auto response = http::Response::bytes(status,
                                          "application/problem+json",
                                          dto::problem_json(shown, status, find_error(shown.code)));
    if (error.kind == ErrorKind::unavailable) {
        response.headers.emplace_back("Retry-After", "5");
    }
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

void add_routes(http::Router& router, ra::ReissueService& reissue) {
    router.add(
        "POST",
        "/api/v1/certificates",
        [&reissue](const http::Request& request) { return issue_certificate(reissue, request); },
        http::RouteClass::issuance);
    router.add_prefix(
        "POST",
        "/api/v1/certificates/",
        [&reissue](const http::Request& request) { return confirm_certificate(reissue, request); },
        http::RouteClass::issuance);
    router.add(
        "GET",
        "/api/v1/errors",
        [](const http::Request&) { return json(200, dto::to_json(error_catalog())); },
        http::RouteClass::status);
}

}  // namespace dojang::api
