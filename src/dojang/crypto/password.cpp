// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/password.hpp"

#include "dojang/crypto/openssl.hpp"

#include <argon2.h>

#include <cstdio>
#include <vector>

namespace dojang::crypto {
namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
constexpr unsigned most_memory_kib = 1024 * 1024;  // a stored hash may not ask for more than 1 GiB
constexpr unsigned most_passes = 64;

}  // namespace

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
    auto salt = random_bytes(salt_bytes);
    DOJANG_TRY(salt);
    const std::size_t length = argon2_encodedlen(cost.passes,
                                                 cost.memory_kib,
                                                 cost.lanes,
                                                 static_cast<std::uint32_t>(salt_bytes),
                                                 static_cast<std::uint32_t>(hash_bytes),
                                                 Argon2_id);
    std::vector<char> encoded(length + 1, '\0');
    const int result = argon2id_hash_encoded(cost.passes,
                                             cost.memory_kib,
                                             cost.lanes,
                                             password.data(),
                                             password.size(),
                                             salt->data(),
                                             salt->size(),
                                             hash_bytes,
                                             encoded.data(),
                                             encoded.size());
    if (result != ARGON2_OK) {
        return fail(ErrorKind::internal,
                    "PASSWORD_HASH_FAILED",
                    std::string("argon2id failed: ") + argon2_error_message(result));
    }
    return std::string(encoded.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
    const std::string text(encoded);
    unsigned memory = 0;
    unsigned passes = 0;
    unsigned lanes = 0;
    // Refuse before hashing when the stored cost would take the server down.
    if (std::sscanf(text.c_str(), "$argon2id$v=19$m=%u,t=%u,p=%u$", &memory, &passes, &lanes) !=
            3 ||
        memory > most_memory_kib || passes > most_passes || lanes == 0 || lanes > 16) {
        return false;
    }
    return argon2id_verify(text.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace dojang::crypto
