// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/notification.hpp"

namespace dojang::notify {

Result<std::int64_t> enqueue_notification(store::Transaction& tx,
                                          const Notification& notification,
                                          Seconds now,
                                          const Templates& templates) {
    if (notification.channel != "email" && notification.channel != "sms") {
        return fail(ErrorKind::invalid_request,
                    "NOTIFY_CHANNEL_UNKNOWN",
                    "notifications go by email or sms, not '" + notification.channel + "'");
    }
    if (notification.destination.empty() || notification.dedupe_key.empty()) {
        return fail(ErrorKind::invalid_request,
                    "NOTIFICATION_INCOMPLETE",
                    "a notification needs a destination and a dedupe key");
    }
    auto rendered = templates.render(notification.kind, notification.language, notification.vars);
    DOJANG_TRY(rendered);
    return tx.outbox().enqueue(store::OutboxMessage{
        .id = 0,
        .dedupe_key = notification.dedupe_key,
        .channel = notification.channel,
        .destination = notification.destination,
        .subject = std::move(rendered->subject),
        .body = std::move(rendered->body),
        .application_id = notification.application_id,
        .status = store::OutboxStatus::pending,
        .attempts = 0,
        .next_attempt_at = now,
        .last_error = {},
        .created_at = now,
        .sent_at = std::nullopt,
    });
}

}  // namespace dojang::notify
