// SPDX-License-Identifier: Apache-2.0
// issue_bench: certificates per second through ca::Issuer::issue, the path `dojangd admin issue`
// takes (checks, record intent, sign, record issued with the audit event), against an
// initialised data directory. RSA-2048 CSRs are made before the clock starts and reused round
// robin. Prints one "RESULT" line per run for bench/run to parse; asserts nothing.
#include "dojang/ca/issuer.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "data_dir.hpp"

namespace {

using namespace dojang;
using Stopwatch = std::chrono::steady_clock;

/// A PKCS#10 request (DER) for a fresh RSA-2048 key, subject C=KR,O=dojang,OU=personal,CN=….
Result<Bytes> make_csr(int index) {
    auto key = crypto::generate_key(crypto::KeyAlgorithm::rsa2048);
    DOJANG_TRY(key);
    crypto::X509ReqPtr request(X509_REQ_new());
    crypto::X509NamePtr name(X509_NAME_new());
    if (!request || !name) {
        return crypto::openssl_failure(ErrorKind::internal, "BENCH_CSR", "out of memory");
    }
    const std::string common_name = "벤치 " + std::to_string(index);
    const std::vector<std::pair<std::string, std::string>> parts{
        {"C", "KR"}, {"O", "dojang"}, {"OU", "personal"}, {"CN", common_name}};
    for (const auto& [field, value] : parts) {
        if (X509_NAME_add_entry_by_txt(name.get(),
                                       field.c_str(),
                                       MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.c_str()),
                                       -1,
                                       -1,
                                       0) != 1) {
            return crypto::openssl_failure(ErrorKind::internal, "BENCH_CSR", "subject");
        }
    }
    if (X509_REQ_set_version(request.get(), 0) != 1 ||
        X509_REQ_set_subject_name(request.get(), name.get()) != 1 ||
        X509_REQ_set_pubkey(request.get(), key->get()) != 1 ||
        X509_REQ_sign(request.get(), key->get(), EVP_sha256()) <= 0) {
        return crypto::openssl_failure(ErrorKind::internal, "BENCH_CSR", "cannot sign the CSR");
    }
    return crypto::to_der(request.get(), i2d_X509_REQ);
}

/// `count` CSRs, made on every core (key generation dominates the set-up).
std::vector<Bytes> make_csrs(int count) {
    std::vector<Bytes> csrs(static_cast<std::size_t>(count));
    std::atomic<int> next{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> workers;
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    for (unsigned worker = 0; worker < cores; ++worker) {
        workers.emplace_back([&] {
            for (int index = next++; index < count; index = next++) {
                auto csr = make_csr(index);
                if (!csr) {
                    failed = true;
                    return;
                }
                csrs[static_cast<std::size_t>(index)] = std::move(*csr);
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    if (failed) {
        csrs.clear();
    }
    return csrs;
}

struct RunResult {
    std::size_t issued = 0;
    std::size_t failed = 0;
    double seconds = 0;
    std::vector<double> latencies_ms;
};

/// Issues from `threads` threads for `duration`, each taking the next CSR round robin.
RunResult run(const ca::Issuer& issuer,
              const std::vector<Bytes>& csrs,
              int threads,
              std::chrono::milliseconds duration) {
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    RunResult result;
    std::string first_error;
    const auto start = Stopwatch::now();
    const auto deadline = start + duration;
    std::vector<std::thread> workers;
    for (int worker = 0; worker < threads; ++worker) {
        workers.emplace_back([&] {
            std::vector<double> latencies;
            std::size_t failed = 0;
            std::string error_text;
            while (Stopwatch::now() < deadline) {
                ca::IssueRequest request;
                request.csr = csrs[next++ % csrs.size()];
                request.profile = "individual";
                request.actor = "bench";
                const auto before = Stopwatch::now();
                auto issued = issuer.issue(request);
                const auto after = Stopwatch::now();
                if (!issued) {
                    ++failed;
                    if (error_text.empty()) {
                        error_text = issued.error().describe();
                    }
                    continue;
                }
                latencies.push_back(
                    std::chrono::duration<double, std::milli>(after - before).count());
            }
            std::lock_guard lock(mutex);
            result.latencies_ms.insert(
                result.latencies_ms.end(), latencies.begin(), latencies.end());
            result.failed += failed;
            if (first_error.empty()) {
                first_error = error_text;
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    result.seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
    result.issued = result.latencies_ms.size();
    if (!first_error.empty()) {
        std::cerr << "issue_bench: " << result.failed
                  << " issuance(s) failed, first: " << first_error << "\n";
    }
    return result;
}

double percentile(std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) {
        return 0;
    }
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1));
    return sorted[index];
}

/// The data directory's database reopened with `synchronous`, or its own when that is the
/// configured level.
Result<std::unique_ptr<store::Database>> reopen(const app::Installation& installation,
                                                sqlite::Synchronous synchronous) {
    sqlite::SqliteOptions options;
    options.synchronous = synchronous;
    return sqlite::open_sqlite(installation.dir.file(installation.config.database.path), options);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"issue_bench: certificates/s through ca::Issuer against a data directory"};
    std::string data;
    int csr_count = 200;
    double seconds = 10;
    std::vector<int> thread_counts{1, 2};
    std::vector<std::string> levels{"full", "normal"};
    cli.add_option("--data", data, "initialised data directory (dojangd init)")->required();
    cli.add_option("--csrs", csr_count, "distinct RSA-2048 CSRs, made before timing")
        ->check(CLI::Range(1, 100000));
    cli.add_option("--seconds", seconds, "duration of each run")->check(CLI::Range(0.1, 600.0));
    cli.add_option("--threads", thread_counts, "thread counts to run, e.g. 1 2");
    cli.add_option("--synchronous", levels, "SQLite synchronous levels to run: full normal");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return cli.exit(error);
    }
    if (data.empty()) {
        std::cerr << "issue_bench: --data is required\n";
        return 2;
    }

    auto installation = app::open(data, true);
    if (!installation) {
        std::cerr << "issue_bench: " << installation.error().describe() << "\n";
        return 1;
    }
    if (installation->config.database.driver != "sqlite") {
        std::cerr << "issue_bench: the data directory must use the SQLite driver\n";
        return 1;
    }
    installation->database.reset();  // each run below opens its own

    const auto made_at = Stopwatch::now();
    const std::vector<Bytes> csrs = make_csrs(csr_count);
    if (csrs.empty()) {
        std::cerr << "issue_bench: cannot make the CSRs\n";
        return 1;
    }
    std::cout << "prepared " << csrs.size() << " RSA-2048 CSRs in "
              << std::chrono::duration<double>(Stopwatch::now() - made_at).count() << " s\n";

    SystemClock clock;
    const ca::Endpoints endpoints{installation->config.server.base_url};
    const auto duration =
        std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0 + 0.5));
    int status = 0;
    for (const auto& level : levels) {
        if (level != "full" && level != "normal") {
            std::cerr << "issue_bench: --synchronous takes full or normal, not " << level << "\n";
            return 2;
        }
        auto database =
            reopen(*installation,
                   level == "full" ? sqlite::Synchronous::full : sqlite::Synchronous::normal);
        if (!database) {
            std::cerr << "issue_bench: " << database.error().describe() << "\n";
            return 1;
        }
        auto issuer = ca::Issuer::create(
            *installation->issuing, installation->config.profiles, endpoints, **database, clock);
        if (!issuer) {
            std::cerr << "issue_bench: " << issuer.error().describe() << "\n";
            return 1;
        }
        // A few issuances first, so the page cache and the allocator are warm.
        (void)run(*issuer, csrs, 1, std::chrono::milliseconds{300});
        for (const int threads : thread_counts) {
            RunResult result = run(*issuer, csrs, threads, duration);
            std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
            const double rate = static_cast<double>(result.issued) / result.seconds;
            std::printf(
                "RESULT issue synchronous=%s threads=%d issued=%zu failed=%zu seconds=%.2f "
                "per_second=%.1f p50_ms=%.2f p99_ms=%.2f\n",
                level.c_str(),
                threads,
                result.issued,
                result.failed,
                result.seconds,
                rate,
                percentile(result.latencies_ms, 0.50),
                percentile(result.latencies_ms, 0.99));
            std::fflush(stdout);
            if (result.failed > 0) {
                status = 1;
            }
        }
    }
    return status;
}
