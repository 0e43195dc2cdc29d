// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/store/outbox.hpp"

#include <string>
#include <string_view>

namespace dojang::notify {

/// What an e-mail needs beyond the outbox message: the sender and the date.
struct EmailEnvelope {
    std::string from;       ///< Sender address (addr-spec only), e.g. "notice@dojang.example".
    std::string from_name;  ///< Display name, may be Korean; empty for none.
    Seconds date;           ///< Value of the Date header.
};

/// True for a plain addr-spec we are willing to put in a header and an SMTP command:
/// dot-atom local part and a host name, printable ASCII only (no quotes, spaces, brackets,
/// CR or LF).
bool is_plain_email_address(std::string_view address);

/// `text` as RFC 2047 "B" encoded-words in UTF-8, folded with CRLF SP so no line of the
/// header grows past 76 characters; multi-octet characters are never split across words.
std::string encode_header_text(std::string_view text);

/// RFC 5322 section 3.3 date-time in UTC, e.g. "Tue, 14 Nov 2023 22:13:20 +0000".
std::string rfc5322_date(Seconds at);

/// `text` with [A-Za-z0-9_-] kept and every other octet written "=XX": safe in a file name and
/// in a Message-ID, and different texts stay different.
std::string encode_token(std::string_view text);

/// A Message-ID made only from the dedupe key, "<dojang.TOKEN@DOMAIN>": a message delivered
/// twice (see Dispatcher) carries the same id both times, so receivers can drop the copy.
std::string message_id(std::string_view dedupe_key, std::string_view domain);

/// The whole RFC 5322 message for `message` (CRLF line ends): Date, From, To, Subject
/// (RFC 2047), Message-ID, MIME headers, and the body as UTF-8 text/plain in base64.
/// invalid_request (EMAIL_ADDRESS_INVALID) when the sender or destination is not a plain
/// address.
Result<std::string> compose_email(const store::OutboxMessage& message,
                                  const EmailEnvelope& envelope);

}  // namespace dojang::notify
