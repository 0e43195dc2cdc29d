// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/scheduler.hpp"

namespace dojang::http {

Scheduler::Scheduler(std::size_t threads,
                     std::size_t max_in_flight,
                     std::size_t max_queue,
                     std::chrono::nanoseconds max_queue_delay)
    : max_in_flight_(max_in_flight),
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
    if (target.admitted >= max_in_flight_ + max_queue_) {
        return false;
    }
    // Waiting requests drain at about `workers` per service time; beyond the delay bound a
    // quick 503 serves the client better than a slow answer. Two waiting per worker are always
    // allowed, so a jitter in the service time cannot turn a modest burst away.
    const std::size_t waiting = target.admitted - target.running;
    const auto workers = static_cast<double>(threads_.size());
    if (max_queue_delay_ns_ > 0 && target.service_ns > 0 && waiting >= 2 * threads_.size() &&
        static_cast<double>(waiting + 1) * target.service_ns / workers > max_queue_delay_ns_) {
        return false;
    }
    ++target.admitted;
    return true;
}

void Scheduler::push(RouteClass cls, std::unique_ptr<Task> task) {
    {
        const std::lock_guard lock(mutex_);
        lane(cls).waiting.push_back(std::move(task));
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
        std::unique_ptr<Task> task = std::move(chosen.waiting.front());
        chosen.waiting.pop_front();
        ++chosen.running;
        lock.unlock();
        const auto started = std::chrono::steady_clock::now();
        task->run();
        task.reset();
        const auto took = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                  std::chrono::steady_clock::now() - started)
                                                  .count());
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
