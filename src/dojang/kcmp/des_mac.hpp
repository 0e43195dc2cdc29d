// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"

#include <cstdint>

namespace dojang::kcmp {

/// The DES key of a PasswordBasedMac whose mac is desMAC (1.3.14.3.2.10), as Korean CMP
/// clients derive it: the owf (SHA-1) applied `iterations` times, the first time over
/// salt ‖ secret (RFC 4210 5.1.3.1 says secret ‖ salt; the clients put the salt first), and
/// the first 8 bytes of the result. Errors: invalid_request PBM_INVALID for no iterations or
/// more than `max_iterations`; internal when SHA-1 fails.
Result<Bytes> des_mac_key(const Bytes& salt, const SecretBytes& secret, std::uint32_t iterations);

/// A sane bound on a PBM's iterationCount from a message (the clients use 2).
inline constexpr std::uint32_t max_iterations = 100'000;

/// The desMAC of `data`: DES-CBC with a zero IV under the 8-byte `key` over `data` followed by
/// 1 to 8 zero bytes (a whole zero block when `data` is a multiple of 8 long), the last
/// ciphertext block (8 bytes). DES comes from OpenSSL's legacy provider. Errors: internal
/// DES_UNAVAILABLE when the provider cannot be loaded, invalid_request for a key that is not
/// 8 bytes.
Result<Bytes> des_mac(const Bytes& key, const Bytes& data);

/// Whether `mac` is the desMAC of `data` under `key`, compared in constant time.
Result<bool> des_mac_matches(const Bytes& key, const Bytes& data, const Bytes& mac);

}  // namespace dojang::kcmp
