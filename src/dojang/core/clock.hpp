// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>

namespace dojang {

using Seconds = std::chrono::sys_seconds;

/// Source of the current time, injected so that validity and expiry are testable.
class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual Seconds now() const = 0;
};

/// The real wall clock.
class SystemClock final : public Clock {
public:
    [[nodiscard]] Seconds now() const override {
        return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    }
};

/// A clock that only moves when told to; thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(Seconds start) : now_(start.time_since_epoch().count()) {}
    [[nodiscard]] Seconds now() const override {
        return Seconds{std::chrono::seconds{now_.load()}};
    }
    void advance(std::chrono::seconds by) { now_ += by.count(); }
    void set(Seconds to) { now_ = to.time_since_epoch().count(); }

private:
    std::atomic<std::chrono::seconds::rep> now_;
};

}  // namespace dojang
