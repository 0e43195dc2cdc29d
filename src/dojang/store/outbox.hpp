// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::store {

/// Where an outbox message is: waiting (first try or retry), delivered, or given up.
enum class OutboxStatus { pending, sent, failed };

/// The stored name of a status ("pending", "sent", "failed").
inline std::string_view to_string(OutboxStatus status) {
    switch (status) {
        case OutboxStatus::pending:
            return "pending";
        case OutboxStatus::sent:
            return "sent";
        case OutboxStatus::failed:
            return "failed";
    }
    return "failed";
}

/// Parses a stored status name; invalid_request on anything else.
inline Result<OutboxStatus> outbox_status_from_string(std::string_view text) {
    for (const OutboxStatus status :
         {OutboxStatus::pending, OutboxStatus::sent, OutboxStatus::failed}) {
        if (to_string(status) == text) {
            return status;
        }
    }
    return fail(ErrorKind::invalid_request,
                "OUTBOX_STATUS_UNKNOWN",
                "unknown outbox status '" + std::string(text) + "'");
}

/// One notification waiting in (or delivered from) the transactional outbox. It is written in
/// the same transaction as the change it announces, so it exists exactly when the change does.
struct OutboxMessage {
    std::int64_t id = 0;         ///< Assigned by the store.
    std::string dedupe_key;      ///< Unique; a second enqueue with the same key is a no-op.
    std::string channel;         ///< "email" or "sms".
    std::string destination;     ///< E-mail address or phone number; erased with the body
                                 ///< once the message is sent or given up.
    std::string subject;         ///< E-mail subject (unused by SMS).
    std::string body;            ///< Rendered text (may hold a one-time code): never logged,
                                 ///< erased once the message is sent or given up.
    std::string application_id;  ///< The application it belongs to; may be empty.
    OutboxStatus status = OutboxStatus::pending;
    int attempts = 0;  ///< Finished delivery attempts (failed, sent or given up).
    Seconds next_attempt_at;
    std::string last_error;  ///< Why the last attempt failed ("CODE: detail (cause)"), for
                             ///< operators; never the message text.
    Seconds created_at;
    std::optional<Seconds> sent_at;
};

/// The transactional outbox: notifications recorded with the change they announce and delivered
/// afterwards by a dispatcher (notify::Dispatcher).
class Outbox {
public:
    virtual ~Outbox() = default;
    /// Stores a pending message (its id, status, attempts, last_error and sent_at are ignored)
    /// and returns its id. When a message with the same dedupe_key exists, nothing changes and
    /// the existing id is returned: delivering exactly once starts here.
    virtual Result<std::int64_t> enqueue(const OutboxMessage& message) = 0;
    /// Pending messages with next_attempt_at ≤ now, the longest due first (then by id), at most
    /// `limit`.
    virtual Result<std::vector<OutboxMessage>> due(Seconds now, std::size_t limit) = 0;
    /// Takes a due message for one delivery attempt by moving its next_attempt_at to `until`
    /// (a lease): true when this caller got it, false when it is no longer pending and due at
    /// `now` (another dispatcher claimed it first). A claim that is never followed by mark_*
    /// (a crash) expires at `until` and the message is tried again.
    virtual Result<bool> claim(std::int64_t id, Seconds now, Seconds until) = 0;
    /// pending → sent at `at`, counting the attempt. Already sent: no change. `not_found` for
    /// an unknown id, `conflict` when the message was given up.
    virtual Result<void> mark_sent(std::int64_t id, Seconds at) = 0;
    /// Counts a failed attempt and schedules the next one; stays pending. `not_found`, or
    /// `conflict` when the message is not pending.
    virtual Result<void> mark_attempt_failed(std::int64_t id,
                                             const std::string& error,
                                             Seconds next_attempt_at) = 0;
    /// pending → failed (given up), counting the attempt. `not_found`, or `conflict` when the
    /// message is not pending.
    virtual Result<void> mark_failed(std::int64_t id, const std::string& error) = 0;
    /// Every message of `application_id`, oldest first (for the status page).
    virtual Result<std::vector<OutboxMessage>> for_application(
        const std::string& application_id) = 0;
    /// The message, or std::nullopt when the id is unknown.
    virtual Result<std::optional<OutboxMessage>> find(std::int64_t id) = 0;
};

}  // namespace dojang::store
