// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/sql/dialect.hpp"

#include <span>

namespace dojang::sql {

/// The numbered SQLite migrations, oldest first.
std::span<const Migration> sqlite_migrations();
/// The numbered PostgreSQL migrations, oldest first (same versions as SQLite).
std::span<const Migration> postgres_migrations();

}  // namespace dojang::sql
