// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/email.hpp"

#include "dojang/core/bytes.hpp"

#include <array>
#include <chrono>

namespace dojang::notify {
namespace {

/// Octets of UTF-8 per encoded-word: 36 octets are 48 base64 characters, a 60-character word,
/// which fits a 76-character line even after "Subject: " (RFC 2047 section 2).
constexpr std::size_t octets_per_word = 36;
/// RFC 2045 section 6.8: base64 lines of at most 76 characters.
constexpr std::size_t base64_line = 76;

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// RFC 5322 section 3.2.3 atext.
bool is_atext(char c) {
    static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return is_alnum(c) || specials.find(c) != std::string_view::npos;
}

/// A dot-atom: atext runs separated by single dots.
bool is_dot_atom(std::string_view text, bool (*allowed)(char)) {
    if (text.empty() || text.front() == '.' || text.back() == '.' ||
        text.find("..") != std::string_view::npos) {
        return false;
    }
    for (const char c : text) {
        if (c != '.' && !allowed(c)) {
            return false;
        }
    }
    return true;
}

bool is_host_char(char c) {
    return is_alnum(c) || c == '-';
}

/// Octets in the UTF-8 sequence that starts with `lead` (1 for anything malformed).
std::size_t sequence_length(unsigned char lead) {
    if (lead >= 0xF0U && lead <= 0xF7U) {
        return 4;
    }
    if (lead >= 0xE0U) {
        return lead <= 0xEFU ? 3 : 1;
    }
    if (lead >= 0xC0U) {
        return 2;
    }
    return 1;
}

std::string two_digits(unsigned value) {
    std::string out = std::to_string(value);
    return out.size() < 2 ? "0" + out : out;
}

std::string domain_of(std::string_view address) {
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string("localhost")
                                        : std::string(address.substr(at + 1));
}

/// RFC 2045 section 6.8: the canonical form of text has CRLF line ends.
std::string canonical_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            out += "\r\n";
        } else if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
            out += "\r\n";
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

}  // namespace

bool is_plain_email_address(std::string_view address) {
    const auto at = address.find('@');
    if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    const std::string_view local = address.substr(0, at);
    const std::string_view domain = address.substr(at + 1);
    // RFC 5321 section 4.5.3.1: local part ≤ 64 octets, domain ≤ 255.
    return local.size() <= 64 && domain.size() <= 255 && is_dot_atom(local, is_atext) &&
           is_dot_atom(domain, is_host_char);
}

std::string encode_header_text(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = start;
        while (end < text.size()) {
            const std::size_t length = sequence_length(static_cast<unsigned char>(text[end]));
            if (end + length - start > octets_per_word && end > start) {
                break;
            }
            end = std::min(end + length, text.size());
        }
        if (!out.empty()) {
            out += "\r\n ";  // folding; white space between encoded-words is not displayed
        }
        const std::string_view chunk = text.substr(start, end - start);
        out += "=?UTF-8?B?" + to_base64(to_bytes(chunk)) + "?=";
        start = end;
    }
    return out;
}

std::string rfc5322_date(Seconds at) {
    static constexpr std::array<std::string_view, 7> weekdays{
        "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = std::chrono::floor<std::chrono::days>(at);
    const std::chrono::year_month_day date{day};
    const std::chrono::weekday weekday{day};
    const std::chrono::hh_mm_ss time{at - day};
    return std::string(weekdays.at(weekday.c_encoding())) + ", " +
           two_digits(static_cast<unsigned>(date.day())) + " " +
           std::string(months.at(static_cast<unsigned>(date.month()) - 1)) + " " +
           std::to_string(static_cast<int>(date.year())) + " " +
           two_digits(static_cast<unsigned>(time.hours().count())) + ":" +
           two_digits(static_cast<unsigned>(time.minutes().count())) + ":" +
           two_digits(static_cast<unsigned>(time.seconds().count())) + " +0000";
}

std::string encode_token(std::string_view text) {
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        if (is_alnum(c) || c == '-' || c == '_') {
            out.push_back(c);
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out.push_back('=');
            out.push_back(hex[byte >> 4U]);
            out.push_back(hex[byte & 0x0FU]);
        }
    }
    return out;
}

std::string message_id(std::string_view dedupe_key, std::string_view domain) {
    return "<dojang." + encode_token(dedupe_key) + "@" + std::string(domain) + ">";
}

Result<std::string> compose_email(const store::OutboxMessage& message,
                                  const EmailEnvelope& envelope) {
    if (!is_plain_email_address(envelope.from)) {
        return fail(ErrorKind::invalid_request,
                    "EMAIL_ADDRESS_INVALID",
                    "the sender address is not a plain e-mail address");
    }
    if (!is_plain_email_address(message.destination)) {
        return fail(ErrorKind::invalid_request,
                    "EMAIL_ADDRESS_INVALID",
                    "the destination is not a plain e-mail address");
    }
    std::string out;
    out += "Date: " + rfc5322_date(envelope.date) + "\r\n";
    if (envelope.from_name.empty()) {
        out += "From: " + envelope.from + "\r\n";
    } else {
        out +=
            "From: " + encode_header_text(envelope.from_name) + "\r\n <" + envelope.from + ">\r\n";
    }
    out += "To: " + message.destination + "\r\n";
    out += "Subject: " + encode_header_text(message.subject) + "\r\n";
    out += "Message-ID: " + message_id(message.dedupe_key, domain_of(envelope.from)) + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    // RFC 3834 section 5: machine-sent, so auto-responders do not answer it.
    out += "Auto-Submitted: auto-generated\r\n";
    out += "\r\n";
    const std::string body = to_base64(to_bytes(canonical_lines(message.body)));
    for (std::size_t i = 0; i < body.size(); i += base64_line) {
        out += body.substr(i, base64_line) + "\r\n";
    }
    return out;
}

}  // namespace dojang::notify
