// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/http/router.hpp"

#include <string>
#include <string_view>

namespace dojang::portal {

/// Where the built pages are and what the portal tells its users about the operator.
struct Settings {
    /// The built portal (index.html, officer.html, assets/); empty: default_assets_dir().
    std::string assets_dir;
    std::string organisation;  ///< Shown as the operator's name.
    std::string contact;       ///< Shown wherever the pages say "call us".
};

/// The assets directory used when Settings::assets_dir is empty: $DOJANG_PORTAL_DIR when set,
/// else this build tree's portal/dist when it holds index.html, else the installed
/// <datadir>/dojang/portal.
std::string default_assets_dir();

/// The Content-Security-Policy of every portal response.
inline constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

/// Answers one GET of `request.path` under /portal from `settings.assets_dir`: the applicant
/// shell for /portal/, the officer shell for /portal/officer/…, config.json, and files under
/// assets/. Never serves a file outside the directory. An empty assets_dir means
/// default_assets_dir().
http::Response serve(const Settings& settings, const http::Request& request);

/// Adds GET /portal (a redirect) and GET /portal/… to the router.
void add_routes(http::Router& router, Settings settings);

}  // namespace dojang::portal
