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

}  // namespace dojang::npki
