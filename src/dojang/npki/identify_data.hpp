// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/vid.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dojang::npki {

/// The identity binding found in a certificate's subjectAltName.
struct IdentifyData {
    std::string real_name;                        ///< realName, UTF-8.
    std::string hash_oid;                         ///< hashAlg of the VID, dotted.
    std::string hash_name;                        ///< OpenSSL's short name ("SHA256") or the OID.
    std::optional<HashAlgorithm> hash_algorithm;  ///< nullopt when dojang cannot recompute it.
    Bytes vid;                                    ///< virtualID.
};

/// DER of the subjectAltName extension value (GeneralNames) holding one identifyData otherName.
/// invalid_request when `real_name` is empty or not UTF-8, or `vid` has the wrong length.
Result<Bytes> identify_data_san(std::string_view real_name,
                                std::span<const std::uint8_t> vid,
                                HashAlgorithm algorithm = HashAlgorithm::sha256);

/// The same GeneralNames as a non-critical subjectAltName extension.
Result<crypto::X509ExtPtr> identify_data_extension(std::string_view real_name,
                                                   std::span<const std::uint8_t> vid,
                                                   HashAlgorithm algorithm = HashAlgorithm::sha256);

/// Finds the identifyData otherName in a subjectAltName value (GeneralNames DER).
/// invalid_request (IDENTIFY_DATA_INVALID, IDENTIFY_DATA_MISSING) on anything malformed.
Result<IdentifyData> parse_identify_data(const Bytes& san_der);

/// Whether `data` binds `idn` with R, compared in constant time.
/// invalid_request on a bad idn or R, or when the VID's hash algorithm is not supported.
Result<bool> vid_matches(const IdentifyData& data,
                         std::string_view idn,
                         std::span<const std::uint8_t> random_num);

}  // namespace dojang::npki
