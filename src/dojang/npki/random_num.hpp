// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"

#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <span>

namespace dojang::npki {

/// R from the randomNum attribute (1.2.410.200004.10.1.1.3) of a decrypted key, if it has one.
/// invalid_request when the attribute is present but not a single BIT STRING with 0 unused bits.
Result<std::optional<Bytes>> random_num_of(const PKCS8_PRIV_KEY_INFO* key);

/// Adds the randomNum attribute holding R (20 bytes) to a decrypted key.
/// Setting the R the key already has is a no-op; a different R is a conflict, never an overwrite,
/// because replacing R silently breaks the VID of the certificate issued for the key.
Result<void> set_random_num(PKCS8_PRIV_KEY_INFO* key, std::span<const std::uint8_t> random_num);

/// R from the randomNum attribute of a PKCS#10 request (how dojang's CMP p10cr carries it,
/// cmp/README.md), if it has one. The value is a BIT STRING with 0 unused bits, as in the key
/// file; an OCTET STRING is accepted too. The length is the caller's to check.
/// invalid_request RANDOM_NUM_INVALID when the attribute is repeated, holds other than one
/// value, or the value has another type or is empty.
Result<std::optional<Bytes>> random_num_of(const X509_REQ* request);

/// Adds the randomNum attribute holding R (20 bytes, as a BIT STRING with 0 unused bits) to a
/// request that has none yet; sign the request afterwards. conflict RANDOM_NUM_PRESENT when it
/// already has one.
Result<void> add_random_num(X509_REQ* request, std::span<const std::uint8_t> random_num);

}  // namespace dojang::npki
