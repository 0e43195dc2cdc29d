// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/pkix/pkix.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace dojang::policy {

/// A certificate profile: what an end-entity certificate of one kind looks like.
/// Defaults match the Korean joint certificates of korea.md ("Certificate profile").
struct Profile {
    std::string name;          ///< "individual", "corporate"
    std::string display_name;  ///< "개인 (individual)"
    std::string policy_oid;    ///< certificatePolicies OID (the operator's own arc)
    std::string cps_uri;       ///< CPS qualifier
    std::string user_notice;   ///< userNotice explicitText (UTF8String)
    std::chrono::days validity{365};
    /// keyUsage (critical): OpenSSL names, e.g. digitalSignature, nonRepudiation.
    std::vector<std::string> key_usage{"digitalSignature", "nonRepudiation"};
    bool allow_rsa = true;
    bool allow_ec = false;  ///< ECDSA P-256/P-384 subject keys, when the operator enables them
    int min_rsa_bits = 2048;
    int max_rsa_bits = 8192;
    /// Subject attributes a request may carry (short names); CN is always required.
    std::vector<std::string> allowed_subject{"C", "O", "OU", "CN", "serialNumber"};
};

/// The two profiles every installation has, under `policy_arc` (e.g. "1.2.410.200005").
std::vector<Profile> built_in_profiles(const std::string& policy_arc, const std::string& base_url);

/// Checks a request's key, proof of possession and subject against a profile. Returns every
/// violation found (empty when acceptable); `subject` is the name that will be certified.
std::vector<Violation> check_request(const pkix::Csr& csr,
                                     const X509_NAME* subject,
                                     const Profile& profile);

/// Checks a public key and subject against a profile, for requests whose proof of possession
/// was verified elsewhere (CMP: OpenSSL checks the CRMF POP). Returns every violation found.
std::vector<Violation> check_key_and_subject(EVP_PKEY* key,
                                             const X509_NAME* subject,
                                             const Profile& profile);

/// Wraps violations into one Error: bad_proof_of_possession when the only problem is the
/// signature, policy_rejected otherwise.
Error rejection(std::vector<Violation> violations);

}  // namespace dojang::policy
