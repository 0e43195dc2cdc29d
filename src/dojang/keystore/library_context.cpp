// SPDX-License-Identifier: Apache-2.0
#include "dojang/keystore/library_context.hpp"

#include "dojang/crypto/legacy.hpp"
#include "dojang/crypto/openssl.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

namespace dojang::keystore::detail {
namespace {

struct Context {
    OSSL_LIB_CTX* context = crypto::legacy_context();
    EVP_CIPHER* seed = nullptr;

    Context() {
        if (context == nullptr) {
            return;
        }
        seed = EVP_CIPHER_fetch(context, "SEED-CBC", nullptr);
        ERR_clear_error();
    }
};

const Context& context() {
    static const Context instance;
    return instance;
}

}  // namespace

OSSL_LIB_CTX* library_context() {
    return context().context;
}

Result<const EVP_CIPHER*> seed_cbc() {
    const EVP_CIPHER* seed = context().seed;
    if (seed == nullptr) {
        return fail(ErrorKind::internal,
                    "KEY_FILE_UNSUPPORTED",
                    "SEED is not available: OpenSSL's legacy provider could not be loaded "
                    "(SEED 암호를 쓸 수 없습니다)");
    }
    return seed;
}

}  // namespace dojang::keystore::detail
