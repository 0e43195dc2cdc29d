// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/problem.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dojang::http {
namespace {

std::vector<std::string> retry_after(const Response& response) {
    std::vector<std::string> values;
    for (const auto& [name, value] : response.headers) {
        if (name == "Retry-After") {
            values.push_back(value);
        }
    }
    return values;
}

TEST(Problem, HidesInternalDetailsAndAsksToRetryWhenUnavailable) {
    auto internal =
        problem(Error{ErrorKind::internal, "CA_KEY_MISMATCH", "key /secret/path", "cause", {}});
    EXPECT_EQ(internal.status, 500U);
    EXPECT_EQ(internal.body.find("/secret/path"), std::string::npos);
    EXPECT_EQ(internal.body.find("cause"), std::string::npos);
    EXPECT_NE(internal.body.find("\"code\":\"INTERNAL\""), std::string::npos);
    EXPECT_TRUE(retry_after(internal).empty());
    auto busy = problem(Error{ErrorKind::unavailable, "STORE_UNAVAILABLE", "down", {}, {}});
    EXPECT_EQ(busy.status, 503U);
    EXPECT_EQ(retry_after(busy), std::vector<std::string>{"5"});
    EXPECT_EQ(busy.header("content-type"), "application/problem+json");
    EXPECT_EQ(busy.header("cache-control"), "no-store");
}

TEST(Problem, TheCatalogNamesTheStatusAndTheTitles) {
    auto large = problem(Error{ErrorKind::invalid_request, "HEADER_TOO_LARGE", "too big", {}, {}});
    EXPECT_EQ(large.status, 431U);
    EXPECT_NE(large.body.find("\"status\":431"), std::string::npos);
    EXPECT_NE(large.body.find("\"title_ko\":\"요청 헤더가 너무 큽니다\""), std::string::npos);
    // A code the catalog does not know keeps the status of its kind.
    auto unknown = problem(Error{ErrorKind::conflict, "NOT_IN_THE_CATALOG", "x", {}, {}});
    EXPECT_EQ(unknown.status, 409U);
    EXPECT_EQ(unknown.body.find("title_ko"), std::string::npos);
}

TEST(Problem, RetryAfterHeaderAndBodyAgreeWithTheErrorsOwnWait) {
    Error busy{ErrorKind::unavailable, "SIGN_IN_BUSY", "busy", {}, {}};
    busy.retry_after = std::chrono::seconds{1};
    EXPECT_EQ(retry_after(problem(busy)), std::vector<std::string>{"1"});
    EXPECT_NE(problem(busy).body.find("\"retry_after\":1"), std::string::npos);
    Error limited{ErrorKind::forbidden, "OFFICER_SIGN_IN_THROTTLED", "wait", {}, {}};
    limited.retry_after = std::chrono::seconds{840};
    const auto throttled = problem(limited);
    EXPECT_EQ(throttled.status, 429U);
    EXPECT_NE(throttled.body.find("\"status\":429"), std::string::npos);
    EXPECT_EQ(retry_after(throttled), std::vector<std::string>{"840"});
    // A 429 that names no wait asks for a minute.
    const auto limited_without_wait =
        problem(Error{ErrorKind::forbidden, "TOO_MANY_REQUESTS", "slow down", {}, {}});
    EXPECT_EQ(limited_without_wait.status, 429U);
    EXPECT_EQ(retry_after(limited_without_wait), std::vector<std::string>{"60"});
}

}  // namespace
}  // namespace dojang::http
