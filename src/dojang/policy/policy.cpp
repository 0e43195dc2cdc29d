// SPDX-License-Identifier: Apache-2.0
#include "dojang/policy/policy.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <algorithm>

namespace dojang::policy {
namespace {

constexpr int max_common_name_chars = 64;  // RFC 5280 Appendix A.1

void check_rsa(EVP_PKEY* key, const Profile& profile, std::vector<Violation>& violations) {
    if (!profile.allow_rsa) {
        violations.push_back({"KEY_TYPE_UNSUPPORTED", "RSA keys are not allowed by this profile"});
        return;
    }
    const int bits = EVP_PKEY_get_bits(key);
    if (bits < profile.min_rsa_bits) {
        violations.push_back({"RSA_KEY_TOO_SMALL",
                              "RSA key of " + std::to_string(bits) + " bits; at least " +
                                  std::to_string(profile.min_rsa_bits) + " are required"});
    } else if (bits > profile.max_rsa_bits) {
        violations.push_back({"RSA_KEY_TOO_LARGE",
                              "RSA key of " + std::to_string(bits) + " bits; at most " +
                                  std::to_string(profile.max_rsa_bits) + " are allowed"});
    }
    if (bits % 8 != 0) {
        violations.push_back(
            {"RSA_KEY_SIZE_NOT_MULTIPLE_OF_8",
             "RSA modulus of " + std::to_string(bits) + " bits is not a multiple of 8"});
    }
    BIGNUM* exponent = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &exponent) != 1 ||
        BN_is_word(exponent, 65537) != 1) {
        violations.push_back({"RSA_EXPONENT_NOT_65537", "the RSA public exponent must be 65537"});
    }
    BN_free(exponent);
}

void check_ec(EVP_PKEY* key, const Profile& profile, std::vector<Violation>& violations) {
    if (!profile.allow_ec) {
        violations.push_back(
            {"KEY_TYPE_UNSUPPORTED", "ECDSA keys are not allowed by this profile; use RSA-2048"});
        return;
    }
    char curve[64] = {};  // NOLINT: OpenSSL fills a C string
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(
            key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &length) != 1) {
        violations.push_back({"EC_CURVE_UNSUPPORTED", "the EC key names no curve"});
        return;
    }
    const int nid = OBJ_txt2nid(curve);
    if (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1) {
        violations.push_back(
            {"EC_CURVE_UNSUPPORTED",
             std::string("curve ") + curve + " is not allowed; use P-256 or P-384"});
        return;
    }
    // The point must be on the curve and not the point at infinity (SP 800-56A 5.6.2.3.3).
    crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) {
        violations.push_back({"EC_POINT_INVALID", "the EC public key is not a valid curve point"});
    }
    ERR_clear_error();
}

void check_subject(const X509_NAME* subject,
                   const Profile& profile,
                   std::vector<Violation>& violations) {
    bool has_common_name = false;
    const int count = X509_NAME_entry_count(subject);
    for (int i = 0; i < count; ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
        const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
        const char* short_name = nid == NID_undef ? "unknown" : OBJ_nid2sn(nid);
        if (std::find(profile.allowed_subject.begin(), profile.allowed_subject.end(), short_name) ==
            profile.allowed_subject.end()) {
            violations.push_back({"SUBJECT_ATTRIBUTE_NOT_ALLOWED",
                                  std::string("subject attribute ") + short_name +
                                      " is not allowed by profile " + profile.name});
        }
        if (nid == NID_commonName) {
            has_common_name = true;
            const ASN1_STRING* value = X509_NAME_ENTRY_get_data(entry);
            unsigned char* utf8 = nullptr;
            const int chars = ASN1_STRING_to_UTF8(&utf8, value);
            OPENSSL_free(utf8);
            if (chars < 0) {
                violations.push_back({"SUBJECT_CN_INVALID", "the common name is not valid text"});
            } else if (chars == 0) {
                violations.push_back({"SUBJECT_MISSING_CN", "the common name is empty"});
            } else if (ASN1_STRING_length(value) > max_common_name_chars * 4) {
                violations.push_back(
                    {"SUBJECT_CN_TOO_LONG", "the common name is longer than 64 characters"});
            }
        }
        if (nid == NID_countryName) {
            const ASN1_STRING* value = X509_NAME_ENTRY_get_data(entry);
            if (ASN1_STRING_length(value) != 2) {
                violations.push_back(
                    {"SUBJECT_COUNTRY_INVALID", "countryName must be two letters"});
            }
        }
    }
    if (!has_common_name) {
        violations.push_back({"SUBJECT_MISSING_CN", "the subject has no common name (CN)"});
    }
}

}  // namespace

std::vector<Profile> built_in_profiles(const std::string& policy_arc, const std::string& base_url) {
    Profile individual;
    individual.name = "individual";
    individual.display_name = "개인 (individual)";
    individual.policy_oid = policy_arc + ".1.1.1";
    individual.cps_uri = base_url + "/cps";
    individual.user_notice = "이 인증서는 공동인증서입니다 (dojang individual certificate)";
    Profile corporate = individual;
    corporate.name = "corporate";
    corporate.display_name = "법인 (corporate)";
    corporate.policy_oid = policy_arc + ".1.1.5";
    corporate.user_notice = "이 인증서는 법인용 공동인증서입니다 (dojang corporate certificate)";
    return {individual, corporate};
}

std::vector<Violation> check_request(const pkix::Csr& csr,
                                     const X509_NAME* subject,
                                     const Profile& profile) {
    std::vector<Violation> violations;
    if (!csr.has_valid_signature()) {
        violations.push_back({"CSR_SIGNATURE_INVALID",
                              "the request's signature does not verify with its own public key "
                              "(proof of possession failed)"});
    }
    auto rest = check_key_and_subject(csr.public_key(), subject, profile);
    violations.insert(violations.end(), rest.begin(), rest.end());
    return violations;
}

std::vector<Violation> check_key_and_subject(EVP_PKEY* key,
                                             const X509_NAME* subject,
                                             const Profile& profile) {
    std::vector<Violation> violations;
    if (key == nullptr) {
        violations.push_back({"KEY_TYPE_UNSUPPORTED", "the request carries no usable public key"});
    } else if (EVP_PKEY_is_a(key, "RSA") == 1) {
        check_rsa(key, profile, violations);
    } else if (EVP_PKEY_is_a(key, "EC") == 1) {
        check_ec(key, profile, violations);
    } else {
        violations.push_back({"KEY_TYPE_UNSUPPORTED",
                              std::string("key type ") + EVP_PKEY_get0_type_name(key) +
                                  " is not supported; use RSA-2048"});
    }
    check_subject(subject, profile, violations);
    return violations;
}

Error rejection(std::vector<Violation> violations) {
    const bool only_pop =
        violations.size() == 1 && violations.front().code == "CSR_SIGNATURE_INVALID";
    Error error{only_pop ? ErrorKind::bad_proof_of_possession : ErrorKind::policy_rejected,
                only_pop ? "BAD_PROOF_OF_POSSESSION" : "POLICY_REJECTED",
                "the certificate request does not meet the profile",
                {},
                std::move(violations)};
    return error;
}

}  // namespace dojang::policy
