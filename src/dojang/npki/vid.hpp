// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dojang::npki {

/// Hash algorithms a VID may be computed with (hashAlg of the VID in the certificate).
enum class HashAlgorithm { sha1, sha256, sha384, sha512 };

/// Length of R, the randomNum of the holder's key file.
inline constexpr std::size_t random_num_size = 20;

/// The OID of `algorithm` in dotted form ("2.16.840.1.101.3.4.2.1" for sha256).
std::string_view oid_of(HashAlgorithm algorithm);

/// The algorithm of a dotted OID, or nullopt when dojang does not compute VIDs with it.
std::optional<HashAlgorithm> hash_algorithm_of(std::string_view oid);

/// Length in bytes of a VID computed with `algorithm` (its digest length).
std::size_t vid_size(HashAlgorithm algorithm);

/// DER of HashContent ::= SEQUENCE { idn PrintableString, randomNum BIT STRING }.
/// Secret because it holds the resident number in clear; invalid_request on bad input.
Result<SecretBytes> vid_hash_content(std::string_view idn,
                                     std::span<const std::uint8_t> random_num);

/// VID = H(H(DER(HashContent))) for `idn` (13 or 10 digits) and R (20 bytes).
/// invalid_request (IDN_INVALID, RANDOM_NUM_INVALID, every violation listed) on bad input.
Result<Bytes> compute_vid(std::string_view idn,
                          std::span<const std::uint8_t> random_num,
                          HashAlgorithm algorithm = HashAlgorithm::sha256);

/// A fresh R: 20 bytes from the CSPRNG.
Result<Bytes> generate_random_num();

}  // namespace dojang::npki
