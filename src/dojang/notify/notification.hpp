// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/notify/templates.hpp"
#include "dojang/store/store.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace dojang::notify {

/// What the RA wants said, to whom and how.
struct Notification {
    TemplateKind kind = TemplateKind::otp;
    Language language = Language::ko;
    std::string channel;         ///< "email" or "sms".
    std::string destination;     ///< E-mail address or phone number.
    std::string dedupe_key;      ///< Names this one notification, e.g. "otp:<application>:<n>".
    std::string application_id;  ///< May be empty (expiry reminders).
    std::map<std::string, std::string> vars;  ///< The template's variables.
};

/// Renders `notification` and enqueues it in the caller's transaction `tx`, due at `now`, so
/// it is delivered exactly when the change it announces commits. Returns the outbox id (the
/// existing one when the dedupe key is known). Errors: invalid_request for an unknown channel,
/// an empty destination or dedupe key, or a missing template variable; the store's.
Result<std::int64_t> enqueue_notification(store::Transaction& tx,
                                          const Notification& notification,
                                          Seconds now,
                                          const Templates& templates = Templates::builtin());

}  // namespace dojang::notify
