// SPDX-License-Identifier: Apache-2.0
#include "authority.hpp"

namespace dojang::app {

namespace {

ra::ReissueSettings reissue_settings(const config::Config& config) {
    const auto& settings = config.ra;
    return {settings.codes_valid,
            settings.confirm_within,
            settings.organisation,
            settings.contact,
            settings.code_by_other_channel,
            settings.release_claims_after};
}

}  // namespace

RegistrationAuthority::RegistrationAuthority(Installation& installation,
                                             ca::Issuer issuer_,
                                             ra::RegisterKeys keys_,
                                             const Clock& clock)
    : issuer(std::move(issuer_)),
      keys(std::move(keys_)),
      reissue(*installation.database,
              issuer,
              *installation.issuing,
              keys,
              clock,
              reissue_settings(installation.config)),
      renewal(*installation.database,
              issuer,
              *installation.issuing,
              clock,
              {installation.config.cmp.renewal_window}),
      holder(renewal, clock),
      online(
          *installation.database,
          reissue,
          keys,
          clock,
          ra::OtpSettings{
              .valid_for = installation.config.ra.otp_valid,
              .applications_per_client_hour = installation.config.ra.applications_per_client_hour,
              .applications_per_client_day = installation.config.ra.applications_per_client_day,
          },
          ra::DocumentFiles(installation.dir.documents())),
      review(*installation.database,
             reissue,
             keys,
             ra::DocumentFiles(installation.dir.documents()),
             clock,
             {installation.config.ra.approvals_required,
              std::chrono::hours{8},
              installation.config.server.base_url + "/portal/"}) {}

Result<std::unique_ptr<RegistrationAuthority>> open_registration_authority(
    Installation& installation, const Clock& clock) {
    auto keys = ra::load_register_keys(installation.dir.register_key());
    DOJANG_TRY(keys);
    auto issuer = ca::Issuer::create(*installation.issuing,
                                     installation.config.profiles,
                                     {installation.config.server.base_url},
                                     *installation.database,
                                     clock);
    DOJANG_TRY(issuer);
    return std::make_unique<RegistrationAuthority>(
        installation, std::move(*issuer), std::move(*keys), clock);
}

}  // namespace dojang::app
