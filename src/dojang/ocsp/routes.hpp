// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/http/metrics.hpp"
#include "dojang/http/router.hpp"
#include "dojang/ocsp/responder.hpp"

namespace dojang::ocsp {

/// The OCSP routes of RFC 6960 appendix A.1: POST /ocsp (the DER request as the body) and
/// GET /ocsp/{URL-encoded base64 request}. GET answers that carry a nextUpdate are cacheable
/// (RFC 5019 section 6.2, at most a day) and answer 304 to a matching If-None-Match; POST
/// answers and errors are not cached. Every request counts in `answered`. Both are status
/// routes (run on the I/O thread: the answer is usually pre-signed).
void add_routes(http::Router& router,
                Responder& responder,
                const Clock& clock,
                http::Counter& answered);

}  // namespace dojang::ocsp
