// SPDX-License-Identifier: Apache-2.0
#pragma once
// Hashes, HMAC, the CSPRNG and constant-time comparison, for components that must not see
// OpenSSL's headers (ra, api, http): implemented with OpenSSL in openssl.cpp.

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace dojang::crypto {

/// SHA-256 of `data`.
Bytes sha256(std::span<const std::uint8_t> data);
/// SHA-1 of `data` (key identifiers and OCSP CertIDs only, as RFC 5280/6960 specify).
Bytes sha1(std::span<const std::uint8_t> data);

/// HMAC-SHA256 of `data` under `key` (keyed hashes for matching secrets without storing them).
Result<Bytes> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

/// Whether two byte strings are equal, in time that depends only on their lengths.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

/// `count` bytes from the CSPRNG.
Result<Bytes> random_bytes(std::size_t count);

/// `count` decimal digits from the CSPRNG, uniformly (bytes ≥ 250 are drawn again): one-time
/// codes, reference numbers, authorization codes.
Result<std::string> random_digits(std::size_t count);

}  // namespace dojang::crypto
