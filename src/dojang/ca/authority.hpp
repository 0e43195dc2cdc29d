// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/crypto/keys.hpp"
#include "dojang/pkix/pkix.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace dojang::ca {

/// A certificate authority this server operates: its certificate, its chain and its key.
struct Authority {
    std::string name;  ///< Short name used in URLs: "issuing" → /crl/issuing.crl
    pkix::Certificate certificate;
    std::vector<pkix::Certificate> chain;  ///< Issuers above it, nearest first (may be empty).
    crypto::Signer signer;
};

/// Where relying parties find status and issuer certificates (RFC 5280 4.2.1.13, 4.2.2.1).
struct Endpoints {
    std::string base_url;  ///< "http://127.0.0.1:8080"

    [[nodiscard]] std::string crl_url(const std::string& ca) const {
        return base_url + "/crl/" + ca + ".crl";
    }
    [[nodiscard]] std::string ocsp_url() const { return base_url + "/ocsp"; }
    [[nodiscard]] std::string ca_issuers_url(const std::string& ca) const {
        return base_url + "/ca/" + ca + ".crt";
    }
};

/// What a CA certificate should say.
struct CaCertificateSpec {
    std::string subject;  ///< "C=KR,O=dojang,CN=dojang Root CA"
    std::chrono::days validity{3650};
    int path_length = -1;  ///< -1: no pathLenConstraint
};

/// A self-signed root certificate for `key`.
Result<pkix::Certificate> make_root_certificate(const crypto::Signer& key,
                                                const CaCertificateSpec& spec,
                                                Seconds now);

/// A subordinate CA certificate for `public_key`, signed by `parent`, with CRL DP and AIA
/// pointing at the parent's endpoints.
Result<pkix::Certificate> make_subordinate_certificate(const Authority& parent,
                                                       EVP_PKEY* public_key,
                                                       const CaCertificateSpec& spec,
                                                       const Endpoints& endpoints,
                                                       Seconds now);

/// A delegated OCSP responder certificate (RFC 6960 4.2.2.2: id-kp-OCSPSigning, issued by the
/// CA itself) carrying id-pkix-ocsp-nocheck (4.2.2.2.1).
Result<pkix::Certificate> make_ocsp_responder_certificate(const Authority& issuer,
                                                          EVP_PKEY* public_key,
                                                          const std::string& subject,
                                                          std::chrono::days validity,
                                                          Seconds now);

/// The CMP server's signing certificate (RFC 9483 3.1: responses to signature-protected
/// requests are signed by the CA or an RA): end entity, digitalSignature, id-kp-cmcRA
/// (RFC 6402 2.10), issued by `issuer`.
Result<pkix::Certificate> make_cmp_server_certificate(const Authority& issuer,
                                                      EVP_PKEY* public_key,
                                                      const std::string& subject,
                                                      std::chrono::days validity,
                                                      Seconds now);

/// The CA's VID encryption certificate (korea.md, EncryptedVID): the Korean CMP clients
/// encrypt the holder's VID and R to it with RSAES-PKCS1-v1_5. End entity, keyEncipherment
/// only, issued by `issuer`; `public_key` must be RSA (invalid_request otherwise).
Result<pkix::Certificate> make_vid_encryption_certificate(const Authority& issuer,
                                                          EVP_PKEY* public_key,
                                                          const std::string& subject,
                                                          std::chrono::days validity,
                                                          Seconds now);

/// What `dojangd init` creates: a root, an issuing CA under it and a delegated OCSP responder.
struct HierarchySpec {
    crypto::KeyAlgorithm ca_key = crypto::KeyAlgorithm::rsa2048;
    crypto::KeyAlgorithm responder_key = crypto::KeyAlgorithm::p256;
    std::string root_subject = "C=KR,O=dojang,CN=dojang Root CA";
    std::string issuing_subject = "C=KR,O=dojang,OU=AccreditedCA,CN=dojang Class 1 CA";
    std::string responder_subject = "C=KR,O=dojang,CN=dojang OCSP Responder";
    std::chrono::days root_validity{3650 * 2};
    std::chrono::days issuing_validity{3650};
    std::chrono::days responder_validity{365};
    Endpoints endpoints;
};

/// The generated hierarchy; the caller stores the keys (encrypted) and certificates.
struct Hierarchy {
    Authority root;
    Authority issuing;
    pkix::Certificate responder_certificate;
    crypto::Signer responder;
};

/// Generates keys and certificates for a new hierarchy.
Result<Hierarchy> create_hierarchy(const HierarchySpec& spec, Seconds now);

/// A serial number of 127 CSPRNG bits (positive, 16 octets), as quality-bar.md requires.
Result<SerialNumber> random_serial();

}  // namespace dojang::ca
