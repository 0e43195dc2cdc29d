// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace dojang::sql {

struct Dialect;

/// Error code of a transient failure (SQLite busy/locked, PostgreSQL serialization failure or
/// deadlock): kind `unavailable`, and the transaction may be retried from the start.
inline constexpr std::string_view busy_code = "STORE_BUSY";
/// Error code of a lost or unreachable database: kind `unavailable`, not retried.
inline constexpr std::string_view unreachable_code = "STORE_UNAVAILABLE";
/// Error code of a unique or primary key violation: kind `conflict`.
inline constexpr std::string_view unique_violation_code = "UNIQUE_VIOLATION";

/// One prepared SQL statement. Placeholders are numbered from 1 in the order they appear.
/// Not thread-safe; lives no longer than its Connection.
class Statement {
public:
    virtual ~Statement() = default;
    /// Binds text to placeholder `index` (1-based).
    virtual Result<void> bind_text(int index, std::string_view value) = 0;
    /// Binds a 64-bit integer to placeholder `index`.
    virtual Result<void> bind_int64(int index, std::int64_t value) = 0;
    /// Binds bytes (binary-safe, possibly empty) to placeholder `index`.
    virtual Result<void> bind_blob(int index, std::span<const std::uint8_t> value) = 0;
    /// Binds SQL NULL to placeholder `index`.
    virtual Result<void> bind_null(int index) = 0;
    /// Runs the statement on the first call, then advances: true while a row is available.
    virtual Result<bool> step() = 0;
    /// Whether column `column` (0-based) of the current row is NULL.
    [[nodiscard]] virtual bool is_null(int column) const = 0;
    /// Column `column` of the current row as an integer (0 when NULL).
    [[nodiscard]] virtual Result<std::int64_t> column_int64(int column) const = 0;
    /// Column `column` of the current row as text (empty when NULL).
    [[nodiscard]] virtual std::string column_text(int column) const = 0;
    /// Column `column` of the current row as bytes (empty when NULL).
    [[nodiscard]] virtual Result<Bytes> column_blob(int column) const = 0;
    /// Runs the statement to completion; returns the number of rows it changed.
    virtual Result<std::int64_t> execute() = 0;
};

/// One connection to a database, used by one thread at a time.
class Connection {
public:
    virtual ~Connection() = default;
    /// The SQL dialect spoken by this connection.
    [[nodiscard]] virtual const Dialect& dialect() const = 0;
    /// Prepares one statement, written in this dialect (see placeholders_for()).
    virtual Result<std::unique_ptr<Statement>> prepare(std::string_view sql) = 0;
    /// Runs SQL without parameters (several statements allowed, e.g. a migration).
    virtual Result<void> execute_script(std::string_view sql) = 0;
    /// Starts a write transaction (SQLite: BEGIN IMMEDIATE, taking the write lock up front).
    virtual Result<void> begin() = 0;
    /// Commits the open transaction.
    virtual Result<void> commit() = 0;
    /// Rolls back the open transaction.
    virtual Result<void> rollback() = 0;
    /// True when the connection is lost and must not be reused.
    [[nodiscard]] virtual bool is_broken() const = 0;
};

/// Opens a new connection; used by the pool when it needs one more.
using ConnectionFactory = std::function<Result<std::unique_ptr<Connection>>()>;

}  // namespace dojang::sql
