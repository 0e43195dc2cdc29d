// SPDX-License-Identifier: Apache-2.0
#include "dojang/api/catalog.hpp"
#include "dojang/api/routes.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <set>

namespace dojang::api {
namespace {

TEST(Problem, MapsEveryKindToItsStatus) {
    EXPECT_EQ(http_status(ErrorKind::invalid_request), 400U);
    EXPECT_EQ(http_status(ErrorKind::unauthenticated), 401U);
    EXPECT_EQ(http_status(ErrorKind::forbidden), 403U);
    EXPECT_EQ(http_status(ErrorKind::not_found), 404U);
    EXPECT_EQ(http_status(ErrorKind::conflict), 409U);
    EXPECT_EQ(http_status(ErrorKind::policy_rejected), 422U);
    EXPECT_EQ(http_status(ErrorKind::bad_proof_of_possession), 400U);
    EXPECT_EQ(http_status(ErrorKind::unavailable), 503U);
    EXPECT_EQ(http_status(ErrorKind::internal), 500U);
}

TEST(Problem, HidesInternalDetailsAndAsksToRetryWhenUnavailable) {
    auto internal =
        problem(Error{ErrorKind::internal, "CA_KEY_MISMATCH", "key /secret/path", "cause", {}});
    EXPECT_EQ(internal.status, 500U);
    EXPECT_EQ(internal.body.find("/secret/path"), std::string::npos);
    EXPECT_NE(internal.body.find("\"code\":\"INTERNAL\""), std::string::npos);
    auto busy = problem(Error{ErrorKind::unavailable, "STORE_UNAVAILABLE", "down", {}, {}});
    EXPECT_EQ(busy.status, 503U);
    bool has_retry_after = false;
    for (const auto& [name, value] : busy.headers) {
        has_retry_after = has_retry_after || name == "Retry-After";
    }
    EXPECT_TRUE(has_retry_after);
}

TEST(Problem, RetryAfterHeaderAgreesWithTheErrorsOwnWait) {
    const auto header = [](const http::Response& response) {
        std::vector<std::string> values;
        for (const auto& [name, value] : response.headers) {
            if (name == "Retry-After") {
                values.push_back(value);
            }
        }
        return values;
    };
    const Error busy{ErrorKind::unavailable, "SIGN_IN_BUSY", "busy", {}, {{"RETRY_AFTER", "1"}}};
    EXPECT_EQ(header(problem(busy)), std::vector<std::string>{"1"});
    const Error limited{
        ErrorKind::forbidden, "OFFICER_SIGN_IN_THROTTLED", "wait", {}, {{"RETRY_AFTER", "840"}}};
    EXPECT_EQ(header(too_many(limited)), std::vector<std::string>{"840"});
    const Error down{ErrorKind::unavailable, "STORE_UNAVAILABLE", "down", {}, {}};
    EXPECT_EQ(header(too_many(down)), std::vector<std::string>{"60"});
}

TEST(Catalog, CodesAreUniqueAndEveryOneIsDocumented) {
    auto document = read_file(testing::source_dir() + "/docs/errors.md");
    ASSERT_TRUE(document.has_value());
    const std::string text(document->begin(), document->end());
    std::set<std::string> codes;
    for (const auto& entry : error_catalog()) {
        EXPECT_TRUE(codes.insert(entry.code).second) << entry.code << " twice";
        EXPECT_FALSE(entry.title_ko.empty() || entry.title_en.empty() || entry.next_ko.empty() ||
                     entry.next_en.empty())
            << entry.code;
        EXPECT_NE(text.find("`" + entry.code + "`"), std::string::npos)
            << entry.code << " missing from docs/errors.md";
    }
}

}  // namespace
}  // namespace dojang::api
