// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace dojang::sql {

/// One numbered schema change; applied once, in version order, recorded in schema_migrations.
struct Migration {
    int version = 0;
    std::string_view name;
    std::string_view script;
};

/// The few places where SQLite and PostgreSQL differ; all other SQL text is shared.
struct Dialect {
    std::string_view name;              ///< "sqlite" or "postgres".
    bool numbered_placeholders{false};  ///< `$1, $2` instead of `?`.
    /// Run first in the migration transaction so that concurrent openers wait for each other
    /// (empty when BEGIN already serialises writers).
    std::string_view lock_migrations;
    /// Run before reading the last audit hash so that concurrent appends form one chain.
    std::string_view lock_audit_log;
    std::span<const Migration> migrations;
};

/// SQLite 3.40: `?` placeholders, BLOB, writers serialised by BEGIN IMMEDIATE.
const Dialect& sqlite_dialect();
/// PostgreSQL 15: `$n` placeholders, BYTEA, advisory and table locks where order matters.
const Dialect& postgres_dialect();

/// `sql` with each `?` outside quotes replaced by `$1`, `$2`, ... when the dialect numbers them.
std::string placeholders_for(const Dialect& dialect, std::string_view sql);

}  // namespace dojang::sql
