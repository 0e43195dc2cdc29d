// SPDX-License-Identifier: Apache-2.0
// crl_bench: how long crl::Publisher::publish() takes for a CRL of N entries, and the memory
// it needs. Fills a temporary SQLite store through the store roles (insert_intent, mark_issued,
// revoke in large transactions), then publishes once and times the parts on their own as well.
// Prints "RESULT" lines for bench/run; asserts nothing.
#include "dojang/ca/issuer.hpp"
#include "dojang/crl/publisher.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <CLI/CLI.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace {

using namespace dojang;
using Stopwatch = std::chrono::steady_clock;

double seconds_since(Stopwatch::time_point start) {
    return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

/// A field of /proc/self/status in kB ("VmRSS", "VmHWM"), or -1.
long status_kb(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with(field + ":")) {
            return std::stol(line.substr(field.size() + 1));
        }
    }
    return -1;
}

/// Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM).
void reset_peak_rss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

/// A distinct positive 16-octet serial for row `index`, spread like random serials.
SerialNumber serial_for(std::uint64_t index) {
    Bytes magnitude(16);
    std::uint64_t mixed = (index + 1) * 0x9E3779B97F4A7C15ULL;
    magnitude[0] = 0x40;
    for (std::size_t i = 0; i < 8; ++i) {
        magnitude[1 + i] = static_cast<unsigned char>(mixed >> (8 * i));
        magnitude[9 + (i % 7)] ^= static_cast<unsigned char>(index >> (8 * i));
    }
    return *SerialNumber::from_bytes(magnitude);
}

/// Inserts `count` revoked certificates of CA `ca`, `batch` rows per transaction.
Result<void> fill(store::Database& database,
                  const std::string& ca,
                  std::uint64_t count,
                  std::uint64_t batch,
                  std::size_t tbs_bytes,
                  std::size_t der_bytes,
                  Seconds now) {
    constexpr std::array reasons{domain::RevocationReason::unspecified,
                                 domain::RevocationReason::key_compromise,
                                 domain::RevocationReason::superseded,
                                 domain::RevocationReason::cessation_of_operation,
                                 domain::RevocationReason::affiliation_changed,
                                 domain::RevocationReason::certificate_hold};
    const Bytes tbs(tbs_bytes, 0x30);
    const Bytes der(der_bytes, 0x30);
    for (std::uint64_t first = 0; first < count; first += batch) {
        const std::uint64_t last = std::min(count, first + batch);
        auto done = database.transact([&](store::Transaction& tx) -> Result<void> {
            for (std::uint64_t index = first; index < last; ++index) {
                const Seconds issued_at = now - std::chrono::days{30};
                store::CertificateRecord record{
                    .serial = serial_for(index),
                    .ca = ca,
                    .profile = "individual",
                    .subject = "C=KR,O=dojang,OU=personal,CN=bench " + std::to_string(index),
                    .not_before = issued_at,
                    .not_after = issued_at + std::chrono::days{365},
                    .status = domain::CertificateStatus::intended,
                    .tbs = tbs,
                    .der = {},
                    .created_at = issued_at,
                    .issued_at = std::nullopt,
                    .revoked_at = std::nullopt,
                    .reason = std::nullopt,
                };
                auto intended = tx.certificates().insert_intent(record);
                if (!intended) {
                    return intended;
                }
                auto issued = tx.certificates().mark_issued(record.serial, der, issued_at);
                if (!issued) {
                    return issued;
                }
                const auto revoked_at =
                    now - std::chrono::seconds{static_cast<std::int64_t>(index % 86400)};
                auto revoked = tx.certificates().revoke(
                    record.serial, reasons[index % reasons.size()], revoked_at);
                if (!revoked) {
                    return revoked;
                }
            }
            return ok();
        });
        if (!done) {
            return done;
        }
    }
    return ok();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"crl_bench: crl::Publisher::publish() over N revoked certificates"};
    std::uint64_t entries = 100000;
    std::uint64_t batch = 50000;
    std::size_t tbs_bytes = 900;
    std::size_t der_bytes = 1200;
    std::string folder;
    cli.add_option("--entries", entries, "revoked certificates on the CRL")
        ->check(CLI::Range(1, 50000000));
    cli.add_option("--batch", batch, "rows per fill transaction")->check(CLI::Range(1, 10000000));
    cli.add_option("--tbs-bytes", tbs_bytes, "size of each row's TBS blob (a real one: ~900)");
    cli.add_option("--der-bytes", der_bytes, "size of each row's DER blob (a real one: ~1200)");
    cli.add_option("--dir", folder, "folder for the database and the CRL (made, then removed)")
        ->required();
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return cli.exit(error);
    }
    namespace fs = std::filesystem;
    std::error_code error;
    fs::remove_all(folder, error);
    fs::create_directories(folder, error);
    if (error) {
        std::cerr << "crl_bench: cannot create " << folder << "\n";
        return 1;
    }

    // 1. The signer: an RSA-2048 issuing CA, as `dojangd init` makes by default.
    SystemClock clock;
    const Seconds now = clock.now();
    ca::HierarchySpec spec;
    spec.endpoints.base_url = "http://127.0.0.1:8080";
    auto hierarchy = ca::create_hierarchy(spec, now);
    if (!hierarchy) {
        std::cerr << "crl_bench: " << hierarchy.error().describe() << "\n";
        return 1;
    }

    // 2. The store: synchronous=NORMAL, since filling is set-up, not what is measured.
    sqlite::SqliteOptions options;
    options.synchronous = sqlite::Synchronous::normal;
    auto database = sqlite::open_sqlite(folder + "/bench.sqlite", options);
    if (!database) {
        std::cerr << "crl_bench: " << database.error().describe() << "\n";
        return 1;
    }
    const auto fill_start = Stopwatch::now();
    auto filled = fill(**database, "issuing", entries, batch, tbs_bytes, der_bytes, now);
    if (!filled) {
        std::cerr << "crl_bench: " << filled.error().describe() << "\n";
        return 1;
    }
    const double fill_seconds = seconds_since(fill_start);
    std::printf("filled %llu revoked rows in %.1f s (%.0f rows/s)\n",
                static_cast<unsigned long long>(entries),
                fill_seconds,
                static_cast<double>(entries) / fill_seconds);
    std::fflush(stdout);

    // 3. The measured call, in a fresh peak-RSS window.
    const long rss_before_kb = status_kb("VmRSS");
    reset_peak_rss();
    crl::Publisher publisher(
        hierarchy->issuing, **database, clock, folder + "/issuing.crl", crl::Settings{});
    const auto publish_start = Stopwatch::now();
    auto published = publisher.publish("bench");
    const double publish_seconds = seconds_since(publish_start);
    const long peak_kb = status_kb("VmHWM");
    if (!published) {
        std::cerr << "crl_bench: " << published.error().describe() << "\n";
        return 1;
    }
    const auto crl_bytes = published->der->size();
    published = {};

    // 4. The parts on their own: the query, then building and signing.
    std::vector<store::RevokedEntry> rows;
    const auto query_start = Stopwatch::now();
    auto read = (*database)->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.certificates().revoked_unexpired("issuing", now);
        DOJANG_TRY(found);
        rows = std::move(*found);
        return ok();
    });
    const double query_seconds = seconds_since(query_start);
    if (!read) {
        std::cerr << "crl_bench: " << read.error().describe() << "\n";
        return 1;
    }
    const auto sign_start = Stopwatch::now();
    auto signed_crl = ca::sign_crl(hierarchy->issuing, 2, now, now + std::chrono::days{7}, rows);
    const double sign_seconds = seconds_since(sign_start);
    if (!signed_crl) {
        std::cerr << "crl_bench: " << signed_crl.error().describe() << "\n";
        return 1;
    }

    std::printf(
        "RESULT crl entries=%llu publish_seconds=%.3f query_seconds=%.3f build_sign_seconds=%.3f "
        "crl_bytes=%zu rss_before_mb=%.1f peak_rss_mb=%.1f fill_seconds=%.1f\n",
        static_cast<unsigned long long>(entries),
        publish_seconds,
        query_seconds,
        sign_seconds,
        crl_bytes,
        static_cast<double>(rss_before_kb) / 1024.0,
        static_cast<double>(peak_kb) / 1024.0,
        fill_seconds);
    std::fflush(stdout);
    database->reset();
    fs::remove_all(folder, error);
    return 0;
}
