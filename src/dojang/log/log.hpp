// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <spdlog/spdlog.h>

#include <string_view>

namespace dojang::log {

/// Sets up the process's debug log on stderr at `level` (trace, debug, info, warn, error).
/// The audit log is separate (store::AuditLog); nothing secret is ever logged here.
Result<void> init(std::string_view level);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace dojang::log
