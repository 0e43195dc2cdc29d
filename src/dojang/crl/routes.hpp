// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/crl/publisher.hpp"
#include "dojang/http/router.hpp"

#include <chrono>
#include <map>
#include <string>

namespace dojang::crl {

/// The publishers of one server, by CA name ("issuing", "root").
using Publishers = std::map<std::string, Publisher>;

/// GET /crl/{name}.crl: the current CRL of each publisher (DER, application/pkix-crl), with
/// the caching headers of RFC 5019 section 6.2 kept under `cache_at_most` (a CRL changes at
/// the latest that long after a revocation) and 304 for a matching If-None-Match. 404
/// CRL_NOT_FOUND for another name, 503 CRL_NOT_READY before the first publication. A status
/// route.
void add_routes(http::Router& router,
                const Publishers& publishers,
                const Clock& clock,
                std::chrono::seconds cache_at_most);

}  // namespace dojang::crl
