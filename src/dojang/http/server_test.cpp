// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/server.hpp"

#include "dojang/testing/testing.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace dojang::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ClientResponse = bhttp::response<bhttp::string_body>;

/// Holds handlers inside until opened; counts how many entered. Never times out.
class Gate {
public:
    void pass() {
        std::unique_lock lock(mutex_);
        ++entered_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return open_; });
    }
    void wait_until_entered(int count) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return entered_ >= count; });
    }
    void open() {
        const std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int entered_ = 0;
    bool open_ = false;
};

/// Waits for a condition the server reaches on its own threads; true once it holds.
bool eventually(const std::function<bool()>& condition) {
    for (int i = 0; i < 20000; ++i) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    return condition();
}

/// Runs a server on its own thread; on destruction opens the gate, stops and joins.
class Running {
public:
    explicit Running(Server& server, Gate* gate = nullptr) : server_(server), gate_(gate) {
        thread_ = std::thread([this] { server_.run(); });
    }
    ~Running() {
        if (gate_ != nullptr) {
            gate_->open();
        }
        server_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
    /// Waits for run() to return (after stop()).
    void join() { thread_.join(); }

private:
    Server& server_;
    Gate* gate_;
    std::thread thread_;
};

/// A blocking HTTP/1.1 client on one connection.
class Client {
public:
    explicit Client(std::uint16_t port) {
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    }
    /// Connects from another loopback address (all of 127.0.0.0/8 is local on Linux), so the
    /// server sees another client.
    Client(std::uint16_t port, const std::string& source) {
        socket_.open(tcp::v4());
        socket_.bind({asio::ip::make_address(source), 0});
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    }

    void send_raw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }

    void send(bhttp::verb method, std::string target, std::string body = {}) {
        bhttp::request<bhttp::string_body> request{method, target, 11};
        request.set(bhttp::field::host, "127.0.0.1");
        request.body() = std::move(body);
        request.prepare_payload();
        bhttp::write(socket_, request);
    }

    /// The next response; status 0 if the connection ended first.
    ClientResponse receive() {
        ClientResponse response;
        beast::error_code ec;
        bhttp::read(socket_, buffer_, response, ec);
        if (ec) {
            response = ClientResponse{};
            response.result(bhttp::status::unknown);
        }
        return response;
    }

    ClientResponse get(std::string target) {
        send(bhttp::verb::get, std::move(target));
        return receive();
    }

    /// True when the server has closed the connection (read sees end of stream or reset).
    bool is_closed_by_server() {
        std::array<char, 64> scratch{};
        beast::error_code ec;
        socket_.read_some(asio::buffer(scratch), ec);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    }

private:
    asio::io_context io_;
    tcp::socket socket_{io_};
    beast::flat_buffer buffer_;
};

Handler answer(std::string text) {
    return [text = std::move(text)](const Request&) { return Response::text(200, text); };
}

Handler wait_at(Gate& gate, std::string text) {
    return [&gate, text = std::move(text)](const Request&) {
        gate.pass();
        return Response::text(200, text);
    };
}

/// Limits small enough that a test fills them with a handful of requests.
Limits tight_limits() {
    Limits limits;
    limits.worker_threads = 2;
    limits.max_in_flight_per_class = 1;
    limits.max_queue_per_class = 1;
    return limits;
}

std::string header(const ClientResponse& response, bhttp::field field) {
    return std::string(response[field]);
}

TEST(Server, RoutesAndAddsStandardHeaders) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    const ClientResponse response = client.get("/health");

    EXPECT_EQ(response.result_int(), 200U);
    EXPECT_EQ(response.body(), "ok");
    EXPECT_EQ(header(response, bhttp::field::server), "dojang");
    EXPECT_EQ(header(response, bhttp::field::content_length), "2");
    EXPECT_TRUE(header(response, bhttp::field::date).ends_with(" GMT"));
}

TEST(Server, AnswersUnknownPathWith404Problem) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    const ClientResponse response = client.get("/missing");

    EXPECT_EQ(response.result_int(), 404U);
    EXPECT_EQ(header(response, bhttp::field::content_type), "application/problem+json");
}

TEST(Server, AnswersWrongMethodWith405AndAllow) {
    Router router;
    router.add("POST", "/applications", answer("made"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    const ClientResponse response = client.get("/applications");

    EXPECT_EQ(response.result_int(), 405U);
    EXPECT_EQ(header(response, bhttp::field::allow), "POST");
}

TEST(Server, PassesBodyQueryAndHeadersToTheHandler) {
    Router router;
    router.add("POST", "/echo", [](const Request& request) {
        return Response::text(200,
                              request.body + "|" + request.query + "|" + request.header("Host") +
                                  "|" + request.remote_address);
    });
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    client.send(bhttp::verb::post, "/echo?a=1", "payload");
    const ClientResponse response = client.receive();

    EXPECT_EQ(response.body(), "payload|a=1|127.0.0.1|127.0.0.1");
}

TEST(Server, KeepsConnectionAliveForTwoRequests) {
    Router router;
    router.add("GET", "/one", answer("1"));
    router.add("GET", "/two", answer("2"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    const ClientResponse first = client.get("/one");
    const ClientResponse second = client.get("/two");

    EXPECT_EQ(first.body(), "1");
    EXPECT_TRUE(first.keep_alive());
    EXPECT_EQ(second.body(), "2");
}

TEST(Server, ServesManyConnectionsOnSeveralIoThreads) {
    Router router;
    router.add("GET", "/pooled", answer("pooled"));
    router.add("GET", "/inline", answer("inline"), RouteClass::status);
    Limits limits;
    limits.io_threads = 2;
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    std::atomic<int> answered{0};

    std::vector<std::thread> clients;
    for (int i = 0; i < 4; ++i) {
        clients.emplace_back([&] {
            Client client(server.port());
            for (int j = 0; j < 25; ++j) {
                answered += client.get("/pooled").body() == "pooled" ? 1 : 0;
                answered += client.get("/inline").body() == "inline" ? 1 : 0;
            }
        });
    }
    for (auto& client : clients) {
        client.join();
    }

    EXPECT_EQ(answered.load(), 200);
    EXPECT_EQ(server.metrics().requests("/pooled", 200), 100U);
}

TEST(Server, ClosesHttp10ConnectionAfterTheResponse) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    client.send_raw("GET /health HTTP/1.0\r\n\r\n");
    const ClientResponse response = client.receive();

    EXPECT_EQ(response.result_int(), 200U);
    EXPECT_EQ(response.version(), 10U);
    EXPECT_TRUE(client.is_closed_by_server());
}

TEST(Server, RejectsOversizedBodyWith413BeforeReadingIt) {
    std::atomic<int> calls{0};
    Router router;
    router.add("POST", "/upload", [&](const Request&) {
        ++calls;
        return Response::text(200, "stored");
    });
    Limits limits;
    limits.body_bytes = 1024;
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    // Only the header is sent: the answer must come without waiting for 10 MB of body.
    client.send_raw("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n");
    const ClientResponse response = client.receive();

    EXPECT_EQ(response.result_int(), 413U);
    EXPECT_EQ(calls.load(), 0);
    EXPECT_TRUE(client.is_closed_by_server());
}

TEST(Server, ARouteMayAcceptLargerBodiesThanTheRest) {
    std::atomic<int> calls{0};
    Router router;
    router.add("POST", "/small", [&](const Request&) {
        ++calls;
        return Response::text(200, "small");
    });
    router.add(
        "PUT",
        "/upload",
        [&](const Request& request) {
            ++calls;
            return Response::text(200, std::to_string(request.body.size()));
        },
        RouteClass::general,
        8192);
    Limits limits;
    limits.body_bytes = 1024;
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);

    // 4 KiB fits the upload route's 8 KiB.
    Client upload(server.port());
    upload.send_raw("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" +
                    std::string(4096, 'x'));
    const ClientResponse stored = upload.receive();
    EXPECT_EQ(stored.result_int(), 200U);
    EXPECT_EQ(stored.body(), "4096");
    // The same 4 KiB is too much for any other route, and is refused before it is read.
    Client small(server.port());
    small.send_raw("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n");
    EXPECT_EQ(small.receive().result_int(), 413U);
    // Beyond the upload route's own limit: 413 before the body.
    Client large(server.port());
    large.send_raw("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n");
    EXPECT_EQ(large.receive().result_int(), 413U);
    EXPECT_EQ(calls.load(), 1);
}

TEST(Server, ARouteAddedAfterTheServerWasMadeKeepsItsLargerLimit) {
    // dojangd makes the server first and registers its routes after: the 10 MiB upload route
    // answered 413 to anything over the 1 MiB general limit.
    Router router;
    Limits limits;
    limits.body_bytes = 1024;
    Server server(router, limits);
    router.add(
        "PUT",
        "/upload",
        [](const Request& request) {
            return Response::text(200, std::to_string(request.body.size()));
        },
        RouteClass::general,
        8192);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client upload(server.port());
    upload.send_raw("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" +
                    std::string(4096, 'x'));
    const ClientResponse stored = upload.receive();
    EXPECT_EQ(stored.result_int(), 200U);
    EXPECT_EQ(stored.body(), "4096");
}

TEST(Server, RejectsOversizedHeaderWith431) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Limits limits;
    limits.header_bytes = 1024;
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    client.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(2048, 'a') +
                    "\r\n\r\n");
    const ClientResponse response = client.receive();

    EXPECT_EQ(response.result_int(), 431U);
    EXPECT_TRUE(client.is_closed_by_server());
}

TEST(Server, AnswersMalformedHttpWith400AndCloses) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    client.send_raw("GET /health HTTP/9.x\r\n\r\n");
    const ClientResponse response = client.receive();

    EXPECT_EQ(response.result_int(), 400U);
    EXPECT_TRUE(client.is_closed_by_server());
}

TEST(Server, AnswersThrowingHandlerWithGeneric500) {
    Router router;
    router.add("GET", "/boom", [](const Request&) -> Response {
        throw std::runtime_error("secret internal detail");
    });
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    const ClientResponse response = client.get("/boom");

    EXPECT_EQ(response.result_int(), 500U);
    EXPECT_EQ(response.body().find("secret"), std::string::npos);
    EXPECT_NE(response.body().find(std::string(response["X-Request-Id"])), std::string::npos);
}

TEST(Server, AnswersInvalidHandlerHeaderWith500) {
    Router router;
    router.add("GET", "/split", [](const Request&) {
        Response response = Response::text(200, "x");
        response.headers.emplace_back("X-Injected", "a\r\nSet-Cookie: evil=1");
        return response;
    });
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    const ClientResponse response = client.get("/split");

    EXPECT_EQ(response.result_int(), 500U);
    EXPECT_EQ(response.count(bhttp::field::set_cookie), 0U);
}

TEST(Server, ShedsLoadWith503AndRetryAfterWhenClassIsFull) {
    Gate gate;
    Router router;
    router.add("GET", "/slow", wait_at(gate, "done"));
    Server server(router, tight_limits());
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server, &gate);
    Client running_client(server.port());
    Client queued_client(server.port());
    Client rejected_client(server.port());

    running_client.send(bhttp::verb::get, "/slow");
    gate.wait_until_entered(1);
    queued_client.send(bhttp::verb::get, "/slow");
    ASSERT_TRUE(eventually([&] { return server.admitted(RouteClass::general) == 2; }));
    const ClientResponse rejected = rejected_client.get("/slow");
    gate.open();

    EXPECT_EQ(rejected.result_int(), 503U);
    EXPECT_EQ(header(rejected, bhttp::field::retry_after), "1");
    EXPECT_EQ(header(rejected, bhttp::field::content_type), "application/problem+json");
    EXPECT_NE(rejected.body().find(R"("code":"SERVER_BUSY")"), std::string::npos);
    EXPECT_NE(rejected.body().find(R"("title":"The server is busy")"), std::string::npos);
    EXPECT_NE(rejected.body().find(R"("title_ko":)"), std::string::npos);
    EXPECT_EQ(running_client.receive().result_int(), 200U);
    EXPECT_EQ(queued_client.receive().result_int(), 200U);
    EXPECT_EQ(server.metrics().rejections("general"), 1U);
}

TEST(Server, ShedsWhenTheQueueWouldTakeLongerThanTheDelayBound) {
    Gate gate;
    Router router;
    router.add("POST", "/slow", [](const Request&) {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
        return Response::text(200, "slow");
    });
    router.add("POST", "/held", wait_at(gate, "held"));
    Limits limits;
    limits.worker_threads = 1;
    limits.max_in_flight_per_class = 1;
    limits.max_queue_per_class = 10;
    limits.max_queue_delay = std::chrono::milliseconds{5};
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server, &gate);
    Client priming(server.port());
    Client held(server.port());
    Client queued(server.port());
    Client queued_too(server.port());
    Client refused(server.port());
    priming.send(bhttp::verb::post, "/slow");
    ASSERT_EQ(priming.receive().result_int(), 200U);

    held.send(bhttp::verb::post, "/held");
    gate.wait_until_entered(1);
    queued.send(bhttp::verb::post, "/held");
    queued_too.send(bhttp::verb::post, "/held");
    ASSERT_TRUE(eventually([&] { return server.admitted(RouteClass::general) == 3; }));
    refused.send(bhttp::verb::post, "/held");
    const ClientResponse rejected = refused.receive();
    gate.open();

    // Two requests wait (two per worker are always allowed); a third would wait ≥ 3 × 20 ms.
    EXPECT_EQ(rejected.result_int(), 503U);
    EXPECT_EQ(header(rejected, bhttp::field::retry_after), "1");
    EXPECT_EQ(held.receive().result_int(), 200U);
    EXPECT_EQ(queued.receive().result_int(), 200U);
    EXPECT_EQ(queued_too.receive().result_int(), 200U);
}

TEST(Server, AnswersStatusAndGeneralRoutesWhileIssuanceIsSaturated) {
    Gate gate;
    Router router;
    router.add("POST", "/issue", wait_at(gate, "issued"), RouteClass::issuance);
    router.add_prefix("GET", "/ocsp/", answer("good"), RouteClass::status);
    router.add("GET", "/applications", answer("list"));
    Server server(router, tight_limits());
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server, &gate);
    Client first_issue(server.port());
    Client second_issue(server.port());
    Client third_issue(server.port());
    Client status_client(server.port());

    first_issue.send(bhttp::verb::post, "/issue");
    gate.wait_until_entered(1);
    second_issue.send(bhttp::verb::post, "/issue");
    ASSERT_TRUE(eventually([&] { return server.admitted(RouteClass::issuance) == 2; }));
    third_issue.send(bhttp::verb::post, "/issue");
    const ClientResponse rejected = third_issue.receive();
    const ClientResponse status = status_client.get("/ocsp/MEMwQTA");
    const ClientResponse general = status_client.get("/applications");
    gate.open();

    EXPECT_EQ(rejected.result_int(), 503U);
    EXPECT_EQ(status.result_int(), 200U);
    EXPECT_EQ(status.body(), "good");
    EXPECT_EQ(general.result_int(), 200U);
    EXPECT_EQ(first_issue.receive().result_int(), 200U);
    EXPECT_EQ(second_issue.receive().result_int(), 200U);
}

/// Limits where one client may send 3 issuance requests at once, then one a second.
Limits client_limits() {
    Limits limits;
    limits.client_issuance = {1, 3};
    return limits;
}

TEST(Server, AnswersABurstBeyondTheClientLimitWith429AndRetryAfter) {
    Router router;
    router.add("POST", "/issue", answer("issued"), RouteClass::issuance);
    Server server(router, client_limits());
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    for (int i = 0; i < 3; ++i) {
        client.send(bhttp::verb::post, "/issue");
        EXPECT_EQ(client.receive().result_int(), 200U) << i;
    }
    client.send(bhttp::verb::post, "/issue");
    const ClientResponse limited = client.receive();

    EXPECT_EQ(limited.result_int(), 429U);
    EXPECT_EQ(header(limited, bhttp::field::retry_after), "1");
    EXPECT_EQ(header(limited, bhttp::field::content_type), "application/problem+json");
    EXPECT_NE(limited.body().find(R"("code":"TOO_MANY_REQUESTS")"), std::string::npos);
    EXPECT_NE(limited.body().find(R"("status":429)"), std::string::npos);
    EXPECT_TRUE(limited.keep_alive());
    EXPECT_EQ(server.metrics().requests("/issue", 429), 1U);
    // The refused request was never admitted; the third one's slot is released just after its
    // answer was written, so wait for it.
    EXPECT_TRUE(eventually([&] { return server.admitted(RouteClass::issuance) == 0; }));
}

TEST(Server, LeavesOtherClientsAloneWhenOneIsOverItsLimit) {
    Router router;
    router.add("POST", "/issue", answer("issued"), RouteClass::issuance);
    Server server(router, client_limits());
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client greedy(server.port());
    Client other(server.port(), "127.0.0.2");

    for (int i = 0; i < 4; ++i) {
        greedy.send(bhttp::verb::post, "/issue");
        (void)greedy.receive();
    }
    greedy.send(bhttp::verb::post, "/issue");
    const ClientResponse limited = greedy.receive();
    other.send(bhttp::verb::post, "/issue");
    const ClientResponse answered = other.receive();

    EXPECT_EQ(limited.result_int(), 429U);
    EXPECT_EQ(answered.result_int(), 200U);
    EXPECT_EQ(answered.body(), "issued");
}

TEST(Server, NeverLimitsStatusRoutesPerClientByDefault) {
    Router router;
    router.add("POST", "/issue", answer("issued"), RouteClass::issuance);
    router.add("POST", "/ocsp", answer("good"), RouteClass::status);
    Server server(router, client_limits());
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    for (int i = 0; i < 5; ++i) {
        client.send(bhttp::verb::post, "/issue");
        (void)client.receive();
    }
    int good = 0;
    for (int i = 0; i < 500; ++i) {
        client.send(bhttp::verb::post, "/ocsp");
        good += client.receive().result_int() == 200U ? 1 : 0;
    }

    EXPECT_EQ(good, 500);
    EXPECT_FALSE(Limits{}.client_status.is_enabled());
}

TEST(Server, RefusesAClientLimitWithoutABurst) {
    Router router;
    Limits limits;
    limits.client_general = {10, 0};
    Server server(router, limits);

    EXPECT_FALSE(server.listen("127.0.0.1", 0));
}

TEST(Server, GracefulStopFinishesInFlightRequestAndClosesIdleOnes) {
    Gate gate;
    Router router;
    router.add("GET", "/slow", wait_at(gate, "finished"));
    router.add("GET", "/fast", answer("fast"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server, &gate);
    Client idle(server.port());
    Client busy(server.port());
    ASSERT_EQ(idle.get("/fast").result_int(), 200U);
    busy.send(bhttp::verb::get, "/slow");
    gate.wait_until_entered(1);

    server.stop();
    const bool idle_closed = idle.is_closed_by_server();
    gate.open();
    const ClientResponse finished = busy.receive();
    running.join();

    EXPECT_TRUE(idle_closed);
    EXPECT_EQ(finished.result_int(), 200U);
    EXPECT_EQ(finished.body(), "finished");
    EXPECT_FALSE(finished.keep_alive());
}

TEST(Server, ClosesConnectionsBeyondTheLimit) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Limits limits;
    limits.max_connections = 1;
    limits.status_reserve = 0;
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client first(server.port());
    ASSERT_EQ(first.get("/health").result_int(), 200U);

    Client second(server.port());

    EXPECT_TRUE(second.is_closed_by_server());
    EXPECT_EQ(server.metrics().rejections("connection"), 1U);
    EXPECT_EQ(first.get("/health").result_int(), 200U);
}

TEST(Server, ClosesAConnectionThatSendsNothingAfterTheIdleTimeout) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Limits limits;
    limits.idle_timeout = std::chrono::seconds{1};
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    EXPECT_TRUE(client.is_closed_by_server());
    EXPECT_EQ(server.metrics().requests("invalid", 408), 0U);
}

TEST(Server, AnswersAHeaderThatTricklesInTooSlowlyWith408) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Limits limits;
    limits.header_timeout = std::chrono::seconds{1};
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    client.send_raw("GET /health HTTP/1.1\r\nHost:");
    const auto response = client.receive();

    EXPECT_EQ(response.result_int(), 408U);
    EXPECT_NE(response.body().find("REQUEST_TIMEOUT"), std::string::npos);
    EXPECT_FALSE(response.keep_alive());
    EXPECT_TRUE(client.is_closed_by_server());
}

TEST(Server, ClosesConnectionsBeyondTheClientsOwnLimitAndLeavesOthersAlone) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Limits limits;
    limits.max_connections_per_client = 2;
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    auto first = std::make_unique<Client>(server.port(), "127.0.0.2");
    Client second(server.port(), "127.0.0.2");
    ASSERT_EQ(first->get("/health").result_int(), 200U);
    ASSERT_EQ(second.get("/health").result_int(), 200U);

    Client third(server.port(), "127.0.0.2");
    Client other(server.port(), "127.0.0.3");

    EXPECT_TRUE(third.is_closed_by_server());
    EXPECT_EQ(server.metrics().rejections("connection_per_client"), 1U);
    EXPECT_EQ(other.get("/health").result_int(), 200U);
    // A slot given back is usable again.
    first.reset();
    EXPECT_TRUE(eventually([&] {
        Client again(server.port(), "127.0.0.2");
        return again.get("/health").result_int() == 200U;
    }));
}

TEST(Server, AnswersStatusRoutesOnTheReserveWhileThePoolIsFull) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    router.add("POST", "/ocsp", answer("good"), RouteClass::status);
    Limits limits;
    limits.max_connections = 1;
    limits.status_reserve = 2;
    Server server(router, limits);
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client holder(server.port(), "127.0.0.2");
    ASSERT_EQ(holder.get("/health").result_int(), 200U);  // the pool is now full

    for (int i = 0; i < 5; ++i) {
        Client relying_party(server.port(), "127.0.0.3");
        relying_party.send(bhttp::verb::post, "/ocsp", "request");
        const auto status = relying_party.receive();
        EXPECT_EQ(status.result_int(), 200U);
        EXPECT_EQ(status.body(), "good");
        EXPECT_FALSE(status.keep_alive());  // one request per reserve connection
    }
    Client general(server.port(), "127.0.0.3");
    const auto refused = general.get("/health");
    EXPECT_EQ(refused.result_int(), 503U);
    EXPECT_FALSE(header(refused, bhttp::field::retry_after).empty());
    EXPECT_EQ(holder.get("/health").result_int(), 200U);
}

TEST(Server, RefusesZeroTimeoutsAndPerClientConnections) {
    Router router;
    for (auto change : std::vector<std::function<void(Limits&)>>{
             [](Limits& l) { l.idle_timeout = std::chrono::seconds{0}; },
             [](Limits& l) { l.header_timeout = std::chrono::seconds{0}; },
             [](Limits& l) { l.max_connections_per_client = 0; }}) {
        Limits limits;
        change(limits);
        Server server(router, limits);
        auto listened = server.listen("127.0.0.1", 0);
        ASSERT_FALSE(listened.has_value());
        EXPECT_EQ(listened.error().code, "HTTP_LIMITS_INVALID");
    }
}

TEST(Server, ARouteMayRefuseOnTheHeaderBeforeReadingTheBody) {
    Router router;
    std::atomic<int> handled{0};
    router.add("PUT", "/upload", [&handled](const Request&) {
        ++handled;
        return Response::text(201, "stored");
    });
    ASSERT_TRUE(router.check_header("PUT", "/upload", [](const Request& request) {
        return request.header("authorization") == "Bearer ok"
                   ? std::nullopt
                   : std::optional<Response>(Response::text(401, "no"));
    }));
    EXPECT_FALSE(router.check_header("PUT", "/elsewhere", {}));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);

    // The header promises a body that never comes: the answer must not wait for it.
    Client refused(server.port());
    refused.send_raw("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
    const auto answer = refused.receive();
    EXPECT_EQ(answer.result_int(), 401U);
    EXPECT_FALSE(answer.keep_alive());
    EXPECT_EQ(handled.load(), 0);

    Client allowed(server.port());
    allowed.send_raw(
        "PUT /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\nContent-Length: "
        "4\r\n\r\nfile");
    EXPECT_EQ(allowed.receive().result_int(), 201U);
    EXPECT_EQ(handled.load(), 1);
}

TEST(Server, CountsRequestsByRoutePatternInMetrics) {
    Router router;
    router.add_prefix("GET", "/items/", answer("item"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    Client client(server.port());

    ASSERT_EQ(client.get("/items/1").result_int(), 200U);
    ASSERT_EQ(client.get("/items/2").result_int(), 200U);
    ASSERT_EQ(client.get("/nothing").result_int(), 404U);
    const std::string text = server.metrics().render();

    EXPECT_NE(text.find("dojang_http_requests_total{route=\"/items/\",status=\"200\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("dojang_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("dojang_http_request_duration_seconds_count{route=\"/items/\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("dojang_http_in_flight_requests 0\n"), std::string::npos);
    EXPECT_EQ(text.find("/items/1"), std::string::npos);
}

TEST(Server, RefusesUnusableTlsFiles) {
    Router router;
    Server server(router, Limits{}, TlsConfig{"/nonexistent/cert.pem", "/nonexistent/key.pem"});

    const auto listened = server.listen("127.0.0.1", 0);

    ASSERT_FALSE(listened);
    EXPECT_EQ(listened.error().code, "TLS_CERTIFICATE_INVALID");
}

TEST(Server, ServesOverTlsWithSelfSignedCertificate) {
    const testing::TempDir dir;
    const std::string certificate = dir.path() + "/cert.pem";
    const std::string key = dir.path() + "/key.pem";
    std::string output;
    ASSERT_EQ(testing::run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                           "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 1 "
                           "-keyout " +
                               key + " -out " + certificate,
                           &output),
              0)
        << output;
    Router router;
    router.add("GET", "/ca", answer("over tls"));
    Server server(router, Limits{}, TlsConfig{certificate, key});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    Running running(server);
    const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/ca";

    const int status = testing::run(
        "curl -sS --max-time 20 --tlsv1.2 --cacert " + certificate + " " + url, &output);
    std::string plain_output;
    const int plain_status = testing::run(
        "curl -sS --max-time 20 http://127.0.0.1:" + std::to_string(server.port()) + "/ca",
        &plain_output);

    EXPECT_EQ(status, 0) << output;
    EXPECT_EQ(output, "over tls");
    EXPECT_NE(plain_status, 0) << plain_output;
}

TEST(Server, RunUntilSignalStopsOnSigterm) {
    Router router;
    router.add("GET", "/health", answer("ok"));
    Server server(router, Limits{});
    ASSERT_TRUE(server.listen("127.0.0.1", 0));
    std::thread thread([&] { server.run_until_signal(); });
    {
        // The signal set is installed before run() starts serving, so an answer proves it.
        Client client(server.port());
        EXPECT_EQ(client.get("/health").result_int(), 200U);
    }

    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    thread.join();

    EXPECT_THROW(Client{server.port()}, boost::system::system_error);
}

}  // namespace
}  // namespace dojang::http
