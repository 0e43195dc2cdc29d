// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/sql/connection.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace dojang::postgres {

/// Settings of a PostgreSQL store.
struct PostgresOptions {
    /// Connections open at most at once (each serves one transaction at a time).
    std::size_t pool_size = 4;
    /// How long a transaction waits for a free connection before answering `unavailable`.
    std::chrono::milliseconds wait_timeout{10'000};
    /// Attempts of a transaction that meets a serialization failure or deadlock.
    int max_attempts = 5;
};

/// Opens one raw connection with libpq `conninfo` ("host=... port=... dbname=... user=...");
/// does not migrate. `unavailable` when the server cannot be reached.
Result<std::unique_ptr<sql::Connection>> connect_postgres(const std::string& conninfo);

/// Opens the store in the PostgreSQL database of `conninfo` and migrates it (several nodes
/// may do so at once). The result is thread-safe and keeps a pool of connections.
Result<std::unique_ptr<store::Database>> open_postgres(const std::string& conninfo,
                                                       PostgresOptions options);

}  // namespace dojang::postgres
