// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/dispatcher.hpp"

#include "dojang/log/log.hpp"

#include <algorithm>
#include <optional>

namespace dojang::notify {
namespace {

using std::chrono::seconds;

/// The error text kept on the message: safe to show, with the code for support staff.
std::string summary(const Error& error) {
    std::string text = error.code.empty() ? std::string(to_string(error.kind)) : error.code;
    text += ": " + error.detail;
    if (!error.cause.empty()) {
        // Channel causes are transport messages (never the message text); worth keeping.
        text += " (" + error.cause + ")";
    }
    return text;
}

bool is_retryable(const Error& error) {
    return error.kind == ErrorKind::unavailable;
}

}  // namespace

Dispatcher::Dispatcher(store::Database& database,
                       Channels channels,
                       const Clock& clock,
                       DispatcherSettings settings,
                       Jitter jitter)
    : database_(database),
      channels_(std::move(channels)),
      clock_(clock),
      settings_(settings),
      jitter_(std::move(jitter)),
      random_(std::random_device{}()) {
    settings_.batch = std::max<std::size_t>(settings_.batch, 1);
    settings_.max_attempts = std::max(settings_.max_attempts, 1);
    settings_.base_backoff = std::max(settings_.base_backoff, seconds{1});
    settings_.max_backoff = std::max(settings_.max_backoff, settings_.base_backoff);
    settings_.claim_lease = std::max(settings_.claim_lease, seconds{1});
}

seconds Dispatcher::backoff_cap(int failed_attempts) const {
    seconds cap = settings_.base_backoff;
    for (int i = 1; i < failed_attempts && cap < settings_.max_backoff; ++i) {
        cap *= 2;
    }
    return std::min(cap, settings_.max_backoff);
}

seconds Dispatcher::jittered(seconds cap) {
    seconds delay{0};
    if (jitter_) {
        delay = jitter_(cap);
    } else {
        std::uniform_int_distribution<seconds::rep> pick(0, cap.count());
        delay = seconds{pick(random_)};
    }
    return std::clamp(delay, seconds{1}, std::max(cap, seconds{1}));
}

Result<std::size_t> Dispatcher::deliver_due() {
    // 1. Claim a batch of due messages, so no other dispatcher sends them meanwhile.
    const Seconds now = clock_.now();
    std::vector<store::OutboxMessage> claimed;
    auto taken = database_.transact([&](store::Transaction& tx) -> Result<void> {
        claimed.clear();  // the transaction may be re-run after a busy store
        auto due = tx.outbox().due(now, settings_.batch);
        DOJANG_TRY(due);
        for (store::OutboxMessage& message : *due) {
            auto mine = tx.outbox().claim(message.id, now, now + settings_.claim_lease);
            DOJANG_TRY(mine);
            if (*mine) {
                claimed.push_back(std::move(message));
            }
        }
        return ok();
    });
    DOJANG_TRY(taken);
    // 2. Send each outside any transaction, and 3. record how it went.
    std::size_t sent_count = 0;
    std::optional<Error> first_error;
    for (const store::OutboxMessage& message : claimed) {
        const auto channel = channels_.find(message.channel);
        Result<void> sent =
            channel == channels_.end() || channel->second == nullptr
                ? Result<void>(fail(ErrorKind::unavailable,
                                    "NOTIFY_CHANNEL_UNKNOWN",
                                    "no channel '" + message.channel + "' is configured"))
                : channel->second->send(message);
        if (sent) {
            ++sent_count;
        }
        auto recorded = record(message, sent);
        if (!recorded) {
            // The message stays claimed until the lease ends, then is tried (and maybe sent)
            // again: the one window for a duplicate.
            log::error("notify: cannot record the outcome of message {}: {}",
                       message.id,
                       recorded.error().describe());
            if (!first_error) {
                first_error = recorded.error();
            }
        }
    }
    if (first_error) {
        return tl::unexpected(*first_error);
    }
    return sent_count;
}

Result<void> Dispatcher::record(const store::OutboxMessage& message, const Result<void>& sent) {
    const Seconds now = clock_.now();
    if (sent) {
        log::info("notify: sent {} message {}", message.channel, message.id);
        return database_.transact(
            [&](store::Transaction& tx) { return tx.outbox().mark_sent(message.id, now); });
    }
    const int attempts = message.attempts + 1;
    const std::string error = summary(sent.error());
    if (!is_retryable(sent.error()) || attempts >= settings_.max_attempts) {
        log::warn("notify: gave up {} message {} after {} attempt(s): {}",
                  message.channel,
                  message.id,
                  attempts,
                  error);
        return database_.transact(
            [&](store::Transaction& tx) { return tx.outbox().mark_failed(message.id, error); });
    }
    const Seconds next = now + jittered(backoff_cap(attempts));
    log::info("notify: {} message {} attempt {} failed, next at {}s: {}",
              message.channel,
              message.id,
              attempts,
              next.time_since_epoch().count(),
              error);
    return database_.transact([&](store::Transaction& tx) {
        return tx.outbox().mark_attempt_failed(message.id, error, next);
    });
}

}  // namespace dojang::notify
