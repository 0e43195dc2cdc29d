// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/crypto/keys.hpp"
#include "dojang/keystore/key_file.hpp"

#include <openssl/x509.h>

#include <string>
#include <vector>

namespace dojang::keystore {

/// Options of export_pkcs12().
struct Pkcs12Options {
    /// PBKDF2 iterations for the key and certificate bags and the MAC.
    int iterations = default_pbes2_iterations;
    /// friendlyName of the key and certificate bags (UTF-8); none when empty.
    std::string friendly_name;
};

/// A PKCS#12 file (.pfx/.p12): the key with its PKCS#8 attributes (randomNum, R, among them) in
/// a PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) shrouded key bag, the certificate and `chain` in a
/// PBES2-encrypted safe, an HMAC-SHA256 MAC, all with `options.iterations`.
Result<Bytes> export_pkcs12(const PKCS8_PRIV_KEY_INFO* key,
                            X509* certificate,
                            const std::vector<X509*>& chain,
                            const SecretBytes& password,
                            const Pkcs12Options& options = {});

/// What a PKCS#12 file holds.
struct Pkcs12Contents {
    crypto::Pkcs8Ptr key;                ///< With its PKCS#8 attributes (randomNum kept).
    crypto::X509Ptr certificate;         ///< The certificate of `key`.
    std::vector<crypto::X509Ptr> chain;  ///< Every other certificate.
};

/// Reads a DER PKCS#12 file. Every iteration count (MAC, safes, key bags) is checked against
/// `max_iterations` before any derivation. Errors: invalid_request PKCS12_MALFORMED,
/// PKCS12_NO_KEY, PKCS12_NO_CERTIFICATE, KEY_FILE_ITERATIONS, KEY_FILE_UNSUPPORTED;
/// unauthenticated WRONG_PASSWORD (a bad MAC or a key bag that does not decrypt).
Result<Pkcs12Contents> import_pkcs12(const Bytes& der,
                                     const SecretBytes& password,
                                     long max_iterations = crypto::max_pbkdf2_iterations);

}  // namespace dojang::keystore
