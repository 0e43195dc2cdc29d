// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/pkix/pkix.hpp"

namespace dojang::pkix {

/// What a holder signed with a certificate's key: a CMS SignedData (RFC 5652) with one
/// signer, the signer's certificate inside, and signed attributes that include signingTime.
struct SignedContent {
    Bytes content;           ///< The encapsulated content (eContent)
    Certificate signer;      ///< The certificate whose key made the signature
    Seconds signing_time{};  ///< The signed signingTime attribute
};

/// Opens and verifies a holder's SignedData (DER): exactly one SignerInfo, its certificate
/// among the `certificates`, a valid signature over signed attributes that carry contentType,
/// messageDigest and signingTime, and attached content. Whether the signer's certificate may
/// authenticate anybody is the caller's question (it must be one this CA issued and has not
/// revoked); this checks only that its key signed. Errors: invalid_request SIGNED_DATA_MALFORMED
/// (not DER, not SignedData, no content, several signers, no signingTime), unauthenticated
/// SIGNATURE_INVALID.
Result<SignedContent> open_signed_data(const Bytes& der);

}  // namespace dojang::pkix
