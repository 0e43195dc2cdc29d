// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/sql/connection.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace dojang::sqlite {

/// How SQLite writes to disk.
enum class Synchronous {
    full,    ///< fsync on every commit: a committed certificate survives power loss (default).
    normal,  ///< WAL fsync at checkpoints only: faster, may lose the last commits on power loss.
};

/// Settings of an embedded SQLite store.
struct SqliteOptions {
    Synchronous synchronous = Synchronous::full;
    /// How long one connection waits for another process's write lock before giving up.
    std::chrono::milliseconds busy_timeout{5'000};
    /// How long a transaction waits for the in-process connection.
    std::chrono::milliseconds wait_timeout{30'000};
    /// Attempts of a transaction that keeps finding the database busy.
    int max_attempts = 5;
};

/// Opens one raw connection to the file at `path` (created if missing) with WAL, the chosen
/// synchronous level, busy_timeout and foreign keys on; does not migrate. `unavailable` when
/// the file cannot be opened.
Result<std::unique_ptr<sql::Connection>> connect_sqlite(const std::string& path,
                                                        const SqliteOptions& options);

/// Opens the store in the SQLite file at `path`, creating and migrating it as needed.
/// The result is thread-safe, and several processes may open the same file.
Result<std::unique_ptr<store::Database>> open_sqlite(const std::string& path,
                                                     SqliteOptions options);

}  // namespace dojang::sqlite
