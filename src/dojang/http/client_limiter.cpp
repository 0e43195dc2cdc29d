// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/client_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace dojang::http {

ClientLimiter::ClientLimiter(std::array<ClientLimit, 3> limits, std::size_t max_clients)
    : limits_(limits), max_clients_(std::max<std::size_t>(max_clients, 1)) {
    for (const ClientLimit& limit : limits_) {
        if (limit.is_enabled()) {
            const auto fill = std::chrono::duration<double>(
                static_cast<double>(std::max<std::size_t>(limit.burst, 1)) /
                static_cast<double>(limit.rate));
            refill_time_ = std::max(
                refill_time_,
                std::chrono::duration_cast<Clock::duration>(fill) + std::chrono::milliseconds{1});
        }
    }
}

bool ClientLimiter::is_limited(RouteClass cls) const {
    return limits_.at(static_cast<std::size_t>(cls)).is_enabled();
}

ClientLimiter::Decision ClientLimiter::take(RouteClass cls,
                                            std::string_view client,
                                            Clock::time_point now) {
    const auto index = static_cast<std::size_t>(cls);
    const ClientLimit& limit = limits_.at(index);
    if (!limit.is_enabled()) {
        return {};
    }
    const auto burst = static_cast<double>(std::max<std::size_t>(limit.burst, 1));
    const auto rate = static_cast<double>(limit.rate);
    const std::lock_guard lock(mutex_);
    evict(now);
    auto found = index_.find(client);
    if (found == index_.end()) {
        if (order_.size() >= max_clients_) {
            index_.erase(order_.back().client);
            order_.pop_back();
        }
        Entry entry;
        entry.client = std::string(client);
        for (std::size_t i = 0; i < entry.buckets.size(); ++i) {
            entry.buckets.at(i).tokens =
                static_cast<double>(std::max<std::size_t>(limits_.at(i).burst, 1));
            entry.buckets.at(i).updated = now;
        }
        order_.push_front(std::move(entry));
        found = index_.emplace(order_.front().client, order_.begin()).first;
    } else {
        order_.splice(order_.begin(), order_, found->second);
    }
    Entry& entry = *found->second;
    entry.last_seen = std::max(entry.last_seen, now);
    Bucket& bucket = entry.buckets.at(index);
    if (now > bucket.updated) {
        const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
        bucket.tokens = std::min(burst, bucket.tokens + elapsed * rate);
        bucket.updated = now;
    }
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return {};
    }
    const double wait = (1.0 - bucket.tokens) / rate;
    const auto seconds = static_cast<std::chrono::seconds::rep>(std::ceil(wait));
    return {false, std::chrono::seconds{std::max<std::chrono::seconds::rep>(seconds, 1)}};
}

std::size_t ClientLimiter::tracked() const {
    const std::lock_guard lock(mutex_);
    return order_.size();
}

void ClientLimiter::evict(Clock::time_point now) {
    // The list is ordered by last use, so the idle entries are all at its end.
    while (!order_.empty() && now - order_.back().last_seen >= refill_time_) {
        index_.erase(order_.back().client);
        order_.pop_back();
    }
}

}  // namespace dojang::http
