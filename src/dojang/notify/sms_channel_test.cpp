// SPDX-License-Identifier: Apache-2.0
// Against a small HTTP gateway on loopback (dojang's own http::Server).
#include "dojang/notify/sms_channel.hpp"

#include "dojang/http/server.hpp"
#include "dojang/notify/dispatcher.hpp"
#include "dojang/notify/notification.hpp"
#include "dojang/sqlite/sqlite.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <thread>

namespace dojang::notify {
namespace {

const Seconds t0{std::chrono::seconds{1'700'000'000}};

/// An SMS gateway answering with scripted statuses (then 200), recording every request.
class Gateway {
public:
    explicit Gateway(std::deque<unsigned> statuses) : statuses_(std::move(statuses)) {
        router_.add("POST", "/v1/send", [this](const http::Request& request) {
            const std::lock_guard lock(mutex_);
            requests_.push_back(request);
            unsigned status = 200;
            if (!statuses_.empty()) {
                status = statuses_.front();
                statuses_.pop_front();
            }
            return http::Response::text(status, "{}");
        });
        server_ = std::make_unique<http::Server>(router_, http::Limits{});
        auto listening = server_->listen("127.0.0.1", 0);
        EXPECT_TRUE(listening.has_value()) << listening.error().describe();
        thread_ = std::thread([this] { server_->run(); });
    }
    ~Gateway() {
        server_->stop();
        thread_.join();
    }
    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    [[nodiscard]] std::string url() const {
        return "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/send";
    }
    [[nodiscard]] std::vector<http::Request> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    http::Router router_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::deque<unsigned> statuses_;
    std::vector<http::Request> requests_;
};

SmsGatewaySettings settings_for(const Gateway& gateway) {
    SmsGatewaySettings settings;
    settings.url = gateway.url();
    settings.headers.push_back({"X-Api-Key", SecretBytes("key-123")});
    settings.body_template = R"({"sender":"1588-0000","to":"{to}","text":"{text}"})";
    settings.timeout = std::chrono::seconds{20};
    return settings;
}

store::OutboxMessage sms(std::string body, std::string destination = "010-1234-5678") {
    return store::OutboxMessage{
        .id = 4,
        .dedupe_key = "otp:app-3:1",
        .channel = "sms",
        .destination = std::move(destination),
        .subject = {},
        .body = std::move(body),
        .application_id = "app-3",
        .status = store::OutboxStatus::pending,
        .attempts = 0,
        .next_attempt_at = t0,
        .last_error = {},
        .created_at = t0,
        .sent_at = std::nullopt,
    };
}

TEST(HttpSmsChannel, PostsTheJsonTemplateWithEscapedValues) {
    const Gateway gateway({});
    auto channel = HttpSmsChannel::create(settings_for(gateway));
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    auto sent = (*channel)->send(sms("[도장] 인증번호는 \"482913\"입니다.\n5분"));

    ASSERT_TRUE(sent.has_value()) << sent.error().describe();
    const auto requests = gateway.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(
        requests[0].body,
        R"({"sender":"1588-0000","to":"01012345678","text":"[도장] 인증번호는 \"482913\"입니다.\n5분"})");
    EXPECT_EQ(requests[0].header("x-api-key"), "key-123");
    EXPECT_EQ(requests[0].header("content-type"), "application/json");
}

TEST(HttpSmsChannel, TreatsA400AsPermanent) {
    const Gateway gateway({400});
    auto channel = HttpSmsChannel::create(settings_for(gateway));
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    auto sent = (*channel)->send(sms("hello"));

    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::invalid_request);
    EXPECT_NE(sent.error().detail.find("400"), std::string::npos);
}

TEST(HttpSmsChannel, TreatsA500AndA429AsRetryable) {
    const Gateway gateway({500, 429});
    auto channel = HttpSmsChannel::create(settings_for(gateway));
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    auto first = (*channel)->send(sms("hello"));
    auto second = (*channel)->send(sms("hello"));

    ASSERT_FALSE(first.has_value());
    EXPECT_EQ(first.error().kind, ErrorKind::unavailable);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().kind, ErrorKind::unavailable);
}

TEST(HttpSmsChannel, RefusesAMalformedNumberWithoutCallingTheGateway) {
    const Gateway gateway({});
    auto channel = HttpSmsChannel::create(settings_for(gateway));
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();

    for (const std::string bad : {"", "1234", "010-1234-567a", "+82 10 1234 5678 9999 0", "01+0"}) {
        auto sent = (*channel)->send(sms("hello", bad));
        ASSERT_FALSE(sent.has_value()) << bad;
        EXPECT_EQ(sent.error().code, "PHONE_NUMBER_INVALID") << bad;
    }
    EXPECT_TRUE(gateway.requests().empty());
    EXPECT_EQ(normalise_phone_number("+82 (10) 1234-5678").value(), "+821012345678");
}

TEST(HttpSmsChannel, RefusesBadSettings) {
    SmsGatewaySettings settings;
    settings.url = "ftp://gateway.example";
    EXPECT_FALSE(HttpSmsChannel::create(settings).has_value());
    settings.url = "https://gateway.example/send";
    settings.body_template = R"({"to":"{to}"})";
    EXPECT_FALSE(HttpSmsChannel::create(settings).has_value());
    settings.body_template = R"({"to":"{to}","text":"{text}"})";
    settings.headers.push_back({"X-Key", SecretBytes("a\r\nX-Injected: 1")});
    EXPECT_FALSE(HttpSmsChannel::create(settings).has_value());
    settings.headers.clear();
    EXPECT_TRUE(HttpSmsChannel::create(settings).has_value());
}

TEST(SmsDelivery, RetriesAfterA500AndDeliversOnce) {
    testing::TempDir dir;
    auto database = sqlite::open_sqlite(dir.path() + "/dojang.db", {});
    ASSERT_TRUE(database.has_value()) << database.error().describe();
    ManualClock clock(t0);
    const Gateway gateway({500});
    auto channel = HttpSmsChannel::create(settings_for(gateway));
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();
    Dispatcher dispatcher(**database, {{"sms", channel->get()}}, clock);
    ASSERT_TRUE((*database)
                    ->transact([&](store::Transaction& tx) -> Result<void> {
                        auto id = enqueue_notification(
                            tx,
                            Notification{.kind = TemplateKind::otp,
                                         .language = Language::en,
                                         .channel = "sms",
                                         .destination = "010-1234-5678",
                                         .dedupe_key = "otp:app-3:1",
                                         .application_id = "app-3",
                                         .vars = {{"code", "482913"}, {"minutes", "5"}}},
                            clock.now());
                        return id ? ok() : Result<void>(tl::unexpected(id.error()));
                    })
                    .has_value());

    auto first = dispatcher.deliver_due();
    clock.advance(dispatcher.backoff_cap(1));
    auto second = dispatcher.deliver_due();
    clock.advance(std::chrono::hours{1});
    auto third = dispatcher.deliver_due();

    ASSERT_TRUE(first.has_value() && second.has_value() && third.has_value());
    EXPECT_EQ(*first, 0U);
    EXPECT_EQ(*second, 1U);
    EXPECT_EQ(*third, 0U);
    const auto requests = gateway.requests();
    ASSERT_EQ(requests.size(), 2U) << "one 500, one 200, nothing after";
    EXPECT_EQ(requests[0].body, requests[1].body);
    EXPECT_NE(requests[1].body.find("482913"), std::string::npos);
}

TEST(SmsDelivery, GivesUpAtOnceOnA400) {
    testing::TempDir dir;
    auto database = sqlite::open_sqlite(dir.path() + "/dojang.db", {});
    ASSERT_TRUE(database.has_value()) << database.error().describe();
    ManualClock clock(t0);
    const Gateway gateway({400});
    auto channel = HttpSmsChannel::create(settings_for(gateway));
    ASSERT_TRUE(channel.has_value()) << channel.error().describe();
    Dispatcher dispatcher(**database, {{"sms", channel->get()}}, clock);
    std::int64_t id = 0;
    ASSERT_TRUE((*database)
                    ->transact([&](store::Transaction& tx) -> Result<void> {
                        auto enqueued = tx.outbox().enqueue(sms("hello"));
                        DOJANG_TRY(enqueued);
                        id = *enqueued;
                        return ok();
                    })
                    .has_value());

    ASSERT_TRUE(dispatcher.deliver_due().has_value());
    clock.advance(std::chrono::hours{24});
    ASSERT_TRUE(dispatcher.deliver_due().has_value());

    EXPECT_EQ(gateway.requests().size(), 1U);
    std::optional<store::OutboxMessage> stored;
    ASSERT_TRUE((*database)
                    ->transact([&](store::Transaction& tx) -> Result<void> {
                        auto found = tx.outbox().find(id);
                        DOJANG_TRY(found);
                        stored = *found;
                        return ok();
                    })
                    .has_value());
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->status, store::OutboxStatus::failed);
    EXPECT_NE(stored->last_error.find("SMS_REJECTED"), std::string::npos) << stored->last_error;
}

}  // namespace
}  // namespace dojang::notify
