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
#include <utility>
#include <vector>

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

/// Every remaining row of `query`, each turned into a T by `read(const Statement&)`, which
/// returns Result<T>.
template <typename T, typename Read>
Result<std::vector<T>> collect_rows(Query& query, Read read) {
    std::vector<T> rows;
    for (;;) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return rows;
        }
        Result<T> row = read(query.row());
        DOJANG_TRY(row);
        rows.push_back(std::move(*row));
    }
}

/// The first row of `query` as a T, or std::nullopt when there is none.
template <typename T, typename Read>
Result<std::optional<T>> first_row(Query& query, Read read) {
    auto more = query.next_row();
    DOJANG_TRY(more);
    if (!*more) {
        return std::optional<T>{};
    }
    Result<T> row = read(query.row());
    DOJANG_TRY(row);
    return std::optional<T>(std::move(*row));
}

}  // namespace dojang::sql
