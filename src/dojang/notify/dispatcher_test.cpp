// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/dispatcher.hpp"

#include "dojang/notify/notification.hpp"
#include "dojang/sqlite/sqlite.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <set>
#include <thread>

namespace dojang::notify {
namespace {

using std::chrono::seconds;

const Seconds t0{std::chrono::seconds{1'700'000'000}};

/// A channel that answers with scripted results (then success) and records what it got.
class FakeChannel final : public Channel {
public:
    explicit FakeChannel(std::deque<Result<void>> results = {}) : results_(std::move(results)) {}
    Result<void> send(const store::OutboxMessage& message) override {
        if (during_send) {
            during_send();
        }
        const std::lock_guard lock(mutex_);
        sent_ids_.push_back(message.id);
        if (results_.empty()) {
            return ok();
        }
        auto result = results_.front();
        results_.pop_front();
        return result;
    }
    [[nodiscard]] std::vector<std::int64_t> sent_ids() const {
        const std::lock_guard lock(mutex_);
        return sent_ids_;
    }
    std::function<void()> during_send;

private:
    mutable std::mutex mutex_;
    std::deque<Result<void>> results_;
    std::vector<std::int64_t> sent_ids_;
};

Result<void> down() {
    return fail(ErrorKind::unavailable, "SMTP_UNAVAILABLE", "connection refused");
}

Result<void> refused() {
    return fail(ErrorKind::invalid_request, "SMTP_REJECTED", "550 no such mailbox");
}

/// A fresh SQLite store in its own folder.
class Store {
public:
    Store() {
        auto opened = sqlite::open_sqlite(path(), {});
        EXPECT_TRUE(opened.has_value()) << opened.error().describe();
        database_ = std::move(*opened);
    }
    [[nodiscard]] std::string path() const { return dir_.path() + "/dojang.db"; }
    store::Database& database() { return *database_; }

    std::int64_t enqueue(std::string key, Seconds at = t0, std::string channel = "email") {
        std::int64_t id = 0;
        auto result = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto enqueued = tx.outbox().enqueue(store::OutboxMessage{
                .id = 0,
                .dedupe_key = key,
                .channel = channel,
                .destination = "hong@example.com",
                .subject = "s",
                .body = "b",
                .application_id = "app-1",
                .status = store::OutboxStatus::pending,
                .attempts = 0,
                .next_attempt_at = at,
                .last_error = {},
                .created_at = at,
                .sent_at = std::nullopt,
            });
            DOJANG_TRY(enqueued);
            id = *enqueued;
            return ok();
        });
        EXPECT_TRUE(result.has_value()) << result.error().describe();
        return id;
    }

    store::OutboxMessage find(std::int64_t id) {
        store::OutboxMessage found;
        auto result = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto row = tx.outbox().find(id);
            DOJANG_TRY(row);
            EXPECT_TRUE(row->has_value());
            found = row->value_or(store::OutboxMessage{});
            return ok();
        });
        EXPECT_TRUE(result.has_value()) << result.error().describe();
        return found;
    }

private:
    testing::TempDir dir_;
    std::unique_ptr<store::Database> database_;
};

TEST(Dispatcher, SendsDueMessagesAndRecordsThem) {
    Store store;
    const ManualClock clock(t0);
    FakeChannel email;
    const auto first = store.enqueue("a");
    const auto second = store.enqueue("b");
    const auto later = store.enqueue("later", t0 + seconds{60});
    Dispatcher dispatcher(store.database(), {{"email", &email}}, clock);

    auto sent = dispatcher.deliver_due();

    ASSERT_TRUE(sent.has_value()) << sent.error().describe();
    EXPECT_EQ(*sent, 2U);
    EXPECT_EQ(email.sent_ids(), (std::vector<std::int64_t>{first, second}));
    EXPECT_EQ(store.find(first).status, store::OutboxStatus::sent);
    EXPECT_EQ(store.find(first).sent_at, t0);
    EXPECT_EQ(store.find(later).status, store::OutboxStatus::pending);
}

TEST(Dispatcher, TakesAtMostABatch) {
    Store store;
    const ManualClock clock(t0);
    FakeChannel email;
    for (int i = 0; i < 5; ++i) {
        store.enqueue("m" + std::to_string(i));
    }
    Dispatcher dispatcher(store.database(), {{"email", &email}}, clock, {.batch = 2});

    EXPECT_EQ(dispatcher.deliver_due().value_or(99), 2U);
    EXPECT_EQ(dispatcher.deliver_due().value_or(99), 2U);
    EXPECT_EQ(dispatcher.deliver_due().value_or(99), 1U);
    EXPECT_EQ(dispatcher.deliver_due().value_or(99), 0U);
}

TEST(Dispatcher, BacksOffExponentiallyWithFullJitterUpToTheCap) {
    Store store;
    ManualClock clock(t0);
    FakeChannel email({down(), down(), down(), down(), down()});
    std::vector<seconds> caps;
    const auto id = store.enqueue("otp");
    Dispatcher dispatcher(store.database(),
                          {{"email", &email}},
                          clock,
                          {.batch = 10,
                           .max_attempts = 8,
                           .base_backoff = seconds{10},
                           .max_backoff = seconds{60},
                           .claim_lease = seconds{300}},
                          [&](seconds cap) {
                              caps.push_back(cap);
                              return cap / 2;  // anywhere in [0, cap] is fair
                          });

    for (int attempt = 1; attempt <= 5; ++attempt) {
        ASSERT_TRUE(dispatcher.deliver_due().has_value());
        const auto waiting = store.find(id);
        ASSERT_EQ(waiting.attempts, attempt);
        EXPECT_EQ(waiting.next_attempt_at, clock.now() + caps.back() / 2);
        clock.set(waiting.next_attempt_at);
    }

    EXPECT_EQ(
        caps,
        (std::vector<seconds>{seconds{10}, seconds{20}, seconds{40}, seconds{60}, seconds{60}}));
    EXPECT_EQ(store.find(id).status, store::OutboxStatus::pending);
    EXPECT_NE(store.find(id).last_error.find("SMTP_UNAVAILABLE"), std::string::npos);
}

TEST(Dispatcher, NeverReschedulesForNowEvenWhenTheJitterSaysZero) {
    Store store;
    const ManualClock clock(t0);
    FakeChannel email({down()});
    const auto id = store.enqueue("otp");
    Dispatcher dispatcher(
        store.database(), {{"email", &email}}, clock, {}, [](seconds) { return seconds{0}; });

    ASSERT_TRUE(dispatcher.deliver_due().has_value());

    EXPECT_GT(store.find(id).next_attempt_at, t0);
}

TEST(Dispatcher, GivesUpAfterMaxAttempts) {
    Store store;
    ManualClock clock(t0);
    FakeChannel email({down(), down(), down(), down()});
    const auto id = store.enqueue("otp");
    Dispatcher dispatcher(store.database(), {{"email", &email}}, clock, {.max_attempts = 3});

    for (int round = 0; round < 4; ++round) {
        ASSERT_TRUE(dispatcher.deliver_due().has_value());
        clock.advance(std::chrono::hours{2});
    }

    const auto given_up = store.find(id);
    EXPECT_EQ(given_up.status, store::OutboxStatus::failed);
    EXPECT_EQ(given_up.attempts, 3);
    EXPECT_EQ(email.sent_ids().size(), 3U);
    EXPECT_NE(given_up.last_error.find("connection refused"), std::string::npos);
}

TEST(Dispatcher, GivesUpAtOnceOnAPermanentFailure) {
    Store store;
    ManualClock clock(t0);
    FakeChannel email({refused()});
    const auto id = store.enqueue("otp");
    Dispatcher dispatcher(store.database(), {{"email", &email}}, clock);

    ASSERT_TRUE(dispatcher.deliver_due().has_value());
    clock.advance(std::chrono::hours{2});
    ASSERT_TRUE(dispatcher.deliver_due().has_value());

    EXPECT_EQ(store.find(id).status, store::OutboxStatus::failed);
    EXPECT_EQ(store.find(id).attempts, 1);
    EXPECT_EQ(email.sent_ids().size(), 1U);
}

TEST(Dispatcher, RetriesAMessageForAChannelThatIsNotConfigured) {
    Store store;
    const ManualClock clock(t0);
    FakeChannel email;
    const auto id = store.enqueue("sms-otp", t0, "sms");
    Dispatcher dispatcher(store.database(), {{"email", &email}}, clock);

    ASSERT_TRUE(dispatcher.deliver_due().has_value());

    const auto waiting = store.find(id);
    EXPECT_EQ(waiting.status, store::OutboxStatus::pending);
    EXPECT_NE(waiting.last_error.find("NOTIFY_CHANNEL_UNKNOWN"), std::string::npos);
}

TEST(Dispatcher, LeavesAMessageBeingSentToTheDispatcherThatClaimedIt) {
    Store store;
    const ManualClock clock(t0);
    auto other_handle = sqlite::open_sqlite(store.path(), {});
    ASSERT_TRUE(other_handle.has_value());
    FakeChannel other_email;
    Dispatcher other(**other_handle, {{"email", &other_email}}, clock);
    FakeChannel email;
    Result<std::size_t> other_sent = 99U;
    email.during_send = [&] { other_sent = other.deliver_due(); };  // runs mid-send
    store.enqueue("otp");
    Dispatcher dispatcher(store.database(), {{"email", &email}}, clock);

    auto sent = dispatcher.deliver_due();

    ASSERT_TRUE(sent.has_value()) << sent.error().describe();
    EXPECT_EQ(*sent, 1U);
    ASSERT_TRUE(other_sent.has_value()) << other_sent.error().describe();
    EXPECT_EQ(*other_sent, 0U);
    EXPECT_TRUE(other_email.sent_ids().empty());
}

TEST(Dispatcher, SendsEachMessageOnceWithSeveralDispatchersRunning) {
    Store store;
    const ManualClock clock(t0);
    constexpr int messages = 40;
    for (int i = 0; i < messages; ++i) {
        store.enqueue("m" + std::to_string(i));
    }
    FakeChannel email;  // thread-safe: one channel shared by every dispatcher
    std::vector<std::thread> threads;
    std::mutex errors_mutex;
    std::vector<std::string> errors;
    for (int node = 0; node < 4; ++node) {
        threads.emplace_back([&] {
            auto handle = sqlite::open_sqlite(store.path(), {});
            if (!handle) {
                const std::lock_guard lock(errors_mutex);
                errors.push_back(handle.error().describe());
                return;
            }
            Dispatcher dispatcher(**handle, {{"email", &email}}, clock, {.batch = 3});
            for (int round = 0; round < messages; ++round) {
                auto sent = dispatcher.deliver_due();
                if (!sent) {
                    const std::lock_guard lock(errors_mutex);
                    errors.push_back(sent.error().describe());
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }

    EXPECT_TRUE(errors.empty()) << errors.front();
    const auto ids = email.sent_ids();
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(messages));
    EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(EnqueueNotification, RendersIntoTheCallersTransaction) {
    Store store;
    std::int64_t id = 0;
    auto result = store.database().transact([&](store::Transaction& tx) -> Result<void> {
        auto enqueued =
            enqueue_notification(tx,
                                 Notification{.kind = TemplateKind::security_notice,
                                              .language = Language::ko,
                                              .channel = "sms",
                                              .destination = "01012345678",
                                              .dedupe_key = "security:app-1",
                                              .application_id = "app-1",
                                              .vars = {{"reissued_at", "2026-03-02 14:05"},
                                                       {"origin", "203.0.113.7"},
                                                       {"contact", "1588-0000"}}},
                                 t0);
        DOJANG_TRY(enqueued);
        id = *enqueued;
        return ok();
    });

    ASSERT_TRUE(result.has_value()) << result.error().describe();
    const auto stored = store.find(id);
    EXPECT_EQ(stored.channel, "sms");
    EXPECT_EQ(stored.next_attempt_at, t0);
    EXPECT_NE(stored.body.find("2026-03-02 14:05에 재발급되었습니다"), std::string::npos);
}

TEST(EnqueueNotification, FailsTheTransactionOnAMissingVariable) {
    Store store;
    auto result = store.database().transact([&](store::Transaction& tx) -> Result<void> {
        auto enqueued = enqueue_notification(tx,
                                             Notification{.kind = TemplateKind::otp,
                                                          .language = Language::en,
                                                          .channel = "email",
                                                          .destination = "hong@example.com",
                                                          .dedupe_key = "otp:1",
                                                          .application_id = "app-1",
                                                          .vars = {{"code", "123456"}}},
                                             t0);
        DOJANG_TRY(enqueued);
        return ok();
    });

    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, "TEMPLATE_VARIABLE_MISSING");
}

TEST(EnqueueNotification, RefusesAnUnknownChannel) {
    Store store;
    auto result = store.database().transact([&](store::Transaction& tx) -> Result<void> {
        auto enqueued = enqueue_notification(
            tx,
            Notification{.kind = TemplateKind::issued,
                         .language = Language::en,
                         .channel = "fax",
                         .destination = "02-123-4567",
                         .dedupe_key = "issued:1",
                         .application_id = "app-1",
                         .vars = {{"serial", "0a"}, {"not_after", "2027-01-01"}}},
            t0);
        return enqueued ? ok() : Result<void>(tl::unexpected(enqueued.error()));
    });

    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, "NOTIFY_CHANNEL_UNKNOWN");
}

}  // namespace
}  // namespace dojang::notify
