// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/dto/dto.hpp"

#include <vector>

namespace dojang::dto {

/// Every error code an HTTP client can meet (REST, OCSP/CRL/CA files, the server's own refusals),
/// with Korean and English text and the next step (served at GET /api/v1/errors, documented in
/// docs/errors.md).
const std::vector<ErrorEntry>& error_catalog();

/// The catalog entry of `code`, or nullptr.
const ErrorEntry* find_error(std::string_view code);

/// The HTTP status of an error (architecture.md, "Errors"), one switch without default.
unsigned http_status(ErrorKind kind);

}  // namespace dojang::dto
