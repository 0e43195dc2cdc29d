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
    not_before  BIGINT NOT NULL,
    not_after   BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('intended', 'issued', 'revoked')),
    tbs         BYTEA NOT NULL,
    der         BYTEA,
    created_at  BIGINT NOT NULL,
    issued_at   BIGINT,
    revoked_at  BIGINT,
    reason      INTEGER
);
CREATE INDEX certificates_ca_status ON certificates (ca, status);
CREATE INDEX certificates_created_at ON certificates (created_at);

CREATE TABLE audit_log (
    sequence       BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    details        TEXT NOT NULL,
    previous_hash  TEXT NOT NULL,
    hash           TEXT NOT NULL
);

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);
)sql";

constexpr std::array<Migration, 1> all{{
    {1, "initial", v1_initial},
}};

}  // namespace

std::span<const Migration> postgres_migrations() {
    return all;
}

}  // namespace dojang::sql
