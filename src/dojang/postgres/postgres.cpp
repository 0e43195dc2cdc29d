// SPDX-License-Identifier: Apache-2.0
#include "dojang/postgres/postgres.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/sql/database.hpp"
#include "dojang/sql/dialect.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <climits>
#include <cstring>
#include <utility>
#include <vector>

namespace dojang::postgres {
namespace {

// Type OIDs from pg_type.h; naming them lets the server check each parameter's type.
constexpr Oid int8_oid = 20;
constexpr Oid text_oid = 25;
constexpr Oid bytea_oid = 17;

struct ResultDeleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

/// Maps a failed command: unique violation → conflict; serialization failure, deadlock and
/// lock timeout → unavailable (retryable); lost connection or server going away →
/// unavailable (not retried); everything else → internal.
Error postgres_error(PGconn* connection, const PGresult* result, std::string_view what) {
    const char* field = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string state = field != nullptr ? field : "";
    std::string cause = std::string(what) + ": " +
                        (result != nullptr ? trimmed(PQresultErrorMessage(result))
                                           : trimmed(PQerrorMessage(connection)));
    if (!state.empty()) {
        cause += " [SQLSTATE " + state + "]";
    }
    if (state == "23505") {
        return Error{ErrorKind::conflict,
                     std::string(sql::unique_violation_code),
                     "the record already exists",
                     std::move(cause),
                     {}};
    }
    if (state == "40001" || state == "40P01" || state == "55P03") {
        return Error{ErrorKind::unavailable,
                     std::string(sql::busy_code),
                     "the database is busy, try again",
                     std::move(cause),
                     {}};
    }
    if (PQstatus(connection) == CONNECTION_BAD || state.starts_with("08") ||
        state.starts_with("53") || state.starts_with("57P")) {
        return Error{ErrorKind::unavailable,
                     std::string(sql::unreachable_code),
                     "the database is unavailable",
                     std::move(cause),
                     {}};
    }
    return Error{ErrorKind::internal, "STORE_FAILED", "the database failed", std::move(cause), {}};
}

Error corrupt(std::string cause) {
    return Error{
        ErrorKind::internal, "STORE_CORRUPT", "stored data is unreadable", std::move(cause), {}};
}

/// One statement, sent with PQexecParams on the first step(); text results, bytea as binary
/// parameters so blobs need no escaping.
class PostgresStatement final : public sql::Statement {
public:
    PostgresStatement(PGconn* connection, std::string text)
        : connection_(connection), text_(std::move(text)) {}

    Result<void> bind_text(int index, std::string_view value) override {
        return bind(index, std::string(value), text_oid, 0);
    }

    Result<void> bind_int64(int index, std::int64_t value) override {
        return bind(index, std::to_string(value), int8_oid, 0);
    }

    Result<void> bind_blob(int index, std::span<const std::uint8_t> value) override {
        return bind(index, std::string(value.begin(), value.end()), bytea_oid, 1);
    }

    Result<void> bind_null(int index) override {
        auto slot = parameter(index);
        DOJANG_TRY(slot);
        parameters_[*slot].is_null = true;
        return ok();
    }

    Result<bool> step() override {
        if (!result_) {
            auto ran = run();
            DOJANG_TRY(ran);
            row_ = -1;
        }
        if (row_ + 1 >= PQntuples(result_.get())) {
            row_ = PQntuples(result_.get());
            return false;
        }
        ++row_;
        return true;
    }

    [[nodiscard]] bool is_null(int column) const override {
        return PQgetisnull(result_.get(), row_, column) != 0;
    }

    [[nodiscard]] Result<std::int64_t> column_int64(int column) const override {
        if (is_null(column)) {
            return 0;
        }
        const std::string_view text = value(column);
        std::int64_t number = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (error != std::errc{} || end != text.data() + text.size()) {
            return tl::unexpected(corrupt("column " + std::to_string(column) +
                                          " is not an integer: " + std::string(text)));
        }
        return number;
    }

    [[nodiscard]] std::string column_text(int column) const override {
        return std::string(value(column));
    }

    [[nodiscard]] Result<Bytes> column_blob(int column) const override {
        if (is_null(column)) {
            return Bytes{};
        }
        // bytea_output = hex (set at connect): "\x" followed by two hex digits per byte.
        const std::string_view text = value(column);
        if (!text.starts_with("\\x")) {
            return tl::unexpected(
                corrupt("bytea column " + std::to_string(column) + " is not in hex output format"));
        }
        auto bytes = from_hex(text.substr(2));
        if (!bytes) {
            return tl::unexpected(corrupt("bytea column " + std::to_string(column) +
                                          " has bad hex: " + bytes.error().detail));
        }
        return bytes;
    }

    Result<std::int64_t> execute() override {
        auto ran = run();
        DOJANG_TRY(ran);
        row_ = PQntuples(result_.get());
        const std::string_view changed = PQcmdTuples(result_.get());
        std::int64_t count = 0;
        if (!changed.empty()) {
            std::from_chars(changed.data(), changed.data() + changed.size(), count);
        }
        return count;
    }

private:
    struct Parameter {
        std::string value;
        Oid type = 0;
        int format = 0;
        bool is_null = true;
    };

    Result<std::size_t> parameter(int index) {
        if (index < 1 || index > 1000) {
            return fail(ErrorKind::internal, "STORE_FAILED", "bad parameter index");
        }
        const auto slot = static_cast<std::size_t>(index - 1);
        if (parameters_.size() <= slot) {
            parameters_.resize(slot + 1);
        }
        return slot;
    }

    Result<void> bind(int index, std::string value, Oid type, int format) {
        if (value.size() > INT_MAX) {
            return fail(ErrorKind::invalid_request, "VALUE_TOO_LARGE", "value too large to store");
        }
        auto slot = parameter(index);
        DOJANG_TRY(slot);
        parameters_[*slot] = Parameter{std::move(value), type, format, false};
        return ok();
    }

    [[nodiscard]] std::string_view value(int column) const {
        const char* text = PQgetvalue(result_.get(), row_, column);
        const int length = PQgetlength(result_.get(), row_, column);
        if (text == nullptr || length <= 0) {
            return {};
        }
        return {text, static_cast<std::size_t>(length)};
    }

    Result<void> run() {
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        std::vector<Oid> types;
        for (const Parameter& parameter : parameters_) {
            values.push_back(parameter.is_null ? nullptr : parameter.value.data());
            lengths.push_back(static_cast<int>(parameter.value.size()));
            formats.push_back(parameter.format);
            types.push_back(parameter.type);
        }
        result_.reset(PQexecParams(connection_,
                                   text_.c_str(),
                                   static_cast<int>(parameters_.size()),
                                   types.data(),
                                   values.data(),
                                   lengths.data(),
                                   formats.data(),
                                   0));
        const ExecStatusType status = result_ ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            Error error = postgres_error(connection_, result_.get(), "query");
            result_.reset();
            return tl::unexpected(std::move(error));
        }
        return ok();
    }

    PGconn* connection_;
    std::string text_;
    std::vector<Parameter> parameters_;
    ResultPtr result_;
    int row_ = -1;
};

void ignore_notice(void* /*unused*/, const char* /*message*/) {}

/// One libpq connection; finished on destruction.
class PostgresConnection final : public sql::Connection {
public:
    explicit PostgresConnection(PGconn* connection) : connection_(connection) {}
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;
    ~PostgresConnection() override { PQfinish(connection_); }

    [[nodiscard]] const sql::Dialect& dialect() const override { return sql::postgres_dialect(); }

    Result<std::unique_ptr<sql::Statement>> prepare(std::string_view text) override {
        return std::make_unique<PostgresStatement>(connection_, std::string(text));
    }

    Result<void> execute_script(std::string_view text) override {
        auto result = run(text);
        DOJANG_TRY(result);
        return ok();
    }

    Result<void> begin() override { return execute_script("BEGIN"); }

    Result<void> commit() override {
        auto result = run("COMMIT");
        DOJANG_TRY(result);
        // COMMIT of a transaction that already failed answers "ROLLBACK": nothing was stored.
        if (std::strcmp(PQcmdStatus(result->get()), "COMMIT") != 0) {
            return fail(ErrorKind::internal,
                        "STORE_FAILED",
                        "the database failed",
                        "COMMIT answered " + std::string(PQcmdStatus(result->get())));
        }
        return ok();
    }

    Result<void> rollback() override {
        if (PQtransactionStatus(connection_) == PQTRANS_IDLE) {
            return ok();
        }
        return execute_script("ROLLBACK");
    }

    [[nodiscard]] bool is_broken() const override {
        return PQstatus(connection_) != CONNECTION_OK ||
               PQtransactionStatus(connection_) != PQTRANS_IDLE;
    }

private:
    Result<ResultPtr> run(std::string_view text) {
        const std::string script(text);
        ResultPtr result(PQexec(connection_, script.c_str()));
        const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            return tl::unexpected(postgres_error(connection_, result.get(), "execute"));
        }
        return result;
    }

    PGconn* connection_;
};

}  // namespace

Result<std::unique_ptr<sql::Connection>> connect_postgres(const std::string& conninfo) {
    PGconn* handle = PQconnectdb(conninfo.c_str());
    auto connection = std::make_unique<PostgresConnection>(handle);  // finishes it on every path
    if (handle == nullptr || PQstatus(handle) != CONNECTION_OK) {
        // The cause names host and port but never the conninfo (it may hold a password).
        return fail(ErrorKind::unavailable,
                    std::string(sql::unreachable_code),
                    "the database is unavailable",
                    "connect: " + trimmed(PQerrorMessage(handle)));
    }
    PQsetNoticeProcessor(handle, ignore_notice, nullptr);
    auto configured =
        connection->execute_script("SET bytea_output = 'hex'; SET client_min_messages = warning");
    DOJANG_TRY(configured);
    return std::unique_ptr<sql::Connection>(std::move(connection));
}

Result<std::unique_ptr<store::Database>> open_postgres(const std::string& conninfo,
                                                       PostgresOptions options) {
    // Each transaction leases its own connection, so nodes and threads run in parallel and
    // PostgreSQL's row locks, unique indexes and advisory locks do the ordering.
    sql::PoolOptions pool{
        .max_connections = options.pool_size,
        .acquire_timeout = options.wait_timeout,
        .max_attempts = options.max_attempts,
        .retry_backoff = std::chrono::milliseconds{10},
    };
    auto database =
        sql::SqlDatabase::open([conninfo]() { return connect_postgres(conninfo); }, pool);
    DOJANG_TRY(database);
    return std::unique_ptr<store::Database>(std::move(*database));
}

}  // namespace dojang::postgres
