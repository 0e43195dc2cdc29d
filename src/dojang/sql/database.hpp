// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/sql/connection.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace dojang::sql {

/// How SqlDatabase uses its connections.
struct PoolOptions {
    /// Connections open at most at once; 1 makes every transaction wait its turn.
    std::size_t max_connections = 1;
    /// How long transact() waits for a free connection before answering `unavailable`.
    std::chrono::milliseconds acquire_timeout{10'000};
    /// Attempts of one transaction when the database reports busy/serialization failure.
    int max_attempts = 5;
    /// Pause before the first retry; doubled for each further one.
    std::chrono::milliseconds retry_backoff{10};
};

/// A bounded pool of connections made by a factory; broken connections are dropped.
/// Thread-safe.
class ConnectionPool {
public:
    /// A connection lent to one caller; returned to the pool when destroyed.
    class Lease {
    public:
        Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
            : pool_(pool), connection_(std::move(connection)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&& other) noexcept = delete;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();
        /// The leased connection.
        Connection& operator*() const { return *connection_; }
        /// Drop the connection instead of returning it (its state is unknown).
        void discard() { discard_ = true; }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<Connection> connection_;
        bool discard_ = false;
    };

    /// A pool that opens connections with `factory` on demand, up to `options.max_connections`.
    ConnectionPool(ConnectionFactory factory, PoolOptions options);
    /// Borrows an idle connection or opens one; `unavailable` when none is free in time.
    Result<Lease> acquire();

private:
    void give_back(std::unique_ptr<Connection> connection, bool discard);
    ConnectionFactory factory_;
    PoolOptions options_;
    std::mutex mutex_;
    std::condition_variable released_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;
};

/// Applies the dialect's migrations that `connection` has not seen, in one transaction,
/// recording each in schema_migrations. Returns how many were applied (0 when up to date).
Result<int> migrate(Connection& connection);

/// Every store role, written once against the Connection port. Thread-safe; transact() is not
/// reentrant (work must not call transact() on the same database).
class SqlDatabase final : public store::Database {
public:
    /// Opens a pool over `factory` and migrates the schema before returning.
    static Result<std::unique_ptr<SqlDatabase>> open(ConnectionFactory factory,
                                                     PoolOptions options);

    /// Runs `work` in one transaction; retries it (from BEGIN) a few times when the database
    /// is busy, then answers `unavailable` (STORE_BUSY). Work must tolerate being re-run.
    Result<void> transact(const std::function<Result<void>(store::Transaction&)>& work) override;

private:
    SqlDatabase(ConnectionFactory factory, PoolOptions options);
    Result<void> attempt(const std::function<Result<void>(store::Transaction&)>& work);
    PoolOptions options_;
    ConnectionPool pool_;
};

}  // namespace dojang::sql
