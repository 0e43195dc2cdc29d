// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: cmp::Server::handle() on arbitrary bytes, as POST /cmp receives them. The
// server runs on a throwaway CA and SQLite database, so every header reader (senderKID,
// protectionAlg, extraCerts, crlEntryDetails), OpenSSL's decoder and the callbacks see the input.
#include "dojang/cmp/server.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace dojang {
namespace {

struct Fixture {
    ManualClock clock{Seconds{std::chrono::seconds{1793502000}}};
    std::optional<ca::Hierarchy> hierarchy;
    std::unique_ptr<store::Database> database;
    std::optional<ca::Issuer> issuer;
    std::optional<ra::ReissueService> reissue;
    std::optional<ra::RenewalService> renewal;
    std::optional<pkix::Certificate> certificate;
    std::optional<crypto::Signer> key;
    std::optional<cmp::Server> server;
};

template <typename T>
T must(Result<T> result) {
    if (!result) {
        std::abort();
    }
    return std::move(*result);
}

Fixture* make_fixture() {
    auto* fixture = new Fixture{};
    ca::HierarchySpec spec;
    spec.ca_key = crypto::KeyAlgorithm::p256;
    spec.endpoints.base_url = "http://ca.example";
    fixture->hierarchy.emplace(must(ca::create_hierarchy(spec, fixture->clock.now())));
    const std::string dir = std::filesystem::temp_directory_path().string() + "/dojang-cmp-fuzz-" +
                            std::to_string(::getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    sqlite::SqliteOptions options;
    options.synchronous = sqlite::Synchronous::normal;
    fixture->database = must(sqlite::open_sqlite(dir + "/fuzz.db", options));
    fixture->issuer.emplace(
        must(ca::Issuer::create(fixture->hierarchy->issuing,
                                policy::built_in_profiles("1.2.410.200005", "http://ca.example"),
                                {"http://ca.example"},
                                *fixture->database,
                                fixture->clock)));
    if (!ra::create_register_keys(dir + "/register.key")) {
        std::abort();
    }
    fixture->reissue.emplace(*fixture->database,
                             *fixture->issuer,
                             fixture->hierarchy->issuing,
                             must(ra::load_register_keys(dir + "/register.key")),
                             fixture->clock,
                             ra::ReissueSettings{});
    fixture->renewal.emplace(*fixture->database,
                             *fixture->issuer,
                             fixture->hierarchy->issuing,
                             fixture->clock,
                             ra::RenewalSettings{});
    auto key = must(crypto::generate_key(crypto::KeyAlgorithm::p256));
    fixture->certificate.emplace(
        must(ca::make_cmp_server_certificate(fixture->hierarchy->issuing,
                                             key.get(),
                                             "C=KR,O=dojang,CN=dojang CMP Server",
                                             std::chrono::days{730},
                                             fixture->clock.now())));
    fixture->key.emplace(std::move(key));
    fixture->server.emplace(cmp::ServerServices{*fixture->reissue,
                                                *fixture->renewal,
                                                fixture->hierarchy->issuing,
                                                *fixture->certificate,
                                                *fixture->key,
                                                *fixture->database,
                                                fixture->clock});
    return fixture;
}

}  // namespace
}  // namespace dojang

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static dojang::Fixture* fixture = dojang::make_fixture();  // lives for the whole run
    const dojang::Bytes input(data, data + size);
    auto answer = fixture->server->handle(input);
    // Anything that decodes gets a PKIMessage back; only undecodable bytes are refused.
    if (!answer && answer.error().kind != dojang::ErrorKind::invalid_request &&
        answer.error().kind != dojang::ErrorKind::internal) {
        __builtin_trap();
    }
    return 0;
}
