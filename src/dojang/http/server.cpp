// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/server.hpp"

#include "dojang/http/caching.hpp"
#include "dojang/http/problem.hpp"
#include "dojang/http/scheduler.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

namespace dojang::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// Sends the ACK of what was received now instead of delaying it (Linux TCP_QUICKACK, which
/// also flushes a pending delayed ACK). Best effort: an error changes nothing but latency.
void quick_ack(tcp::socket& socket) {
    const int one = 1;
    (void)::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
/// Longest wait for a closing peer (TLS close_notify, lingering close); shorter than any timeout
/// a client would notice, long enough for it to read our last response.
constexpr std::chrono::seconds close_timeout{2};
/// Pause after a failed accept (EMFILE and the like) before trying again.
constexpr std::chrono::milliseconds accept_backoff{50};
/// Bytes read and dropped while closing, so an unread request body cannot turn into a RST that
/// destroys the error response before the client reads it.
constexpr std::size_t max_drain_bytes = 1 << 20;
/// Bytes asked for by the first read of a request (the wait of an idle connection).
constexpr std::size_t first_read_bytes = 4096;

bool is_token_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_valid_header(const std::string& name, const std::string& value) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
        return false;
    }
    return std::none_of(
        value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

/// Fields the server owns; a handler's values for them are dropped.
bool is_server_owned(std::string_view name) {
    for (const std::string_view owned :
         {"content-length", "date", "server", "connection", "transfer-encoding", "x-request-id"}) {
        if (equals_ignoring_case(name, owned)) {
            return true;
        }
    }
    return false;
}

/// The status to answer a failed read with, or 0 to close without an answer.
unsigned status_for_read_error(const beast::error_code& ec) {
    if (ec == bhttp::error::header_limit) {
        return 431;
    }
    if (ec == bhttp::error::body_limit) {
        return 413;
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
        return 0;
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
        return 400;
    }
    return 0;
}

/// A request as handlers see it, from a header alone (the body is the caller's to add).
template <typename Header>
Request request_of(const Header& header, std::string remote, std::string client, std::string id) {
    Request request;
    request.method = std::string(header.method_string());
    request.target = std::string(header.target());
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) {
        request.query = request.target.substr(question + 1);
    }
    for (const auto& field : header) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](char c) {
            return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        });
        request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.remote_address = std::move(remote);
    request.client = std::move(client);
    request.request_id = std::move(id);
    return request;
}

Request to_request(BeastRequest&& message, std::string remote, std::string client, std::string id) {
    Request request = request_of(message, std::move(remote), std::move(client), std::move(id));
    request.body = std::move(message.body());
    return request;
}

/// A handler that threw: the answer names nothing but its X-Request-Id header; the log has
/// the failure under the same id.
Response internal_error(const std::string& request_id) {
    return problem(Error{ErrorKind::internal, "INTERNAL", "the handler failed", {}, {}},
                   request_id);
}

void log_failure(const std::string& request_id, std::string_view what) {
    std::fprintf(stderr,
                 "dojang http: request %s: %.*s\n",
                 request_id.c_str(),
                 static_cast<int>(what.size()),
                 what.data());
}

/// Builds the wire response; invalid handler output (bad status or header) becomes a 500.
BeastResponse to_message(Response response,
                         const std::string& request_id,
                         unsigned version,
                         bool keep_alive,
                         bool is_head) {
    const bool valid_status = response.status >= 200 && response.status <= 599;
    const bool valid_headers =
        std::all_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
            return is_valid_header(header.first, header.second);
        });
    if (!valid_status || !valid_headers) {
        log_failure(request_id, "handler returned an invalid status or header");
        response = internal_error(request_id);
    }
    BeastResponse message{static_cast<bhttp::status>(response.status), version};
    for (const auto& [name, value] : response.headers) {
        if (!is_server_owned(name)) {
            message.insert(name, value);
        }
    }
    message.set(bhttp::field::date,
                http_date(std::chrono::time_point_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now())));
    message.set(bhttp::field::server, "dojang");
    message.set("X-Request-Id", request_id);
    message.keep_alive(keep_alive);
    // RFC 9110 section 8.6: no Content-Length (and no body) in 204 and 304 responses.
    if (response.status == 204 || response.status == 304) {
        return message;
    }
    message.content_length(response.body.size());
    if (!is_head) {
        message.body() = std::move(response.body);
    }
    return message;
}

/// The key a client is limited under: its IPv4 address, or the /64 prefix of its IPv6 address
/// (one host or home usually holds a whole /64, so counting single IPv6 addresses is useless).
std::string client_key(const asio::ip::address& address) {
    if (address.is_v4()) {
        return address.to_string();
    }
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
    }
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), static_cast<unsigned char>(0));
    return asio::ip::address_v6(bytes).to_string() + "/64";
}

/// One open connection, as graceful stop sees it; touched only on the connection's strand.
struct Connection {
    bool reading = false;         ///< Waiting for (the rest of) a request: may be closed.
    bool reserve = false;         ///< Taken from Limits::status_reserve: status routes only.
    std::function<void()> abort;  ///< Closes the socket, cancelling the pending read.
};

/// A header deadline shared with its timer's handler, which may run after the read it guards
/// has finished (and its frame is gone): the handler touches the socket only while armed.
struct HeaderDeadline {
    bool armed = true;
    bool fired = false;
};

}  // namespace

class Server::Impl {
public:
    Impl(const Router& router, Limits limits, std::optional<TlsConfig> tls)
        : router_(router),
          limits_(limits),
          tls_config_(std::move(tls)),
          io_(std::in_place, 1),
          acceptor_strand_(std::in_place, asio::make_strand(*io_)),
          acceptor_(std::in_place, *acceptor_strand_),
          scheduler_(std::make_unique<Scheduler>(std::max<std::size_t>(limits.worker_threads, 1),
                                                 limits.max_in_flight_per_class,
                                                 limits.max_queue_per_class,
                                                 limits.max_queue_delay)),
          limiter_(client_limits(limits), limits.max_tracked_clients),
          client_limited_(&metrics_.counter("dojang_http_client_limited_total",
                                            "Requests refused with 429: a client over its own "
                                            "limit for the class.")) {
        // One io_context per socket thread, each run by its own thread: a connection stays on
        // the thread that accepted it, with no hand-offs or shared reactor lock between them.
        for (std::size_t i = 1; i < limits.io_threads; ++i) {
            extra_io_.push_back(std::make_unique<asio::io_context>(1));
            extra_work_.emplace_back(asio::make_work_guard(*extra_io_.back()));
        }
    }

    ~Impl() {
        // Order matters: workers first (their tasks refer to requests in coroutine frames),
        // then everything bound to the io_context, then the io_context, whose destruction
        // destroys the remaining coroutine frames while the registry and metrics still exist.
        io_->stop();
        for (auto& context : extra_io_) {
            context->stop();
        }
        scheduler_.reset();
        signals_.reset();
        acceptor_.reset();
        acceptor_strand_.reset();
        extra_work_.clear();
        extra_io_.clear();
        io_.reset();
        tls_context_.reset();
    }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    Result<void> listen(const std::string& host, std::uint16_t port) {
        const auto by_class = client_limits(limits_);
        const bool client_limits_valid =
            std::none_of(by_class.begin(), by_class.end(), [](const ClientLimit& limit) {
                return limit.is_enabled() && limit.burst == 0;
            });
        if (limits_.io_threads == 0 || limits_.worker_threads == 0 ||
            limits_.max_in_flight_per_class == 0 || limits_.max_connections == 0 ||
            limits_.header_bytes == 0 ||
            limits_.header_bytes > std::numeric_limits<std::uint32_t>::max() ||
            limits_.read_timeout.count() <= 0 || limits_.idle_timeout.count() <= 0 ||
            limits_.header_timeout.count() <= 0 || limits_.max_connections_per_client == 0 ||
            limits_.max_tracked_clients == 0 || !client_limits_valid) {
            return fail(ErrorKind::invalid_request,
                        "HTTP_LIMITS_INVALID",
                        "HTTP limits must all be positive.");
        }
        if (tls_config_) {
            auto context = make_tls_context(*tls_config_);
            DOJANG_TRY(context);
        }
        beast::error_code ec;
        const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
        if (ec) {
            return fail(ErrorKind::invalid_request,
                        "HTTP_LISTEN_ADDRESS_INVALID",
                        "Listen address is not an IP address: " + host);
        }
        const tcp::endpoint endpoint{address, port};
        acceptor_->open(endpoint.protocol(), ec);
        if (!ec) {
            acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
        }
        if (!ec) {
            acceptor_->bind(endpoint, ec);
        }
        if (!ec) {
            acceptor_->listen(asio::socket_base::max_listen_connections, ec);
        }
        if (ec) {
            return fail(ErrorKind::unavailable,
                        "HTTP_LISTEN_FAILED",
                        "Cannot listen on " + host + ":" + std::to_string(port) + ".",
                        ec.message());
        }
        port_ = acceptor_->local_endpoint(ec).port();
        asio::co_spawn(*acceptor_strand_, accept_loop(), [](const std::exception_ptr& error) {
            report_escaped(error, "accept loop");
        });
        return ok();
    }

    [[nodiscard]] std::uint16_t port() const { return port_; }

    void run() {
        std::vector<std::thread> extra;
        for (auto& context : extra_io_) {
            extra.emplace_back([&context] { context->run(); });
        }
        io_->run();
        for (auto& thread : extra) {
            thread.join();
        }
    }

    void run_until_signal() {
        signals_.emplace(*acceptor_strand_, SIGINT, SIGTERM);
        signals_->async_wait([this](const beast::error_code& ec, int /*signal*/) {
            if (!ec) {
                do_stop();
            }
        });
        run();
    }

    void stop() {
        asio::post(*acceptor_strand_, [this] { do_stop(); });
    }

    [[nodiscard]] std::size_t admitted(RouteClass cls) const { return scheduler_->admitted(cls); }

    Metrics& metrics() { return metrics_; }

private:
    struct Registered {
        asio::any_io_executor executor;
        Connection* connection;
    };

    /// Keeps a connection in the registry and the counters for exactly its lifetime.
    class ConnectionGuard {
    public:
        /// Takes over the slots accept_loop counted for this connection (open_connections_ and
        /// the client's entry in per_client_) and gives them back on destruction.
        ConnectionGuard(Impl& impl, asio::any_io_executor executor, std::string client)
            : impl_(impl), client_(std::move(client)) {
            const std::lock_guard lock(impl_.connections_mutex_);
            id_ = ++impl_.next_connection_id_;
            impl_.connections_.emplace(id_, Registered{std::move(executor), &connection_});
            impl_.metrics_.connections().inc();
        }
        ~ConnectionGuard() {
            const std::lock_guard lock(impl_.connections_mutex_);
            impl_.connections_.erase(id_);
            impl_.metrics_.connections().dec();
            impl_.open_connections_.fetch_sub(1);
            impl_.release_client_slot(client_);
        }
        ConnectionGuard(const ConnectionGuard&) = delete;
        ConnectionGuard& operator=(const ConnectionGuard&) = delete;
        Connection& connection() { return connection_; }

    private:
        Impl& impl_;
        std::string client_;
        std::uint64_t id_ = 0;
        Connection connection_;
    };

    /// Counts one more connection of `client` unless it has max_connections_per_client open.
    /// Under connections_mutex_.
    bool take_client_slot(const std::string& client) {
        std::size_t& open = per_client_[client];
        if (open >= limits_.max_connections_per_client) {
            if (open == 0) {
                per_client_.erase(client);
            }
            return false;
        }
        ++open;
        return true;
    }

    /// Under connections_mutex_.
    void release_client_slot(const std::string& client) {
        const auto found = per_client_.find(client);
        if (found != per_client_.end() && --found->second == 0) {
            per_client_.erase(found);
        }
    }

    static void report_escaped(const std::exception_ptr& error, std::string_view where) {
        if (!error) {
            return;
        }
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            std::fprintf(stderr,
                         "dojang http: %.*s ended: %s\n",
                         static_cast<int>(where.size()),
                         where.data(),
                         e.what());
        } catch (...) {
            std::fprintf(stderr,
                         "dojang http: %.*s ended by an unknown exception\n",
                         static_cast<int>(where.size()),
                         where.data());
        }
    }

    Result<void> make_tls_context(const TlsConfig& config) {
        auto& context = tls_context_.emplace(asio::ssl::context::tls_server);
        // TLS 1.2 is the floor (BSI TR-02102-2, KISA guidance); no compression, no renegotiation.
        SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
        context.set_options(asio::ssl::context::default_workarounds |
                            asio::ssl::context::no_compression | asio::ssl::context::single_dh_use);
        SSL_CTX_set_options(context.native_handle(), SSL_OP_NO_RENEGOTIATION);
        beast::error_code ec;
        context.use_certificate_chain_file(config.certificate_file, ec);
        if (ec) {
            tls_context_.reset();
            return fail(ErrorKind::invalid_request,
                        "TLS_CERTIFICATE_INVALID",
                        "Cannot use the TLS certificate file " + config.certificate_file + ".",
                        ec.message());
        }
        context.use_private_key_file(config.key_file, asio::ssl::context::pem, ec);
        if (ec) {
            tls_context_.reset();
            return fail(ErrorKind::invalid_request,
                        "TLS_KEY_INVALID",
                        "Cannot use the TLS key file " + config.key_file + ".",
                        ec.message());
        }
        return ok();
    }

    /// Runs on the acceptor strand, like everything else that touches acceptor_ and signals_.
    void do_stop() {
        if (stopping_.exchange(true)) {
            return;
        }
        beast::error_code ec;
        acceptor_->close(ec);
        if (signals_) {
            signals_->cancel(ec);
        }
        // The other socket threads end once their connections have (run() joins them).
        for (auto& work : extra_work_) {
            work.reset();
        }
        // Idle connections (waiting for a request) close now; busy ones close after answering.
        const std::lock_guard lock(connections_mutex_);
        for (const auto& [id, entry] : connections_) {
            asio::post(entry.executor, [this, connection_id = id] {
                const std::lock_guard inner(connections_mutex_);
                const auto found = connections_.find(connection_id);
                if (found != connections_.end() && found->second.connection->reading) {
                    found->second.connection->abort();
                }
            });
        }
    }

    /// The io_context of the next accepted connection, round robin. On the acceptor strand.
    asio::io_context& next_context() {
        const std::size_t index = next_context_++ % (extra_io_.size() + 1);
        return index == 0 ? *io_ : *extra_io_.at(index - 1);
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] =
                co_await acceptor_->async_accept(asio::make_strand(next_context()), use_tuple);
            if (stopping_ || ec == asio::error::operation_aborted) {
                co_return;
            }
            if (ec) {
                // Out of descriptors or a peer that gave up: the listener itself is fine, but
                // retrying at once would spin while descriptors stay exhausted.
                asio::steady_timer pause(co_await asio::this_coro::executor, accept_backoff);
                co_await pause.async_wait(use_tuple);
                continue;
            }
            const auto peer = socket.remote_endpoint(ec);
            if (ec) {
                socket.close(ec);  // the peer is already gone
                continue;
            }
            std::string client = client_key(peer.address());
            const std::size_t open = open_connections_.load();
            if (open >= limits_.max_connections + limits_.status_reserve) {
                metrics_.observe_rejection("connection");
                socket.close(ec);
                continue;
            }
            {
                const std::lock_guard lock(connections_mutex_);
                if (!take_client_slot(client)) {
                    metrics_.observe_rejection("connection_per_client");
                    socket.close(ec);
                    continue;
                }
            }
            // Only this strand adds connections, so `open` cannot have grown meanwhile.
            const bool reserve = open >= limits_.max_connections;
            open_connections_.fetch_add(1);
            auto executor = socket.get_executor();
            asio::co_spawn(
                executor,
                session(std::move(socket), peer.address().to_string(), std::move(client), reserve),
                [](const std::exception_ptr& error) { report_escaped(error, "session"); });
        }
    }

    asio::awaitable<void> session(tcp::socket socket,
                                  std::string remote,
                                  std::string client,
                                  bool reserve) {
        ConnectionGuard guard(*this, socket.get_executor(), client);
        Connection& connection = guard.connection();
        connection.reserve = reserve;
        if (!tls_context_) {
            beast::tcp_stream stream(std::move(socket));
            connection.abort = [&stream] { stream.close(); };
            co_await serve(stream, connection, remote, client);
            co_return;
        }
        TlsStream stream(beast::tcp_stream(std::move(socket)), *tls_context_);
        connection.abort = [&stream] { beast::get_lowest_layer(stream).close(); };
        connection.reading = true;
        beast::get_lowest_layer(stream).expires_after(limits_.header_timeout);
        auto [handshake_error] =
            co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        connection.reading = false;
        if (handshake_error || stopping_) {
            co_return;
        }
        co_await serve(stream, connection, remote, client);
    }

    template <typename Stream>
    asio::awaitable<void> serve(Stream& stream,
                                Connection& connection,
                                const std::string& remote,
                                const std::string& client) {
        auto& socket = beast::get_lowest_layer(stream);
        beast::flat_buffer buffer;
        while (!stopping_) {
            // 1. Read the header, then the body, within the limits.
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
            // The header is read under the largest limit of any route; the route's own limit
            // is applied before a byte of the body is read.
            // (Asked each time: routes may be added after the server was made.)
            parser.body_limit(
                static_cast<std::uint64_t>(router_.largest_body_limit(limits_.body_bytes)));
            connection.reading = true;
            if (buffer.size() == 0) {
                // Idle (new, or kept alive): wait for the first byte, then close quietly.
                socket.expires_after(limits_.idle_timeout);
                auto [idle_error, received] =
                    co_await stream.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
                buffer.commit(received);
                if (idle_error) {
                    co_return;
                }
            }
            // The header has begun: it must be complete within header_timeout, however slowly
            // its bytes trickle in, or the client is told 408.
            socket.expires_never();
            auto deadline = std::make_shared<HeaderDeadline>();
            asio::steady_timer timer(co_await asio::this_coro::executor, limits_.header_timeout);
            timer.async_wait([deadline, &socket](const beast::error_code& timer_error) {
                if (!timer_error && deadline->armed) {
                    deadline->fired = true;
                    beast::error_code ignored;
                    socket.socket().cancel(ignored);
                }
            });
            auto [ec, unused_header] =
                co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
            deadline->armed = false;
            timer.cancel();
            if (deadline->fired && !stopping_) {
                connection.reading = false;
                co_await answer_bad_request(stream, 408, 0);
                co_return;
            }
            if (!ec && !parser.is_done()) {
                // Acknowledge the header now: a client that writes header and body apart with
                // Nagle's algorithm on (OpenSSL's HTTP client, so `openssl cmp`) holds the body
                // until then, and a delayed ACK costs it ~40 ms per request.
                quick_ack(socket.socket());
                const std::size_t limit = body_limit_for(parser.get());
                const auto length = parser.content_length();
                if (length && *length > limit) {
                    connection.reading = false;
                    co_await answer_bad_request(stream, 413, limit);
                    co_return;
                }
                parser.body_limit(static_cast<std::uint64_t>(limit));
                // The route may refuse on the header alone (a wrong token, say): then the body
                // is never read, let alone stored.
                if (auto refused = check_header(parser.get(), remote, client)) {
                    connection.reading = false;
                    co_await answer_and_close(stream, std::move(refused->first), refused->second);
                    co_return;
                }
            }
            if (!ec && !parser.is_done()) {
                if (equals_ignoring_case(parser.get()[bhttp::field::expect], "100-continue")) {
                    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_,
                                                             parser.get().version()};
                    auto [continue_error, unused_continue] =
                        co_await bhttp::async_write(stream, go_on, use_tuple);
                    ec = continue_error;
                }
                if (!ec) {
                    socket.expires_after(limits_.read_timeout);
                    auto [body_error, unused_body] =
                        co_await bhttp::async_read(stream, buffer, parser, use_tuple);
                    ec = body_error;
                }
            }
            connection.reading = false;
            if (ec) {
                const unsigned status = status_for_read_error(ec);
                if (status != 0 && !stopping_) {
                    co_await answer_bad_request(stream, status, body_limit_for(parser.get()));
                }
                co_return;
            }

            // 2. Route, admit, run the handler; the duration covers exactly this step.
            const auto started = std::chrono::steady_clock::now();
            const unsigned version = parser.get().version();
            const bool is_head = parser.get().method() == bhttp::verb::head;
            bool keep_alive = parser.get().keep_alive();
            Request request = to_request(parser.release(), remote, client, next_request_id());
            auto [response, route] = co_await handle(request, client, connection.reserve);
            // A reserve connection carries one request: its slot is for the next relying party.
            keep_alive = keep_alive && !stopping_ && !connection.reserve;
            metrics_.observe_request(
                route, response.status, std::chrono::steady_clock::now() - started);

            // 3. Write the answer back.
            BeastResponse message =
                to_message(std::move(response), request.request_id, version, keep_alive, is_head);
            socket.expires_after(limits_.read_timeout);
            auto [write_error, unused_written] =
                co_await bhttp::async_write(stream, message, use_tuple);
            if (write_error) {
                co_return;
            }
            if (!keep_alive) {
                break;
            }
        }
        co_await close_gracefully(stream, false);
    }

    /// The body limit of the route a request header names (Limits::body_bytes by default).
    template <typename Header>
    std::size_t body_limit_for(const Header& header) const {
        Request probe;
        probe.method = std::string(header.method_string());
        const std::string target(header.target());
        probe.path = target.substr(0, target.find('?'));
        const Route* route = router_.match(probe, nullptr);
        return route != nullptr && route->body_limit != 0 ? route->body_limit : limits_.body_bytes;
    }

    /// The answer of the matching route's header check, with the route's pattern (for the
    /// metrics), or nullopt when it lets the request in (or has no check).
    template <typename Header>
    std::optional<std::pair<Response, std::string>> check_header(const Header& header,
                                                                 const std::string& remote,
                                                                 const std::string& client) {
        const Request probe = request_of(header, remote, client, next_request_id());
        const Route* route = router_.match(probe, nullptr);
        if (route == nullptr || !route->check_header) {
            return std::nullopt;
        }
        try {
            auto refused = route->check_header(probe);
            if (!refused) {
                return std::nullopt;
            }
            return std::pair{std::move(*refused), route->pattern};
        } catch (const std::exception& e) {
            log_failure(
                probe.request_id,
                "header check for " + route->method + " " + route->pattern + " threw: " + e.what());
        } catch (...) {
            log_failure(probe.request_id,
                        "header check for " + route->method + " " + route->pattern +
                            " threw a non-standard exception");
        }
        return std::pair{internal_error(probe.request_id), route->pattern};
    }

    /// Writes a final answer to a request whose body was not read, and closes the connection.
    template <typename Stream>
    asio::awaitable<void> answer_and_close(Stream& stream, Response response, std::string route) {
        const std::string request_id = next_request_id();
        metrics_.observe_request(route, response.status, std::chrono::nanoseconds{0});
        BeastResponse message = to_message(std::move(response), request_id, 11, false, false);
        beast::get_lowest_layer(stream).expires_after(limits_.read_timeout);
        auto [ec, unused] = co_await bhttp::async_write(stream, message, use_tuple);
        if (!ec) {
            co_await close_gracefully(stream, true);
        }
    }

    /// Answers a request that could not be read (400, 413, 431) and closes the connection.
    template <typename Stream>
    asio::awaitable<void> answer_bad_request(Stream& stream,
                                             unsigned status,
                                             std::size_t body_limit) {
        const std::string request_id = next_request_id();
        Response response;
        switch (status) {
            case 413:
                response = problem(
                    Error{ErrorKind::invalid_request,
                          "BODY_TOO_LARGE",
                          "At most " + std::to_string(body_limit) + " bytes are accepted here.",
                          {},
                          {}});
                break;
            case 431:
                response = problem(Error{ErrorKind::invalid_request,
                                         "HEADER_TOO_LARGE",
                                         "At most " + std::to_string(limits_.header_bytes) +
                                             " bytes of header are accepted.",
                                         {},
                                         {}});
                break;
            case 408:
                response = problem(Error{ErrorKind::invalid_request,
                                         "REQUEST_TIMEOUT",
                                         "The request header did not arrive within " +
                                             std::to_string(limits_.header_timeout.count()) +
                                             " seconds. (요청 헤더가 " +
                                             std::to_string(limits_.header_timeout.count()) +
                                             "초 안에 도착하지 않았습니다.)",
                                         {},
                                         {}});
                break;
            default:
                response = problem(Error{ErrorKind::invalid_request,
                                         "MALFORMED_HTTP",
                                         "The request is not valid HTTP/1.1.",
                                         {},
                                         {}});
                break;
        }
        metrics_.observe_request("invalid", status, std::chrono::nanoseconds{0});
        BeastResponse message = to_message(std::move(response), request_id, 11, false, false);
        beast::get_lowest_layer(stream).expires_after(limits_.read_timeout);
        auto [ec, unused] = co_await bhttp::async_write(stream, message, use_tuple);
        if (!ec) {
            co_await close_gracefully(stream, true);
        }
    }

    /// Closes after the last response: TLS close_notify, or a TCP half-close. After an error
    /// answer the peer may still be sending the request we refused, so what it sends is read and
    /// dropped (bounded in bytes and time): closing with unread data would send a reset that can
    /// destroy our answer before the client reads it.
    template <typename Stream>
    asio::awaitable<void> close_gracefully(Stream& stream, bool drain) {
        auto& socket = beast::get_lowest_layer(stream);
        socket.expires_after(std::min<std::chrono::seconds>(limits_.read_timeout, close_timeout));
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            co_await stream.async_shutdown(use_tuple);
        } else {
            beast::error_code ec;
            socket.socket().shutdown(tcp::socket::shutdown_send, ec);
            std::array<char, 4096> scratch{};
            std::size_t drained = 0;
            while (drain && !ec && drained < max_drain_bytes) {
                auto [read_error, n] =
                    co_await socket.async_read_some(asio::buffer(scratch), use_tuple);
                ec = read_error;
                drained += n;
            }
        }
        socket.close();
    }

    struct Outcome {
        Response response;
        std::string route;  ///< Metrics label: the registered pattern, or "unmatched".
    };

    asio::awaitable<Outcome> handle(const Request& request,
                                    const std::string& client,
                                    bool reserve) {
        Response error;
        const Route* route = router_.match(request, &error);
        if (route == nullptr) {
            co_return Outcome{std::move(error), "unmatched"};
        }
        if (reserve && route->cls != RouteClass::status) {
            co_return Outcome{busy(route->cls), route->pattern};
        }
        // The client's own limit first: one client over it must not take the class's capacity.
        if (limiter_.is_limited(route->cls)) {
            const auto decision = limiter_.take(route->cls, client, ClientLimiter::Clock::now());
            if (!decision.allowed) {
                co_return Outcome{too_many(route->cls, decision.retry_after), route->pattern};
            }
        }
        if (route->cls == RouteClass::status) {
            // Hot read paths answer inline on the I/O thread: no hop, and no pool to starve.
            if (!scheduler_->try_admit_inline(route->cls)) {
                co_return Outcome{busy(route->cls), route->pattern};
            }
            metrics_.in_flight().inc();
            Response response = invoke(*route, request);
            metrics_.in_flight().dec();
            scheduler_->finish_inline(route->cls);
            co_return Outcome{std::move(response), route->pattern};
        }
        if (!scheduler_->try_admit(route->cls)) {
            co_return Outcome{busy(route->cls), route->pattern};
        }
        metrics_.in_flight().inc();
        Response response = co_await on_worker(*route, request);
        metrics_.in_flight().dec();
        co_return Outcome{std::move(response), route->pattern};
    }

    /// Runs an admitted handler on the worker pool and resumes the session on its own strand.
    /// The work guard keeps run() from returning while the handler runs.
    asio::awaitable<Response> on_worker(const Route& route, const Request& request) {
        auto initiate = [this, &route, &request](auto completion) {
            auto work = asio::make_work_guard(asio::get_associated_executor(completion));
            auto task = [&route,
                         &request,
                         completion = std::move(completion),
                         work = std::move(work)]() mutable {
                auto resume = [completion = std::move(completion),
                               result = invoke(route, request)]() mutable {
                    std::move(completion)(std::move(result));
                };
                asio::post(work.get_executor(), std::move(resume));
                work.reset();
            };
            scheduler_->enqueue(route.cls, std::move(task));
        };
        co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Response)>(
            std::move(initiate), asio::use_awaitable);
    }

    Response busy(RouteClass cls) {
        metrics_.observe_rejection(std::string(to_string(cls)));
        return problem(Error{ErrorKind::unavailable,
                             "SERVER_BUSY",
                             "The server is at capacity for " + std::string(to_string(cls)) +
                                 " requests; retry after " +
                                 std::to_string(limits_.retry_after.count()) + " seconds.",
                             {},
                             {},
                             limits_.retry_after});
    }

    Response too_many(RouteClass cls, std::chrono::seconds retry_after) {
        client_limited_->inc();
        const std::string seconds = std::to_string(retry_after.count());
        return problem(Error{ErrorKind::forbidden,
                             "TOO_MANY_REQUESTS",
                             "Too many " + std::string(to_string(cls)) +
                                 " requests from your address; retry after " + seconds +
                                 " seconds. (요청이 너무 많습니다. " + seconds +
                                 "초 후에 다시 시도하십시오.)",
                             {},
                             {},
                             retry_after});
    }

    static std::array<ClientLimit, 3> client_limits(const Limits& limits) {
        std::array<ClientLimit, 3> by_class{};
        by_class.at(static_cast<std::size_t>(RouteClass::general)) = limits.client_general;
        by_class.at(static_cast<std::size_t>(RouteClass::status)) = limits.client_status;
        by_class.at(static_cast<std::size_t>(RouteClass::issuance)) = limits.client_issuance;
        return by_class;
    }

    /// The one last-resort catch: a throwing handler is a bug, answered with a generic 500.
    static Response invoke(const Route& route, const Request& request) {
        try {
            return route.handler(request);
        } catch (const std::exception& e) {
            log_failure(
                request.request_id,
                "handler for " + route.method + " " + route.pattern + " threw: " + e.what());
        } catch (...) {
            log_failure(request.request_id,
                        "handler for " + route.method + " " + route.pattern +
                            " threw a non-standard exception");
        }
        return internal_error(request.request_id);
    }

    std::string next_request_id() {
        std::array<char, 17> text{};
        std::snprintf(text.data(),
                      text.size(),
                      "%016llx",
                      static_cast<unsigned long long>(next_request_id_.fetch_add(1) + 1));
        return text.data();
    }

    const Router& router_;
    const Limits limits_;
    const std::optional<TlsConfig> tls_config_;
    Metrics metrics_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> open_connections_{0};
    std::atomic<std::uint64_t> next_request_id_{0};
    std::uint16_t port_ = 0;
    std::mutex connections_mutex_;
    std::uint64_t next_connection_id_ = 0;
    std::map<std::uint64_t, Registered> connections_;
    std::map<std::string, std::size_t> per_client_;  ///< Open connections per client key.
    std::optional<asio::io_context> io_;
    std::vector<std::unique_ptr<asio::io_context>> extra_io_;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> extra_work_;
    std::size_t next_context_ = 0;  ///< On the acceptor strand.
    std::optional<Strand> acceptor_strand_;
    std::optional<tcp::acceptor> acceptor_;
    std::optional<asio::signal_set> signals_;
    std::optional<asio::ssl::context> tls_context_;
    std::unique_ptr<Scheduler> scheduler_;
    ClientLimiter limiter_;
    Counter* client_limited_;
};

Server::Server(const Router& router, Limits limits, std::optional<TlsConfig> tls)
    : impl_(std::make_unique<Impl>(router, limits, std::move(tls))) {}

Server::~Server() = default;

Result<void> Server::listen(const std::string& host, std::uint16_t port) {
    return impl_->listen(host, port);
}

std::uint16_t Server::port() const {
    return impl_->port();
}

void Server::run() {
    impl_->run();
}

void Server::run_until_signal() {
    impl_->run_until_signal();
}

void Server::stop() {
    impl_->stop();
}

std::size_t Server::admitted(RouteClass cls) const {
    return impl_->admitted(cls);
}

Metrics& Server::metrics() {
    return impl_->metrics();
}

}  // namespace dojang::http
