// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/query.hpp"

#include "dojang/sql/dialect.hpp"

namespace dojang::sql {

Query::Query(Connection& connection, std::string_view sql) {
    auto statement = connection.prepare(placeholders_for(connection.dialect(), sql));
    if (!statement) {
        error_ = statement.error();
        return;
    }
    statement_ = std::move(*statement);
}

void Query::keep(Result<void> result) {
    if (!result && !error_) {
        error_ = result.error();
    }
}

Query& Query::text(std::string_view value) {
    ++index_;
    if (statement_) {
        keep(statement_->bind_text(index_, value));
    }
    return *this;
}

Query& Query::integer(std::int64_t value) {
    ++index_;
    if (statement_) {
        keep(statement_->bind_int64(index_, value));
    }
    return *this;
}

Query& Query::optional_integer(std::optional<std::int64_t> value) {
    if (!value) {
        ++index_;
        if (statement_) {
            keep(statement_->bind_null(index_));
        }
        return *this;
    }
    return integer(*value);
}

Query& Query::blob(std::span<const std::uint8_t> value) {
    ++index_;
    if (statement_) {
        keep(statement_->bind_blob(index_, value));
    }
    return *this;
}

Query& Query::blob_or_null(std::span<const std::uint8_t> value) {
    if (value.empty()) {
        ++index_;
        if (statement_) {
            keep(statement_->bind_null(index_));
        }
        return *this;
    }
    return blob(value);
}

Result<bool> Query::next_row() {
    if (error_) {
        return tl::unexpected(*error_);
    }
    return statement_->step();
}

Result<std::int64_t> Query::execute() {
    if (error_) {
        return tl::unexpected(*error_);
    }
    return statement_->execute();
}

}  // namespace dojang::sql
