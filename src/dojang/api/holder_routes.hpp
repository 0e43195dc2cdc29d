// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/http/router.hpp"
#include "dojang/ra/holder_actions.hpp"

namespace dojang::api {

/// POST /api/v1/certificates/{serial}/renewal: a new certificate for the key of the signed
/// content's csr, signed with the key of `serial` (201 RenewalResponse).
http::Response renew_certificate(const ra::HolderActions& holder,
                                 const http::Request& request,
                                 const SerialNumber& serial);

/// POST /api/v1/certificates/{serial}/renewal/confirm: signed with the renewed certificate's
/// key; the certificate it replaces is revoked as superseded (200 RenewalConfirmResponse).
http::Response confirm_renewal(const ra::HolderActions& holder,
                               const http::Request& request,
                               const SerialNumber& serial);

/// POST /api/v1/certificates/{serial}/revocation: signed with the key of `serial`
/// (200 RevocationResponse).
http::Response revoke_certificate(const ra::HolderActions& holder,
                                  const http::Request& request,
                                  const SerialNumber& serial);

}  // namespace dojang::api
