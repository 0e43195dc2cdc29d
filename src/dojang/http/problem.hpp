// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/http/router.hpp"

namespace dojang::http {

/// The one renderer of errors over HTTP: an RFC 9457 application/problem+json response whose
/// status, titles and next step come from the error catalog (dto/catalog.hpp), falling back to
/// the status of the error's kind for a code the catalog does not name. Internal errors show
/// nothing but "internal error" (their causes go to the log). Retry-After is the error's own
/// wait, else 5 s for a 503 and 60 s for a 429; never cached. An internal error names
/// `request_id`, when given, so the user can quote it (the log has the cause under it).
Response problem(const Error& error, std::string_view request_id = {});

}  // namespace dojang::http
