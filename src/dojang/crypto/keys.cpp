// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/keys.hpp"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <climits>
#include <utility>

namespace dojang::crypto {
namespace {

constexpr std::array<std::pair<KeyAlgorithm, std::string_view>, 5> algorithm_names{{
    {KeyAlgorithm::rsa2048, "rsa2048"},
    {KeyAlgorithm::rsa3072, "rsa3072"},
    {KeyAlgorithm::rsa4096, "rsa4096"},
    {KeyAlgorithm::p256, "p256"},
    {KeyAlgorithm::p384, "p384"},
}};

}  // namespace

Result<KeyAlgorithm> key_algorithm_from_string(std::string_view text) {
    for (const auto& [algorithm, name] : algorithm_names) {
        if (name == text) {
            return algorithm;
        }
    }
    return fail(ErrorKind::invalid_request,
                "KEY_ALGORITHM_UNKNOWN",
                "unknown key algorithm '" + std::string(text) +
                    "'; use rsa2048, rsa3072, rsa4096, p256 or p384");
}

std::string_view to_string(KeyAlgorithm algorithm) {
    for (const auto& [known, name] : algorithm_names) {
        if (known == algorithm) {
            return name;
        }
    }
    return "rsa2048";
}

Result<PkeyPtr> generate_key(KeyAlgorithm algorithm) {
    EVP_PKEY* key = nullptr;
    switch (algorithm) {
        case KeyAlgorithm::rsa2048:
            key = EVP_RSA_gen(2048);
            break;
        case KeyAlgorithm::rsa3072:
            key = EVP_RSA_gen(3072);
            break;
        case KeyAlgorithm::rsa4096:
            key = EVP_RSA_gen(4096);
            break;
        case KeyAlgorithm::p256:
            key = EVP_EC_gen("P-256");
            break;
        case KeyAlgorithm::p384:
            key = EVP_EC_gen("P-384");
            break;
    }
    if (key == nullptr) {
        return openssl_failure(ErrorKind::internal, "KEYGEN_FAILED", "key generation failed");
    }
    return PkeyPtr(key);
}

namespace {

using SigPtr = Owned<X509_SIG, X509_SIG_free>;

Result<SigPtr> encrypt_pkcs8(const PKCS8_PRIV_KEY_INFO* info,
                             const SecretBytes& passphrase,
                             int iterations) {
    if (passphrase.size() > INT_MAX) {
        return fail(ErrorKind::invalid_request, "PASSPHRASE_TOO_LONG", "passphrase too long");
    }
    // RFC 8018 PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, a fresh 16-byte salt (NIST SP
    // 800-132 asks for at least 128 bits; OpenSSL's default is 8 bytes) and a fresh IV.
    auto salt = random_bytes(16);
    DOJANG_TRY(salt);
    Owned<X509_ALGOR, X509_ALGOR_free> pbe(PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(),
                                                                iterations,
                                                                salt->data(),
                                                                static_cast<int>(salt->size()),
                                                                nullptr,
                                                                NID_hmacWithSHA256,
                                                                nullptr));
    if (!pbe) {
        return openssl_failure(ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "PBES2 setup failed");
    }
    // PKCS8_set0_pbe only reads the key info (its prototype predates const).
    SigPtr encrypted(PKCS8_set0_pbe(passphrase.chars(),
                                    static_cast<int>(passphrase.size()),
                                    const_cast<PKCS8_PRIV_KEY_INFO*>(info),  // NOLINT
                                    pbe.get()));
    if (!encrypted) {
        return openssl_failure(
            ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "key encryption failed");
    }
    pbe.release();  // owned by `encrypted` now
    return encrypted;
}

}  // namespace

Result<Bytes> encrypt_pkcs8_der(const PKCS8_PRIV_KEY_INFO* info,
                                const SecretBytes& passphrase,
                                int iterations) {
    auto encrypted = encrypt_pkcs8(info, passphrase, iterations);
    DOJANG_TRY(encrypted);
    return to_der(encrypted->get(), i2d_X509_SIG);
}

Result<std::string> encrypt_private_key_pem(const EVP_PKEY* key,
                                            const SecretBytes& passphrase,
                                            int iterations) {
    Pkcs8Ptr info(EVP_PKEY2PKCS8(key));
    if (!info) {
        return openssl_failure(ErrorKind::internal, "KEY_ENCODING_FAILED", "cannot encode the key");
    }
    auto encrypted = encrypt_pkcs8(info.get(), passphrase, iterations);
    DOJANG_TRY(encrypted);
    BioPtr out(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PKCS8(out.get(), encrypted->get()) != 1) {
        return openssl_failure(ErrorKind::internal, "KEY_ENCODING_FAILED", "cannot write PEM");
    }
    const Bytes pem = bio_bytes(out.get());
    return std::string(pem.begin(), pem.end());
}

Result<Pkcs8Ptr> decrypt_pkcs8_der(const Bytes& der,
                                   const SecretBytes& passphrase,
                                   long max_iterations) {
    const unsigned char* cursor = der.data();
    SigPtr encrypted(d2i_X509_SIG(nullptr, &cursor, static_cast<long>(der.size())));
    if (!encrypted || cursor != der.data() + der.size()) {
        return openssl_failure(ErrorKind::invalid_request,
                               "KEY_FILE_MALFORMED",
                               "the key file is not a PKCS#8 EncryptedPrivateKeyInfo");
    }
    const X509_ALGOR* algorithm = nullptr;
    X509_SIG_get0(encrypted.get(), &algorithm, nullptr);
    const ASN1_OBJECT* oid = nullptr;
    int type = 0;
    const void* parameter = nullptr;
    X509_ALGOR_get0(&oid, &type, &parameter, algorithm);
    if (OBJ_obj2nid(oid) != NID_pbes2 || type != V_ASN1_SEQUENCE) {
        return fail(ErrorKind::invalid_request,
                    "KEY_FILE_UNSUPPORTED",
                    "the key file is not PBES2-encrypted");
    }
    // RFC 8018 A.4: PBES2-params; the KDF must be PBKDF2 with a sane iteration count.
    const auto* sequence = static_cast<const ASN1_STRING*>(parameter);
    cursor = ASN1_STRING_get0_data(sequence);
    Owned<PBE2PARAM, PBE2PARAM_free> pbe2(
        d2i_PBE2PARAM(nullptr, &cursor, ASN1_STRING_length(sequence)));
    if (!pbe2 || OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2 ||
        pbe2->keyfunc->parameter == nullptr || pbe2->keyfunc->parameter->type != V_ASN1_SEQUENCE) {
        return openssl_failure(
            ErrorKind::invalid_request, "KEY_FILE_MALFORMED", "bad PBES2 parameters");
    }
    const ASN1_STRING* kdf_parameters = pbe2->keyfunc->parameter->value.sequence;
    cursor = ASN1_STRING_get0_data(kdf_parameters);
    Owned<PBKDF2PARAM, PBKDF2PARAM_free> kdf(
        d2i_PBKDF2PARAM(nullptr, &cursor, ASN1_STRING_length(kdf_parameters)));
    const long iterations = kdf ? ASN1_INTEGER_get(kdf->iter) : -1;
    if (iterations < 1 || iterations > max_iterations) {
        return fail(ErrorKind::invalid_request,
                    "KEY_FILE_ITERATIONS",
                    "the key file asks for " + std::to_string(iterations) +
                        " PBKDF2 iterations; at most " + std::to_string(max_iterations) +
                        " are accepted");
    }
    Pkcs8Ptr info(
        PKCS8_decrypt(encrypted.get(), passphrase.chars(), static_cast<int>(passphrase.size())));
    if (!info) {
        // Bad padding and an unparsable result both mean a wrong password (korea.md).
        return openssl_failure(
            ErrorKind::unauthenticated, "WRONG_PASSWORD", "the password is not correct");
    }
    return info;
}

Result<PkeyPtr> decrypt_private_key_pem(const std::string& pem, const SecretBytes& passphrase) {
    const Bytes bytes(pem.begin(), pem.end());
    BioPtr in = memory_bio(bytes);
    // The passphrase is passed as the callback argument (a NUL-terminated copy).
    std::string terminated(passphrase.chars(), passphrase.size());
    EVP_PKEY* key = PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, terminated.data());
    OPENSSL_cleanse(terminated.data(), terminated.size());
    if (key == nullptr) {
        return openssl_failure(ErrorKind::unauthenticated,
                               "WRONG_PASSPHRASE",
                               "the private key could not be decrypted: wrong passphrase or "
                               "damaged key file");
    }
    return PkeyPtr(key);
}

Result<Bytes> public_key_der(const EVP_PKEY* key) {
    return to_der(key, i2d_PUBKEY);
}

const EVP_MD* Signer::digest() const {
    if (EVP_PKEY_is_a(key_.get(), "EC") && EVP_PKEY_get_bits(key_.get()) >= 384) {
        return EVP_sha384();
    }
    return EVP_sha256();
}

}  // namespace dojang::crypto
