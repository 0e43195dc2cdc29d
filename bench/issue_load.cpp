// SPDX-License-Identifier: Apache-2.0
// issue_load: closed-loop load for bench/run's issuance rows, against a running server.
//
//   issue_load keys  --count K --out keys.pem        RSA-2048 keys, made once, before any timing
//   issue_load rest  --port P --keys F --codes F     POST /api/v1/certificates (dojangd)
//   issue_load cfssl --port P --keys F --count N     POST /api/v1/cfssl/sign (cfssl serve)
//   issue_load cmp   --port P --keys F --codes F     CMP ir → ip → certConf → pkiConf (dojangd)
//   issue_load journey --port P --keys F --count N --spool DIR
//                                  apply → SMS code → verify → fetch → confirm (dojangd, online)
//
// Every request body (or CMP context input) is made before the clock starts: one CSR per key
// (subject C=KR,O=dojang,OU=personal,CN=bench N, SHA-256), reused round robin; each line of
// --codes ("reference_number authorization_code", from walkin_codes) is used exactly once, since
// the codes work once. `--connections` threads each hold one keep-alive connection (HTTP) or run
// one CMP session after the other, taking the next request until all are sent. The first
// `--warmup` requests are sent before the clock starts and are not counted. Latency is that of
// one request (HTTP) or one whole CMP session (two HTTP exchanges). The CMP sessions are what
// `openssl cmp -cmd ir -ref R -secret pass:C -newkey K -subject /CN=x` does, through the same
// OpenSSL calls, in this process (no process start-up per certificate).
//
// The last stdout line is "RESULT mode=… sent=… ok=… failed=… seconds=… per_second=… p50_ms=…
// p99_ms=…"; --sample writes the first certificate received (PEM). Asserts nothing.
#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/bio.h>
#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Stopwatch = std::chrono::steady_clock;

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

struct Options {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::string keys;
    std::string codes;
    std::string sample;
    std::string path;
    std::size_t count = 0;
    std::size_t connections = 4;
    std::size_t warmup = 0;
    int keep_alive = 1;  ///< CMP: OSSL_CMP_OPT_KEEP_ALIVE, as `openssl cmp -keep_alive`
};

// --- keys and CSRs -------------------------------------------------------------------------------

[[noreturn]] void die(const std::string& what) {
    std::cerr << "issue_load: " << what << "\n";
    ERR_print_errors_fp(stderr);
    std::exit(1);
}

int make_keys(std::size_t count, const std::string& out_path) {
    std::vector<std::string> pems(count);
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    const auto start = Stopwatch::now();
    for (unsigned worker = 0; worker < cores; ++worker) {
        workers.emplace_back([&] {
            for (std::size_t index = next++; index < count; index = next++) {
                KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
                std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
                if (!key || !bio ||
                    PEM_write_bio_PrivateKey(
                        bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
                    die("cannot make an RSA-2048 key");
                }
                char* data = nullptr;
                const long size = BIO_get_mem_data(bio.get(), &data);
                pems[index].assign(data, static_cast<std::size_t>(size));
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    std::ofstream out(out_path, std::ios::trunc);
    for (const auto& pem : pems) {
        out << pem;
    }
    if (!out) {
        die("cannot write " + out_path);
    }
    std::printf("RESULT mode=keys count=%zu seconds=%.2f\n",
                count,
                std::chrono::duration<double>(Stopwatch::now() - start).count());
    return 0;
}

std::vector<KeyPtr> read_keys(const std::string& path) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
    if (!bio) {
        die("cannot read " + path);
    }
    std::vector<KeyPtr> keys;
    while (EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)) {
        keys.emplace_back(key);
    }
    ERR_clear_error();  // the end of the file
    if (keys.empty()) {
        die("no keys in " + path);
    }
    return keys;
}

/// A PEM PKCS#10 request for `key`, subject C=KR,O=dojang,OU=personal,CN=bench <index>.
std::string make_csr(EVP_PKEY* key, std::size_t index) {
    std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> request(X509_REQ_new(), X509_REQ_free);
    X509_NAME* name = X509_REQ_get_subject_name(request.get());
    const std::string common_name = "bench " + std::to_string(index);
    const std::pair<const char*, std::string> parts[] = {
        {"C", "KR"}, {"O", "dojang"}, {"OU", "personal"}, {"CN", common_name}};
    for (const auto& [field, value] : parts) {
        if (X509_NAME_add_entry_by_txt(name,
                                       field,
                                       MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.c_str()),
                                       -1,
                                       -1,
                                       0) != 1) {
            die("CSR subject");
        }
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (X509_REQ_set_version(request.get(), 0) != 1 ||
        X509_REQ_set_pubkey(request.get(), key) != 1 ||
        X509_REQ_sign(request.get(), key, EVP_sha256()) <= 0 ||
        PEM_write_bio_X509_REQ(bio.get(), request.get()) != 1) {
        die("cannot sign a CSR");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

/// The string member `name` of a JSON answer, unescaped ("" when absent).
std::string json_field(const std::string& json, const std::string& name) {
    const std::string key = "\"" + name + "\":";
    auto at = json.find(key);
    if (at == std::string::npos) {
        return {};
    }
    at = json.find('"', at + key.size());
    std::string out;
    for (std::size_t i = at + 1; at != std::string::npos && i < json.size(); ++i) {
        if (json[i] == '"') {
            return out;
        }
        if (json[i] == '\\' && i + 1 < json.size()) {
            ++i;
            out += json[i] == 'n' ? '\n' : json[i];
        } else {
            out += json[i];
        }
    }
    return {};
}

std::string certificate_of(const std::string& json) {
    return json_field(json, "certificate");
}

std::vector<std::pair<std::string, std::string>> read_codes(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        die("cannot read " + path);
    }
    std::vector<std::pair<std::string, std::string>> codes;
    std::string reference;
    std::string code;
    while (in >> reference >> code) {
        codes.emplace_back(reference, code);
    }
    return codes;
}

// --- running and reporting -----------------------------------------------------------------------

struct Tally {
    std::mutex mutex;
    std::vector<double> latencies_ms;  ///< of the requests that succeeded
    std::size_t failed = 0;
    std::map<std::string, std::size_t> outcomes;  ///< "201", "503", "error", …
    std::string first_failure;
    std::string sample;

    void add(bool ok,
             double ms,
             const std::string& outcome,
             const std::string& detail,
             const std::string& certificate) {
        std::lock_guard lock(mutex);
        ++outcomes[outcome];
        if (ok) {
            latencies_ms.push_back(ms);
            if (sample.empty()) {
                sample = certificate;
            }
        } else {
            ++failed;
            if (first_failure.empty()) {
                first_failure = outcome + ": " + detail.substr(0, 400);
            }
        }
    }
};

double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) {
        return 0;
    }
    return sorted[static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1))];
}

/// Runs `work(index, tally)` for every index in [first, end) on `threads` threads.
template <typename Work>
double run_all(std::size_t first, std::size_t end, std::size_t threads, Tally& tally, Work work) {
    std::atomic<std::size_t> next{first};
    const auto start = Stopwatch::now();
    std::vector<std::thread> workers;
    for (std::size_t worker = 0; worker < threads; ++worker) {
        workers.emplace_back([&] { work(next, end, tally); });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

int report(const std::string& mode, Tally& tally, double seconds, const Options& options) {
    std::sort(tally.latencies_ms.begin(), tally.latencies_ms.end());
    const std::size_t ok = tally.latencies_ms.size();
    std::string outcomes;
    for (const auto& [outcome, n] : tally.outcomes) {
        outcomes += (outcomes.empty() ? "" : ",") + outcome + ":" + std::to_string(n);
    }
    if (!tally.first_failure.empty()) {
        std::cerr << "issue_load: " << tally.failed << " failed, first: " << tally.first_failure
                  << "\n";
    }
    if (!options.sample.empty() && !tally.sample.empty()) {
        std::ofstream(options.sample, std::ios::trunc) << tally.sample;
    }
    std::printf(
        "RESULT mode=%s sent=%zu ok=%zu failed=%zu connections=%zu seconds=%.2f per_second=%.1f "
        "p50_ms=%.2f p99_ms=%.2f outcomes=%s\n",
        mode.c_str(),
        ok + tally.failed,
        ok,
        tally.failed,
        options.connections,
        seconds,
        seconds > 0 ? static_cast<double>(ok) / seconds : 0.0,
        percentile(tally.latencies_ms, 0.50),
        percentile(tally.latencies_ms, 0.99),
        outcomes.c_str());
    std::fflush(stdout);
    return 0;
}

// --- HTTP (dojangd REST, cfssl serve) -----------------------------------------------------------

struct HttpJob {
    std::string path;
    std::vector<std::string> bodies;
    unsigned expect_status = 200;
    std::string must_contain;  ///< in the body of a success, e.g. "\"success\":true"
};

/// A keep-alive HTTP/1.1 connection, reopened when the server closes it or on an error.
class Connection {
public:
    explicit Connection(const Options& options)
        : endpoints_(tcp::resolver(io_).resolve(options.host, std::to_string(options.port))),
          host_(options.host + ":" + std::to_string(options.port)) {}

    /// POSTs `body` (JSON) to `path`; the status (0 on a transport error, with its text as body).
    std::pair<unsigned, std::string> post(const std::string& path,
                                          const std::string& body,
                                          const std::string& idempotency_key = {}) {
        bhttp::request<bhttp::string_body> request{bhttp::verb::post, path, 11};
        request.set(bhttp::field::host, host_);
        request.set(bhttp::field::content_type, "application/json");
        if (!idempotency_key.empty()) {
            request.set("Idempotency-Key", idempotency_key);
        }
        request.keep_alive(true);
        request.body() = body;
        request.prepare_payload();
        beast::error_code error;
        for (int attempt = 0; attempt < 2; ++attempt) {
            error = {};
            if (!socket_) {
                socket_ = std::make_unique<tcp::socket>(io_);
                asio::connect(*socket_, endpoints_, error);
                if (!error) {
                    socket_->set_option(tcp::no_delay(true), error);
                }
                buffer_.clear();
            }
            if (!error) {
                bhttp::write(*socket_, request, error);
            }
            if (!error) {
                bhttp::response_parser<bhttp::string_body> parser;
                parser.body_limit(4 * 1024 * 1024);
                bhttp::read(*socket_, buffer_, parser, error);
                if (!error) {
                    auto response = parser.release();
                    if (!response.keep_alive()) {
                        socket_.reset();
                    }
                    return {response.result_int(), std::move(response.body())};
                }
            }
            // A keep-alive connection the server closed between requests: once more on a new
            // one. A failure on a fresh connection is an error.
            socket_.reset();
        }
        return {0, error.message()};
    }

private:
    asio::io_context io_;
    tcp::resolver::results_type endpoints_;
    std::string host_;
    std::unique_ptr<tcp::socket> socket_;
    beast::flat_buffer buffer_;
};

void http_worker(const Options& options,
                 const HttpJob& job,
                 std::atomic<std::size_t>& next,
                 std::size_t end,
                 Tally& tally) {
    Connection connection(options);
    for (std::size_t index = next++; index < end; index = next++) {
        const auto before = Stopwatch::now();
        auto [status, body] = connection.post(job.path, job.bodies[index % job.bodies.size()]);
        const double ms =
            std::chrono::duration<double, std::milli>(Stopwatch::now() - before).count();
        if (status == 0) {
            tally.add(false, ms, "error", body, {});
            continue;
        }
        const bool ok =
            status == job.expect_status &&
            (job.must_contain.empty() || body.find(job.must_contain) != std::string::npos);
        tally.add(ok, ms, std::to_string(status), body, ok ? certificate_of(body) : std::string{});
    }
}

int run_http(const std::string& mode,
             const Options& options,
             const HttpJob& job,
             std::size_t total) {
    Tally warm;
    run_all(0,
            options.warmup,
            std::min(options.connections, std::max<std::size_t>(1, options.warmup)),
            warm,
            [&](auto& next, std::size_t end, Tally& tally) {
                http_worker(options, job, next, end, tally);
            });
    if (warm.failed > 0) {
        std::cerr << "issue_load: warm-up: " << warm.failed
                  << " failed, first: " << warm.first_failure << "\n";
    }
    Tally tally;
    const double seconds = run_all(
        options.warmup,
        total,
        options.connections,
        tally,
        [&](auto& next, std::size_t end, Tally& t) { http_worker(options, job, next, end, t); });
    return report(mode, tally, seconds, options);
}

// --- CMP ----------------------------------------------------------------------------------------

int quiet_log(const char*, const char*, int, OSSL_CMP_severity, const char*) {
    return 1;
}

/// ir → ip → certConf → pkiConf, MAC-protected with the codes (as `openssl cmp -cmd ir`).
void cmp_worker(const Options& options,
                const std::vector<std::pair<std::string, std::string>>& codes,
                const std::vector<KeyPtr>& keys,
                std::atomic<std::size_t>& next,
                std::size_t end,
                Tally& tally) {
    std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)> subject(X509_NAME_new(), X509_NAME_free);
    X509_NAME_add_entry_by_txt(
        subject.get(), "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("x"), -1, -1, 0);
    for (std::size_t index = next++; index < end; index = next++) {
        const auto& [reference, code] = codes[index];
        std::string secret;
        std::copy_if(
            code.begin(), code.end(), std::back_inserter(secret), [](char c) { return c != '-'; });
        EVP_PKEY* key = keys[index % keys.size()].get();
        const auto before = Stopwatch::now();
        std::unique_ptr<OSSL_CMP_CTX, decltype(&OSSL_CMP_CTX_free)> context(
            OSSL_CMP_CTX_new(nullptr, nullptr), OSSL_CMP_CTX_free);
        if (!context || OSSL_CMP_CTX_set_log_cb(context.get(), quiet_log) != 1 ||
            OSSL_CMP_CTX_set1_server(context.get(), options.host.c_str()) != 1 ||
            OSSL_CMP_CTX_set_serverPort(context.get(), options.port) != 1 ||
            OSSL_CMP_CTX_set1_serverPath(context.get(), options.path.c_str()) != 1 ||
            OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_MSG_TIMEOUT, 30) != 1 ||
            OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_UNPROTECTED_ERRORS, 1) != 1 ||
            OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_KEEP_ALIVE, options.keep_alive) !=
                1 ||
            OSSL_CMP_CTX_set1_referenceValue(
                context.get(),
                reinterpret_cast<const unsigned char*>(reference.data()),
                static_cast<int>(reference.size())) != 1 ||
            OSSL_CMP_CTX_set1_secretValue(context.get(),
                                          reinterpret_cast<const unsigned char*>(secret.data()),
                                          static_cast<int>(secret.size())) != 1 ||
            OSSL_CMP_CTX_set1_subjectName(context.get(), subject.get()) != 1 ||
            EVP_PKEY_up_ref(key) != 1) {
            die("cannot set up a CMP context");
        }
        if (OSSL_CMP_CTX_set0_newPkey(context.get(), 1, key) != 1) {
            EVP_PKEY_free(key);
            die("cannot set the new key");
        }
        X509* issued = OSSL_CMP_exec_IR_ses(context.get());
        const double ms =
            std::chrono::duration<double, std::milli>(Stopwatch::now() - before).count();
        if (issued == nullptr) {
            char text[256] = "no answer";
            OSSL_CMP_CTX_snprint_PKIStatus(context.get(), text, sizeof text);
            const unsigned long error = ERR_peek_last_error();
            std::string detail = text;
            if (error != 0) {
                detail += std::string("; ") + ERR_reason_error_string(error);
            }
            ERR_clear_error();
            tally.add(false,
                      ms,
                      "status" + std::to_string(OSSL_CMP_CTX_get_status(context.get())),
                      detail,
                      {});
            continue;
        }
        std::string pem;
        {
            std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
            PEM_write_bio_X509(bio.get(), issued);
            char* data = nullptr;
            const long size = BIO_get_mem_data(bio.get(), &data);
            pem.assign(data, static_cast<std::size_t>(size));
        }
        tally.add(true, ms, "issued", {}, pem);
    }
}

int run_cmp(const Options& options) {
    const auto codes = read_codes(options.codes);
    const auto keys = read_keys(options.keys);
    if (codes.size() <= options.warmup) {
        die("--codes holds no more lines than --warmup");
    }
    Tally warm;
    run_all(0,
            options.warmup,
            std::min(options.connections, std::max<std::size_t>(1, options.warmup)),
            warm,
            [&](auto& next, std::size_t end, Tally& tally) {
                cmp_worker(options, codes, keys, next, end, tally);
            });
    if (warm.failed > 0) {
        std::cerr << "issue_load: warm-up: " << warm.failed
                  << " failed, first: " << warm.first_failure << "\n";
    }
    Tally tally;
    const double seconds = run_all(options.warmup,
                                   codes.size(),
                                   options.connections,
                                   tally,
                                   [&](auto& next, std::size_t end, Tally& t) {
                                       cmp_worker(options, codes, keys, next, end, t);
                                   });
    return report("cmp", tally, seconds, options);
}

std::vector<std::string> csrs_for(const std::vector<KeyPtr>& keys) {
    std::vector<std::string> csrs;
    csrs.reserve(keys.size());
    for (std::size_t index = 0; index < keys.size(); ++index) {
        csrs.push_back(make_csr(keys[index].get(), index));
    }
    return csrs;
}

// --- the online reissue journey -----------------------------------------------------------------

/// Register customer `k` as bench/run imports it: 고객k, 850505-2kkkkkk, 0105kkkkkkk.
std::string journey_phone(std::size_t k) {
    char phone[16];
    std::snprintf(phone, sizeof phone, "0105%07zu", k);
    return phone;
}

/// phone digits → the first six-digit code of the newest SMS to it in the spool folder.
std::map<std::string, std::string> read_sms_codes(const std::string& folder) {
    std::map<std::string, std::pair<std::filesystem::file_time_type, std::string>> newest;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        if (entry.path().extension() != ".txt") {
            continue;
        }
        std::ifstream in(entry.path());
        std::string line;
        std::string to;
        std::string code;
        bool in_body = false;
        while (std::getline(in, line)) {
            if (!in_body) {
                if (line.rfind("To: ", 0) == 0) {
                    to = line.substr(4);
                } else if (line.empty()) {
                    in_body = true;
                }
                continue;
            }
            for (std::size_t at = 0; code.empty() && at + 6 <= line.size(); ++at) {
                if (std::all_of(line.begin() + static_cast<long>(at),
                                line.begin() + static_cast<long>(at) + 6,
                                [](char c) { return c >= '0' && c <= '9'; }) &&
                    (at + 6 == line.size() || line[at + 6] < '0' || line[at + 6] > '9') &&
                    (at == 0 || line[at - 1] < '0' || line[at - 1] > '9')) {
                    code = line.substr(at, 6);
                }
            }
        }
        const auto written = entry.last_write_time(error);
        if (!to.empty() && !code.empty() && (newest.count(to) == 0 || newest[to].first < written)) {
            newest[to] = {written, code};
        }
    }
    std::map<std::string, std::string> codes;
    for (const auto& [to, found] : newest) {
        codes[to] = found.second;
    }
    return codes;
}

/// The online reissue journey of register customers first .. first+count-1: apply (one-time
/// code by SMS) → read the code from the development SMS spool → verify (the codes) → fetch the
/// certificate (REST) → confirm. Timed in three parts: the applications, the wait for the
/// dispatcher to write the SMS, and verify + fetch + confirm of each journey.
int run_journey(const Options& options,
                std::size_t first,
                const std::string& spool,
                double wait_limit) {
    const auto csrs = csrs_for(read_keys(options.keys));
    const std::size_t count = options.count;
    std::vector<std::string> ids(count);
    Tally apply;
    const double apply_seconds = run_all(
        0, count, options.connections, apply, [&](auto& next, std::size_t end, Tally& tally) {
            Connection connection(options);
            for (std::size_t index = next++; index < end; index = next++) {
                const std::size_t k = first + index;
                char resident[24];
                std::snprintf(resident, sizeof resident, "850505-2%06zu", k);
                const std::string body =
                    "{\"holder_type\":\"individual\",\"reason\":\"forgot_password\",\"name\":" +
                    json_string("고객" + std::to_string(k)) +
                    ",\"resident_number\":" + json_string(resident) +
                    ",\"phone\":" + json_string(journey_phone(k)) +
                    ",\"email\":" + json_string("j" + std::to_string(k) + "@example.com") +
                    ",\"channel\":\"sms\"}";
                const auto before = Stopwatch::now();
                auto [status, answer] = connection.post(
                    "/api/v1/applications", body, "bench-journey-" + std::to_string(k));
                const double ms =
                    std::chrono::duration<double, std::milli>(Stopwatch::now() - before).count();
                ids[index] = status == 201 ? json_field(answer, "application_id") : "";
                tally.add(!ids[index].empty(), ms, "apply" + std::to_string(status), answer, {});
            }
        });

    // The dispatcher writes the one-time codes to the spool (in batches, every few seconds).
    const auto waited_from = Stopwatch::now();
    std::map<std::string, std::string> codes;
    while (true) {
        codes = read_sms_codes(spool);
        std::size_t found = 0;
        for (std::size_t index = 0; index < count; ++index) {
            found += codes.count(journey_phone(first + index));
        }
        if (found == count ||
            std::chrono::duration<double>(Stopwatch::now() - waited_from).count() > wait_limit) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double wait_seconds =
        std::chrono::duration<double>(Stopwatch::now() - waited_from).count();

    Tally steps;
    const double steps_seconds = run_all(
        0, count, options.connections, steps, [&](auto& next, std::size_t end, Tally& tally) {
            Connection connection(options);
            for (std::size_t index = next++; index < end; index = next++) {
                const auto code = codes.find(journey_phone(first + index));
                if (ids[index].empty() || code == codes.end()) {
                    tally.add(false, 0, "no_code", "no application or no SMS", {});
                    continue;
                }
                const auto before = Stopwatch::now();
                auto elapsed = [&] {
                    return std::chrono::duration<double, std::milli>(Stopwatch::now() - before)
                        .count();
                };
                auto [status, verified] =
                    connection.post("/api/v1/applications/" + ids[index] + "/otp/verify",
                                    "{\"code\":" + json_string(code->second) + "}");
                const std::string reference = json_field(verified, "reference_number");
                const std::string authorization = json_field(verified, "authorization_code");
                if (status != 200 || reference.empty() || authorization.empty()) {
                    tally.add(false, elapsed(), "verify" + std::to_string(status), verified, {});
                    continue;
                }
                auto [issued_status, issued] =
                    connection.post("/api/v1/certificates",
                                    "{\"reference_number\":" + json_string(reference) +
                                        ",\"authorization_code\":" + json_string(authorization) +
                                        ",\"csr\":" + json_string(csrs[index % csrs.size()]) + "}");
                const std::string serial = json_field(issued, "serial");
                const std::string token = json_field(issued, "confirmation_token");
                if (issued_status != 201 || serial.empty() || token.empty()) {
                    tally.add(
                        false, elapsed(), "issue" + std::to_string(issued_status), issued, {});
                    continue;
                }
                auto [confirm_status, confirmed] =
                    connection.post("/api/v1/certificates/" + serial + "/confirm",
                                    "{\"confirmation_token\":" + json_string(token) + "}");
                const bool ok = confirm_status == 200;
                tally.add(ok,
                          elapsed(),
                          ok ? "confirmed" : "confirm" + std::to_string(confirm_status),
                          confirmed,
                          ok ? certificate_of(issued) : std::string{});
            }
        });

    std::sort(steps.latencies_ms.begin(), steps.latencies_ms.end());
    std::sort(apply.latencies_ms.begin(), apply.latencies_ms.end());
    const std::size_t ok = steps.latencies_ms.size();
    if (!apply.first_failure.empty()) {
        std::cerr << "issue_load: " << apply.failed
                  << " applications failed, first: " << apply.first_failure << "\n";
    }
    if (!steps.first_failure.empty()) {
        std::cerr << "issue_load: " << steps.failed
                  << " journeys failed, first: " << steps.first_failure << "\n";
    }
    if (!options.sample.empty() && !steps.sample.empty()) {
        std::ofstream(options.sample, std::ios::trunc) << steps.sample;
    }
    const double server_side = apply_seconds + steps_seconds;
    std::printf(
        "RESULT mode=journey sent=%zu ok=%zu failed=%zu connections=%zu apply_seconds=%.3f "
        "apply_p50_ms=%.2f apply_p99_ms=%.2f wait_seconds=%.2f steps_seconds=%.3f "
        "steps_p50_ms=%.2f steps_p99_ms=%.2f per_second=%.1f end_to_end_per_second=%.1f\n",
        count,
        ok,
        count - ok,
        options.connections,
        apply_seconds,
        percentile(apply.latencies_ms, 0.50),
        percentile(apply.latencies_ms, 0.99),
        wait_seconds,
        steps_seconds,
        percentile(steps.latencies_ms, 0.50),
        percentile(steps.latencies_ms, 0.99),
        server_side > 0 ? static_cast<double>(ok) / server_side : 0.0,
        static_cast<double>(ok) / (server_side + wait_seconds));
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"issue_load: issuance load against dojangd (REST, CMP) or cfssl serve"};
    cli.require_subcommand(1);
    Options options;
    std::string out;
    auto* keys = cli.add_subcommand("keys", "make RSA-2048 keys (PEM, one file)");
    keys->add_option("--count", options.count, "keys")->required();
    keys->add_option("--out", out, "the PEM file")->required();
    auto add_common = [&](CLI::App* command) {
        command->add_option("--host", options.host, "server address");
        command->add_option("--port", options.port, "server port")->required();
        command->add_option("--keys", options.keys, "PEM file of keys (issue_load keys)")
            ->required();
        command->add_option("--connections", options.connections, "concurrent clients")
            ->check(CLI::Range(1, 256));
        command->add_option("--warmup", options.warmup, "requests sent before the clock starts");
        command->add_option("--sample", options.sample, "write the first certificate here (PEM)");
    };
    auto* rest = cli.add_subcommand("rest", "POST /api/v1/certificates with reference + code");
    add_common(rest);
    rest->add_option("--codes", options.codes, "'reference code' lines (walkin_codes)")->required();
    auto* cfssl = cli.add_subcommand("cfssl", "POST /api/v1/cfssl/sign to cfssl serve");
    add_common(cfssl);
    cfssl->add_option("--count", options.count, "requests after the warm-up")->required();
    auto* cmp = cli.add_subcommand("cmp", "CMP ir sessions with reference + code (PBM)");
    add_common(cmp);
    cmp->add_option("--codes", options.codes, "'reference code' lines (walkin_codes)")->required();
    options.path = "/cmp";
    cmp->add_option("--path", options.path, "CMP path");
    cmp->add_option("--keep-alive",
                    options.keep_alive,
                    "0: a new connection for each message; 1 (OpenSSL's default): keep it")
        ->check(CLI::Range(0, 2));
    auto* journey = cli.add_subcommand(
        "journey", "apply → SMS code from the spool → verify → fetch (REST) → confirm");
    add_common(journey);
    std::size_t first = 0;
    std::string spool;
    double wait_limit = 300;
    journey->add_option("--count", options.count, "journeys (register customers)")->required();
    journey->add_option("--first", first, "number of the first register customer");
    journey->add_option("--spool", spool, "the data directory's spool/sms folder")->required();
    journey->add_option("--wait", wait_limit, "seconds to wait for the SMS at most");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return cli.exit(error);
    }

    if (journey->parsed()) {
        return run_journey(options, first, spool, wait_limit);
    }
    if (keys->parsed()) {
        return make_keys(options.count, out);
    }
    if (cmp->parsed()) {
        return run_cmp(options);
    }
    const auto csrs = csrs_for(read_keys(options.keys));
    HttpJob job;
    std::size_t total = 0;
    if (rest->parsed()) {
        const auto codes = read_codes(options.codes);
        job.path = "/api/v1/certificates";
        job.expect_status = 201;
        for (std::size_t index = 0; index < codes.size(); ++index) {
            job.bodies.push_back("{\"reference_number\":" + json_string(codes[index].first) +
                                 ",\"authorization_code\":" + json_string(codes[index].second) +
                                 ",\"csr\":" + json_string(csrs[index % csrs.size()]) + "}");
        }
        total = job.bodies.size();  // each once: the codes work once
        if (total <= options.warmup) {
            die("--codes holds no more lines than --warmup");
        }
        return run_http("rest", options, job, total);
    }
    job.path = "/api/v1/cfssl/sign";
    job.expect_status = 200;
    job.must_contain = "\"success\":true";
    for (const auto& csr : csrs) {
        job.bodies.push_back("{\"certificate_request\":" + json_string(csr) + "}");
    }
    total = options.warmup + options.count;
    return run_http("cfssl", options, job, total);
}
