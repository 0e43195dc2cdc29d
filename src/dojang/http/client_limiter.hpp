// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/http/router.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dojang::http {

/// A per-client token bucket: on average `rate` requests per second, bursts of up to `burst`.
struct ClientLimit {
    std::size_t rate = 0;   ///< Tokens added per second; 0 turns the limit off.
    std::size_t burst = 0;  ///< Bucket size: requests a quiet client may send at once (≥ 1).

    [[nodiscard]] bool is_enabled() const { return rate > 0; }
};

/// Per-client, per-class token buckets with a bounded table (internal to http).
///
/// A client is a key the server derives from the peer address. Entries are kept in order of
/// last use: one idle long enough for every bucket to be full again behaves exactly like a new
/// client, so it is dropped; when the table holds `max_clients` entries the least recently seen
/// one is dropped too (that client starts again with a full bucket). Thread-safe.
class ClientLimiter {
public:
    using Clock = std::chrono::steady_clock;

    /// The answer for one request: allowed, or refused with the wait until a token is there.
    struct Decision {
        bool allowed = true;
        std::chrono::seconds retry_after{0};  ///< ≥ 1 s when refused.
    };

    /// `limits` is indexed by RouteClass.
    ClientLimiter(std::array<ClientLimit, 3> limits, std::size_t max_clients);

    /// Whether the class has a limit at all (status has none by default).
    [[nodiscard]] bool is_limited(RouteClass cls) const;

    /// Takes one token of `cls` from the bucket of `client` at `now`.
    Decision take(RouteClass cls, std::string_view client, Clock::time_point now);

    /// Clients tracked right now.
    [[nodiscard]] std::size_t tracked() const;

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };
    struct Entry {
        std::string client;
        Clock::time_point last_seen;
        std::array<Bucket, 3> buckets;
    };
    using Order = std::list<Entry>;

    /// Drops entries idle long enough to be full again, and beyond the cap. Needs mutex_.
    void evict(Clock::time_point now);

    const std::array<ClientLimit, 3> limits_;
    const std::size_t max_clients_;
    Clock::duration refill_time_{};  ///< Time for the slowest bucket to fill up from empty.
    mutable std::mutex mutex_;
    Order order_;  ///< Most recently seen first.
    std::unordered_map<std::string_view, Order::iterator> index_;
};

}  // namespace dojang::http
