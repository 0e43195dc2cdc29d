// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/openssl.hpp"

#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <climits>

namespace dojang::crypto {

Error openssl_error(ErrorKind kind, std::string code, std::string what) {
    std::string cause;
    unsigned long err = 0;
    while ((err = ERR_get_error()) != 0) {
        char buffer[256];  // NOLINT: ERR_error_string_n writes into a C array
        ERR_error_string_n(err, buffer, sizeof buffer);
        if (!cause.empty()) {
            cause += "; ";
        }
        cause += buffer;
    }
    ERR_clear_error();
    return Error{kind, std::move(code), std::move(what), std::move(cause), {}};
}

tl::unexpected<Error> openssl_failure(ErrorKind kind, std::string code, std::string what) {
    return tl::unexpected<Error>(openssl_error(kind, std::move(code), std::move(what)));
}

BioPtr memory_bio(const Bytes& bytes) {
    return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

Bytes bio_bytes(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    if (length <= 0 || data == nullptr) {
        return {};
    }
    return Bytes(data, data + length);
}

Bytes sha256(std::span<const std::uint8_t> data) {
    Bytes digest(SHA256_DIGEST_LENGTH);
    EVP_Digest(data.data(), data.size(), digest.data(), nullptr, EVP_sha256(), nullptr);
    return digest;
}

Bytes sha1(std::span<const std::uint8_t> data) {
    Bytes digest(SHA_DIGEST_LENGTH);
    EVP_Digest(data.data(), data.size(), digest.data(), nullptr, EVP_sha1(), nullptr);
    return digest;
}

Result<Bytes> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    Bytes mac(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    if (key.size() > INT_MAX || HMAC(EVP_sha256(),
                                     key.data(),
                                     static_cast<int>(key.size()),
                                     data.data(),
                                     data.size(),
                                     mac.data(),
                                     &length) == nullptr) {
        return openssl_failure(ErrorKind::internal, "HMAC_FAILED", "HMAC-SHA256 failed");
    }
    mac.resize(length);
    return mac;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Bytes> random_bytes(std::size_t count) {
    Bytes bytes(count);
    if (count > INT_MAX || RAND_bytes(bytes.data(), static_cast<int>(count)) != 1) {
        return openssl_failure(ErrorKind::internal, "RANDOM_FAILED", "the CSPRNG failed");
    }
    return bytes;
}

Result<std::string> random_digits(std::size_t count) {
    std::string digits;
    while (digits.size() < count) {
        auto bytes = random_bytes(count * 2);
        DOJANG_TRY(bytes);
        for (const auto byte : *bytes) {
            if (byte < 250 && digits.size() < count) {
                digits.push_back(static_cast<char>('0' + byte % 10));
            }
        }
    }
    return digits;
}

}  // namespace dojang::crypto
