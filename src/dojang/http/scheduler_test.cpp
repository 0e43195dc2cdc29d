// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <semaphore>
#include <thread>

namespace dojang::http {
namespace {

using namespace std::chrono_literals;

/// The scheduler's time, moved only by the test and by the tasks it runs: waits, service times
/// and windows are the same however fast or busy the machine is.
class ManualTime {
public:
    Scheduler::Clock::time_point now() const {
        return Scheduler::Clock::time_point{std::chrono::nanoseconds{ns_.load()}};
    }
    void advance(std::chrono::nanoseconds by) { ns_ += by.count(); }
    Scheduler::Now source() {
        return [this] { return now(); };
    }

private:
    std::atomic<std::int64_t> ns_{std::chrono::nanoseconds{1h}.count()};
};

/// Waits (in real time, up to 10 s) for the worker threads to get somewhere; never a measure.
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
    ManualTime time;
    // The delay bound (10 s) and the queue bound (200) would both admit far more.
    Scheduler scheduler(1, 1, 200, 10s, time.source());
    std::counting_semaphore<256> go(0);
    std::atomic<int> started{0};
    std::atomic<int> done{0};
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(scheduler.try_admit(cls));
        scheduler.enqueue(cls, [&] {
            ++started;  // the scheduler has noted its wait before it runs
            go.acquire();
            time.advance(5ms);  // each request takes 5 ms
            ++done;
        });
    }
    ASSERT_TRUE(eventually([&] { return started.load() == 1; }));
    // Released one at a time. The first window (0-100 ms) holds the request that did not wait;
    // in the second every request waited ≥ 100 ms and the queue never ran empty, so the request
    // that starts at 200 ms, the 41st, finds the queue standing.
    int released = 0;
    while (!scheduler.standing(cls) && released < 60) {
        go.release();
        ++released;
        ASSERT_TRUE(eventually([&] { return started.load() == released + 1; }));
    }
    EXPECT_EQ(released, 40);  // the 41st has started (and waits for its release)
    ASSERT_TRUE(scheduler.standing(cls));
    EXPECT_FALSE(scheduler.try_admit(cls));

    go.release(100 - released);
    ASSERT_TRUE(eventually([&] { return done.load() == 100; }));
    ASSERT_TRUE(eventually([&] { return scheduler.admitted(cls) == 0; }));
    time.advance(Scheduler::standing_interval + 50ms);  // a quiet spell
    ASSERT_TRUE(scheduler.try_admit(cls));
    scheduler.enqueue(cls, [&] { ++done; });
    ASSERT_TRUE(eventually([&] { return done.load() == 101; }));
    // The queue ran empty, so the first request after the quiet spell clears the flag.
    EXPECT_FALSE(scheduler.standing(cls));
}

TEST(Scheduler, ABurstThatDrainsIsNotAStandingQueue) {
    ManualTime time;
    Scheduler scheduler(1, 1, 200, 10s, time.source());
    std::atomic<int> done{0};
    // Bursts of 5 requests of 2 ms with a pause of 40 ms between them: each burst waits, then
    // drains.
    for (int burst = 0; burst < 6; ++burst) {
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(scheduler.try_admit(cls));
            scheduler.enqueue(cls, [&] {
                time.advance(2ms);
                ++done;
            });
        }
        ASSERT_TRUE(eventually([&] { return scheduler.admitted(cls) == 0; }));
        EXPECT_FALSE(scheduler.standing(cls)) << "burst " << burst;
        time.advance(40ms);
    }
    EXPECT_EQ(done.load(), 30);
}

TEST(Scheduler, AQueueLongerThanTheDelayBoundIsRefused) {
    ManualTime time;
    // One worker, 10 ms of queue allowed: with 4 ms requests, the floor of two waiting is
    // admitted, and then only while (waiting + 1) × 4 ms stays within 10 ms.
    Scheduler scheduler(1, 1, 200, 10ms, time.source());
    std::counting_semaphore<16> go(0);
    std::atomic<int> started{0};
    std::atomic<int> done{0};
    // One request teaches the scheduler the service time.
    ASSERT_TRUE(scheduler.try_admit(cls));
    scheduler.enqueue(cls, [&] {
        time.advance(4ms);
        ++done;
    });
    ASSERT_TRUE(eventually([&] { return scheduler.admitted(cls) == 0; }));
    int admitted = 0;
    while (scheduler.try_admit(cls)) {
        ++admitted;
        scheduler.enqueue(cls, [&] {
            ++started;
            go.acquire();
            time.advance(4ms);
            ++done;
        });
        if (admitted == 1) {  // running (and blocked) before the others are offered
            ASSERT_TRUE(eventually([&] { return started.load() == 1; }));
        }
        ASSERT_LT(admitted, 20);
    }
    // One runs (blocked), two wait (the floor): a third waiting would make (3 + 1) × 4 ms > 10.
    EXPECT_EQ(admitted, 3);
    go.release(admitted);
    ASSERT_TRUE(eventually([&] { return done.load() == 1 + admitted; }));
}

}  // namespace
}  // namespace dojang::http
