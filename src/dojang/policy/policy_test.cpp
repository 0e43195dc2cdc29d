// SPDX-License-Identifier: Apache-2.0
#include "dojang/policy/policy.hpp"

#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace dojang::policy {
namespace {

/// A CSR made by the openssl CLI from `genpkey` options.
pkix::Csr make_csr(const std::string& genpkey_args, const std::string& subject = "/C=KR/CN=Hong") {
    testing::TempDir dir;
    std::string log;
    const int status =
        testing::run("openssl genpkey " + genpkey_args + " -out " + dir.path() +
                         "/key.pem && openssl req -new -key " + dir.path() + "/key.pem -subj '" +
                         subject + "' -out " + dir.path() + "/req.pem",
                     &log);
    EXPECT_EQ(status, 0) << log;
    auto csr = pkix::Csr::parse(*read_file(dir.path() + "/req.pem"));
    EXPECT_TRUE(csr.has_value());
    return std::move(*csr);
}

Profile individual() {
    return built_in_profiles("1.2.410.200005", "http://localhost").front();
}

std::vector<std::string> codes(const std::vector<Violation>& violations) {
    std::vector<std::string> out;
    for (const auto& v : violations) {
        out.push_back(v.code);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> check(const pkix::Csr& csr, const Profile& profile) {
    return codes(check_request(csr, csr.subject(), profile));
}

TEST(Policy, AcceptsRsa2048WithCommonName) {
    const auto csr = make_csr("-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
    EXPECT_TRUE(check(csr, individual()).empty());
}

TEST(Policy, CollectsEveryViolationAtOnce) {
    const auto csr =
        make_csr("-algorithm RSA -pkeyopt rsa_keygen_bits:1024 -pkeyopt rsa_keygen_pubexp:3",
                 "/C=KR/O=dojang/L=Seoul");
    EXPECT_EQ(check(csr, individual()),
              (std::vector<std::string>{"RSA_EXPONENT_NOT_65537",
                                        "RSA_KEY_TOO_SMALL",
                                        "SUBJECT_ATTRIBUTE_NOT_ALLOWED",
                                        "SUBJECT_MISSING_CN"}));
    const Error error = rejection(check_request(csr, csr.subject(), individual()));
    EXPECT_EQ(error.kind, ErrorKind::policy_rejected);
    EXPECT_EQ(error.violations.size(), 4U);
}

TEST(Policy, RejectsModulusNotMultipleOfEight) {
    const auto csr = make_csr("-algorithm RSA -pkeyopt rsa_keygen_bits:2052");
    EXPECT_EQ(check(csr, individual()),
              (std::vector<std::string>{"RSA_KEY_SIZE_NOT_MULTIPLE_OF_8"}));
}

TEST(Policy, EcdsaOnlyWhenEnabledAndOnlyNistCurves) {
    const auto p256 = make_csr("-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
    EXPECT_EQ(check(p256, individual()), (std::vector<std::string>{"KEY_TYPE_UNSUPPORTED"}));
    Profile with_ec = individual();
    with_ec.allow_ec = true;
    EXPECT_TRUE(check(p256, with_ec).empty());
    const auto k256 = make_csr("-algorithm EC -pkeyopt ec_paramgen_curve:secp256k1");
    EXPECT_EQ(check(k256, with_ec), (std::vector<std::string>{"EC_CURVE_UNSUPPORTED"}));
}

TEST(Policy, RejectsEd25519) {
    const auto csr = make_csr("-algorithm ED25519");
    EXPECT_EQ(check(csr, individual()), (std::vector<std::string>{"KEY_TYPE_UNSUPPORTED"}));
}

TEST(Policy, BadSignatureAloneIsProofOfPossessionError) {
    testing::TempDir dir;
    ASSERT_EQ(testing::run("openssl req -new -newkey rsa:2048 -nodes -keyout " + dir.path() +
                           "/k.pem -subj /CN=x -outform DER -out " + dir.path() + "/r.der"),
              0);
    Bytes der = *read_file(dir.path() + "/r.der");
    der[der.size() - 3] ^= 0x01U;
    auto csr = pkix::Csr::parse(der);
    ASSERT_TRUE(csr.has_value());
    auto violations = check_request(*csr, csr->subject(), individual());
    ASSERT_EQ(codes(violations), (std::vector<std::string>{"CSR_SIGNATURE_INVALID"}));
    EXPECT_EQ(rejection(violations).kind, ErrorKind::bad_proof_of_possession);
}

TEST(Profiles, BuiltInOnesFollowTheKoreanPolicyArcs) {
    const auto profiles = built_in_profiles("1.2.410.200005", "http://ca.example");
    ASSERT_EQ(profiles.size(), 2U);
    EXPECT_EQ(profiles[0].policy_oid, "1.2.410.200005.1.1.1");
    EXPECT_EQ(profiles[1].policy_oid, "1.2.410.200005.1.1.5");
    EXPECT_EQ(profiles[0].key_usage,
              (std::vector<std::string>{"digitalSignature", "nonRepudiation"}));
}

}  // namespace
}  // namespace dojang::policy
