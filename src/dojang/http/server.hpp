// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/http/client_limiter.hpp"
#include "dojang/http/metrics.hpp"
#include "dojang/http/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace dojang::http {

/// Explicit bounds on what one server accepts; every one is enforced before work is done.
struct Limits {
    std::size_t header_bytes = 8192;        ///< Request line + headers; beyond → 431, close.
    std::size_t body_bytes = 1 << 20;       ///< Beyond → 413 before the body is read, close.
    std::chrono::seconds read_timeout{30};  ///< Per request body read and response write.
    /// A connection waiting for the first byte of a request (new, or kept alive) is closed
    /// quietly after this.
    std::chrono::seconds idle_timeout{15};
    /// From the first byte of a request (or of a TLS handshake) to the end of its header; a
    /// slower client gets 408 and the connection is closed.
    std::chrono::seconds header_timeout{10};
    std::size_t max_connections = 1024;  ///< Beyond this (and the reserve) closed at once.
    /// Open at once from one client (address; IPv6 by /64); further ones are closed at once.
    std::size_t max_connections_per_client = 128;
    /// Connections beyond max_connections that answer only status routes (OCSP, CRL, CA
    /// files), one request each; anything else on them gets 503. Relying parties keep being
    /// answered while the general pool is full.
    std::size_t status_reserve = 128;
    std::size_t io_threads = 1;                ///< Threads running sockets (and status handlers).
    std::size_t worker_threads = 2;            ///< Pool for general and issuance handlers.
    std::size_t max_in_flight_per_class = 64;  ///< Handlers of one class running at once.
    std::size_t max_queue_per_class = 256;     ///< Admitted requests of one class waiting.
    /// A pooled class also answers 503 once its queue would take longer than this to drain at
    /// the class's measured service time (two waiting requests per worker are always allowed);
    /// 0 keeps only the counts above. Admitted requests thereby keep their latency under load.
    std::chrono::milliseconds max_queue_delay{10};
    std::chrono::seconds retry_after{1};  ///< Retry-After sent with 503 Service busy.
    /// Per-client (peer address; IPv6 by /64) token buckets per class; beyond them → 429 with
    /// Retry-After. Generous by default: they stop one client hogging a class, while the
    /// class limits above protect the server. Off for status: OCSP and CRL are fetched by
    /// relying parties, often many behind one address.
    ClientLimit client_general{100, 400};
    ClientLimit client_issuance{20, 100};
    ClientLimit client_status{};
    std::size_t max_tracked_clients = 10000;  ///< Bound of the client table (LRU beyond).
};

/// Server certificate chain and private key (PEM files); enables TLS 1.2+ when given.
struct TlsConfig {
    std::string certificate_file;
    std::string key_file;
};

/// The HTTP/1.1 server: listener, sessions, limits, admission control, optional TLS.
///
/// Sockets run on `io_threads` threads (the caller of run() is one of them). Handlers of
/// RouteClass::status run inline on the I/O thread and must not block; the others run on the
/// worker pool. Per class at most max_in_flight_per_class + max_queue_per_class requests are
/// admitted at once (status: max_in_flight_per_class); beyond that the answer is 503 with
/// Retry-After. Before that, a client over its own limit for the class (Limits::client_*) gets
/// 429 with Retry-After. The router must outlive the server and must not change once listen() is
/// called.
class Server {
public:
    Server(const Router& router, Limits limits, std::optional<TlsConfig> tls = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens; port 0 picks a free port. Errors: invalid_request (bad address, bad
    /// limits, unusable TLS certificate or key file), unavailable (bind failed).
    Result<void> listen(const std::string& host, std::uint16_t port);
    /// The bound port, after listen().
    [[nodiscard]] std::uint16_t port() const;

    /// Serves until stop(); returns once in-flight requests are answered and connections closed.
    /// Call once, after a successful listen().
    void run();
    /// Like run(), but SIGINT and SIGTERM also call stop().
    void run_until_signal();
    /// Graceful stop from any thread: stop accepting, finish admitted requests, close idle
    /// keep-alive connections, let run() return. Idempotent.
    void stop();

    /// Requests of `cls` admitted right now (running or waiting).
    [[nodiscard]] std::size_t admitted(RouteClass cls) const;

    /// The server's metrics; other components may register their counters here.
    Metrics& metrics();

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dojang::http
