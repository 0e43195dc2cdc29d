// SPDX-License-Identifier: Apache-2.0
// Against a real SMTP server on loopback: Debian's aiosmtpd, started by the test.
#include "dojang/notify/smtp_channel.hpp"

#include "dojang/notify/dispatcher.hpp"
#include "dojang/notify/notification.hpp"
#include "dojang/notify/test_support.hpp"
#include "dojang/sqlite/sqlite.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

namespace dojang::notify {
namespace {

const Seconds t0{std::chrono::seconds{1'700'000'000}};

SmtpSettings loopback(std::uint16_t port) {
    SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(port);
    settings.from = "notice@dojang.example";
    settings.from_name = "도장 인증센터";
    settings.starttls = StartTls::none;
    settings.timeout = std::chrono::seconds{20};
    return settings;
}

store::OutboxMessage message(std::string destination) {
    return store::OutboxMessage{
        .id = 3,
        .dedupe_key = "approved:app-5",
        .channel = "email",
        .destination = std::move(destination),
        .subject = "[도장] 인증서 재발급 신청이 승인되었습니다",
        .body = "참조번호 끝자리: 4821\n다음 단계: dojang 프로그램을 실행하십시오.\n",
        .application_id = "app-5",
        .status = store::OutboxStatus::pending,
        .attempts = 0,
        .next_attempt_at = t0,
        .last_error = {},
        .created_at = t0,
        .sent_at = std::nullopt,
    };
}

TEST(SmtpChannel, DeliversAKoreanMessageToARealServer) {
    testing::TempDir dir;
    const std::uint16_t port = test::free_port();
    const test::SmtpServer server(port, dir.path() + "/maildir");
    ASSERT_TRUE(server.ready());
    const ManualClock clock(t0);
    auto channel = SmtpChannel::create(loopback(port), clock);
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    auto sent = (*channel)->send(message("hong@example.com"));

    ASSERT_TRUE(sent.has_value()) << sent.error().describe();
    const auto files = test::maildir_files(dir.path() + "/maildir");
    ASSERT_EQ(files.size(), 1U);
    const auto received = test::decode_email(files.front());
    EXPECT_EQ(received.subject, "[도장] 인증서 재발급 신청이 승인되었습니다");
    EXPECT_EQ(received.from_name, "도장 인증센터");
    EXPECT_EQ(received.body, message("").body);
    EXPECT_EQ(received.message_id, "<dojang.approved=3Aapp-5@dojang.example>");
}

TEST(SmtpChannel, ReportsAServerThatIsDownAsRetryable) {
    const ManualClock clock(t0);
    auto channel = SmtpChannel::create(loopback(test::free_port()), clock);
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    auto sent = (*channel)->send(message("hong@example.com"));

    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::unavailable);
}

TEST(SmtpChannel, NeverSendsInTheClearWhenStartTlsIsRequired) {
    testing::TempDir dir;
    const std::uint16_t port = test::free_port();
    const test::SmtpServer server(port, dir.path() + "/maildir");  // offers no STARTTLS
    ASSERT_TRUE(server.ready());
    const ManualClock clock(t0);
    SmtpSettings settings = loopback(port);
    settings.starttls = StartTls::required;
    auto channel = SmtpChannel::create(std::move(settings), clock);
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    auto sent = (*channel)->send(message("hong@example.com"));

    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::unavailable);
    EXPECT_EQ(server.received(), 0U);
}

TEST(SmtpChannel, RefusesAMalformedDestinationForGood) {
    const ManualClock clock(t0);
    auto channel = SmtpChannel::create(loopback(test::free_port()), clock);
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    auto sent = (*channel)->send(message("hong@example.com>\r\nRCPT TO:<x@evil.example"));

    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::invalid_request);
}

TEST(SmtpChannel, RefusesSettingsThatWouldSendThePasswordInTheClear) {
    const ManualClock clock(t0);
    SmtpSettings settings = loopback(2525);
    settings.username = "dojang";
    settings.password = SecretBytes("s3cret");
    for (const StartTls mode : {StartTls::optional, StartTls::none}) {
        settings.starttls = mode;
        auto refused = SmtpChannel::create(settings, clock);
        ASSERT_FALSE(refused.has_value());
        EXPECT_EQ(refused.error().code, "SMTP_SETTINGS_INVALID");
    }

    settings.allow_plaintext_auth = true;  // loopback tests only
    EXPECT_TRUE(SmtpChannel::create(settings, clock).has_value());
    settings.allow_plaintext_auth = false;
    settings.starttls = StartTls::required;
    EXPECT_TRUE(SmtpChannel::create(settings, clock).has_value());
    settings.starttls = StartTls::none;
    settings.url = "smtps://mail.example:465";
    EXPECT_TRUE(SmtpChannel::create(settings, clock).has_value());
    settings.url = "http://mail.example";
    EXPECT_FALSE(SmtpChannel::create(settings, clock).has_value());
}

TEST(SmtpDelivery, DeliversExactlyOnceWhenTheServerComesUpLater) {
    // 1. A store, a channel to a port where nothing listens yet, and a dispatcher.
    testing::TempDir dir;
    auto database = sqlite::open_sqlite(dir.path() + "/dojang.db", {});
    ASSERT_TRUE(database.has_value()) << database.error().describe();
    ManualClock clock(t0);
    const std::uint16_t port = test::free_port();
    auto channel = SmtpChannel::create(loopback(port), clock);
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();
    Dispatcher dispatcher(**database, {{"email", channel->get()}}, clock);
    const Notification notification{
        .kind = TemplateKind::otp,
        .language = Language::ko,
        .channel = "email",
        .destination = "hong@example.com",
        .dedupe_key = "otp:app-1:1",
        .application_id = "app-1",
        .vars = {{"code", "482913"}, {"minutes", "5"}},
    };
    auto enqueue = [&] {
        return (*database)->transact([&](store::Transaction& tx) -> Result<void> {
            auto id = enqueue_notification(tx, notification, clock.now());
            DOJANG_TRY(id);
            return ok();
        });
    };
    auto status = [&] {
        std::vector<store::OutboxMessage> rows;
        auto read = (*database)->transact([&](store::Transaction& tx) -> Result<void> {
            auto all = tx.outbox().for_application("app-1");
            DOJANG_TRY(all);
            rows = *all;
            return ok();
        });
        EXPECT_TRUE(read.has_value());
        EXPECT_EQ(rows.size(), 1U);
        return rows.empty() ? store::OutboxMessage{} : rows.front();
    };
    ASSERT_TRUE(enqueue().has_value());

    // 2. Down: the attempt fails and is rescheduled within the first backoff.
    auto down = dispatcher.deliver_due();
    ASSERT_TRUE(down.has_value()) << down.error().describe();
    EXPECT_EQ(*down, 0U);
    const auto waiting = status();
    EXPECT_EQ(waiting.status, store::OutboxStatus::pending);
    EXPECT_EQ(waiting.attempts, 1);
    EXPECT_GT(waiting.next_attempt_at, clock.now());
    EXPECT_LE(waiting.next_attempt_at, clock.now() + dispatcher.backoff_cap(1));
    EXPECT_NE(waiting.last_error.find("SMTP"), std::string::npos) << waiting.last_error;

    // 3. Up, but the retry is not due yet: nothing is sent early.
    const test::SmtpServer server(port, dir.path() + "/maildir");
    ASSERT_TRUE(server.ready());
    auto early = dispatcher.deliver_due();
    ASSERT_TRUE(early.has_value()) << early.error().describe();
    EXPECT_EQ(*early, 0U);
    EXPECT_EQ(server.received(), 0U);

    // 4. Past the backoff: delivered; later rounds and a repeated enqueue send nothing more.
    clock.advance(dispatcher.backoff_cap(1));
    auto up = dispatcher.deliver_due();
    ASSERT_TRUE(up.has_value()) << up.error().describe();
    EXPECT_EQ(*up, 1U);
    ASSERT_TRUE(enqueue().has_value());
    clock.advance(std::chrono::hours{2});
    auto later = dispatcher.deliver_due();
    ASSERT_TRUE(later.has_value()) << later.error().describe();
    EXPECT_EQ(*later, 0U);

    EXPECT_EQ(server.received(), 1U);
    const auto delivered = status();
    EXPECT_EQ(delivered.status, store::OutboxStatus::sent);
    EXPECT_EQ(delivered.attempts, 2);
    const auto files = test::maildir_files(dir.path() + "/maildir");
    ASSERT_EQ(files.size(), 1U);
    EXPECT_NE(test::decode_email(files.front()).body.find("482913"), std::string::npos);
}

}  // namespace
}  // namespace dojang::notify
