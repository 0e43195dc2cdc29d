// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/database.hpp"

#include "dojang/sql/dialect.hpp"
#include "dojang/sql/query.hpp"
#include "dojang/sql/roles.hpp"

#include <algorithm>
#include <set>
#include <thread>
#include <utility>

namespace dojang::sql {
namespace {

bool is_busy(const Error& error) {
    return error.kind == ErrorKind::unavailable && error.code == busy_code;
}

}  // namespace

ConnectionPool::Lease::~Lease() {
    if (connection_ && pool_ != nullptr) {
        // Decide before moving: argument evaluation order is unspecified.
        const bool discard = discard_ || connection_->is_broken();
        pool_->give_back(std::move(connection_), discard);
    }
}

ConnectionPool::ConnectionPool(ConnectionFactory factory, PoolOptions options)
    : factory_(std::move(factory)), options_(options) {
    if (options_.max_connections == 0) {
        options_.max_connections = 1;
    }
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
    std::unique_lock lock(mutex_);
    const bool ready = released_.wait_for(lock, options_.acquire_timeout, [this] {
        return !idle_.empty() || open_ < options_.max_connections;
    });
    if (!ready) {
        return fail(ErrorKind::unavailable,
                    std::string(busy_code),
                    "the database is busy, try again",
                    "no free connection within the acquire timeout");
    }
    if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(connection));
    }
    // Count the connection before opening it (outside the lock: connecting can be slow).
    ++open_;
    lock.unlock();
    auto connection = factory_();
    if (!connection) {
        lock.lock();
        --open_;
        released_.notify_one();
        return tl::unexpected(connection.error());
    }
    return Lease(this, std::move(*connection));
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection, bool discard) {
    std::unique_ptr<Connection> closing;
    {
        const std::lock_guard lock(mutex_);
        if (discard) {
            closing = std::move(connection);
            --open_;
        } else {
            idle_.push_back(std::move(connection));
        }
    }
    released_.notify_one();
}

Result<int> migrate(Connection& connection) {
    const Dialect& dialect = connection.dialect();
    auto begun = connection.begin();
    DOJANG_TRY(begun);
    auto applied = [&]() -> Result<int> {
        // 1. Serialise concurrent openers (PostgreSQL: several nodes starting at once).
        if (!dialect.lock_migrations.empty()) {
            auto locked = connection.execute_script(dialect.lock_migrations);
            DOJANG_TRY(locked);
        }
        // 2. Find what is already there.
        auto created = connection.execute_script(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        DOJANG_TRY(created);
        std::set<std::int64_t> done;
        Query versions(connection, "SELECT version FROM schema_migrations");
        while (true) {
            auto more = versions.next_row();
            DOJANG_TRY(more);
            if (!*more) {
                break;
            }
            auto version = versions.row().column_int64(0);
            DOJANG_TRY(version);
            done.insert(*version);
        }
        // 3. Apply the missing ones in ascending version order (the list is kept in the order
        // entries were added, which need not be numeric), each recorded with its number.
        std::vector<const Migration*> pending;
        for (const Migration& migration : dialect.migrations) {
            pending.push_back(&migration);
        }
        std::sort(pending.begin(), pending.end(), [](const Migration* a, const Migration* b) {
            return a->version < b->version;
        });
        int count = 0;
        for (const Migration* next : pending) {
            const Migration& migration = *next;
            if (done.contains(migration.version)) {
                continue;
            }
            auto ran = connection.execute_script(migration.script);
            DOJANG_TRY(ran);
            Query record(connection,
                         "INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (?, ?, CURRENT_TIMESTAMP)");
            record.integer(migration.version).text(migration.name);
            auto recorded = record.execute();
            DOJANG_TRY(recorded);
            ++count;
        }
        return count;
    }();
    if (!applied) {
        (void)connection.rollback();
        return applied;
    }
    auto committed = connection.commit();
    DOJANG_TRY(committed);
    return applied;
}

SqlDatabase::SqlDatabase(ConnectionFactory factory, PoolOptions options)
    : options_(options), pool_(std::move(factory), options) {}

Result<std::unique_ptr<SqlDatabase>> SqlDatabase::open(ConnectionFactory factory,
                                                       PoolOptions options) {
    std::unique_ptr<SqlDatabase> database(new SqlDatabase(std::move(factory), options));
    Result<int> migrated = fail(ErrorKind::internal, "STORE_FAILED", "migration not attempted");
    for (int attempt = 1; attempt <= std::max(1, options.max_attempts); ++attempt) {
        auto lease = database->pool_.acquire();
        DOJANG_TRY(lease);
        migrated = migrate(**lease);
        if (migrated || !is_busy(migrated.error())) {
            break;
        }
        std::this_thread::sleep_for(options.retry_backoff * attempt);
    }
    DOJANG_TRY(migrated);
    return database;
}

Result<void> SqlDatabase::attempt(const std::function<Result<void>(store::Transaction&)>& work) {
    auto lease = pool_.acquire();
    DOJANG_TRY(lease);
    Connection& connection = **lease;
    auto begun = connection.begin();
    if (!begun) {
        // BEGIN never left a transaction open on error; nothing to roll back.
        return begun;
    }
    SqlTransaction transaction(connection);
    auto worked = work(transaction);
    if (!worked) {
        auto rolled_back = connection.rollback();
        if (!rolled_back) {
            lease->discard();
        }
        return worked;
    }
    auto committed = connection.commit();
    if (!committed) {
        // A failed COMMIT may leave the transaction open (SQLite busy); end it for sure.
        auto rolled_back = connection.rollback();
        if (!rolled_back) {
            lease->discard();
        }
        return committed;
    }
    return ok();
}

Result<void> SqlDatabase::transact(const std::function<Result<void>(store::Transaction&)>& work) {
    auto backoff = options_.retry_backoff;
    const int attempts = std::max(1, options_.max_attempts);
    for (int attempt_number = 1;; ++attempt_number) {
        auto result = attempt(work);
        if (result || !is_busy(result.error()) || attempt_number >= attempts) {
            return result;
        }
        std::this_thread::sleep_for(backoff);
        backoff *= 2;
    }
}

}  // namespace dojang::sql
