// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"

#include <span>
#include <string_view>

namespace dojang::crypto {

/// AES-256-GCM with a fresh 12-byte nonce: returns nonce ‖ ciphertext ‖ 16-byte tag.
/// `aad` binds the purpose ("dojang-idn-v1"), so a value sealed for one use never opens as
/// another. invalid_request when the key is not 32 bytes.
Result<Bytes> aead_seal(std::span<const std::uint8_t> key,
                        std::span<const std::uint8_t> plaintext,
                        std::string_view aad);

/// Opens what aead_seal() produced; internal AEAD_OPEN_FAILED when the bytes were changed,
/// the AAD differs or another key sealed them.
Result<SecretBytes> aead_open(std::span<const std::uint8_t> key,
                              std::span<const std::uint8_t> sealed,
                              std::string_view aad);

}  // namespace dojang::crypto
