// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/http/router.hpp"
#include "dojang/ra/holder_actions.hpp"
#include "dojang/ra/online.hpp"
#include "dojang/ra/reissue.hpp"
#include "dojang/ra/review.hpp"

namespace dojang::api {

/// Adds the REST routes of the reissue journey: POST /api/v1/certificates,
/// POST /api/v1/certificates/{serial}/confirm, GET /api/v1/errors; with `holder`, also what a
/// holder signs with a certificate's key: POST /api/v1/certificates/{serial}/renewal,
/// .../renewal/confirm and .../revocation (holder_routes.hpp).
void add_routes(http::Router& router,
                ra::ReissueService& reissue,
                const ra::HolderActions* holder = nullptr);

/// Adds the online application routes: POST /api/v1/applications, GET
/// /api/v1/applications/{id} (Bearer status token), POST .../otp/verify and .../otp/resend.
void add_application_routes(http::Router& router, ra::OnlineApplications& online);

/// Adds the officers' routes: POST/DELETE /api/v1/officer/sessions (cookie
/// __Host-dojang_officer + X-CSRF-Token, or Bearer API tokens), GET /api/v1/reviews,
/// GET /api/v1/reviews/{id}, GET /api/v1/reviews/{id}/documents/{kind},
/// POST /api/v1/reviews/{id}/approve and /reject.
void add_review_routes(http::Router& router, ra::ReviewService& review);

}  // namespace dojang::api
