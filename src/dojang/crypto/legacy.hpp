// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <openssl/types.h>

namespace dojang::crypto {

/// An OpenSSL library context of its own with the default and the legacy provider, for the
/// old algorithms Korean formats still use (SEED in key files, DES in the KISA CMP MAC), so
/// the rest of the process never sees the legacy algorithms. Created once, thread-safe, never
/// freed; null when OpenSSL could not make it.
OSSL_LIB_CTX* legacy_context();

}  // namespace dojang::crypto
