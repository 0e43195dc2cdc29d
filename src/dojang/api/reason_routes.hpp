// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/http/router.hpp"

namespace dojang::api {

/// GET /api/v1/reasons: every reissue reason in the order clients offer them, with what it does
/// to the holder's current certificates (ra::reason_rules()), so that the portal and other
/// clients never keep a copy of the list. A status route: cheap and cacheable.
void add_reason_routes(http::Router& router);

}  // namespace dojang::api
