// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/crypto/keys.hpp"

#include <openssl/x509.h>

#include <optional>
#include <string>

namespace dojang::keystore {

/// The encryptions of a `signPri.key` (korea.md, "Private key files").
enum class KeyFileFormat {
    seed_cbc_with_sha1,  ///< 1.2.410.200004.1.15: PBKDF1-SHA1, SEED-CBC.
    seed_direct,         ///< 1.2.410.200004.1.4 as the outer algorithm: PBKDF1-SHA1, fixed IV.
    pbes2_seed,          ///< PBES2: PBKDF2 + SEED-CBC.
    pbes2_aes,           ///< PBES2: PBKDF2 + AES-CBC (what dojang writes).
    pkcs12_pbe,          ///< A PKCS#12 PBE (3DES/RC2 with the PKCS#12 KDF), seen inside .pfx.
};

/// Stable text of a format ("seedCBCWithSHA1", "PBES2/AES-256-CBC", ...).
std::string to_string(KeyFileFormat format);

/// What a key file's header says, read without the password.
struct KeyFileInfo {
    KeyFileFormat format = KeyFileFormat::pbes2_aes;
    long iterations = 0;
    std::string prf;     ///< PBKDF2 PRF short name ("hmacWithSHA256"), empty for PBKDF1.
    std::string cipher;  ///< Cipher short name ("AES-256-CBC", "SEED-CBC").
    /// Bytes after the EncryptedPrivateKeyInfo, ignored (left by tools that rewrite a key file
    /// in place without truncating it).
    std::size_t trailing_bytes = 0;

    /// Whether dojang would re-encrypt it: SEED with PBKDF1 or SHA-1, or < 600,000 iterations.
    [[nodiscard]] bool is_weak() const;
};

/// Iterations dojang writes with PBES2 by default (OWASP 2023 for PBKDF2-HMAC-SHA256).
inline constexpr int default_pbes2_iterations = 600'000;
/// Iterations of the legacy seedCBCWithSHA1 form, as yessign writes it.
inline constexpr int legacy_seed_iterations = 2048;

/// Reads the header of a DER EncryptedPrivateKeyInfo.
/// invalid_request KEY_FILE_MALFORMED (not EncryptedPrivateKeyInfo, bad parameters),
/// KEY_FILE_UNSUPPORTED (an algorithm dojang does not read), KEY_FILE_ITERATIONS (more than
/// `max_iterations`, or fewer than 1).
Result<KeyFileInfo> inspect_key_file(const Bytes& der,
                                     long max_iterations = crypto::max_pbkdf2_iterations);

/// The key file without the bytes that follow its EncryptedPrivateKeyInfo (what dojang keeps
/// of a file that had some). Errors as inspect_key_file().
Result<Bytes> without_trailing_bytes(const Bytes& der,
                                     long max_iterations = crypto::max_pbkdf2_iterations);

/// A decrypted key file: the PKCS#8 PrivateKeyInfo with its attributes (randomNum kept).
struct DecryptedKey {
    crypto::Pkcs8Ptr info;
    KeyFileInfo file;
};

/// Decrypts a key file in any format of KeyFileFormat. The iteration count is checked before
/// any key derivation. A wrong password (bad padding, or a plaintext that is not a PKCS#8
/// PrivateKeyInfo) is always unauthenticated WRONG_PASSWORD, whatever the cause; other errors
/// as inspect_key_file().
Result<DecryptedKey> read_key_file(const Bytes& der,
                                   const SecretBytes& password,
                                   long max_iterations = crypto::max_pbkdf2_iterations);

/// How to encrypt a key file.
enum class KeyFileEncryption {
    pbes2_aes256,     ///< PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, 16-byte salt (default).
    legacy_seed_cbc,  ///< seedCBCWithSHA1, 8-byte salt, for clients that read nothing else.
};

/// Options of encrypt_key_file(); iterations 0 means the default of the encryption.
struct KeyFileOptions {
    KeyFileEncryption encryption = KeyFileEncryption::pbes2_aes256;
    int iterations = 0;
};

/// DER EncryptedPrivateKeyInfo of `info`, attributes (randomNum) included.
Result<Bytes> encrypt_key_file(const PKCS8_PRIV_KEY_INFO* info,
                               const SecretBytes& password,
                               const KeyFileOptions& options = {});

/// R (randomNum) of a decrypted key, if it carries one.
Result<std::optional<Bytes>> random_num_of(const DecryptedKey& key);

/// The EVP_PKEY of a decrypted key; invalid_request KEY_UNSUPPORTED when OpenSSL cannot use it.
Result<crypto::PkeyPtr> private_key_of(const PKCS8_PRIV_KEY_INFO* info);

/// Whether the private key belongs to the certificate's public key.
bool key_matches_certificate(const PKCS8_PRIV_KEY_INFO* info, X509* certificate);

namespace detail {

/// Checks the iteration count of a password-based encryption AlgorithmIdentifier (PBES2 with
/// PBKDF2, PKCS#12 PBE, the Korean SEED forms) and returns what it found.
Result<KeyFileInfo> inspect_algorithm(const X509_ALGOR* algorithm, long max_iterations);

/// Decrypts an X509_SIG that inspect_algorithm() accepted.
Result<crypto::Pkcs8Ptr> decrypt(const X509_SIG* encrypted,
                                 const KeyFileInfo& info,
                                 const SecretBytes& password);

}  // namespace detail
}  // namespace dojang::keystore
