// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/email.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/notify/test_support.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

namespace dojang::notify {
namespace {

const Seconds t0{std::chrono::seconds{1'700'000'000}};  // Tue, 14 Nov 2023 22:13:20 UTC

store::OutboxMessage korean_message() {
    return store::OutboxMessage{
        .id = 7,
        .dedupe_key = "otp:app-42:1",
        .channel = "email",
        .destination = "hong.gildong@example.com",
        .subject =
            "[도장] 인증서 재발급 신청이 승인되었습니다 — 참조번호와 인가코드를 확인하십시오",
        .body = "첫 줄입니다.\n둘째 줄: 인증번호는 482913입니다.\n",
        .application_id = "app-42",
        .status = store::OutboxStatus::pending,
        .attempts = 0,
        .next_attempt_at = t0,
        .last_error = {},
        .created_at = t0,
        .sent_at = std::nullopt,
    };
}

/// Composes, writes to a file and decodes it with Python's email package.
test::DecodedEmail round_trip(const store::OutboxMessage& message, const EmailEnvelope& envelope) {
    auto composed = compose_email(message, envelope);
    EXPECT_TRUE(composed.has_value()) << composed.error().describe();
    testing::TempDir dir;
    const std::string path = dir.path() + "/message.eml";
    EXPECT_TRUE(write_file_atomic(path, to_bytes(composed.value_or(""))).has_value());
    return test::decode_email(path);
}

TEST(Email, EncodesAKoreanSubjectThatAnotherParserDecodes) {
    const auto decoded =
        round_trip(korean_message(), EmailEnvelope{"notice@dojang.example", "도장 인증센터", t0});

    EXPECT_EQ(decoded.subject, korean_message().subject);
    EXPECT_EQ(decoded.from_name, "도장 인증센터");
    EXPECT_EQ(decoded.from_address, "notice@dojang.example");
    EXPECT_EQ(decoded.content_type, "text/plain;utf-8");
    EXPECT_EQ(decoded.body, korean_message().body);
}

TEST(Email, DerivesTheMessageIdFromTheDedupeKeyOnly) {
    const auto first = round_trip(korean_message(), EmailEnvelope{"a@dojang.example", "", t0});
    auto later = korean_message();
    later.id = 8;
    const auto second =
        round_trip(later, EmailEnvelope{"a@dojang.example", "", t0 + std::chrono::hours{1}});

    EXPECT_EQ(first.message_id, "<dojang.otp=3Aapp-42=3A1@dojang.example>");
    EXPECT_EQ(second.message_id, first.message_id);
}

TEST(Email, KeepsEveryHeaderLineShortAndTheBodyInBase64) {
    auto composed =
        compose_email(korean_message(), EmailEnvelope{"notice@dojang.example", "도장", t0});
    ASSERT_TRUE(composed.has_value()) << composed.error().describe();

    const std::string& text = *composed;
    const std::size_t header_end = text.find("\r\n\r\n");
    ASSERT_NE(header_end, std::string::npos);
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find("\r\n", start);
        ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
        EXPECT_LE(end - start, 76U) << text.substr(start, end - start);
        for (std::size_t i = start; i < end; ++i) {
            EXPECT_LT(static_cast<unsigned char>(text[i]), 0x80U) << "8-bit octet on the wire";
        }
        start = end + 2;
    }
    EXPECT_NE(text.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos);
    EXPECT_NE(text.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
    EXPECT_EQ(text.find("482913"), std::string::npos) << "the code only inside base64";
}

TEST(Email, RefusesAddressesThatCouldInjectHeadersOrCommands) {
    for (const std::string bad : {"",
                                  "no-at-sign",
                                  "a@b@c",
                                  "a b@example.com",
                                  "x@example.com\r\nBcc: y@example.com",
                                  "<x@example.com>",
                                  "x@exa mple.com",
                                  ".x@example.com",
                                  "x@example..com",
                                  "\"q\"@x.com"}) {
        EXPECT_FALSE(is_plain_email_address(bad)) << bad;
        auto message = korean_message();
        message.destination = bad;
        auto composed = compose_email(message, EmailEnvelope{"a@dojang.example", "", t0});
        ASSERT_FALSE(composed.has_value()) << bad;
        EXPECT_EQ(composed.error().kind, ErrorKind::invalid_request);
    }
    EXPECT_TRUE(is_plain_email_address("hong.gildong+cert@mail.example.co.kr"));
}

TEST(Email, WritesDatesAsRfc5322) {
    EXPECT_EQ(rfc5322_date(Seconds{std::chrono::seconds{0}}), "Thu, 01 Jan 1970 00:00:00 +0000");
    EXPECT_EQ(rfc5322_date(Seconds{std::chrono::seconds{951'782'400}}),
              "Tue, 29 Feb 2000 00:00:00 +0000");
}

TEST(Email, EncodesTokensReversiblyForFileNames) {
    EXPECT_EQ(encode_token("otp:app-1/../x"), "otp=3Aapp-1=2F=2E=2E=2Fx");
    EXPECT_NE(encode_token("a:b"), encode_token("a=3Ab"));
}

}  // namespace
}  // namespace dojang::notify
