// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/aead.hpp"

#include "dojang/crypto/openssl.hpp"

#include <climits>

namespace dojang::crypto {
namespace {

constexpr std::size_t key_size = 32;
constexpr std::size_t nonce_size = 12;  // NIST SP 800-38D 8.2: 96-bit random IVs
constexpr std::size_t tag_size = 16;

const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());  // NOLINT: byte view of text
}

}  // namespace

Result<Bytes> aead_seal(std::span<const std::uint8_t> key,
                        std::span<const std::uint8_t> plaintext,
                        std::string_view aad) {
    if (key.size() != key_size || plaintext.size() > INT_MAX / 2 || aad.size() > INT_MAX) {
        return fail(ErrorKind::invalid_request, "AEAD_INPUT_INVALID", "bad key or input size");
    }
    auto nonce = random_bytes(nonce_size);
    DOJANG_TRY(nonce);
    Bytes sealed(nonce_size + plaintext.size() + tag_size);
    std::copy(nonce->begin(), nonce->end(), sealed.begin());
    Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free> context(EVP_CIPHER_CTX_new());
    int length = 0;
    int final_length = 0;
    unsigned char* out = sealed.data() + nonce_size;
    if (!context ||
        EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce->data()) !=
            1 ||
        EVP_EncryptUpdate(
            context.get(), nullptr, &length, bytes_of(aad), static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(
            context.get(), out, &length, plaintext.data(), static_cast<int>(plaintext.size())) !=
            1 ||
        EVP_EncryptFinal_ex(context.get(), out + length, &final_length) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(),
                            EVP_CTRL_GCM_GET_TAG,
                            static_cast<int>(tag_size),
                            sealed.data() + nonce_size + plaintext.size()) != 1) {
        return openssl_failure(ErrorKind::internal, "AEAD_SEAL_FAILED", "encryption failed");
    }
    return sealed;
}

Result<SecretBytes> aead_open(std::span<const std::uint8_t> key,
                              std::span<const std::uint8_t> sealed,
                              std::string_view aad) {
    if (key.size() != key_size || sealed.size() < nonce_size + tag_size ||
        sealed.size() > INT_MAX / 2 || aad.size() > INT_MAX) {
        return fail(ErrorKind::internal, "AEAD_OPEN_FAILED", "sealed value is damaged");
    }
    const std::size_t text_size = sealed.size() - nonce_size - tag_size;
    std::vector<std::uint8_t> plain(text_size);
    Bytes tag(sealed.end() - static_cast<std::ptrdiff_t>(tag_size), sealed.end());
    Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free> context(EVP_CIPHER_CTX_new());
    int length = 0;
    int final_length = 0;
    const bool opened =
        context &&
        EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), sealed.data()) ==
            1 &&
        EVP_DecryptUpdate(
            context.get(), nullptr, &length, bytes_of(aad), static_cast<int>(aad.size())) == 1 &&
        EVP_DecryptUpdate(context.get(),
                          plain.data(),
                          &length,
                          sealed.data() + nonce_size,
                          static_cast<int>(text_size)) == 1 &&
        EVP_CIPHER_CTX_ctrl(
            context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data()) == 1 &&
        EVP_DecryptFinal_ex(context.get(), plain.data() + length, &final_length) == 1;
    if (!opened) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return openssl_failure(
            ErrorKind::internal, "AEAD_OPEN_FAILED", "sealed value is damaged or the key is wrong");
    }
    return SecretBytes(std::move(plain));
}

}  // namespace dojang::crypto
