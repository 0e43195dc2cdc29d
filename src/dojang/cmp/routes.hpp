// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/cmp/server.hpp"
#include "dojang/http/router.hpp"

namespace dojang::cmp {

/// CMP over HTTP (RFC 6712): POST /cmp with a DER PKIMessage, answered application/pkixcmp.
/// Refusals the protocol can express are PKIMessages (error or rejection bodies); what it
/// cannot (the store down) is a problem document. An issuance route.
void add_routes(http::Router& router, Server& server);

}  // namespace dojang::cmp
