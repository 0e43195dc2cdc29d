// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/migrations.hpp"

#include <array>

namespace dojang::sql {
namespace {

// Never edit a migration that has shipped: add the next number instead.
constexpr std::string_view v1_initial = R"sql(
CREATE TABLE certificates (
    serial      TEXT PRIMARY KEY,
    ca          TEXT NOT NULL,
    profile     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    not_before  INTEGER NOT NULL,
    not_after   INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('intended', 'issued', 'revoked')),
    tbs         BLOB NOT NULL,
    der         BLOB,
    created_at  INTEGER NOT NULL,
    issued_at   INTEGER,
    revoked_at  INTEGER,
    reason      INTEGER
);
CREATE INDEX certificates_ca_status ON certificates (ca, status);
CREATE INDEX certificates_created_at ON certificates (created_at);

CREATE TABLE audit_log (
    sequence       INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    details        TEXT NOT NULL,
    previous_hash  TEXT NOT NULL,
    hash           TEXT NOT NULL
);

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
)sql";

constexpr std::array<Migration, 1> all{{
    {1, "initial", v1_initial},
}};

}  // namespace

std::span<const Migration> sqlite_migrations() {
    return all;
}

}  // namespace dojang::sql
