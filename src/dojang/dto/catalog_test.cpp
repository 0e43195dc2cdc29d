// SPDX-License-Identifier: Apache-2.0
#include "dojang/dto/catalog.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <set>

namespace dojang::dto {
namespace {

TEST(Catalog, MapsEveryKindToItsStatus) {
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
}  // namespace dojang::dto
