// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace dojang::http {

/// A monotonically increasing counter; thread-safe.
class Counter {
public:
    /// Adds `by` (default 1).
    void inc(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
    /// The current value.
    [[nodiscard]] std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down; thread-safe.
class Gauge {
public:
    /// Sets the value.
    void set(std::int64_t value) { value_.store(value, std::memory_order_relaxed); }
    /// Adds `by` (default 1).
    void inc(std::int64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
    /// Subtracts `by` (default 1).
    void dec(std::int64_t by = 1) { value_.fetch_sub(by, std::memory_order_relaxed); }
    /// The current value.
    [[nodiscard]] std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

/// Server metrics plus counters and gauges other components register; renders the Prometheus
/// text exposition format 0.0.4. All members are thread-safe; references stay valid for the
/// lifetime of the Metrics object.
class Metrics {
public:
    /// Upper bounds (seconds) of the request duration histogram buckets, +Inf implied.
    static constexpr std::array<double, 12> duration_buckets{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

    Metrics();

    /// The counter called `name` (a valid Prometheus name without labels), created on first use.
    Counter& counter(const std::string& name, const std::string& help);
    /// The gauge called `name`, created on first use.
    Gauge& gauge(const std::string& name, const std::string& help);

    /// Records one answered request: `route` is the registered pattern, never the raw path.
    void observe_request(const std::string& route, unsigned status, std::chrono::nanoseconds took);
    /// Records one request (or connection) refused for lack of capacity; `cls` names the class.
    void observe_rejection(const std::string& cls);

    /// Requests currently admitted (running or queued), all classes together.
    Gauge& in_flight() { return *in_flight_; }
    /// Open connections.
    Gauge& connections() { return *connections_; }

    /// requests_total for one route and status, for tests and health checks.
    [[nodiscard]] std::uint64_t requests(const std::string& route, unsigned status) const;
    /// rejected_total for one class.
    [[nodiscard]] std::uint64_t rejections(const std::string& cls) const;

    /// Everything in Prometheus text format 0.0.4.
    [[nodiscard]] std::string render() const;

private:
    struct Histogram {
        std::array<std::uint64_t, duration_buckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    struct Named {
        std::string help;
        std::unique_ptr<Counter> counter;
        std::unique_ptr<Gauge> gauge;
    };

    mutable std::mutex mutex_;
    std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
    std::map<std::string, Histogram> durations_;
    std::map<std::string, std::uint64_t> rejections_;
    std::map<std::string, Named> named_;
    Gauge* in_flight_ = nullptr;
    Gauge* connections_ = nullptr;
};

}  // namespace dojang::http
