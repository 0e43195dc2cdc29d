// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/notify/channel.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace dojang::notify {

/// Whether the SMTP session must be upgraded with STARTTLS (RFC 3207).
enum class StartTls {
    required,  ///< Refuse to send unless the server upgrades to TLS (default).
    optional,  ///< Upgrade when the server offers it, send in the clear otherwise.
    none,      ///< Never upgrade (loopback relays and tests only).
};

/// Where and how e-mail is handed over.
struct SmtpSettings {
    std::string url;   ///< "smtp://host:port" (STARTTLS per `starttls`) or "smtps://host:port".
    std::string from;  ///< Envelope and header sender address.
    std::string from_name;  ///< Display name in the From header; may be Korean; may be empty.
    std::string username;   ///< Empty for no AUTH.
    SecretBytes password;
    StartTls starttls = StartTls::required;
    std::chrono::milliseconds timeout{30'000};  ///< Whole transfer, connect included.
    std::string ca_file;  ///< CA bundle for the server's certificate; empty: the system's.
    /// Allows AUTH over a connection that may not be encrypted. Only for loopback tests: the
    /// password would cross the network in the clear.
    bool allow_plaintext_auth = false;
};

/// Delivers e-mail through an SMTP server with libcurl, one connection per message.
/// Thread-safe.
class SmtpChannel final : public Channel {
public:
    /// Checks `settings`: invalid_request (SMTP_SETTINGS_INVALID) for a URL that is not smtp://
    /// or smtps://, a sender that is not a plain address, or AUTH that could travel unencrypted
    /// (smtp:// without StartTls::required) unless allow_plaintext_auth. `clock` dates the
    /// messages and must outlive the channel.
    static Result<std::unique_ptr<SmtpChannel>> create(SmtpSettings settings, const Clock& clock);

    /// Sends one message. invalid_request for a malformed destination or a 5xx answer to it
    /// (e.g. 550 no such mailbox); unavailable for connection, TLS, AUTH, timeout or 4xx
    /// failures, which may pass later.
    Result<void> send(const store::OutboxMessage& message) override;

private:
    SmtpChannel(SmtpSettings settings, const Clock& clock)
        : settings_(std::move(settings)), clock_(clock) {}
    SmtpSettings settings_;
    const Clock& clock_;
};

}  // namespace dojang::notify
