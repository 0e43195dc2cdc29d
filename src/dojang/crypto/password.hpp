// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <string>
#include <string_view>

namespace dojang::crypto {

/// Cost of the officers' password hashes: argon2id with OWASP's recommended minimum
/// (19 MiB, 2 passes, 1 lane).
struct PasswordCost {
    unsigned memory_kib = 19 * 1024;
    unsigned passes = 2;
    unsigned lanes = 1;
};

/// The argon2id hash of `password` with a fresh 16-byte salt, as a PHC string
/// ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"). Errors: internal.
Result<std::string> hash_password(std::string_view password, PasswordCost cost = {});

/// Whether `password` matches the PHC string `encoded` (the cost is read from it; one that is
/// absurdly high is refused). False for a malformed string.
bool verify_password(std::string_view encoded, std::string_view password);

}  // namespace dojang::crypto
