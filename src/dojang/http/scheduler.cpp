// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/scheduler.hpp"

#include <algorithm>

namespace dojang::http {

Scheduler::Scheduler(std::size_t threads,
                     std::size_t max_in_flight,
                     std::size_t max_queue,
                     std::chrono::nanoseconds max_queue_delay,
                     Now now)
    : now_(std::move(now)),
      max_in_flight_(max_in_flight),
      max_queue_(max_queue),
      max_queue_delay_ns_(static_cast<double>(max_queue_delay.count())) {
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        threads_.emplace_back([this] { work(); });
    }
}

Scheduler::~Scheduler() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) {
        thread.join();
    }
}

Scheduler::Lane& Scheduler::lane(RouteClass cls) {
    return lanes_.at(static_cast<std::size_t>(cls));
}

const Scheduler::Lane& Scheduler::lane(RouteClass cls) const {
    return lanes_.at(static_cast<std::size_t>(cls));
}

bool Scheduler::try_admit(RouteClass cls) {
    const std::lock_guard lock(mutex_);
    Lane& target = lane(cls);
    const std::size_t waiting = target.admitted - target.running;
    const std::size_t floor = standing_floor_per_worker * threads_.size();
    // Waiting requests drain at about `workers` per service time; beyond the delay bound a
    // quick 503 serves the client better than a slow answer. `floor` waiting are always
    // allowed, so a jitter in the service time cannot turn a modest burst away; a standing
    // queue gets no more than that.
    const auto workers = static_cast<double>(threads_.size());
    const bool full = target.admitted >= max_in_flight_ + max_queue_;
    const bool standing_full = target.standing && waiting >= floor;
    const bool too_slow =
        max_queue_delay_ns_ > 0 && target.service_ns > 0 && waiting >= floor &&
        static_cast<double>(waiting + 1) * target.service_ns / workers > max_queue_delay_ns_;
    if (full || standing_full || too_slow) {
        target.window_refused = true;
        return false;
    }
    ++target.admitted;
    return true;
}

void Scheduler::push(RouteClass cls, std::unique_ptr<Task> task) {
    {
        const std::lock_guard lock(mutex_);
        lane(cls).waiting.push_back(Queued{std::move(task), now_()});
    }
    wake_.notify_one();
}

bool Scheduler::try_admit_inline(RouteClass cls) {
    const std::lock_guard lock(mutex_);
    Lane& target = lane(cls);
    if (target.admitted >= max_in_flight_) {
        return false;
    }
    ++target.admitted;
    ++target.running;
    return true;
}

void Scheduler::finish_inline(RouteClass cls) {
    const std::lock_guard lock(mutex_);
    Lane& target = lane(cls);
    --target.admitted;
    --target.running;
}

std::size_t Scheduler::admitted(RouteClass cls) const {
    const std::lock_guard lock(mutex_);
    return lane(cls).admitted;
}

bool Scheduler::standing(RouteClass cls) const {
    const std::lock_guard lock(mutex_);
    return lane(cls).standing;
}

void Scheduler::note_wait(Lane& lane, Clock::time_point now, Clock::duration waited) {
    if (now >= lane.window_end) {
        // A queue starts standing after a window in which every request waited the target and
        // the queue never drained, and stays so while windows still refuse requests. A window
        // closes at the first start after its end, so after a quiet spell (the drained queue's
        // zero, nothing refused) the flag clears with the next request.
        const bool seen = lane.window_end != Clock::time_point{};
        lane.standing =
            seen && (lane.window_min >= standing_target || (lane.standing && lane.window_refused));
        lane.window_end = now + standing_interval;
        lane.window_min = waited;
        lane.window_refused = false;
    } else {
        lane.window_min = std::min(lane.window_min, waited);
    }
    if (lane.waiting.empty()) {
        lane.window_min = Clock::duration{0};  // drained: whatever waited, it did not stand
    }
}

std::size_t Scheduler::next_runnable() {
    for (std::size_t step = 0; step < lane_count; ++step) {
        const std::size_t index = (next_lane_ + step) % lane_count;
        const Lane& candidate = lanes_.at(index);
        if (!candidate.waiting.empty() && candidate.running < max_in_flight_) {
            next_lane_ = (index + 1) % lane_count;
            return index;
        }
    }
    return lane_count;
}

void Scheduler::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        std::size_t index = lane_count;
        wake_.wait(lock, [&] {
            index = next_runnable();
            if (index != lane_count) {
                return true;
            }
            // Stop only once nothing admitted waits: every admitted request gets its answer.
            bool idle = true;
            for (const auto& candidate : lanes_) {
                idle = idle && candidate.waiting.empty();
            }
            return stopping_ && idle;
        });
        if (index == lane_count) {
            return;
        }
        Lane& chosen = lanes_.at(index);
        std::unique_ptr<Task> task = std::move(chosen.waiting.front().task);
        const auto queued_at = chosen.waiting.front().since;
        chosen.waiting.pop_front();
        ++chosen.running;
        const auto started = now_();
        note_wait(chosen, started, started - queued_at);
        lock.unlock();
        task->run();
        task.reset();
        const auto took = static_cast<double>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now_() - started).count());
        lock.lock();
        chosen.service_ns =
            chosen.service_ns == 0 ? took : chosen.service_ns + (took - chosen.service_ns) / 8;
        --chosen.running;
        --chosen.admitted;
        // A freed slot may make another worker's lane runnable.
        wake_.notify_all();
    }
}

}  // namespace dojang::http
