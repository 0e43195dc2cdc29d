// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/smtp_channel.hpp"

#include "dojang/notify/curl.hpp"
#include "dojang/notify/email.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace dojang::notify {
namespace {

using detail::failed;

/// The message being uploaded by libcurl's read callback.
struct Upload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t room = size * count;
    const std::size_t left = upload->data.size() - upload->offset;
    const std::size_t n = std::min(room, left);
    std::memcpy(buffer, upload->data.data() + upload->offset, n);
    upload->offset += n;
    return n;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

curl_usessl use_ssl(StartTls starttls) {
    switch (starttls) {
        case StartTls::required:
            return CURLUSESSL_ALL;
        case StartTls::optional:
            return CURLUSESSL_TRY;
        case StartTls::none:
            return CURLUSESSL_NONE;
    }
    return CURLUSESSL_ALL;
}

Error settings_error(std::string detail) {
    return Error{ErrorKind::invalid_request, "SMTP_SETTINGS_INVALID", std::move(detail), {}, {}};
}

}  // namespace

Result<std::unique_ptr<SmtpChannel>> SmtpChannel::create(SmtpSettings settings,
                                                         const Clock& clock) {
    const bool implicit_tls = starts_with(settings.url, "smtps://");
    if (!implicit_tls && !starts_with(settings.url, "smtp://")) {
        return tl::unexpected(settings_error("the SMTP URL must start with smtp:// or smtps://"));
    }
    if (!is_plain_email_address(settings.from)) {
        return tl::unexpected(settings_error("the SMTP sender is not a plain e-mail address"));
    }
    const bool encrypted = implicit_tls || settings.starttls == StartTls::required;
    if (!settings.username.empty() && !encrypted && !settings.allow_plaintext_auth) {
        return tl::unexpected(settings_error(
            "SMTP AUTH needs smtps:// or STARTTLS required: the password would travel in the "
            "clear"));
    }
    return std::unique_ptr<SmtpChannel>(new SmtpChannel(std::move(settings), clock));
}

Result<void> SmtpChannel::send(const store::OutboxMessage& message) {
    // 1. The message itself; a malformed address is permanent.
    auto composed =
        compose_email(message, EmailEnvelope{settings_.from, settings_.from_name, clock_.now()});
    DOJANG_TRY(composed);
    // 2. The transfer: envelope, TLS policy, credentials, upload.
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    auto easy =
        detail::make_easy("smtp,smtps", settings_.timeout, settings_.ca_file, error_buffer.data());
    DOJANG_TRY(easy);
    CURL* handle = easy->get();
    const std::string mail_from = "<" + settings_.from + ">";
    detail::CurlList recipients;
    if (!detail::append(recipients, "<" + message.destination + ">")) {
        return fail(ErrorKind::unavailable, "SMTP_FAILED", "out of memory");
    }
    // libcurl wants a C string; keep it in a SecretBytes so it is wiped afterwards.
    std::vector<std::uint8_t> terminated(settings_.password.bytes().begin(),
                                         settings_.password.bytes().end());
    terminated.push_back(0);
    const SecretBytes password(std::move(terminated));
    Upload upload{*composed, 0};
    CURLcode set = curl_easy_setopt(handle, CURLOPT_URL, settings_.url.c_str());
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
    }
    if (!failed(set)) {
        set = curl_easy_setopt(
            handle, CURLOPT_USE_SSL, static_cast<long>(use_ssl(settings_.starttls)));
    }
    if (!failed(set) && !settings_.username.empty()) {
        set = curl_easy_setopt(handle, CURLOPT_USERNAME, settings_.username.c_str());
        if (!failed(set)) {
            set = curl_easy_setopt(handle, CURLOPT_PASSWORD, password.chars());
        }
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_upload);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
    }
    if (!failed(set)) {
        set = curl_easy_setopt(
            handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(composed->size()));
    }
    if (failed(set)) {
        return fail(ErrorKind::unavailable,
                    "SMTP_FAILED",
                    "cannot set up the SMTP transfer",
                    detail::describe(set, error_buffer.data()));
    }
    // 3. Send, and sort the outcome into retry or give up.
    const CURLcode sent = curl_easy_perform(handle);
    if (!failed(sent)) {
        return ok();
    }
    long reply = 0;
    (void)curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply);
    const std::string why = "SMTP: " + detail::describe(sent, error_buffer.data()) +
                            (reply != 0 ? " (reply " + std::to_string(reply) + ")" : "");
    // RFC 5321 section 4.2.1: 5yz is a permanent negative reply. A refused login is the
    // operator's to fix, not the recipient's fault: keep retrying those.
    if (reply >= 500 && reply < 600 && sent != CURLE_LOGIN_DENIED) {
        return fail(ErrorKind::invalid_request, "SMTP_REJECTED", why);
    }
    return fail(ErrorKind::unavailable, "SMTP_UNAVAILABLE", why);
}

}  // namespace dojang::notify
