// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/router.hpp"

#include "dojang/core/text.hpp"
#include "dojang/http/problem.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <set>

namespace dojang::http {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string find_header(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (equals_ignoring_case(key, name)) {
            return value;
        }
    }
    return {};
}

bool matches(const Route& route, std::string_view path) {
    if (route.is_prefix) {
        return path.starts_with(route.pattern);
    }
    return path == route.pattern;
}

void add_route(std::vector<Route>& routes, Route route) {
    for (auto& existing : routes) {
        if (existing.method == route.method && existing.pattern == route.pattern &&
            existing.is_prefix == route.is_prefix) {
            existing = std::move(route);
            return;
        }
    }
    routes.push_back(std::move(route));
}

}  // namespace

std::string Request::header(std::string_view name) const {
    return find_header(headers, name);
}

std::string Response::header(std::string_view name) const {
    return find_header(headers, name);
}

Response Response::text(unsigned status, std::string body) {
    return bytes(status, "text/plain; charset=utf-8", std::move(body));
}

Response Response::bytes(unsigned status, std::string content_type, std::string body) {
    Response response;
    response.status = status;
    response.headers.emplace_back("Content-Type", std::move(content_type));
    response.body = std::move(body);
    return response;
}

std::string_view to_string(RouteClass cls) {
    switch (cls) {
        case RouteClass::general:
            return "general";
        case RouteClass::status:
            return "status";
        case RouteClass::issuance:
            return "issuance";
    }
    return "general";
}

void Router::add(
    std::string method, std::string path, Handler handler, RouteClass cls, std::size_t body_limit) {
    add_route(
        routes_,
        Route{std::move(method), std::move(path), false, cls, std::move(handler), body_limit, {}});
}

void Router::add_prefix(std::string method,
                        std::string prefix,
                        Handler handler,
                        RouteClass cls,
                        std::size_t body_limit) {
    add_route(
        routes_,
        Route{std::move(method), std::move(prefix), true, cls, std::move(handler), body_limit, {}});
}

std::size_t Router::largest_body_limit(std::size_t fallback) const {
    std::size_t largest = fallback;
    for (const auto& route : routes_) {
        largest = std::max(largest, route.body_limit);
    }
    return largest;
}

bool Router::check_header(const std::string& method,
                          const std::string& pattern,
                          HeaderCheck check) {
    for (auto& route : routes_) {
        if (route.method == method && route.pattern == pattern) {
            route.check_header = std::move(check);
            return true;
        }
    }
    return false;
}

const Route* Router::match(const Request& request, Response* error) const {
    // 1. The best route per method: an exact path beats any prefix, a longer prefix a shorter.
    auto best_for = [&](std::string_view method) -> const Route* {
        const Route* best = nullptr;
        for (const auto& route : routes_) {
            if (route.method != method || !matches(route, request.path)) {
                continue;
            }
            if (best == nullptr || (best->is_prefix && !route.is_prefix) ||
                (best->is_prefix && route.is_prefix &&
                 route.pattern.size() > best->pattern.size())) {
                best = &route;
            }
        }
        return best;
    };
    if (const Route* route = best_for(request.method); route != nullptr) {
        return route;
    }
    if (request.method == "HEAD") {
        if (const Route* route = best_for("GET"); route != nullptr) {
            return route;
        }
    }
    // 2. The path exists under another method: 405 with Allow (RFC 9110 section 15.5.6).
    std::set<std::string> allowed;
    for (const auto& route : routes_) {
        if (matches(route, request.path)) {
            allowed.insert(route.method);
            if (route.method == "GET") {
                allowed.insert("HEAD");
            }
        }
    }
    if (error != nullptr) {
        if (allowed.empty()) {
            *error = problem(
                Error{ErrorKind::not_found, "NOT_FOUND", "No resource at this path.", {}, {}});
        } else {
            std::string allow;
            for (const auto& method : allowed) {
                allow += allow.empty() ? method : ", " + method;
            }
            // The catalog names 405 for this code.
            *error = problem(Error{ErrorKind::invalid_request,
                                   "METHOD_NOT_ALLOWED",
                                   "Allowed methods: " + allow + ".",
                                   {},
                                   {}});
            error->headers.emplace_back("Allow", allow);
        }
    }
    return nullptr;
}

Response Router::dispatch(const Request& request) const {
    Response error;
    const Route* route = match(request, &error);
    if (route == nullptr) {
        return error;
    }
    return route->handler(request);
}

}  // namespace dojang::http
