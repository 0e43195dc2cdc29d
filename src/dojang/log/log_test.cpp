// SPDX-License-Identifier: Apache-2.0
#include "dojang/log/log.hpp"

#include <gtest/gtest.h>

namespace dojang::log {
namespace {

TEST(Log, RejectsUnknownLevels) {
    auto result = init("loud");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, "LOG_LEVEL_INVALID");
}

TEST(Log, AcceptsKnownLevels) {
    ASSERT_TRUE(init("warn").has_value());
    EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
}

}  // namespace
}  // namespace dojang::log
