// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/http/metrics.hpp"
#include "dojang/http/router.hpp"
#include "dojang/pkix/pkix.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dojang::api {

/// The CA certificates a relying party fetches: GET /ca/{name}.pem (the CA's certificate
/// followed by its issuers), GET /ca/{name}.crt (the certificate alone, DER) for each of
/// `authorities`, and GET /ca/vid.pem (the certificate the Korean CMP clients encrypt the VID
/// to). 404 CA_NOT_FOUND for another file. Cacheable for an hour; status routes.
void add_ca_routes(http::Router& router,
                   std::vector<const ca::Authority*> authorities,
                   const pkix::Certificate& vid_certificate);

/// What the server's background work last found, for GET /healthz.
struct Health {
    std::string unwritable;     ///< why the store or its disk takes no writes, or empty
    bool store_answers = true;  ///< whether the store answered a read just now
    std::size_t ocsp_cached_responses = 0;
    std::int64_t crl_number = 0;
};

/// The routes of the server itself: GET /healthz (200, or 503 STORE_NOT_WRITABLE /
/// STORE_UNAVAILABLE from `health`, which runs on the I/O thread and must be quick), GET /
/// (a browser, asking for text/html, is sent to /portal/; other clients get a plain-text
/// index of the CA's files under `base_url`), GET /metrics (Prometheus
/// text) and GET /api/v1 (every route of `router`, which the OpenAPI check compares with
/// docs/openapi.yaml). Add them last: the index lists what is there when it is asked.
void add_service_routes(http::Router& router,
                        std::function<Health()> health,
                        const http::Metrics& metrics,
                        const std::string& base_url);

}  // namespace dojang::api
