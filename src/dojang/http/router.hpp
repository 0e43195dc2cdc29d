// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dojang::http {

/// Header fields in arrival order; names are lower case.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// One parsed HTTP request, as handlers see it (no Beast types).
struct Request {
    std::string method;          ///< As sent, e.g. "GET".
    std::string target;          ///< Request target as sent: path and query.
    std::string path;            ///< Target up to the first '?', not percent-decoded.
    std::string query;           ///< Target after the first '?', without it.
    Headers headers;             ///< Lower-case names, values as sent.
    std::string body;            ///< Whole body, at most Limits::body_bytes.
    std::string remote_address;  ///< Peer IP address.
    std::string client;          ///< What limits count per client: IPv4 address or IPv6 /64.
    std::string request_id;      ///< Server-assigned id, also sent back as X-Request-Id.

    /// The first value of a header (name in any case); empty when absent.
    [[nodiscard]] std::string header(std::string_view name) const;
};

/// A response produced by a handler; the server adds Date, Server and Content-Length.
struct Response {
    unsigned status = 200;
    Headers headers;
    std::string body;

    /// A text/plain; charset=utf-8 response.
    static Response text(unsigned status, std::string body);
    /// A response with the given content type and body.
    static Response bytes(unsigned status, std::string content_type, std::string body);
    /// The first value of a header (name in any case); empty when absent.
    [[nodiscard]] std::string header(std::string_view name) const;
};

/// A synchronous request handler; it may throw only as a bug (the server answers 500).
using Handler = std::function<Response(const Request&)>;

/// Judges a request by its header alone, before a byte of its body is read (the body is empty
/// then): a response refuses it (the connection is then closed), nullopt lets it in. It runs
/// on the I/O thread and must be quick.
using HeaderCheck = std::function<std::optional<Response>(const Request&)>;

/// How a route is admitted; each class has its own capacity (see Limits).
enum class RouteClass {
    general,   ///< Ordinary API requests, run on the worker pool.
    status,    ///< OCSP, CRL, CA certificates: cheap, run inline on the I/O thread.
    issuance,  ///< Certificate issuance and other expensive work, run on the worker pool.
};

/// Stable lower-case name of a class ("general"), used as a metrics label.
std::string_view to_string(RouteClass cls);

/// A route chosen by Router::match.
struct Route {
    std::string method;
    std::string pattern;  ///< Exact path, or prefix ending in '/' for prefix routes.
    bool is_prefix = false;
    RouteClass cls = RouteClass::general;
    Handler handler;
    std::size_t body_limit = 0;  ///< Largest body accepted; 0 means the server's Limits.
    HeaderCheck check_header;    ///< Optional: refuses a request before its body is read.
};

/// Maps method and path to handlers: exact paths win over prefixes, the longest prefix wins.
/// Not thread-safe while routes are added; const use from many threads is safe.
class Router {
public:
    /// Adds a handler for exactly `path`; a later add for the same method and path replaces it.
    /// `body_limit` other than 0 replaces Limits::body_bytes for this route (uploads).
    void add(std::string method,
             std::string path,
             Handler handler,
             RouteClass cls = RouteClass::general,
             std::size_t body_limit = 0);
    /// Adds a handler for every path starting with `prefix` (e.g. "/ocsp/").
    void add_prefix(std::string method,
                    std::string prefix,
                    Handler handler,
                    RouteClass cls = RouteClass::general,
                    std::size_t body_limit = 0);

    /// Sets the header check of the route added for `method` and `pattern`; false when there
    /// is no such route.
    bool check_header(const std::string& method, const std::string& pattern, HeaderCheck check);

    /// The largest body any route accepts, at least `fallback`.
    [[nodiscard]] std::size_t largest_body_limit(std::size_t fallback) const;

    /// The route for a request, or nullptr; `error` then holds the 404 or 405 (with Allow).
    /// HEAD falls back to GET routes.
    [[nodiscard]] const Route* match(const Request& request, Response* error) const;

    /// Matches and runs the handler, or answers 404/405. Exceptions from handlers propagate.
    [[nodiscard]] Response dispatch(const Request& request) const;

    /// Every route, in the order added (for API indexes and the OpenAPI check).
    [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace dojang::http
