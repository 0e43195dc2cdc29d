// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/legacy.hpp"

#include <openssl/err.h>
#include <openssl/provider.h>

namespace dojang::crypto {

OSSL_LIB_CTX* legacy_context() {
    static OSSL_LIB_CTX* const context = [] {
        OSSL_LIB_CTX* made = OSSL_LIB_CTX_new();
        if (made != nullptr) {
            // Providers stay loaded for the life of the process, like the context itself; a
            // missing legacy provider shows later, when an algorithm cannot be fetched.
            OSSL_PROVIDER_load(made, "default");
            OSSL_PROVIDER_load(made, "legacy");
            ERR_clear_error();
        }
        return made;
    }();
    return context;
}

}  // namespace dojang::crypto
