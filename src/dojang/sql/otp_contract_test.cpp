// SPDX-License-Identifier: Apache-2.0
// The one-time code part of the store contract (see contract_test.hpp).
#include "dojang/sql/contract_test.hpp"

namespace dojang::sql::contract {
namespace {

using store::OnlineApplication;
using store::OtpChallenge;
using store::OtpState;
using store::Transaction;

const Seconds t0{std::chrono::seconds{1'700'000'000}};

store::ApplicationRecord submitted(std::string id) {
    store::ApplicationRecord record;
    record.id = std::move(id);
    record.status = domain::ApplicationStatus::submitted;
    record.origin = "online";
    record.created_at = t0;
    record.updated_at = t0;
    return record;
}

OnlineApplication online(std::string id, std::string key) {
    OnlineApplication record;
    record.application_id = std::move(id);
    record.idempotency_key = std::move(key);
    record.request_hash = Bytes{1, 2};
    record.status_token_hash = Bytes{3, 4};
    record.channel = "sms";
    record.identity_key = "identity-1";
    record.client_key = "client-1";
    record.matched = true;
    record.created_at = t0;
    return record;
}

OtpChallenge challenge(std::string id, Seconds at, std::string limit_key = "identity-1/sms") {
    OtpChallenge record;
    record.application_id = std::move(id);
    record.channel = "sms";
    record.limit_key = std::move(limit_key);
    record.code_hash = Bytes(32, 7);
    record.created_at = at;
    record.expires_at = at + std::chrono::minutes{5};
    return record;
}

/// Inserts an application and its online part.
Result<void> apply(Transaction& tx, const std::string& id, const std::string& key) {
    auto inserted = tx.applications().insert(submitted(id));
    if (!inserted) {
        return inserted;
    }
    return tx.otp().insert_application(online(id, key));
}

TEST_P(StoreContract, StoresOnlineApplicationsAndFindsThemByIdempotencyKey) {
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a1", "key-1"); }));
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a2", ""); }));
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a3", ""); }));
    std::optional<OnlineApplication> by_key;
    std::optional<OnlineApplication> by_empty_key;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        by_key = *tx.otp().find_by_idempotency_key("key-1");
        by_empty_key = *tx.otp().find_by_idempotency_key("");
        return ok();
    }));
    ASSERT_TRUE(by_key.has_value());
    EXPECT_EQ(by_key->application_id, "a1");
    EXPECT_EQ(by_key->request_hash, (Bytes{1, 2}));
    EXPECT_TRUE(by_key->matched);
    EXPECT_FALSE(by_key->locked_at.has_value());
    EXPECT_FALSE(by_empty_key.has_value());

    EXPECT_TRUE(by_key->proxy_name.empty());
    EXPECT_FALSE(by_key->codes_shown_at.has_value());

    by_key->locked_at = t0 + std::chrono::minutes{3};
    by_key->channel = "email";
    by_key->proxy_name = "김대리";
    by_key->proxy_phone = "01099998888";
    by_key->codes_shown_at = t0 + std::chrono::minutes{4};
    ASSERT_TRUE(
        database().transact([&](Transaction& tx) { return tx.otp().update_application(*by_key); }));
    std::optional<OnlineApplication> again;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        again = *tx.otp().find_application("a1");
        return ok();
    }));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->locked_at, t0 + std::chrono::minutes{3});
    EXPECT_EQ(again->channel, "email");
    EXPECT_EQ(again->proxy_name, "김대리");
    EXPECT_EQ(again->proxy_phone, "01099998888");
    EXPECT_EQ(again->codes_shown_at, t0 + std::chrono::minutes{4});
}

TEST_P(StoreContract, AnIdempotencyKeyNamesOneApplication) {
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a1", "key-1"); }));
    auto second = database().transact([](Transaction& tx) { return apply(tx, "a2", "key-1"); });
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, "IDEMPOTENCY_KEY_TAKEN");
    // The failed transaction left nothing behind.
    std::optional<store::ApplicationRecord> orphan;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        orphan = *tx.applications().find("a2");
        return ok();
    }));
    EXPECT_FALSE(orphan.has_value());
}

TEST_P(StoreContract, KeepsChallengesNewestFirstAndCountsKilledOnes) {
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a1", ""); }));
    std::vector<std::int64_t> ids;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        for (int minute = 0; minute < 3; ++minute) {
            auto id = tx.otp().insert_challenge(challenge("a1", t0 + std::chrono::minutes{minute}));
            DOJANG_TRY(id);
            ids.push_back(*id);
        }
        return ok();
    }));
    ASSERT_EQ(ids.size(), 3U);
    EXPECT_LT(ids[0], ids[1]);
    std::optional<OtpChallenge> latest;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        latest = *tx.otp().latest_challenge("a1");
        return ok();
    }));
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(latest->id, ids[2]);
    EXPECT_EQ(latest->expires_at, t0 + std::chrono::minutes{7});
    EXPECT_EQ(latest->code_hash, Bytes(32, 7));
    latest->state = OtpState::killed;
    latest->failed_attempts = 5;
    ASSERT_TRUE(
        database().transact([&](Transaction& tx) { return tx.otp().update_challenge(*latest); }));
    std::size_t killed = 0;
    std::optional<OtpChallenge> reread;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        killed = *tx.otp().killed_challenges("a1");
        reread = *tx.otp().latest_challenge("a1");
        return ok();
    }));
    EXPECT_EQ(killed, 1U);
    EXPECT_EQ(reread->state, OtpState::killed);
    EXPECT_EQ(reread->failed_attempts, 5);
    auto missing = database().transact([](Transaction& tx) {
        OtpChallenge nobody = challenge("a1", t0);
        nobody.id = 999'999;
        return tx.otp().update_challenge(nobody);
    });
    EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, ListsWhenCodesWereAskedForUnderALimitKey) {
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a1", ""); }));
    ASSERT_TRUE(database().transact([](Transaction& tx) -> Result<void> {
        for (const auto& [minute, limit_key] : {std::pair{0, "identity-1/sms"},
                                                std::pair{10, "identity-1/sms"},
                                                std::pair{20, "identity-2/sms"}}) {
            auto id = tx.otp().insert_challenge(
                challenge("a1", t0 + std::chrono::minutes{minute}, limit_key));
            DOJANG_TRY(id);
        }
        return ok();
    }));
    std::vector<Seconds> all;
    std::vector<Seconds> recent;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        all = *tx.otp().sent_since("identity-1/sms", t0);
        recent = *tx.otp().sent_since("identity-1/sms", t0 + std::chrono::minutes{5});
        return ok();
    }));
    EXPECT_EQ(all, (std::vector<Seconds>{t0, t0 + std::chrono::minutes{10}}));
    EXPECT_EQ(recent, (std::vector<Seconds>{t0 + std::chrono::minutes{10}}));
}

TEST_P(StoreContract, ListsApplicationsFromAClient) {
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a1", ""); }));
    ASSERT_TRUE(database().transact([](Transaction& tx) { return apply(tx, "a2", ""); }));
    std::vector<Seconds> from_client;
    std::vector<Seconds> from_other;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        from_client = *tx.otp().applications_since("client-1", t0);
        from_other = *tx.otp().applications_since("client-2", t0);
        return ok();
    }));
    EXPECT_EQ(from_client, (std::vector<Seconds>{t0, t0}));
    EXPECT_TRUE(from_other.empty());
}

}  // namespace
}  // namespace dojang::sql::contract
