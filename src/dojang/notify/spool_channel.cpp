// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/spool_channel.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/log/log.hpp"
#include "dojang/notify/email.hpp"
#include "dojang/notify/sms_channel.hpp"

#include <filesystem>
#include <system_error>

namespace dojang::notify {

SpoolChannel::SpoolChannel(std::string data_dir,
                           std::string from,
                           std::string from_name,
                           const Clock& clock)
    : data_dir_(std::move(data_dir)),
      from_(std::move(from)),
      from_name_(std::move(from_name)),
      clock_(clock) {}

std::string SpoolChannel::path_for(const store::OutboxMessage& message) const {
    const std::filesystem::path spool = std::filesystem::path(data_dir_) / "spool";
    if (message.channel == "email") {
        return (spool / "email" /
                (std::to_string(message.id) + "-" + encode_token(message.dedupe_key) + ".eml"))
            .string();
    }
    return (spool / encode_token(message.channel) / (std::to_string(message.id) + ".txt")).string();
}

Result<void> SpoolChannel::send(const store::OutboxMessage& message) {
    // 1. The content, checked as the real channel would check it.
    std::string content;
    if (message.channel == "email") {
        auto composed = compose_email(message, EmailEnvelope{from_, from_name_, clock_.now()});
        DOJANG_TRY(composed);
        content = std::move(*composed);
    } else if (message.channel == "sms") {
        auto phone = normalise_phone_number(message.destination);
        DOJANG_TRY(phone);
        content = "To: " + *phone + "\n\n" + message.body + "\n";
    } else {
        return fail(ErrorKind::invalid_request,
                    "NOTIFY_CHANNEL_UNKNOWN",
                    "the spool does not know channel '" + message.channel + "'");
    }
    // 2. The file: private (it may hold a one-time code), written whole or not at all.
    const std::string path = path_for(message);
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    for (const auto& owned : {folder.parent_path(), folder}) {
        if (!error) {  // the spool and its channel folders are the owner's alone
            std::filesystem::permissions(owned, std::filesystem::perms::owner_all, error);
        }
    }
    if (error) {
        return fail(ErrorKind::unavailable,
                    "SPOOL_FAILED",
                    "cannot create the spool folder",
                    path + ": " + error.message());
    }
    auto written = write_file_atomic(path, to_bytes(content), 0600);
    if (!written) {
        return fail(ErrorKind::unavailable,
                    "SPOOL_FAILED",
                    "cannot write the spool file",
                    written.error().describe());
    }
    log::info("notify: spooled {} message {} to {}", message.channel, message.id, path);
    return ok();
}

}  // namespace dojang::notify
