// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <openssl/types.h>

namespace dojang::keystore::detail {

/// An OpenSSL library context of the key store's own, with the default and the legacy
/// provider (SEED lives in the legacy one), so the rest of the process never sees the legacy
/// algorithms. Created once, thread-safe, never freed.
OSSL_LIB_CTX* library_context();

/// SEED-CBC from the legacy provider; internal KEY_FILE_UNSUPPORTED when it cannot be loaded.
Result<const EVP_CIPHER*> seed_cbc();

}  // namespace dojang::keystore::detail
