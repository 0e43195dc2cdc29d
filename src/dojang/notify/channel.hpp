// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/store/outbox.hpp"

#include <functional>
#include <map>
#include <string>

namespace dojang::notify {

/// One way of delivering an outbox message (e-mail, SMS, the development spool).
///
/// send() answers how the attempt went: success when the message was handed over;
/// `unavailable` when trying again later may work (server down, timeout, 5xx); any other kind,
/// normally `invalid_request` (malformed address, recipient refused, 4xx), when it never will,
/// so the dispatcher gives up at once. Error details may name the destination but never carry
/// the body (it can hold a one-time code). Implementations are safe to call from one thread at
/// a time per channel object.
class Channel {
public:
    virtual ~Channel() = default;
    /// Delivers `message` (its channel field names this channel).
    virtual Result<void> send(const store::OutboxMessage& message) = 0;
};

/// Channels by the name stored in OutboxMessage::channel ("email", "sms"); not owned.
using Channels = std::map<std::string, Channel*, std::less<>>;

}  // namespace dojang::notify
