// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/ids.hpp"
#include "dojang/crypto/keys.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dojang::ca {

/// An unsigned v3 certificate with serial, names, key and validity set.
Result<crypto::X509Ptr> new_certificate(const SerialNumber& serial,
                                        const X509_NAME* subject,
                                        const X509_NAME* issuer,
                                        EVP_PKEY* public_key,
                                        Seconds not_before,
                                        Seconds not_after);

/// The same for a key given as the SubjectPublicKeyInfo it came in (a CSR's, a CRMF
/// template's): copied as it is. X509_set_pubkey() would encode the key with OpenSSL 3.0's
/// encoders and decode it again, which costs more than the RSA signature.
Result<crypto::X509Ptr> new_certificate(const SerialNumber& serial,
                                        const X509_NAME* subject,
                                        const X509_NAME* issuer,
                                        const X509_PUBKEY* public_key,
                                        Seconds not_before,
                                        Seconds not_after);

/// Adds extensions written in OpenSSL's configuration syntax ("critical,CA:TRUE"), with
/// `issuer` as the issuer certificate for keyid lookups.
Result<void> add_extensions(X509* cert,
                            X509* issuer,
                            const std::vector<std::pair<int, std::string>>& extensions);

/// One extension in OpenSSL's configuration syntax, for reuse across many certificates.
Result<crypto::X509ExtPtr> make_extension(int nid, const std::string& value);

/// Fills in the TBS signature algorithm that `key` will use and returns the DER of the
/// TBSCertificate exactly as it will be signed (record-before-sign).
Result<Bytes> prepare_tbs(X509* cert, const crypto::Signer& key);

/// Signs the certificate (sets both signature algorithm fields and the signature).
Result<void> sign_certificate(X509* cert, const crypto::Signer& key);

}  // namespace dojang::ca
