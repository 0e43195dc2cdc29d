// SPDX-License-Identifier: Apache-2.0
// The review part of the store contract (see contract_test.hpp): officers, sessions, documents,
// decisions, and listing applications for the review queue.
#include "dojang/sql/contract_test.hpp"

namespace dojang::sql::contract {
namespace {

using store::Transaction;

const Seconds t0{std::chrono::seconds{1'700'000'000}};

store::ApplicationRecord application(std::string id,
                                     domain::ApplicationStatus status,
                                     domain::HolderType holder,
                                     Seconds at) {
    store::ApplicationRecord record;
    record.id = std::move(id);
    record.status = status;
    record.holder_type = holder;
    record.origin = "online";
    record.created_at = at;
    record.updated_at = at;
    return record;
}

TEST_P(StoreContract, StoresOfficersAndFindsThemByNameAndToken) {
    store::OfficerRecord officer{"kim", "김심사", "$argon2id$v=19$...", Bytes(32, 9), t0, {}, {}};
    store::OfficerRecord token_less{"lee", "이심사", "$argon2id$v=19$x", {}, t0, {}, {}};
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        auto put = tx.review().put_officer(officer);
        return put ? tx.review().put_officer(token_less) : put;
    }));
    std::optional<store::OfficerRecord> by_name;
    std::optional<store::OfficerRecord> by_token;
    std::optional<store::OfficerRecord> by_empty_token;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        by_name = *tx.review().find_officer("kim");
        by_token = *tx.review().find_officer_by_token(Bytes(32, 9));
        by_empty_token = *tx.review().find_officer_by_token({});
        return ok();
    }));
    ASSERT_TRUE(by_name && by_token);
    EXPECT_EQ(by_name->display_name, "김심사");
    EXPECT_EQ(by_token->username, "kim");
    EXPECT_FALSE(by_empty_token.has_value());
    EXPECT_TRUE(by_name->token_hash == Bytes(32, 9));

    // Adding the same username again replaces it (a new password, disabled).
    officer.password_hash = "$argon2id$v=19$new";
    officer.disabled_at = t0 + std::chrono::hours{1};
    ASSERT_TRUE(
        database().transact([&](Transaction& tx) { return tx.review().put_officer(officer); }));
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        by_name = *tx.review().find_officer("kim");
        return ok();
    }));
    EXPECT_EQ(by_name->password_hash, "$argon2id$v=19$new");
    EXPECT_EQ(by_name->disabled_at, t0 + std::chrono::hours{1});
}

TEST_P(StoreContract, SessionsAreFoundByTokenHashAndDeleted) {
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        auto put = tx.review().put_officer({"kim", "김심사", "h", {}, t0, {}, {}});
        if (!put) {
            return put;
        }
        return tx.review().insert_session({Bytes(32, 1), "kim", t0, t0 + std::chrono::hours{8}});
    }));
    std::optional<store::OfficerSession> found;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        found = *tx.review().find_session(Bytes(32, 1));
        return ok();
    }));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->username, "kim");
    EXPECT_EQ(found->expires_at, t0 + std::chrono::hours{8});
    ASSERT_TRUE(database().transact(
        [&](Transaction& tx) { return tx.review().delete_session(Bytes(32, 1)); }));
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        found = *tx.review().find_session(Bytes(32, 1));
        return ok();
    }));
    EXPECT_FALSE(found.has_value());
}

TEST_P(StoreContract, ADocumentOfTheSameKindReplacesTheOldOne) {
    const auto app =
        application("a1", domain::ApplicationStatus::in_review, domain::HolderType::corporate, t0);
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        auto inserted = tx.applications().insert(app);
        if (!inserted) {
            return inserted;
        }
        auto first =
            tx.review().put_document({"a1", "proxy_id", "image/png", 10, Bytes(32, 1), "x1", t0});
        if (!first) {
            return first;
        }
        auto second = tx.review().put_document(
            {"a1", "business_registration", "application/pdf", 20, Bytes(32, 2), "x2", t0});
        if (!second) {
            return second;
        }
        return tx.review().put_document(
            {"a1", "proxy_id", "image/jpeg", 30, Bytes(32, 3), "x3", t0 + std::chrono::minutes{1}});
    }));
    std::vector<store::DocumentRecord> documents;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        documents = *tx.review().documents("a1");
        return ok();
    }));
    ASSERT_EQ(documents.size(), 2U);
    EXPECT_EQ(documents[0].kind, "business_registration");
    EXPECT_EQ(documents[1].kind, "proxy_id");
    EXPECT_EQ(documents[1].media_type, "image/jpeg");
    EXPECT_EQ(documents[1].size, 30);
    EXPECT_EQ(documents[1].stored_name, "x3");
    EXPECT_TRUE(documents[1].sha256 == Bytes(32, 3));

    // Only the three allowed media types are storable.
    auto bad = database().transact([&](Transaction& tx) {
        return tx.review().put_document({"a1", "seal", "text/html", 1, Bytes(32, 4), "x4", t0});
    });
    EXPECT_FALSE(bad.has_value());
}

TEST_P(StoreContract, DecisionsKeepTheirOrderAndTheQueueFilters) {
    using domain::ApplicationStatus;
    using domain::HolderType;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        for (const auto& record :
             {application("a1", ApplicationStatus::in_review, HolderType::corporate, t0),
              application("a2",
                          ApplicationStatus::in_review,
                          HolderType::individual,
                          t0 + std::chrono::minutes{1}),
              application("a3",
                          ApplicationStatus::approved,
                          HolderType::corporate,
                          t0 + std::chrono::minutes{2})}) {
            auto inserted = tx.applications().insert(record);
            if (!inserted) {
                return inserted;
            }
        }
        auto first = tx.review().add_decision({0, "a1", "kim", "approve", "", "", t0});
        if (!first) {
            return first;
        }
        return tx.review().add_decision(
            {0, "a1", "lee", "reject", "unreadable_document", "흐릿함", t0});
    }));
    std::vector<store::ReviewDecision> decisions;
    std::vector<store::ApplicationRecord> in_review;
    std::vector<store::ApplicationRecord> corporate_in_review;
    std::vector<store::ApplicationRecord> everything;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        decisions = *tx.review().decisions("a1");
        in_review = *tx.applications().list(ApplicationStatus::in_review, std::nullopt, 10);
        corporate_in_review =
            *tx.applications().list(ApplicationStatus::in_review, HolderType::corporate, 10);
        everything = *tx.applications().list(std::nullopt, std::nullopt, 2);
        return ok();
    }));
    ASSERT_EQ(decisions.size(), 2U);
    EXPECT_EQ(decisions[0].officer, "kim");
    EXPECT_EQ(decisions[1].reason, "unreadable_document");
    EXPECT_EQ(decisions[1].text, "흐릿함");
    EXPECT_LT(decisions[0].sequence, decisions[1].sequence);
    ASSERT_EQ(in_review.size(), 2U);
    EXPECT_EQ(in_review[0].id, "a2");  // newest first
    ASSERT_EQ(corporate_in_review.size(), 1U);
    EXPECT_EQ(corporate_in_review[0].id, "a1");
    ASSERT_EQ(everything.size(), 2U);
    EXPECT_EQ(everything[0].id, "a3");
}

}  // namespace
}  // namespace dojang::sql::contract
