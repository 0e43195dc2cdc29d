// SPDX-License-Identifier: Apache-2.0
// The Outbox part of the store contract, run by every backend with the rest of StoreContract.
#include "dojang/sql/contract_test.hpp"
#include "dojang/sql/database.hpp"
#include "dojang/sql/query.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace dojang::sql::contract {
namespace {

using store::OutboxMessage;
using store::OutboxStatus;
using store::Transaction;

const Seconds t0{std::chrono::seconds{1'700'000'000}};

Seconds at(std::int64_t offset) {
    return t0 + std::chrono::seconds{offset};
}

OutboxMessage message(std::string dedupe_key,
                      std::int64_t next_attempt = 0,
                      std::string application_id = "app-1") {
    return OutboxMessage{
        .id = 0,
        .dedupe_key = std::move(dedupe_key),
        .channel = "email",
        .destination = "hong@example.com",
        .subject = "인증번호 안내",
        .body = "인증번호는 123456입니다.",
        .application_id = std::move(application_id),
        .status = OutboxStatus::pending,
        .attempts = 0,
        .next_attempt_at = at(next_attempt),
        .last_error = {},
        .created_at = at(0),
        .sent_at = std::nullopt,
    };
}

Result<std::int64_t> enqueue(store::Database& database, const OutboxMessage& outgoing) {
    std::int64_t id = 0;
    auto result = database.transact([&](Transaction& tx) -> Result<void> {
        auto enqueued = tx.outbox().enqueue(outgoing);
        DOJANG_TRY(enqueued);
        id = *enqueued;
        return ok();
    });
    DOJANG_TRY(result);
    return id;
}

std::vector<std::string> due_keys(store::Database& database, Seconds now, std::size_t limit) {
    std::vector<std::string> keys;
    auto result = database.transact([&](Transaction& tx) -> Result<void> {
        auto due = tx.outbox().due(now, limit);
        DOJANG_TRY(due);
        for (const auto& row : *due) {
            keys.push_back(row.dedupe_key);
        }
        return ok();
    });
    EXPECT_TRUE(result.has_value()) << result.error().describe();
    return keys;
}

std::optional<OutboxMessage> find(store::Database& database, std::int64_t id) {
    std::optional<OutboxMessage> found;
    auto result = database.transact([&](Transaction& tx) -> Result<void> {
        auto row = tx.outbox().find(id);
        DOJANG_TRY(row);
        found = *row;
        return ok();
    });
    EXPECT_TRUE(result.has_value()) << result.error().describe();
    return found;
}

Result<void> in_tx(store::Database& database,
                   const std::function<Result<void>(Transaction&)>& work) {
    return database.transact(work);
}

}  // namespace

TEST_P(StoreContract, OutboxStoresAMessageOncePerDedupeKey) {
    auto first = enqueue(database(), message("otp:app-1:1"));
    ASSERT_TRUE(first.has_value()) << first.error().describe();
    OutboxMessage again = message("otp:app-1:1");
    again.body = "인증번호는 999999입니다.";
    auto second = enqueue(database(), again);
    ASSERT_TRUE(second.has_value()) << second.error().describe();

    EXPECT_EQ(*second, *first);
    EXPECT_EQ(due_keys(database(), at(0), 10), std::vector<std::string>{"otp:app-1:1"});
    auto stored = find(database(), *first);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->body, "인증번호는 123456입니다.");
    EXPECT_EQ(stored->subject, "인증번호 안내");
    EXPECT_EQ(stored->status, OutboxStatus::pending);
    EXPECT_EQ(stored->attempts, 0);
    EXPECT_EQ(stored->created_at, at(0));
    EXPECT_FALSE(stored->sent_at.has_value());
}

TEST_P(StoreContract, OutboxDedupesConcurrentEnqueuesFromSeveralNodes) {
    constexpr int nodes = 4;
    std::vector<std::unique_ptr<store::Database>> handles;
    for (int i = 0; i < nodes; ++i) {
        auto opened = backend().open();
        ASSERT_TRUE(opened.has_value()) << opened.error().describe();
        handles.push_back(std::move(*opened));
    }
    std::vector<Result<std::int64_t>> ids(nodes, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < nodes; ++i) {
        threads.emplace_back([&, i] {
            ids[static_cast<std::size_t>(i)] =
                enqueue(*handles[static_cast<std::size_t>(i)], message("approved:app-1"));
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }

    for (const auto& id : ids) {
        ASSERT_TRUE(id.has_value()) << id.error().describe();
        EXPECT_EQ(*id, *ids.front());
    }
    EXPECT_EQ(due_keys(database(), at(0), 10).size(), 1U);
}

TEST_P(StoreContract, OutboxListsDueMessagesLongestDueFirstUpToTheLimit) {
    ASSERT_TRUE(enqueue(database(), message("a", 20)).has_value());
    ASSERT_TRUE(enqueue(database(), message("b", 10)).has_value());
    ASSERT_TRUE(enqueue(database(), message("c", 10)).has_value());
    ASSERT_TRUE(enqueue(database(), message("later", 100)).has_value());

    EXPECT_EQ(due_keys(database(), at(50), 10), (std::vector<std::string>{"b", "c", "a"}));
    EXPECT_EQ(due_keys(database(), at(50), 2), (std::vector<std::string>{"b", "c"}));
    EXPECT_TRUE(due_keys(database(), at(5), 10).empty());
    EXPECT_EQ(due_keys(database(), at(100), 10).back(), "later");
}

TEST_P(StoreContract, OutboxRetriesAFailedAttemptThenRecordsTheDelivery) {
    auto id = enqueue(database(), message("issued:app-1"));
    ASSERT_TRUE(id.has_value()) << id.error().describe();

    auto failed = in_tx(database(), [&](Transaction& tx) {
        return tx.outbox().mark_attempt_failed(*id, "connection refused", at(60));
    });
    ASSERT_TRUE(failed.has_value()) << failed.error().describe();
    auto waiting = find(database(), *id);
    ASSERT_TRUE(waiting.has_value());
    EXPECT_EQ(waiting->status, OutboxStatus::pending);
    EXPECT_EQ(waiting->attempts, 1);
    EXPECT_EQ(waiting->last_error, "connection refused");
    EXPECT_EQ(waiting->next_attempt_at, at(60));
    EXPECT_TRUE(due_keys(database(), at(59), 10).empty());
    EXPECT_EQ(due_keys(database(), at(60), 10).size(), 1U);

    auto sent =
        in_tx(database(), [&](Transaction& tx) { return tx.outbox().mark_sent(*id, at(61)); });
    ASSERT_TRUE(sent.has_value()) << sent.error().describe();
    auto delivered = find(database(), *id);
    ASSERT_TRUE(delivered.has_value());
    EXPECT_EQ(delivered->status, OutboxStatus::sent);
    EXPECT_EQ(delivered->attempts, 2);
    EXPECT_EQ(delivered->sent_at, at(61));
    EXPECT_TRUE(delivered->last_error.empty());
    EXPECT_TRUE(delivered->body.empty()) << "a delivered one-time code must not stay stored";
    EXPECT_TRUE(delivered->destination.empty()) << "nor where it went";
    EXPECT_TRUE(due_keys(database(), at(1000), 10).empty());

    auto sent_again =
        in_tx(database(), [&](Transaction& tx) { return tx.outbox().mark_sent(*id, at(70)); });
    EXPECT_TRUE(sent_again.has_value()) << "a second report of the same delivery is harmless";
    EXPECT_EQ(find(database(), *id)->sent_at, at(61));
    auto retry_after_sent = in_tx(database(), [&](Transaction& tx) {
        return tx.outbox().mark_attempt_failed(*id, "late", at(80));
    });
    ASSERT_FALSE(retry_after_sent.has_value());
    EXPECT_EQ(retry_after_sent.error().kind, ErrorKind::conflict);
}

TEST_P(StoreContract, OutboxGivesUpOnAMessageForGood) {
    auto id = enqueue(database(), message("rejected:app-1"));
    ASSERT_TRUE(id.has_value()) << id.error().describe();

    auto given_up = in_tx(database(), [&](Transaction& tx) {
        return tx.outbox().mark_failed(*id, "550 mailbox unavailable");
    });
    ASSERT_TRUE(given_up.has_value()) << given_up.error().describe();

    auto stored = find(database(), *id);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->status, OutboxStatus::failed);
    EXPECT_EQ(stored->attempts, 1);
    EXPECT_EQ(stored->last_error, "550 mailbox unavailable");
    EXPECT_TRUE(stored->body.empty());
    EXPECT_TRUE(stored->destination.empty());
    EXPECT_TRUE(due_keys(database(), at(1'000'000), 10).empty());
    auto sent =
        in_tx(database(), [&](Transaction& tx) { return tx.outbox().mark_sent(*id, at(1)); });
    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::conflict);
    auto unknown = in_tx(database(),
                         [&](Transaction& tx) { return tx.outbox().mark_failed(*id + 1000, "x"); });
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, OutboxLetsOnlyOneDispatcherClaimAMessage) {
    auto id = enqueue(database(), message("security:app-1"));
    ASSERT_TRUE(id.has_value()) << id.error().describe();
    auto other_node = backend().open();
    ASSERT_TRUE(other_node.has_value()) << other_node.error().describe();

    bool first = false;
    bool second = false;
    ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) -> Result<void> {
                    auto claimed = tx.outbox().claim(*id, at(0), at(300));
                    DOJANG_TRY(claimed);
                    first = *claimed;
                    return ok();
                }).has_value());
    ASSERT_TRUE(in_tx(**other_node, [&](Transaction& tx) -> Result<void> {
                    auto claimed = tx.outbox().claim(*id, at(0), at(300));
                    DOJANG_TRY(claimed);
                    second = *claimed;
                    return ok();
                }).has_value());

    EXPECT_TRUE(first);
    EXPECT_FALSE(second);
    EXPECT_TRUE(due_keys(database(), at(299), 10).empty());
    EXPECT_EQ(due_keys(database(), at(300), 10).size(), 1U) << "an abandoned claim expires";
}

TEST_P(StoreContract, OutboxRollsBackWithTheSurroundingTransaction) {
    std::int64_t id = 0;
    auto result = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto enqueued = tx.outbox().enqueue(message("approved:app-9", 0, "app-9"));
        DOJANG_TRY(enqueued);
        id = *enqueued;
        return fail(ErrorKind::conflict, "TEST", "the application changed meanwhile");
    });
    ASSERT_FALSE(result.has_value());

    EXPECT_FALSE(find(database(), id).has_value());
    EXPECT_TRUE(due_keys(database(), at(0), 10).empty());
    auto again = enqueue(database(), message("approved:app-9", 0, "app-9"));
    ASSERT_TRUE(again.has_value()) << "the rolled-back key must be free again";
}

TEST_P(StoreContract, OutboxListsTheMessagesOfOneApplication) {
    ASSERT_TRUE(enqueue(database(), message("otp:1", 0, "app-1")).has_value());
    ASSERT_TRUE(enqueue(database(), message("otp:2", 0, "app-2")).has_value());
    ASSERT_TRUE(enqueue(database(), message("approved:1", 0, "app-1")).has_value());
    ASSERT_TRUE(enqueue(database(), message("reminder", 0, "")).has_value());

    std::vector<std::string> keys;
    std::size_t of_nobody = 99;
    auto listed = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto rows = tx.outbox().for_application("app-1");
        DOJANG_TRY(rows);
        for (const auto& row : *rows) {
            keys.push_back(row.dedupe_key);
        }
        auto none = tx.outbox().for_application("");
        DOJANG_TRY(none);
        of_nobody = none->size();
        return ok();
    });
    ASSERT_TRUE(listed.has_value()) << listed.error().describe();
    EXPECT_EQ(keys, (std::vector<std::string>{"otp:1", "approved:1"}));
    EXPECT_EQ(of_nobody, 0U);
}

TEST_P(StoreContract, OutboxKeepsLongErrorsShortOnACharacterBoundary) {
    auto id = enqueue(database(), message("long-error"));
    ASSERT_TRUE(id.has_value()) << id.error().describe();
    std::string error;
    for (int i = 0; i < 300; ++i) {
        error += "오류";  // 6 octets each in UTF-8
    }
    ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) {
                    return tx.outbox().mark_attempt_failed(*id, error, at(1));
                }).has_value());

    auto stored = find(database(), *id);
    ASSERT_TRUE(stored.has_value());
    EXPECT_LE(stored->last_error.size(), 500U);
    EXPECT_EQ(stored->last_error.size() % 3, 0U) << "cut inside a Hangul syllable";
    EXPECT_EQ(error.rfind(stored->last_error, 0), 0U);
}

TEST_P(StoreContract, MigrationFillsAGapBelowANewerAppliedVersion) {
    // As if a node had applied version 3 from another branch before version 2 existed.
    auto connection = backend().connect();
    ASSERT_TRUE(connection.has_value()) << connection.error().describe();
    ASSERT_TRUE((*connection)
                    ->execute_script("DROP TABLE outbox_messages; "
                                     "DELETE FROM schema_migrations WHERE version = 2")
                    .has_value());

    auto applied = migrate(**connection);
    ASSERT_TRUE(applied.has_value()) << applied.error().describe();
    EXPECT_EQ(*applied, 1);
    EXPECT_TRUE(enqueue(database(), message("after-gap")).has_value());
    Query versions(**connection, "SELECT version FROM schema_migrations ORDER BY version");
    std::vector<std::int64_t> seen;
    while (versions.next_row().value_or(false)) {
        seen.push_back(versions.row().column_int64(0).value_or(-1));
    }
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_NE(std::find(seen.begin(), seen.end(), 2), seen.end());
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

}  // namespace dojang::sql::contract
