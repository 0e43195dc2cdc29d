// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where a certificate is in its life and why it was revoked (RFC 5280 CRLReason): the values
// the CA records, the OCSP responder and the CRL publish, and the RA asks for.

#include "dojang/core/error.hpp"

#include <string_view>

namespace dojang::domain {

/// Where a certificate is in its life. `intended` rows are recorded before the CA signs
/// (record-before-sign); a crash between the two leaves an `intended` row and no certificate.
enum class CertificateStatus { intended, issued, revoked };

/// RFC 5280 section 5.3.1 CRLReason; values are the DER enumeration values.
enum class RevocationReason : int {
    unspecified = 0,
    key_compromise = 1,
    ca_compromise = 2,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    certificate_hold = 6,
    privilege_withdrawn = 9,
};

std::string_view to_string(CertificateStatus status);
Result<CertificateStatus> certificate_status_from_string(std::string_view text);
/// RFC 5280 names in snake_case ("key_compromise"); also accepts camelCase ("keyCompromise").
std::string_view to_string(RevocationReason reason);
Result<RevocationReason> revocation_reason_from_string(std::string_view text);
Result<RevocationReason> revocation_reason_from_code(int code);

}  // namespace dojang::domain
