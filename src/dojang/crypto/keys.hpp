// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/secret.hpp"
#include "dojang/crypto/openssl.hpp"

#include <string>
#include <string_view>

namespace dojang::crypto {

/// Key algorithms dojang generates and accepts for CA keys.
enum class KeyAlgorithm { rsa2048, rsa3072, rsa4096, p256, p384 };

/// Parses "rsa2048", "rsa3072", "rsa4096", "p256", "p384".
Result<KeyAlgorithm> key_algorithm_from_string(std::string_view text);
std::string_view to_string(KeyAlgorithm algorithm);

/// Generates a fresh key pair.
Result<PkeyPtr> generate_key(KeyAlgorithm algorithm);

/// PEM PKCS#8 EncryptedPrivateKeyInfo: PBES2, PBKDF2-HMAC-SHA256 with `iterations`, AES-256-CBC.
Result<std::string> encrypt_private_key_pem(const EVP_PKEY* key,
                                            const SecretBytes& passphrase,
                                            int iterations = 600000);

/// DER PKCS#8 EncryptedPrivateKeyInfo of `info` (attributes such as the Korean randomNum are
/// kept): PBES2, PBKDF2-HMAC-SHA256 with `iterations`, AES-256-CBC, fresh 16-byte salt and IV.
Result<Bytes> encrypt_pkcs8_der(const PKCS8_PRIV_KEY_INFO* info,
                                const SecretBytes& passphrase,
                                int iterations = 600000);

/// Owned PKCS#8 PrivateKeyInfo.
using Pkcs8Ptr = Owned<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;

/// Iterations above this are refused before any work (a hostile file must not make us spin).
constexpr long max_pbkdf2_iterations = 10'000'000;

/// Decrypts a DER EncryptedPrivateKeyInfo protected with PBES2/PBKDF2 (the Korean SEED forms
/// are read by the holder's key store). A wrong password is `unauthenticated`
/// WRONG_PASSWORD; a malformed file `invalid_request` KEY_FILE_MALFORMED; too many iterations
/// `invalid_request` KEY_FILE_ITERATIONS.
Result<Pkcs8Ptr> decrypt_pkcs8_der(const Bytes& der,
                                   const SecretBytes& passphrase,
                                   long max_iterations = max_pbkdf2_iterations);

/// Reads an encrypted PEM private key; a wrong passphrase is `unauthenticated` with code
/// WRONG_PASSPHRASE (never distinguished from a corrupt file, as both look the same).
Result<PkeyPtr> decrypt_private_key_pem(const std::string& pem, const SecretBytes& passphrase);

/// The public key as SubjectPublicKeyInfo DER.
Result<Bytes> public_key_der(const EVP_PKEY* key);

/// Signs with a private key held by this process (a file key). PKCS#11 comes later behind the
/// same interface. Thread-safe: OpenSSL key objects may be shared for signing.
class Signer {
public:
    explicit Signer(PkeyPtr key) : key_(std::move(key)) {}
    /// The key for OpenSSL calls that sign (X509_sign, X509_CRL_sign, OCSP_basic_sign).
    [[nodiscard]] EVP_PKEY* key() const { return key_.get(); }
    /// The digest used with this key (SHA-256, or SHA-384 for P-384).
    [[nodiscard]] const EVP_MD* digest() const;

private:
    PkeyPtr key_;
};

}  // namespace dojang::crypto
