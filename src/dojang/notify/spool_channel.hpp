// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/notify/channel.hpp"

#include <string>

namespace dojang::notify {

/// The development channel: instead of sending, writes each message to a file a person (or a
/// test) can read the one-time code from. E-mail becomes `DIR/spool/email/<id>-<key>.eml`, a
/// complete RFC 5322 message; SMS becomes `DIR/spool/sms/<id>.txt` ("To: …", a blank line,
/// the text). Files are written atomically with mode 0600; writing one again (a retry) replaces
/// it. One log line per message names the file, never the text. Thread-safe.
class SpoolChannel final : public Channel {
public:
    /// Spools under `data_dir`/spool; `from`/`from_name` fill the From header of e-mail.
    /// `clock` dates the messages and must outlive the channel.
    SpoolChannel(std::string data_dir, std::string from, std::string from_name, const Clock& clock);

    /// Writes the file: invalid_request for an unknown channel or a malformed address (as the
    /// real channels would), unavailable when the file cannot be written.
    Result<void> send(const store::OutboxMessage& message) override;

    /// The file that `message` is spooled to.
    [[nodiscard]] std::string path_for(const store::OutboxMessage& message) const;

private:
    std::string data_dir_;
    std::string from_;
    std::string from_name_;
    const Clock& clock_;
};

}  // namespace dojang::notify
