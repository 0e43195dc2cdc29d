// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/sql/connection.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace dojang::sql {

/// A statement being bound in placeholder order. The first failure (prepare or bind) is kept
/// and returned by next_row()/execute(), so binding reads as one list of values.
class Query {
public:
    /// Prepares `sql` (written with `?`) in the connection's dialect.
    Query(Connection& connection, std::string_view sql);

    /// Binds the next placeholder to text.
    Query& text(std::string_view value);
    /// Binds the next placeholder to an integer.
    Query& integer(std::int64_t value);
    /// Binds the next placeholder to an integer, or NULL.
    Query& optional_integer(std::optional<std::int64_t> value);
    /// Binds the next placeholder to bytes.
    Query& blob(std::span<const std::uint8_t> value);
    /// Binds the next placeholder to bytes, or NULL when empty.
    Query& blob_or_null(std::span<const std::uint8_t> value);

    /// Advances to the next row; false when there are no more.
    Result<bool> next_row();
    /// Runs to completion; returns the number of rows changed.
    Result<std::int64_t> execute();
    /// The current row (valid after next_row() returned true).
    [[nodiscard]] const Statement& row() const { return *statement_; }

private:
    void keep(Result<void> result);
    std::unique_ptr<Statement> statement_;
    std::optional<Error> error_;
    int index_ = 0;
};

}  // namespace dojang::sql
