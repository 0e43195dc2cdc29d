// SPDX-License-Identifier: Apache-2.0
#include "dojang/sqlite/sqlite.hpp"

#include "dojang/sql/database.hpp"
#include "dojang/sql/dialect.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

namespace dojang::sqlite {
namespace {

/// Maps an SQLite result code: unique/primary key → conflict, busy/locked → unavailable
/// (retryable), anything else → internal with SQLite's message in the cause.
Error sqlite_error(int code, sqlite3* db, std::string_view what) {
    std::string cause = std::string(what) + ": " + sqlite3_errstr(code);
    if (db != nullptr) {
        cause += " (";
        cause += sqlite3_errmsg(db);
        cause += ")";
    }
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error{ErrorKind::conflict,
                     std::string(sql::unique_violation_code),
                     "the record already exists",
                     std::move(cause),
                     {}};
    }
    const int primary = code & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        return Error{ErrorKind::unavailable,
                     std::string(sql::busy_code),
                     "the database is busy, try again",
                     std::move(cause),
                     {}};
    }
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_FULL || primary == SQLITE_IOERR) {
        // A full disk shows up as SQLITE_FULL or, when the WAL index cannot grow, SQLITE_IOERR.
        return Error{ErrorKind::unavailable,
                     std::string(sql::unreachable_code),
                     primary == SQLITE_CANTOPEN
                         ? "the database is unavailable: the file cannot be opened"
                         : "the database is unavailable: the disk may be full or failing; check "
                           "free space where the data directory lives",
                     std::move(cause),
                     {}};
    }
    return Error{ErrorKind::internal, "STORE_FAILED", "the database failed", std::move(cause), {}};
}

tl::unexpected<Error> sqlite_failure(int code, sqlite3* db, std::string_view what) {
    return tl::unexpected(sqlite_error(code, db, what));
}

/// Prepared statements of one connection kept for reuse, by SQL text: parsing and planning a
/// statement costs about as much as running it. A statement in use is out of the cache, so
/// nested uses of the same text get their own.
class StatementCache {
public:
    StatementCache() = default;
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;
    ~StatementCache() { clear(); }

    void clear() {
        for (auto& [text, statement] : statements_) {
            sqlite3_finalize(statement);
        }
        statements_.clear();
    }

    /// A statement for `text` ready to bind, or nullptr when none is kept.
    sqlite3_stmt* take(const std::string& text) {
        const auto found = statements_.find(text);
        if (found == statements_.end()) {
            return nullptr;
        }
        sqlite3_stmt* statement = found->second;
        statements_.erase(found);
        return statement;
    }

    /// Keeps `statement` (reset, bindings cleared) unless the cache is full.
    void give_back(std::string text, sqlite3_stmt* statement) {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
        if (statements_.size() >= max_statements || statements_.count(text) != 0) {
            sqlite3_finalize(statement);
            return;
        }
        statements_.emplace(std::move(text), statement);
    }

private:
    static constexpr std::size_t max_statements = 256;
    std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

/// One prepared statement; back to its connection's cache (or finalized) on destruction.
class SqliteStatement final : public sql::Statement {
public:
    SqliteStatement(sqlite3* db, sqlite3_stmt* statement, StatementCache* cache, std::string text)
        : db_(db), statement_(statement), cache_(cache), text_(std::move(text)) {}
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    ~SqliteStatement() override {
        if (cache_ != nullptr) {
            cache_->give_back(std::move(text_), statement_);
        } else {
            sqlite3_finalize(statement_);
        }
    }

    Result<void> bind_text(int index, std::string_view value) override {
        if (value.size() > INT_MAX) {
            return fail(ErrorKind::invalid_request, "VALUE_TOO_LARGE", "value too large to store");
        }
        return checked(
            sqlite3_bind_text(
                statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
            "bind text");
    }

    Result<void> bind_int64(int index, std::int64_t value) override {
        return checked(sqlite3_bind_int64(statement_, index, value), "bind integer");
    }

    Result<void> bind_blob(int index, std::span<const std::uint8_t> value) override {
        if (value.size() > INT_MAX) {
            return fail(ErrorKind::invalid_request, "VALUE_TOO_LARGE", "value too large to store");
        }
        if (value.empty()) {
            // A null pointer would bind NULL; an empty blob is a value.
            return checked(sqlite3_bind_zeroblob(statement_, index, 0), "bind blob");
        }
        return checked(
            sqlite3_bind_blob(
                statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
            "bind blob");
    }

    Result<void> bind_null(int index) override {
        return checked(sqlite3_bind_null(statement_, index), "bind null");
    }

    Result<bool> step() override {
        if (done_) {
            return false;
        }
        const int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) {
            return true;
        }
        done_ = true;
        if (rc == SQLITE_DONE) {
            return false;
        }
        return sqlite_failure(rc, db_, "step");
    }

    [[nodiscard]] bool is_null(int column) const override {
        return sqlite3_column_type(statement_, column) == SQLITE_NULL;
    }

    [[nodiscard]] Result<std::int64_t> column_int64(int column) const override {
        const int type = sqlite3_column_type(statement_, column);
        if (type != SQLITE_INTEGER && type != SQLITE_NULL) {
            return fail(ErrorKind::internal,
                        "STORE_CORRUPT",
                        "stored data is unreadable",
                        "column " + std::to_string(column) + " is not an integer");
        }
        return static_cast<std::int64_t>(sqlite3_column_int64(statement_, column));
    }

    [[nodiscard]] std::string column_text(int column) const override {
        const unsigned char* text = sqlite3_column_text(statement_, column);
        const int size = sqlite3_column_bytes(statement_, column);
        if (text == nullptr || size <= 0) {
            return {};
        }
        return std::string(text, text + size);
    }

    [[nodiscard]] Result<Bytes> column_blob(int column) const override {
        const void* data = sqlite3_column_blob(statement_, column);
        const int size = sqlite3_column_bytes(statement_, column);
        if (data == nullptr || size <= 0) {
            return Bytes{};
        }
        const auto* bytes = static_cast<const std::uint8_t*>(data);
        return Bytes(bytes, bytes + size);
    }

    Result<std::int64_t> execute() override {
        while (true) {
            auto row = step();
            DOJANG_TRY(row);
            if (!*row) {
                return static_cast<std::int64_t>(sqlite3_changes64(db_));
            }
        }
    }

private:
    Result<void> checked(int rc, std::string_view what) {
        if (rc != SQLITE_OK) {
            return sqlite_failure(rc, db_, what);
        }
        return ok();
    }

    sqlite3* db_;
    sqlite3_stmt* statement_;
    StatementCache* cache_;
    std::string text_;
    bool done_ = false;
};

/// One database handle; closed on destruction.
class SqliteConnection final : public sql::Connection {
public:
    explicit SqliteConnection(sqlite3* db) : db_(db) {}
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;
    ~SqliteConnection() override {
        cache_.clear();  // statements first, or close_v2 would keep a zombie handle
        sqlite3_close_v2(db_);
    }

    [[nodiscard]] const sql::Dialect& dialect() const override { return sql::sqlite_dialect(); }

    Result<std::unique_ptr<sql::Statement>> prepare(std::string_view text) override {
        if (text.size() > INT_MAX) {
            return fail(ErrorKind::internal, "STORE_FAILED", "statement too long");
        }
        std::string key(text);
        if (sqlite3_stmt* cached = cache_.take(key); cached != nullptr) {
            return std::make_unique<SqliteStatement>(db_, cached, &cache_, std::move(key));
        }
        sqlite3_stmt* statement = nullptr;
        const int rc = sqlite3_prepare_v3(db_,
                                          text.data(),
                                          static_cast<int>(text.size()),
                                          SQLITE_PREPARE_PERSISTENT,
                                          &statement,
                                          nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(statement);
            return sqlite_failure(rc, db_, "prepare");
        }
        return std::make_unique<SqliteStatement>(db_, statement, &cache_, std::move(key));
    }

    Result<void> execute_script(std::string_view text) override {
        const std::string script(text);
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
        sqlite3_free(message);
        if (rc != SQLITE_OK) {
            return sqlite_failure(rc, db_, "execute");
        }
        return ok();
    }

    // IMMEDIATE takes the write lock at BEGIN, so a busy database is reported (after
    // busy_timeout) before any work runs, never as a failed upgrade halfway through.
    Result<void> begin() override { return execute_script("BEGIN IMMEDIATE"); }

    Result<void> commit() override { return execute_script("COMMIT"); }

    Result<void> rollback() override {
        if (sqlite3_get_autocommit(db_) != 0) {
            return ok();  // SQLite already rolled back (e.g. after SQLITE_FULL).
        }
        return execute_script("ROLLBACK");
    }

    [[nodiscard]] bool is_broken() const override { return false; }

    /// Runs a PRAGMA that answers one row and returns that answer.
    Result<std::string> pragma(std::string_view text) {
        auto statement = prepare(text);
        DOJANG_TRY(statement);
        auto row = (*statement)->step();
        DOJANG_TRY(row);
        return *row ? (*statement)->column_text(0) : std::string{};
    }

private:
    sqlite3* db_;
    StatementCache cache_;
};

Result<void> configure(SqliteConnection& connection, const SqliteOptions& options) {
    // Switching a fresh file to WAL needs a brief exclusive lock; when several processes open
    // it at the same moment one may see SQLITE_BUSY here, so try a few times.
    Result<std::string> mode = std::string{};
    for (int attempt = 1; attempt <= 20; ++attempt) {
        mode = connection.pragma("PRAGMA journal_mode = WAL");
        if (mode || mode.error().code != sql::busy_code) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10 * attempt});
    }
    DOJANG_TRY(mode);
    if (*mode != "wal") {
        return fail(ErrorKind::internal,
                    "STORE_FAILED",
                    "the database could not switch to WAL",
                    "journal_mode is " + *mode);
    }
    auto synchronous = connection.execute_script(options.synchronous == Synchronous::full
                                                     ? "PRAGMA synchronous = FULL"
                                                     : "PRAGMA synchronous = NORMAL");
    if (!synchronous) {
        return synchronous;
    }
    return connection.execute_script("PRAGMA foreign_keys = ON");
}

/// The database holds personal data: the file is the owner's alone, created so and tightened
/// when an older one was not. SQLite gives its -wal and -shm files the database file's mode.
Result<void> make_private(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(ErrorKind::unavailable,
                    std::string(sql::unreachable_code),
                    "the database is unavailable",
                    "cannot open " + path);
    }
    const bool tightened = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    for (const char* suffix : {"-wal", "-shm"}) {
        (void)::chmod((path + suffix).c_str(), 0600);  // absent until SQLite makes them
    }
    if (!tightened) {
        return fail(ErrorKind::unavailable,
                    std::string(sql::unreachable_code),
                    "the database is unavailable",
                    "cannot make " + path + " private (mode 0600)");
    }
    return ok();
}

}  // namespace

Result<std::unique_ptr<sql::Connection>> connect_sqlite(const std::string& path,
                                                        const SqliteOptions& options) {
    auto private_file = make_private(path);
    DOJANG_TRY(private_file);
    sqlite3* db = nullptr;
    // NOMUTEX: a connection is only ever used by the one thread that leased it from the pool.
    const int rc = sqlite3_open_v2(path.c_str(),
                                   &db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    auto connection = std::make_unique<SqliteConnection>(db);  // closes db on every path
    if (rc != SQLITE_OK) {
        return fail(ErrorKind::unavailable,
                    std::string(sql::unreachable_code),
                    "the database is unavailable",
                    "cannot open " + path + ": " + sqlite3_errstr(rc));
    }
    sqlite3_extended_result_codes(db, 1);
    const auto timeout = options.busy_timeout.count();
    sqlite3_busy_timeout(db, timeout > INT_MAX ? INT_MAX : static_cast<int>(timeout));
    auto configured = configure(*connection, options);
    DOJANG_TRY(configured);
    return std::unique_ptr<sql::Connection>(std::move(connection));
}

Result<std::unique_ptr<store::Database>> open_sqlite(const std::string& path,
                                                     SqliteOptions options) {
    // One connection per process, lent to one transaction at a time (the pool's mutex):
    // SQLite admits a single writer anyway and every transaction here writes (BEGIN IMMEDIATE),
    // so more connections would only wait on each other's file locks inside busy_timeout.
    // Across processes the file lock, busy_timeout and the retry in SqlDatabase serialise them.
    sql::PoolOptions pool{
        .max_connections = 1,
        .acquire_timeout = options.wait_timeout,
        .max_attempts = options.max_attempts,
        .retry_backoff = std::chrono::milliseconds{10},
    };
    auto database =
        sql::SqlDatabase::open([path, options]() { return connect_sqlite(path, options); }, pool);
    DOJANG_TRY(database);
    return std::unique_ptr<store::Database>(std::move(*database));
}

}  // namespace dojang::sqlite
