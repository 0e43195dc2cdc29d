// SPDX-License-Identifier: Apache-2.0
// The officers' REST API: sessions, the review queue, documents, decisions.
#include "dojang/api/answers.hpp"
#include "dojang/api/routes.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crypto/digest.hpp"
#include "dojang/dto/dto.hpp"
#include "dojang/http/problem.hpp"

namespace dojang::api {

using http::problem;

namespace {

constexpr std::string_view session_cookie = "__Host-dojang_officer";
constexpr std::string_view reviews_prefix = "/api/v1/reviews/";

/// The value of cookie `name` in the request's Cookie header, or empty.
std::string cookie(const http::Request& request, std::string_view name) {
    const std::string header = request.header("cookie");
    std::string_view rest = header;
    while (!rest.empty()) {
        const auto end = rest.find(';');
        std::string_view pair = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        while (!pair.empty() && pair.front() == ' ') {
            pair.remove_prefix(1);
        }
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
            return std::string(pair.substr(equals + 1));
        }
    }
    return {};
}

/// The officer making the request: an API token (`Authorization: Bearer`) or the session
/// cookie; a cookie-authenticated change must carry the session's X-CSRF-Token.
Result<std::string> officer_of(ra::ReviewService& review, const http::Request& request) {
    const std::string authorization = request.header("authorization");
    constexpr std::string_view bearer = "Bearer ";
    if (authorization.starts_with(bearer)) {
        return review.authenticate(authorization.substr(bearer.size()), false);
    }
    const std::string session = cookie(request, session_cookie);
    auto officer = review.authenticate(session, true);
    if (!officer) {
        return officer;
    }
    if (request.method != "GET" && request.method != "HEAD") {
        const std::string expected = review.csrf_token(session);
        const std::string presented = request.header("x-csrf-token");
        if (expected.empty() ||
            !crypto::constant_time_equal(to_bytes(expected), to_bytes(presented))) {
            return fail(ErrorKind::forbidden,
                        "CSRF_TOKEN_INVALID",
                        "this change needs the X-CSRF-Token of your session (보안 토큰이 "
                        "필요합니다)");
        }
    }
    return officer;
}

http::Response unauthenticated(const Error& error) {
    auto response = problem(error);
    if (error.kind == ErrorKind::unauthenticated) {
        response.headers.emplace_back("WWW-Authenticate", "Bearer");
    }
    return response;
}

/// POST /api/v1/officer/sessions
http::Response sign_in(ra::ReviewService& review, const http::Request& request) {
    auto body = dto::parse_sign_in_request(request.body);
    if (!body) {
        return problem(body.error());
    }
    auto session = review.sign_in(body->username,
                                  body->password,
                                  request.client.empty() ? request.remote_address : request.client);
    if (!session) {
        return unauthenticated(session.error());
    }
    auto response =
        json(201,
             dto::to_json(dto::SignInResponse{
                 session->officer, session->csrf_token, to_rfc3339(session->expires_at)}));
    response.headers.emplace_back(
        "Set-Cookie",
        std::string(session_cookie) + "=" + session->token +
            "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(8 * 3600));
    return response;
}

/// DELETE /api/v1/officer/sessions
http::Response sign_out(ra::ReviewService& review, const http::Request& request) {
    auto officer = officer_of(review, request);
    if (!officer) {
        return unauthenticated(officer.error());
    }
    auto ended = review.sign_out(cookie(request, session_cookie));
    if (!ended) {
        return problem(ended.error());
    }
    http::Response response;
    response.status = 204;
    response.headers.emplace_back("Cache-Control", "no-store");
    response.headers.emplace_back(
        "Set-Cookie",
        std::string(session_cookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    return response;
}

/// The value of `name` in a query string, not percent-decoded (our values never need it).
std::string query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto end = query.find('&');
        const std::string_view pair = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
            return std::string(pair.substr(equals + 1));
        }
    }
    return {};
}

/// A document of application `id`, with the URL an officer fetches it from.

std::vector<dto::DocumentEntry> document_entries(
    const std::vector<store::DocumentRecord>& documents, const std::string& id) {
    std::vector<dto::DocumentEntry> entries;
    for (const auto& document : documents) {
        entries.push_back(document_entry(
            document, std::string(reviews_prefix) + id + "/documents/" + document.kind));
    }
    return entries;
}

/// GET /api/v1/reviews?status=...&holder_type=...
http::Response list_reviews(ra::ReviewService& review, const http::Request& request) {
    auto officer = officer_of(review, request);
    if (!officer) {
        return unauthenticated(officer.error());
    }
    std::optional<domain::ApplicationStatus> status = domain::ApplicationStatus::in_review;
    std::optional<domain::HolderType> holder;
    const std::string status_text = query_value(request.query, "status");
    const std::string holder_text = query_value(request.query, "holder_type");
    if (status_text == "all") {
        status.reset();
    } else if (!status_text.empty()) {
        auto parsed = domain::application_status_from_string(status_text);
        if (!parsed) {
            return problem(parsed.error());
        }
        status = *parsed;
    }
    if (!holder_text.empty()) {
        auto parsed = domain::holder_type_from_string(holder_text);
        if (!parsed) {
            return problem(parsed.error());
        }
        holder = *parsed;
    }
    auto items = review.queue(status, holder);
    if (!items) {
        return problem(items.error());
    }
    std::vector<dto::ReviewQueueEntry> queue;
    for (const auto& item : *items) {
        queue.push_back({item.application.id,
                         std::string(domain::to_string(item.application.holder_type)),
                         item.name,
                         std::string(domain::to_string(item.application.reason)),
                         std::string(domain::to_string(item.application.status)),
                         to_rfc3339(item.application.created_at),
                         document_entries(item.documents, item.application.id)});
    }
    return json(200, dto::to_json(queue));
}

/// GET /api/v1/reviews/{id} and GET /api/v1/reviews/{id}/documents/{kind}
http::Response show_review(ra::ReviewService& review, const http::Request& request) {
    auto officer = officer_of(review, request);
    if (!officer) {
        return unauthenticated(officer.error());
    }
    const std::string rest = request.path.substr(reviews_prefix.size());
    const auto slash = rest.find('/');
    const std::string id = rest.substr(0, slash);
    if (slash != std::string::npos) {
        constexpr std::string_view documents = "/documents/";
        if (rest.compare(slash, documents.size(), documents) != 0) {
            return problem(no_such_route());
        }
        auto document = review.document(id, rest.substr(slash + documents.size()));
        if (!document) {
            return problem(document.error());
        }
        auto response = http::Response::bytes(
            200, document->second, std::string(document->first.begin(), document->first.end()));
        response.headers.emplace_back("Cache-Control", "no-store");
        response.headers.emplace_back("Content-Disposition", "inline");
        response.headers.emplace_back("X-Content-Type-Options", "nosniff");
        response.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
        return response;
    }
    auto detail = review.detail(id);
    if (!detail) {
        return problem(detail.error());
    }
    const auto& application = detail->application;
    const auto& customer = detail->customer;
    // The register's contact details: an application reaches review only after the details
    // typed online matched them, and dojang keeps no typed phone or e-mail of its own.
    dto::ReviewDetailResponse answer;
    answer.application = {application.id,
                          std::string(domain::to_string(application.holder_type)),
                          std::string(domain::to_string(application.reason)),
                          std::string(domain::to_string(application.status)),
                          application.old_serial,
                          to_rfc3339(application.created_at),
                          {detail->online ? detail->online->channel : "walk_in",
                           customer.phone,
                           customer.email,
                           detail->online ? detail->online->proxy_name : "",
                           detail->online ? detail->online->proxy_phone : ""}};
    answer.register_entry = {customer.customer_id,
                             std::string(domain::to_string(customer.holder_type)),
                             customer.name,
                             customer.birth_date,
                             customer.business_number,
                             customer.corporate_number,
                             customer.representative,
                             customer.phone,
                             customer.email,
                             customer.certificate_serials};
    answer.required_documents = detail->required_documents;
    answer.documents = document_entries(detail->documents, id);
    for (const auto& event : detail->events) {
        answer.events.push_back({to_rfc3339(event.at), event.kind, event.detail});
    }
    for (const auto& decision : detail->decisions) {
        answer.approvals.push_back({decision.officer,
                                    decision.decision,
                                    decision.reason,
                                    decision.text,
                                    to_rfc3339(decision.at)});
    }
    for (const auto& certificate : detail->certificates) {
        answer.certificates.push_back(
            {certificate.serial.hex(),
             std::string(domain::to_string(certificate.status)),
             certificate.subject,
             to_rfc3339(certificate.not_after),
             certificate.revoked_at ? to_rfc3339(*certificate.revoked_at) : std::string(),
             certificate.reason ? std::string(domain::to_string(*certificate.reason))
                                : std::string()});
    }
    for (const auto& serial : detail->unknown_serials) {
        answer.certificates.push_back({serial, "unknown", {}, {}, {}, {}});
    }
    return json(200, dto::to_json(answer));
}

/// POST /api/v1/reviews/{id}/approve and /reject
http::Response decide(ra::ReviewService& review, const http::Request& request) {
    auto officer = officer_of(review, request);
    if (!officer) {
        return unauthenticated(officer.error());
    }
    const std::string rest = request.path.substr(reviews_prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string::npos) {
        return problem(no_such_route());
    }
    const std::string id = rest.substr(0, slash);
    const std::string action = rest.substr(slash + 1);
    if (action == "approve") {
        auto outcome = review.approve(*officer, id);
        if (!outcome) {
            return problem(outcome.error());
        }
        return json(200, dto::to_json(dto::DecisionResponse{id, *outcome}));
    }
    if (action == "reject") {
        auto body = dto::parse_reject_request(request.body);
        if (!body) {
            return problem(body.error());
        }
        auto rejected = review.reject(*officer, id, body->reason, body->text);
        if (!rejected) {
            return problem(rejected.error());
        }
        return json(200, dto::to_json(dto::DecisionResponse{id, "rejected"}));
    }
    return problem(no_such_route());
}

/// POST /api/v1/officers/{username}/unlock: another officer lifts the lock that repeated
/// failed sign-ins put on an account (the operator can, with `dojangd admin officers unlock`).
http::Response unlock(ra::ReviewService& review, const http::Request& request) {
    auto officer = officer_of(review, request);
    if (!officer) {
        return unauthenticated(officer.error());
    }
    constexpr std::string_view prefix = "/api/v1/officers/";
    constexpr std::string_view suffix = "/unlock";
    const std::string_view path = request.path;
    if (!path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size()) {
        return problem(no_such_route());
    }
    const std::string username(
        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
    if (username == *officer) {
        return problem(Error{ErrorKind::forbidden,
                             "OFFICER_SELF_UNLOCK",
                             "another officer or the operator must unlock this account (다른 "
                             "심사자나 운영자가 잠금을 해제해야 합니다)",
                             {},
                             {}});
    }
    auto unlocked = review.unlock(*officer, username);
    if (!unlocked) {
        return problem(unlocked.error());
    }
    return json(200, dto::to_json(dto::UnlockResponse{username}));
}

}  // namespace

void add_review_routes(http::Router& router, ra::ReviewService& review) {
    router.add_prefix("POST", "/api/v1/officers/", [&review](const http::Request& request) {
        return unlock(review, request);
    });
    router.add("POST", "/api/v1/officer/sessions", [&review](const http::Request& request) {
        return sign_in(review, request);
    });
    router.add("DELETE", "/api/v1/officer/sessions", [&review](const http::Request& request) {
        return sign_out(review, request);
    });
    router.add("GET", "/api/v1/reviews", [&review](const http::Request& request) {
        return list_reviews(review, request);
    });
    router.add_prefix("GET", std::string(reviews_prefix), [&review](const http::Request& request) {
        return show_review(review, request);
    });
    router.add_prefix("POST", std::string(reviews_prefix), [&review](const http::Request& request) {
        return decide(review, request);
    });
}

}  // namespace dojang::api
