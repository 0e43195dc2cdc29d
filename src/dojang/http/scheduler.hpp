// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/http/router.hpp"

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace dojang::http {

/// Admission control and the worker pool (internal to http).
///
/// Each RouteClass has its own count of admitted requests. A pooled class admits up to
/// max_in_flight + max_queue requests; workers run at most max_in_flight of them at once and
/// pick the next one round-robin across classes, so a flood of one class cannot hold every
/// queue slot or push the others to the back. Inline work (status) admits up to max_in_flight.
/// A pooled class also refuses once its queue would take longer than `max_queue_delay` to drain
/// at the class's measured service time (an exponential average), but always keeps two waiting
/// requests per worker: a count bound alone lets a queue of cheap-but-not-free requests hold
/// each admitted request far longer than it takes to refuse and retry it.
///
/// The delay bound absorbs bursts. A queue that stays, though, is overload, not a burst (the
/// CoDel idea): after a window of `standing_interval` in which every request of a class waited
/// at least `standing_target` and its queue never ran empty, the class admits only the floor of
/// two waiting requests per worker, and keeps to it while windows still refuse requests. Under
/// a sustained flood admitted requests then wait about as long as at full load without one,
/// and the workers still find the next request ready; the first window without refusals (or
/// the first request after a quiet spell) lifts it.
class Scheduler {
public:
    using Clock = std::chrono::steady_clock;
    /// Where the scheduler reads the time (waits, service times, windows); tests inject a
    /// manual one so that no test depends on how fast a shared machine runs.
    using Now = std::function<Clock::time_point()>;

    Scheduler(std::size_t threads,
              std::size_t max_in_flight,
              std::size_t max_queue,
              std::chrono::nanoseconds max_queue_delay = {},
              Now now = &Clock::now);
    /// Runs every admitted task, then joins the workers.
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// Reserves a slot for a pooled request; false when the class is full (answer 503).
    [[nodiscard]] bool try_admit(RouteClass cls);
    /// Queues the task of a request admitted by try_admit(); it runs on a worker.
    template <typename Function>
    void enqueue(RouteClass cls, Function function) {
        push(cls, std::make_unique<TaskOf<Function>>(std::move(function)));
    }

    /// Reserves a slot for work run inline by the caller; false when the class is full.
    [[nodiscard]] bool try_admit_inline(RouteClass cls);
    /// Releases a slot taken by try_admit_inline().
    void finish_inline(RouteClass cls);

    /// Requests of `cls` admitted right now (running or waiting).
    [[nodiscard]] std::size_t admitted(RouteClass cls) const;
    /// Whether `cls` has a standing queue and admits only the floor (see the class comment).
    [[nodiscard]] bool standing(RouteClass cls) const;

    static constexpr std::chrono::milliseconds standing_interval{100};
    static constexpr std::chrono::microseconds standing_target{1000};
    static constexpr std::size_t standing_floor_per_worker = 2;

private:
    struct Task {
        virtual ~Task() = default;
        virtual void run() = 0;
    };
    template <typename Function>
    struct TaskOf final : Task {
        explicit TaskOf(Function f) : function(std::move(f)) {}
        void run() override { function(); }
        Function function;
    };
    struct Queued {
        std::unique_ptr<Task> task;
        Clock::time_point since;
    };
    struct Lane {
        std::size_t admitted = 0;
        std::size_t running = 0;
        double service_ns = 0;  ///< Average handler time of the class; 0 until one has run.
        std::deque<Queued> waiting;
        bool standing = false;          ///< The last window saw a standing queue.
        Clock::time_point window_end;   ///< When the current window closes.
        Clock::duration window_min{0};  ///< Shortest wait in the current window.
        bool window_refused = false;    ///< The current window refused a request.
    };
    static constexpr std::size_t lane_count = 3;

    void push(RouteClass cls, std::unique_ptr<Task> task);
    void work();
    Lane& lane(RouteClass cls);
    const Lane& lane(RouteClass cls) const;
    /// The index of a lane with a runnable task, round-robin; lane_count if none. Needs mutex_.
    std::size_t next_runnable();
    /// Records that a task of `lane` started after waiting `waited`. Needs mutex_.
    static void note_wait(Lane& lane, Clock::time_point now, Clock::duration waited);

    const Now now_;
    const std::size_t max_in_flight_;
    const std::size_t max_queue_;
    const double max_queue_delay_ns_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::array<Lane, lane_count> lanes_;
    std::size_t next_lane_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace dojang::http
