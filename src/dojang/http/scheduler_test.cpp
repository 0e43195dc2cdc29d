// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace dojang::http {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(1ms);
    }
    return condition();
}

constexpr RouteClass cls = RouteClass::general;

TEST(Scheduler, AStandingQueueAdmitsOnlyTwoWaitingPerWorker) {
    // The delay bound (10 s) and the queue bound (200) would both admit far more.
    Scheduler scheduler(1, 1, 200, 10s);
    std::atomic<int> done{0};
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(scheduler.try_admit(cls));
        scheduler.enqueue(cls, [&done] {
            std::this_thread::sleep_for(5ms);
            ++done;
        });
    }
    // Every request started after the first waited ≥ 5 ms: after two windows the queue stands.
    ASSERT_TRUE(eventually([&] { return scheduler.standing(cls); }));
    ASSERT_LT(done.load(), 97) << "the queue drained before the test could look at it";
    EXPECT_FALSE(scheduler.try_admit(cls));

    ASSERT_TRUE(eventually([&] { return scheduler.admitted(cls) == 0; }));
    std::this_thread::sleep_for(Scheduler::standing_interval + 50ms);
    ASSERT_TRUE(scheduler.try_admit(cls));
    scheduler.enqueue(cls, [&done] { ++done; });
    ASSERT_TRUE(eventually([&] { return done.load() == 101; }));
    // The queue ran empty, so the first request after the quiet spell clears the flag.
    EXPECT_FALSE(scheduler.standing(cls));
}

TEST(Scheduler, ABurstThatDrainsIsNotAStandingQueue) {
    Scheduler scheduler(1, 1, 200, 10s);
    std::atomic<int> done{0};
    // Bursts of 5 short requests with a pause between them: each burst waits, then drains.
    for (int burst = 0; burst < 6; ++burst) {
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(scheduler.try_admit(cls));
            scheduler.enqueue(cls, [&done] {
                std::this_thread::sleep_for(2ms);
                ++done;
            });
        }
        ASSERT_TRUE(eventually([&] { return scheduler.admitted(cls) == 0; }));
        EXPECT_FALSE(scheduler.standing(cls)) << "burst " << burst;
        std::this_thread::sleep_for(40ms);
    }
    EXPECT_EQ(done.load(), 30);
}

}  // namespace
}  // namespace dojang::http
