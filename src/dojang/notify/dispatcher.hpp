// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/notify/channel.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <random>

namespace dojang::notify {

/// How hard and how often the dispatcher tries.
struct DispatcherSettings {
    std::size_t batch = 50;                  ///< Messages taken per deliver_due() call.
    int max_attempts = 8;                    ///< Attempts before a message is given up.
    std::chrono::seconds base_backoff{10};   ///< Cap of the delay after the first failure.
    std::chrono::seconds max_backoff{3600};  ///< Cap of every delay.
    /// How long a claimed message is reserved for one attempt; must exceed the channels'
    /// timeouts, or a slow attempt may be repeated by another dispatcher.
    std::chrono::seconds claim_lease{300};
};

/// Picks a delay in [0, cap] ("full jitter"); injected so tests are deterministic.
using Jitter = std::function<std::chrono::seconds(std::chrono::seconds cap)>;

/// Delivers due outbox messages through their channels and records the outcome.
///
/// Each deliver_due(): (1) in one transaction, take up to `batch` due messages and claim each
/// (Outbox::claim) for `claim_lease`; (2) send each claimed message outside any transaction;
/// (3) record each outcome in its own transaction: sent; or a failed attempt rescheduled after
/// a random delay in [0, min(max_backoff, base_backoff · 2^(attempts−1))] (full jitter, at
/// least one second); or given up after `max_attempts` attempts or at once when the channel
/// says the failure is permanent.
///
/// Several dispatchers (threads, processes, nodes) may run on one store: a claim is taken by
/// one of them only. A message is sent twice only when a dispatcher dies (or its store becomes
/// unreachable) between sending and recording, or an attempt outlives its lease; the copy
/// carries the same Message-ID (derived from the dedupe key), so mail receivers can drop it.
/// One thread at a time per Dispatcher object.
class Dispatcher {
public:
    /// Uses `database`, the `channels` by name and `clock`, which must all outlive it.
    /// Without `jitter` the delays come from a pseudo-random generator seeded at start.
    Dispatcher(store::Database& database,
               Channels channels,
               const Clock& clock,
               DispatcherSettings settings = {},
               Jitter jitter = {});

    /// Delivers what is due now; returns how many messages were sent. Errors: the store's,
    /// when claiming fails (nothing was sent), or when recording an outcome failed (the other
    /// messages were still attempted and recorded).
    Result<std::size_t> deliver_due();

    /// The longest delay after `failed_attempts` failures (≥ 1): min(max, base · 2^(n−1)).
    [[nodiscard]] std::chrono::seconds backoff_cap(int failed_attempts) const;

private:
    Result<void> record(const store::OutboxMessage& message, const Result<void>& sent);
    std::chrono::seconds jittered(std::chrono::seconds cap);

    store::Database& database_;
    Channels channels_;
    const Clock& clock_;
    DispatcherSettings settings_;
    Jitter jitter_;
    std::mt19937_64 random_;
};

}  // namespace dojang::notify
