// SPDX-License-Identifier: Apache-2.0
// Load generator for bench/overload: POST /api/v1/applications (or POST /ocsp, or with --codes
// POST /api/v1/certificates for bench/overload-issuance), closed or open loop, on one thread. Every
// application carries a unique Idempotency-Key and a unique phone number (the one-time-code send
// limit is per destination); every `match_every`-th one is a register customer, each used once. One
// line per request goes to --log: phase, key, status (0 = client-side timeout, -1 = connection
// error), latency in ms from the request's *scheduled* time (a client falling behind cannot hide
// queueing), and the application id of a 201. With
// --codes each request takes the next unused "reference code" line (from line --first on) and a
// CSR of --csrs round robin; the key is the reference number and the id the serial of a 201.
// The last stdout line is "RESULT key=value ...".
#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct Options {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::string mode;
    double rate = 0;
    std::size_t connections = 4;
    double seconds = 10;
    double timeout = 10;
    std::string phase = "run";
    int phase_digit = 2;
    std::string key_prefix = "bench";
    std::size_t register_size = 0;
    std::size_t register_start = 0;
    std::size_t match_every = 10;
    std::size_t first = 0;  ///< Number of the first application (phone numbers count from it)
    std::string ocsp_request;
    std::string codes;  ///< "reference code" lines: POST /api/v1/certificates
    std::string csrs;   ///< PEM CSRs for those requests
    std::string log;
};

struct Job {
    std::string key;
    bhttp::request<bhttp::string_body> request;
    Clock::time_point due;
};

struct Outcome {
    std::string key;
    int status = 0;
    double latency_ms = 0;
    std::string application_id;
};

class Generator {
public:
    explicit Generator(const Options& options) : options_(options) {
        if (options_.mode == "ocsp") {
            std::ifstream file(options_.ocsp_request, std::ios::binary);
            ocsp_der_.assign(std::istreambuf_iterator<char>(file), {});
        }
        next_customer_ = options_.register_start;
        count_ = options_.first;
        if (!options_.codes.empty()) {
            std::ifstream codes(options_.codes);
            std::string reference;
            std::string code;
            while (codes >> reference >> code) {
                codes_.emplace_back(reference, code);
            }
            std::ifstream file(options_.csrs);
            const std::string pem(std::istreambuf_iterator<char>(file), {});
            const std::string end = "-----END CERTIFICATE REQUEST-----";
            for (std::size_t at = 0;;) {
                const auto start = pem.find("-----BEGIN CERTIFICATE REQUEST-----", at);
                const auto stop = pem.find(end, start);
                if (start == std::string::npos || stop == std::string::npos) {
                    break;
                }
                std::string one;
                for (const char c : pem.substr(start, stop + end.size() - start)) {
                    one += c == '\n' ? std::string("\\n") : std::string(1, c);
                }
                csrs_.push_back(std::move(one));
                at = stop + end.size();
            }
        }
    }

    /// Requests this generator can still make (certificates: one per unused code line).
    [[nodiscard]] std::size_t available() const {
        return options_.codes.empty() ? SIZE_MAX : codes_.size() - std::min(codes_.size(), count_);
    }

    Job make(Clock::time_point due) {
        Job job;
        job.due = due;
        job.request.version(11);
        job.request.set(bhttp::field::host, options_.host + ":" + std::to_string(options_.port));
        job.request.method(bhttp::verb::post);
        if (options_.mode == "ocsp") {
            job.request.target("/ocsp");
            job.request.set(bhttp::field::content_type, "application/ocsp-request");
            job.request.body() = ocsp_der_;
        } else if (!options_.codes.empty()) {
            const auto& [reference, code] = codes_.at(count_);
            const std::string& csr = csrs_.at(count_ % csrs_.size());
            ++count_;
            job.key = reference;
            job.request.target("/api/v1/certificates");
            job.request.set(bhttp::field::content_type, "application/json");
            job.request.body() = R"({"reference_number":")" + reference +
                                 R"(","authorization_code":")" + code + R"(","csr":")" + csr +
                                 R"("})";
        } else {
            job.key = options_.key_prefix + "-" + std::to_string(++sequence_);
            job.request.target("/api/v1/applications");
            job.request.set(bhttp::field::content_type, "application/json");
            job.request.set("Idempotency-Key", job.key);
            job.request.body() = next_body();
        }
        job.request.prepare_payload();
        return job;
    }

private:
    std::string next_body() {
        const std::size_t n = count_++;
        std::string name;
        std::string resident;
        std::string phone;
        std::string email;
        std::array<char, 64> text{};
        if (options_.match_every != 0 && n % options_.match_every == 0 &&
            next_customer_ < options_.register_size) {
            const std::size_t k = next_customer_++;
            name = "고객" + std::to_string(k);
            std::snprintf(text.data(), text.size(), "800101-1%06zu", k);
            resident = text.data();
            std::snprintf(text.data(), text.size(), "0101%07zu", k);
            phone = text.data();
            email = "c" + std::to_string(k) + "@example.com";
        } else {
            name = "신청" + std::to_string(n);
            std::snprintf(text.data(), text.size(), "850505-1%06zu", n % 1000000);
            resident = text.data();
            std::snprintf(
                text.data(), text.size(), "010%d%07zu", options_.phase_digit, n % 10000000);
            phone = text.data();
            email = "a" + std::to_string(options_.phase_digit) + "-" + std::to_string(n) +
                    "@example.com";
        }
        return R"({"holder_type":"individual","reason":"forgot_password","name":")" + name +
               R"(","resident_number":")" + resident + R"(","phone":")" + phone + R"(","email":")" +
               email + R"(","channel":"sms"})";
    }

    const Options& options_;
    std::string ocsp_der_;
    std::vector<std::pair<std::string, std::string>> codes_;
    std::vector<std::string> csrs_;
    std::size_t sequence_ = 0;
    std::size_t count_ = 0;
    std::size_t next_customer_ = 0;
};

using Channel = asio::experimental::channel<void(beast::error_code, Job)>;

class Worker {
public:
    Worker(asio::io_context& io, const Options& options, std::vector<Outcome>& outcomes)
        : options_(options), outcomes_(outcomes), stream_(io) {}

    /// Sends one job on this worker's connection (reconnecting when needed); records it.
    asio::awaitable<void> run(Job job) {
        Outcome outcome;
        outcome.key = job.key;
        const auto limit = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(options_.timeout));
        const auto deadline = job.due + limit;
        auto left = [&] { return std::max<Clock::duration>(deadline - Clock::now(), {}); };
        beast::error_code ec;
        if (!connected_) {
            stream_.expires_after(left());
            auto [connect_error] = co_await stream_.async_connect(
                tcp::endpoint{asio::ip::make_address(options_.host), options_.port}, use_tuple);
            ec = connect_error;
            connected_ = !ec;
        }
        if (!ec) {
            stream_.expires_after(left());
            auto [write_error, unused_written] =
                co_await bhttp::async_write(stream_, job.request, use_tuple);
            ec = write_error;
        }
        bhttp::response<bhttp::string_body> response;
        if (!ec) {
            auto [read_error, unused_read] =
                co_await bhttp::async_read(stream_, buffer_, response, use_tuple);
            ec = read_error;
        }
        outcome.latency_ms =
            std::chrono::duration<double, std::milli>(Clock::now() - job.due).count();
        if (ec) {
            outcome.status = ec == beast::error::timeout ? 0 : -1;
            reset();
        } else {
            outcome.status = static_cast<int>(response.result_int());
            if (outcome.status == 201) {
                const std::string& body = response.body();
                const std::string marker =
                    options_.codes.empty() ? R"("application_id":")" : R"("serial":")";
                const auto at = body.find(marker);
                if (at != std::string::npos) {
                    const auto start = at + marker.size();
                    outcome.application_id = body.substr(start, body.find('"', start) - start);
                }
            }
            if (!response.keep_alive()) {
                reset();
            }
        }
        outcomes_.push_back(std::move(outcome));
    }

    void close() { reset(); }

private:
    void reset() {
        // A closed socket is opened again by the next async_connect.
        stream_.close();
        buffer_.clear();
        connected_ = false;
    }

    const Options& options_;
    std::vector<Outcome>& outcomes_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    bool connected_ = false;
};

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) {
        return std::nan("");
    }
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(
        std::max(0.0, std::ceil(fraction * static_cast<double>(values.size())) - 1));
    return values.at(std::min(rank, values.size() - 1));
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{"Load generator for bench/overload"};
    app.add_option("--host", options.host);
    app.add_option("--port", options.port)->required();
    app.add_option("--mode", options.mode)
        ->required()
        ->check(CLI::IsMember({"closed", "open", "ocsp"}));
    app.add_option("--rate", options.rate, "requests/s (open, ocsp)");
    app.add_option("--connections", options.connections);
    app.add_option("--seconds", options.seconds);
    app.add_option("--timeout", options.timeout, "client-side timeout, s");
    app.add_option("--phase", options.phase);
    app.add_option("--phase-digit", options.phase_digit, "makes phone numbers unique");
    app.add_option("--key-prefix", options.key_prefix);
    app.add_option("--register-size", options.register_size);
    app.add_option("--register-start", options.register_start);
    app.add_option("--match-every", options.match_every);
    app.add_option("--first", options.first, "number of the first application");
    app.add_option("--ocsp-request", options.ocsp_request);
    app.add_option("--codes", options.codes, "reference/code lines: POST /api/v1/certificates");
    app.add_option("--csrs", options.csrs, "PEM CSRs for --codes");
    app.add_option("--log", options.log);
    CLI11_PARSE(app, argc, argv);
    if (options.mode != "closed" && options.rate <= 0) {
        std::fprintf(stderr, "--rate is needed for open and ocsp\n");
        return 2;
    }

    asio::io_context io(1);
    Generator generator(options);
    if (!options.codes.empty() && generator.available() == 0) {
        std::fprintf(stderr,
                     "no unused code lines in %s from line %zu\n",
                     options.codes.c_str(),
                     options.first);
        return 2;
    }
    std::vector<Outcome> outcomes;
    std::vector<std::unique_ptr<Worker>> workers;
    for (std::size_t i = 0; i < options.connections; ++i) {
        workers.push_back(std::make_unique<Worker>(io, options, outcomes));
    }
    const auto started = Clock::now();
    const auto length =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
    const auto deadline = started + length;

    if (options.mode == "closed") {
        for (auto& worker : workers) {
            asio::co_spawn(
                io,
                [&, w = worker.get()]() -> asio::awaitable<void> {
                    while (Clock::now() < deadline && generator.available() > 0) {
                        co_await w->run(generator.make(Clock::now()));
                    }
                    w->close();
                },
                asio::detached);
        }
    } else {
        // Open loop: request i is due at started + i / rate, whatever the server does; workers
        // take due requests in order, and latency counts from the due time.
        const auto total = std::min(static_cast<std::size_t>(options.rate * options.seconds),
                                    generator.available());
        auto channel = std::make_shared<Channel>(io, total + 1);
        asio::co_spawn(
            io,
            [&, channel, total]() -> asio::awaitable<void> {
                asio::steady_timer timer(io);
                for (std::size_t i = 0; i < total; ++i) {
                    const auto due =
                        started +
                        std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(static_cast<double>(i) / options.rate));
                    if (due > Clock::now()) {
                        timer.expires_at(due);
                        co_await timer.async_wait(use_tuple);
                    }
                    co_await channel->async_send(
                        beast::error_code{}, generator.make(due), use_tuple);
                }
                channel->close();
            },
            asio::detached);
        for (auto& worker : workers) {
            asio::co_spawn(
                io,
                [channel, w = worker.get()]() -> asio::awaitable<void> {
                    for (;;) {
                        auto [ec, job] = co_await channel->async_receive(use_tuple);
                        if (ec) {
                            break;
                        }
                        co_await w->run(std::move(job));
                    }
                    w->close();
                },
                asio::detached);
        }
    }
    io.run();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

    if (!options.log.empty()) {
        std::FILE* log = std::fopen(options.log.c_str(), "a");
        if (log != nullptr) {
            for (const auto& o : outcomes) {
                std::fprintf(log,
                             "%s\t%s\t%d\t%.3f\t%s\n",
                             options.phase.c_str(),
                             o.key.c_str(),
                             o.status,
                             o.latency_ms,
                             o.application_id.c_str());
            }
            std::fclose(log);
        }
    }
    const int good_status = options.mode == "ocsp" ? 200 : 201;
    std::vector<double> good;
    std::vector<double> shed;
    std::size_t shed503 = 0;
    std::size_t shed429 = 0;
    std::size_t timeouts = 0;
    std::size_t errors = 0;
    std::size_t other = 0;
    for (const auto& o : outcomes) {
        if (o.status == good_status) {
            good.push_back(o.latency_ms);
        } else if (o.status == 503 || o.status == 429) {
            shed.push_back(o.latency_ms);
            (o.status == 503 ? shed503 : shed429) += 1;
        } else if (o.status == 0) {
            ++timeouts;
        } else if (o.status == -1) {
            ++errors;
        } else {
            ++other;
        }
    }
    std::printf(
        "RESULT phase=%s sent=%zu elapsed_s=%.2f good=%zu good_per_s=%.1f good_p50_ms=%.1f "
        "good_p99_ms=%.1f shed503=%zu shed429=%zu shed_p99_ms=%.1f timeouts=%zu errors=%zu "
        "other=%zu\n",
        options.phase.c_str(),
        outcomes.size(),
        elapsed,
        good.size(),
        static_cast<double>(good.size()) / options.seconds,
        percentile(good, 0.50),
        percentile(good, 0.99),
        shed503,
        shed429,
        percentile(shed, 0.99),
        timeouts,
        errors,
        other);
    return 0;
}
