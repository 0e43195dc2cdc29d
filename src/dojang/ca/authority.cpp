// SPDX-License-Identifier: Apache-2.0
#include "dojang/ca/authority.hpp"

#include "dojang/ca/x509_build.hpp"

namespace dojang::ca {
namespace {

Result<crypto::X509Ptr> ca_skeleton(const CaCertificateSpec& spec,
                                    const X509_NAME* issuer,
                                    EVP_PKEY* public_key,
                                    Seconds now) {
    auto subject = pkix::parse_name(spec.subject);
    DOJANG_TRY(subject);
    auto serial = random_serial();
    DOJANG_TRY(serial);
    return new_certificate(*serial,
                           subject->get(),
                           issuer == nullptr ? subject->get() : issuer,
                           public_key,
                           now,
                           now + spec.validity);
}

std::string basic_constraints(int path_length) {
    std::string value = "critical,CA:TRUE";
    if (path_length >= 0) {
        value += ",pathlen:" + std::to_string(path_length);
    }
    return value;
}

}  // namespace

Result<SerialNumber> random_serial() {
    auto bytes = crypto::random_bytes(16);
    DOJANG_TRY(bytes);
    // Clear the top bit so that the DER INTEGER is positive and exactly 16 octets, and set the
    // next one so the serial never has a short encoding: 126 random bits remain.
    (*bytes)[0] = static_cast<std::uint8_t>(((*bytes)[0] & 0x7FU) | 0x40U);
    return SerialNumber::from_bytes(*bytes);
}

Result<pkix::Certificate> make_root_certificate(const crypto::Signer& key,
                                                const CaCertificateSpec& spec,
                                                Seconds now) {
    auto cert = ca_skeleton(spec, nullptr, key.key(), now);
    DOJANG_TRY(cert);
    auto added = add_extensions(cert->get(),
                                cert->get(),
                                {{NID_basic_constraints, basic_constraints(spec.path_length)},
                                 {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                 {NID_subject_key_identifier, "hash"}});
    DOJANG_TRY(added);
    auto signed_cert = sign_certificate(cert->get(), key);
    DOJANG_TRY(signed_cert);
    return pkix::Certificate::adopt(std::move(*cert));
}

Result<pkix::Certificate> make_subordinate_certificate(const Authority& parent,
                                                       EVP_PKEY* public_key,
                                                       const CaCertificateSpec& spec,
                                                       const Endpoints& endpoints,
                                                       Seconds now) {
    auto cert = ca_skeleton(spec, X509_get_subject_name(parent.certificate.get()), public_key, now);
    DOJANG_TRY(cert);
    // certificatePolicies anyPolicy: without it, RFC 5280 policy processing ends with no valid
    // policy, and a relying party that requires a profile's policy (OpenSSL -policy
    // -explicit_policy, NSS vfychain -o, Java setExplicitPolicyRequired) refuses every chain
    // (tests/relying). anyPolicy rather than the profiles' OIDs: profiles may be added later.
    auto added = add_extensions(
        cert->get(),
        parent.certificate.get(),
        {{NID_basic_constraints, basic_constraints(spec.path_length)},
         {NID_key_usage, "critical,keyCertSign,cRLSign"},
         {NID_subject_key_identifier, "hash"},
         {NID_authority_key_identifier, "keyid:always"},
         {NID_crl_distribution_points, "URI:" + endpoints.crl_url(parent.name)},
         {NID_info_access, "caIssuers;URI:" + endpoints.ca_issuers_url(parent.name)}});
    DOJANG_TRY(added);
    // certificatePolicies is built by hand: OpenSSL's text form of it needs a config database.
    crypto::Owned<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free> policies(
        CERTIFICATEPOLICIES_new());
    POLICYINFO* any_policy = POLICYINFO_new();
    if (!policies || any_policy == nullptr || sk_POLICYINFO_push(policies.get(), any_policy) == 0) {
        POLICYINFO_free(any_policy);
        return crypto::openssl_failure(ErrorKind::internal, "EXTENSION_INVALID", "out of memory");
    }
    ASN1_OBJECT_free(any_policy->policyid);
    any_policy->policyid = OBJ_nid2obj(NID_any_policy);
    if (X509_add1_ext_i2d(
            cert->get(), NID_certificate_policies, policies.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "EXTENSION_INVALID", "cannot add certificatePolicies anyPolicy");
    }
    auto signed_cert = sign_certificate(cert->get(), parent.signer);
    DOJANG_TRY(signed_cert);
    return pkix::Certificate::adopt(std::move(*cert));
}

namespace {

/// An end-entity certificate the CA delegates a task to (OCSP signing, CMP answers, opening
/// EncryptedVIDs): CA:FALSE, `key_usage`, the given extended key usage and any further
/// extensions.
Result<pkix::Certificate> make_delegated_certificate(
    const Authority& issuer,
    EVP_PKEY* public_key,
    const std::string& subject,
    std::chrono::days validity,
    Seconds now,
    std::vector<std::pair<int, std::string>> purpose,
    const char* key_usage = "critical,digitalSignature") {
    auto cert = ca_skeleton(CaCertificateSpec{subject, validity, -1},
                            X509_get_subject_name(issuer.certificate.get()),
                            public_key,
                            now);
    DOJANG_TRY(cert);
    std::vector<std::pair<int, std::string>> extensions{
        {NID_basic_constraints, "critical,CA:FALSE"}, {NID_key_usage, key_usage}};
    extensions.insert(extensions.end(), purpose.begin(), purpose.end());
    extensions.insert(
        extensions.end(),
        {{NID_subject_key_identifier, "hash"}, {NID_authority_key_identifier, "keyid:always"}});
    auto added = add_extensions(cert->get(), issuer.certificate.get(), extensions);
    DOJANG_TRY(added);
    auto signed_cert = sign_certificate(cert->get(), issuer.signer);
    DOJANG_TRY(signed_cert);
    return pkix::Certificate::adopt(std::move(*cert));
}

}  // namespace

Result<pkix::Certificate> make_ocsp_responder_certificate(const Authority& issuer,
                                                          EVP_PKEY* public_key,
                                                          const std::string& subject,
                                                          std::chrono::days validity,
                                                          Seconds now) {
    return make_delegated_certificate(
        issuer,
        public_key,
        subject,
        validity,
        now,
        {{NID_ext_key_usage, "OCSPSigning"}, {NID_id_pkix_OCSP_noCheck, "ignored"}});
}

Result<pkix::Certificate> make_cmp_server_certificate(const Authority& issuer,
                                                      EVP_PKEY* public_key,
                                                      const std::string& subject,
                                                      std::chrono::days validity,
                                                      Seconds now) {
    // id-kp-cmcRA (1.3.6.1.5.5.7.3.28): OpenSSL 3.0 knows it as cmcRA.
    return make_delegated_certificate(
        issuer, public_key, subject, validity, now, {{NID_ext_key_usage, "cmcRA"}});
}

Result<pkix::Certificate> make_vid_encryption_certificate(const Authority& issuer,
                                                          EVP_PKEY* public_key,
                                                          const std::string& subject,
                                                          std::chrono::days validity,
                                                          Seconds now) {
    if (EVP_PKEY_is_a(public_key, "RSA") != 1) {
        return fail(ErrorKind::invalid_request,
                    "KEY_ALGORITHM_INVALID",
                    "the VID encryption key must be RSA (EncryptedVID uses rsaEncryption)");
    }
    // Only key transport: this key decrypts, it never signs.
    return make_delegated_certificate(
        issuer, public_key, subject, validity, now, {}, "critical,keyEncipherment");
}

Result<Hierarchy> create_hierarchy(const HierarchySpec& spec, Seconds now) {
    auto root_key = crypto::generate_key(spec.ca_key);
    auto issuing_key = crypto::generate_key(spec.ca_key);
    auto responder_key = crypto::generate_key(spec.responder_key);
    for (auto* key : {&root_key, &issuing_key, &responder_key}) {
        if (!*key) {
            return tl::unexpected(key->error());
        }
    }
    crypto::Signer root_signer(std::move(*root_key));
    auto root_certificate =
        make_root_certificate(root_signer, {spec.root_subject, spec.root_validity, 1}, now);
    DOJANG_TRY(root_certificate);
    Authority root{"root", std::move(*root_certificate), {}, std::move(root_signer)};
    auto issuing_certificate =
        make_subordinate_certificate(root,
                                     issuing_key->get(),
                                     {spec.issuing_subject, spec.issuing_validity, 0},
                                     spec.endpoints,
                                     now);
    DOJANG_TRY(issuing_certificate);
    auto root_copy = pkix::Certificate::parse(*root.certificate.der());
    DOJANG_TRY(root_copy);
    std::vector<pkix::Certificate> chain;
    chain.push_back(std::move(*root_copy));
    Authority issuing{"issuing",
                      std::move(*issuing_certificate),
                      std::move(chain),
                      crypto::Signer(std::move(*issuing_key))};
    auto responder_certificate = make_ocsp_responder_certificate(
        issuing, responder_key->get(), spec.responder_subject, spec.responder_validity, now);
    DOJANG_TRY(responder_certificate);
    return Hierarchy{std::move(root),
                     std::move(issuing),
                     std::move(*responder_certificate),
                     crypto::Signer(std::move(*responder_key))};
}

}  // namespace dojang::ca
