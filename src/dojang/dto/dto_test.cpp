// SPDX-License-Identifier: Apache-2.0
#include "dojang/dto/dto.hpp"

#include <gtest/gtest.h>

namespace dojang::dto {
namespace {

TEST(CertificateRequest, ParsesFieldsAndReportsEveryProblem) {
    auto good = parse_certificate_request(
        R"({"reference_number":"1234567890","authorization_code":"1111-2222-3333-4444","csr":"PEM"})");
    ASSERT_TRUE(good.has_value());
    EXPECT_EQ(good->reference_number, "1234567890");
    EXPECT_FALSE(good->random_num.has_value());
    auto bad = parse_certificate_request(R"({"reference_number":12,"csr":"PEM"})");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, "BODY_INVALID");
    EXPECT_EQ(bad.error().violations.size(), 2U);
    EXPECT_EQ(parse_certificate_request("[1,2]").error().code, "BODY_INVALID");
    EXPECT_EQ(parse_certificate_request("{not json").error().code, "BODY_INVALID");
}

TEST(Problem, CarriesCodeTitlesAndViolations) {
    Error error{ErrorKind::policy_rejected,
                "POLICY_REJECTED",
                "bad request",
                "secret cause",
                {{"RSA_KEY_TOO_SMALL", "too small"}}};
    const ErrorEntry entry{"POLICY_REJECTED",
                           422,
                           "Request refused",
                           "요청 거부",
                           "Use RSA-2048",
                           "RSA-2048을 쓰십시오"};
    const std::string json = problem_json(error, 422, &entry);
    EXPECT_NE(json.find(R"("code":"POLICY_REJECTED")"), std::string::npos);
    EXPECT_NE(json.find(R"("status":422)"), std::string::npos);
    EXPECT_NE(json.find("RSA_KEY_TOO_SMALL"), std::string::npos);
    EXPECT_NE(json.find("요청 거부"), std::string::npos);
    EXPECT_EQ(json.find("secret cause"), std::string::npos);  // causes stay in the logs
}

}  // namespace
}  // namespace dojang::dto
