// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/issuer.hpp"
#include "dojang/ra/holder_actions.hpp"
#include "dojang/ra/online.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/ra/reissue.hpp"
#include "dojang/ra/renewal.hpp"
#include "dojang/ra/review.hpp"

#include <memory>

#include "data_dir.hpp"

namespace dojang::app {

/// The registration authority of one installation, wired once from its configuration and its
/// register key: the issuer, the reissue journey, renewal, online applications and officer
/// review. `serve`, `admin applications register` and the benches all take it from here, so
/// they run with the same settings. The services hold references to each other: it does not
/// move.
struct RegistrationAuthority {
    RegistrationAuthority(Installation& installation,
                          ca::Issuer issuer,
                          ra::RegisterKeys keys,
                          const Clock& clock);
    RegistrationAuthority(const RegistrationAuthority&) = delete;
    RegistrationAuthority& operator=(const RegistrationAuthority&) = delete;

    ca::Issuer issuer;
    ra::RegisterKeys keys;  ///< also what expiry reminders open the register with
    ra::ReissueService reissue;
    ra::RenewalService renewal;
    ra::HolderActions holder;  ///< renewal and revocation signed with the holder's key (REST)
    ra::OnlineApplications online;
    ra::ReviewService review;
};

/// Loads the register key and builds the registration authority of an installation opened
/// with its keys. Errors: those of the register key file and of ca::Issuer::create.
Result<std::unique_ptr<RegistrationAuthority>> open_registration_authority(
    Installation& installation, const Clock& clock);

}  // namespace dojang::app
