// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/client_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dojang::http {
namespace {

using namespace std::chrono_literals;
using Clock = ClientLimiter::Clock;

std::array<ClientLimit, 3> issuance_only(ClientLimit limit) {
    std::array<ClientLimit, 3> limits{};
    limits.at(static_cast<std::size_t>(RouteClass::issuance)) = limit;
    return limits;
}

TEST(ClientLimiter, AllowsTheBurstThenRefusesWithTheWaitForOneToken) {
    ClientLimiter limiter(issuance_only({2, 3}), 100);
    const auto now = Clock::time_point{} + 1h;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limiter.take(RouteClass::issuance, "192.0.2.1", now).allowed) << i;
    }
    const auto refused = limiter.take(RouteClass::issuance, "192.0.2.1", now);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 1s);
}

TEST(ClientLimiter, RefillsAtTheConfiguredRate) {
    ClientLimiter limiter(issuance_only({2, 1}), 100);
    const auto start = Clock::time_point{} + 1h;
    EXPECT_TRUE(limiter.take(RouteClass::issuance, "a", start).allowed);
    EXPECT_FALSE(limiter.take(RouteClass::issuance, "a", start + 100ms).allowed);
    EXPECT_TRUE(limiter.take(RouteClass::issuance, "a", start + 600ms).allowed);
}

TEST(ClientLimiter, RetryAfterCoversASlowRate) {
    ClientLimiter limiter(issuance_only({1, 1}), 100);
    const auto now = Clock::time_point{} + 1h;
    EXPECT_TRUE(limiter.take(RouteClass::issuance, "a", now).allowed);
    EXPECT_EQ(limiter.take(RouteClass::issuance, "a", now + 100ms).retry_after, 1s);
}

TEST(ClientLimiter, KeepsClientsAndClassesApart) {
    std::array<ClientLimit, 3> limits{};
    limits.at(static_cast<std::size_t>(RouteClass::issuance)) = {1, 1};
    limits.at(static_cast<std::size_t>(RouteClass::general)) = {1, 1};
    ClientLimiter limiter(limits, 100);
    const auto now = Clock::time_point{} + 1h;
    EXPECT_TRUE(limiter.take(RouteClass::issuance, "a", now).allowed);
    EXPECT_FALSE(limiter.take(RouteClass::issuance, "a", now).allowed);
    EXPECT_TRUE(limiter.take(RouteClass::issuance, "b", now).allowed);
    EXPECT_TRUE(limiter.take(RouteClass::general, "a", now).allowed);
}

TEST(ClientLimiter, NeverLimitsAClassWithoutALimit) {
    ClientLimiter limiter(issuance_only({1, 1}), 100);
    const auto now = Clock::time_point{} + 1h;
    EXPECT_FALSE(limiter.is_limited(RouteClass::status));
    for (int i = 0; i < 1000; ++i) {
        EXPECT_TRUE(limiter.take(RouteClass::status, "a", now).allowed);
    }
    EXPECT_EQ(limiter.tracked(), 0U);
}

TEST(ClientLimiter, DropsClientsIdleLongEnoughToBeFullAgain) {
    ClientLimiter limiter(issuance_only({10, 20}), 100);
    const auto start = Clock::time_point{} + 1h;
    for (int i = 0; i < 50; ++i) {
        (void)limiter.take(RouteClass::issuance, "client-" + std::to_string(i), start);
    }
    EXPECT_EQ(limiter.tracked(), 50U);
    // 20 tokens at 10 per second: after 2 s every bucket is full, so the entries can go.
    (void)limiter.take(RouteClass::issuance, "late", start + 2100ms);
    EXPECT_EQ(limiter.tracked(), 1U);
}

TEST(ClientLimiter, HoldsAtMostTheConfiguredNumberOfClients) {
    ClientLimiter limiter(issuance_only({1, 1}), 10);
    const auto now = Clock::time_point{} + 1h;
    for (int i = 0; i < 1000; ++i) {
        (void)limiter.take(RouteClass::issuance, "client-" + std::to_string(i), now);
    }
    EXPECT_EQ(limiter.tracked(), 10U);
    // The most recent clients are the ones kept: client-999 is still out of tokens.
    EXPECT_FALSE(limiter.take(RouteClass::issuance, "client-999", now).allowed);
}

}  // namespace
}  // namespace dojang::http
