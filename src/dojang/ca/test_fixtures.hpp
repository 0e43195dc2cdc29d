// SPDX-License-Identifier: Apache-2.0
// Fixtures for tests of the CA and the status services (not linked into any binary).
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/ca/issuer.hpp"
#include "dojang/sqlite/sqlite.hpp"
#include "dojang/testing/testing.hpp"

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

namespace dojang::ca::fixtures {

/// 2026-11-01T03:00:00Z, a fixed "now" for tests.
inline Seconds test_now() {
    return Seconds{std::chrono::seconds{1793502000}};
}

/// A small hierarchy with P-256 CA keys (fast to generate) served from ca.example.
inline Hierarchy hierarchy(crypto::KeyAlgorithm key = crypto::KeyAlgorithm::p256) {
    HierarchySpec spec;
    spec.ca_key = key;
    spec.endpoints.base_url = "http://ca.example";
    auto made = create_hierarchy(spec, test_now());
    if (!made) {
        std::abort();
    }
    return std::move(*made);
}

/// A PKCS#10 request made by the openssl CLI (PEM), with a fresh key of `genpkey_args`.
inline Bytes openssl_csr(
    const std::string& genpkey_args = "-algorithm RSA -pkeyopt rsa_keygen_bits:2048",
    const std::string& subject = "/C=KR/O=dojang/OU=personal/CN=홍길동") {
    testing::TempDir dir;
    const int status =
        testing::run("openssl genpkey " + genpkey_args + " -out " + dir.path() +
                     "/key.pem && openssl req -new -utf8 -key " + dir.path() + "/key.pem -subj '" +
                     subject + "' -out " + dir.path() + "/req.pem");
    if (status != 0) {
        std::abort();
    }
    return *read_file(dir.path() + "/req.pem");
}

/// An issue request for `csr` under `profile`.
inline IssueRequest request(Bytes csr, std::string profile = "individual") {
    IssueRequest request;
    request.csr = std::move(csr);
    request.profile = std::move(profile);
    return request;
}

/// Writes certificates as one PEM file and returns its path.
inline std::string write_pem(const testing::TempDir& dir,
                             const std::string& name,
                             const std::vector<const pkix::Certificate*>& certificates) {
    std::string pem;
    for (const auto* certificate : certificates) {
        pem += *certificate->pem();
    }
    const std::string path = dir.path() + "/" + name;
    (void)write_file_atomic(path, to_bytes(pem));
    return path;
}

/// A store and an issuer, as most service tests start.
struct IssuingStore {
    std::unique_ptr<store::Database> database;
    std::optional<Issuer> issuer;  ///< empty when the issuer could not be created
};

/// A SQLite store in `dir` (synchronous NORMAL: tests need no fsync) and an Issuer for
/// `issuing` with the built-in profiles and ca.example endpoints.
inline IssuingStore issuing_store(const std::string& dir,
                                  const Authority& issuing,
                                  const Clock& clock) {
    sqlite::SqliteOptions options;
    options.synchronous = sqlite::Synchronous::normal;
    IssuingStore opened;
    auto database = sqlite::open_sqlite(dir + "/test.db", options);
    if (!database) {
        return opened;
    }
    opened.database = std::move(*database);
    auto issuer = Issuer::create(issuing,
                                 policy::built_in_profiles("1.2.410.200005", "http://ca.example"),
                                 {"http://ca.example"},
                                 *opened.database,
                                 clock);
    if (issuer) {
        opened.issuer.emplace(std::move(*issuer));
    }
    return opened;
}

}  // namespace dojang::ca::fixtures
