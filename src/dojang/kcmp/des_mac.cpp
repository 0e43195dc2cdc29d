// SPDX-License-Identifier: Apache-2.0
#include "dojang/kcmp/des_mac.hpp"

#include "dojang/crypto/digest.hpp"
#include "dojang/crypto/legacy.hpp"
#include "dojang/crypto/openssl.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

namespace dojang::kcmp {

namespace {

using CipherPtr = crypto::Owned<EVP_CIPHER, EVP_CIPHER_free>;
using CipherContextPtr = crypto::Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

constexpr std::size_t block = 8;

Error des_unavailable() {
    ERR_clear_error();
    return Error{ErrorKind::internal,
                 "DES_UNAVAILABLE",
                 "DES is not available: OpenSSL's legacy provider could not be loaded (DES "
                 "암호를 쓸 수 없습니다)",
                 {},
                 {}};
}

}  // namespace

Result<Bytes> des_mac_key(const Bytes& salt, const SecretBytes& secret, std::uint32_t iterations) {
    if (iterations == 0 || iterations > max_iterations) {
        return fail(ErrorKind::invalid_request,
                    "PBM_INVALID",
                    "PasswordBasedMac iterationCount " + std::to_string(iterations) +
                        " is outside 1.." + std::to_string(max_iterations));
    }
    Bytes input = salt;
    const auto password = secret.bytes();
    input.insert(input.end(), password.begin(), password.end());
    Bytes digest = crypto::sha1(input);
    OPENSSL_cleanse(input.data(), input.size());
    for (std::uint32_t i = 1; i < iterations; ++i) {
        digest = crypto::sha1(digest);
    }
    if (digest.size() < block) {
        return fail(ErrorKind::internal, "DIGEST_FAILED", "SHA-1 failed");
    }
    digest.resize(block);
    return digest;
}

Result<Bytes> des_mac(const Bytes& key, const Bytes& data) {
    if (key.size() != block) {
        return fail(ErrorKind::invalid_request, "PBM_INVALID", "a desMAC key is 8 bytes");
    }
    OSSL_LIB_CTX* context = crypto::legacy_context();
    CipherPtr cipher(context == nullptr ? nullptr : EVP_CIPHER_fetch(context, "DES-CBC", nullptr));
    CipherContextPtr state(EVP_CIPHER_CTX_new());
    if (!cipher || !state) {
        return tl::unexpected(des_unavailable());
    }
    // 1 to 8 zero bytes, always: the padding Korean clients use (never PKCS#7).
    Bytes padded = data;
    padded.resize((data.size() / block + 1) * block, 0);
    const Bytes iv(block, 0);
    Bytes out(padded.size() + block);
    int written = 0;
    int finished = 0;
    if (EVP_EncryptInit_ex2(state.get(), cipher.get(), key.data(), iv.data(), nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(state.get(), 0) != 1 ||
        EVP_EncryptUpdate(
            state.get(), out.data(), &written, padded.data(), static_cast<int>(padded.size())) !=
            1 ||
        EVP_EncryptFinal_ex(state.get(), out.data() + written, &finished) != 1 ||
        static_cast<std::size_t>(written + finished) != padded.size()) {
        return tl::unexpected(des_unavailable());
    }
    return Bytes(out.begin() + static_cast<std::ptrdiff_t>(padded.size() - block),
                 out.begin() + static_cast<std::ptrdiff_t>(padded.size()));
}

Result<bool> des_mac_matches(const Bytes& key, const Bytes& data, const Bytes& mac) {
    auto expected = des_mac(key, data);
    DOJANG_TRY(expected);
    return crypto::constant_time_equal(*expected, mac);
}

}  // namespace dojang::kcmp
