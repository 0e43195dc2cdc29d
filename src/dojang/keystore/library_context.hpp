// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <openssl/types.h>

namespace dojang::keystore::detail {

/// The legacy library context (crypto::legacy_context(): default and legacy providers; SEED
/// lives in the legacy one).
OSSL_LIB_CTX* library_context();

/// SEED-CBC from the legacy provider; internal KEY_FILE_UNSUPPORTED when it cannot be loaded.
Result<const EVP_CIPHER*> seed_cbc();

}  // namespace dojang::keystore::detail
