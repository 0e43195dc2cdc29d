// SPDX-License-Identifier: Apache-2.0
// The applications part of the store contract (see contract_test.hpp).
#include "dojang/sql/contract_test.hpp"

namespace dojang::sql::contract {
namespace {

using domain::ApplicationStatus;
using store::ApplicationRecord;
using store::Transaction;

const Seconds t0{std::chrono::seconds{1'700'000'000}};

ApplicationRecord application(std::string id, std::string reference) {
    return ApplicationRecord{
        .id = std::move(id),
        .holder_type = domain::HolderType::individual,
        .reason = domain::ReissueReason::forgot_password,
        .status = ApplicationStatus::approved,
        .customer_id = "c1",
        .origin = "walk_in",
        .old_serial = "0a",
        .reference_number = std::move(reference),
        .authorization_code_sealed = Bytes{1, 2, 3},
        .codes_expire_at = t0 + std::chrono::days{14},
        .codes_used_at = std::nullopt,
        .new_serial = {},
        .confirmation_token_hash = {},
        .issued_at = std::nullopt,
        .confirmed_at = std::nullopt,
        .created_at = t0,
        .updated_at = t0,
    };
}

Result<void> in_tx(store::Database& database,
                   const std::function<Result<void>(Transaction&)>& work) {
    return database.transact(work);
}

TEST_P(StoreContract, InsertsFindsAndUpdatesApplications) {
    ASSERT_TRUE(in_tx(database(), [](Transaction& tx) {
        return tx.applications().insert(application("a1", "1234567890"));
    }));
    std::optional<ApplicationRecord> found;
    ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) -> Result<void> {
        found = *tx.applications().find_by_reference("1234567890");
        return ok();
    }));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, "a1");
    EXPECT_EQ(found->authorization_code_sealed, (Bytes{1, 2, 3}));
    EXPECT_EQ(found->codes_expire_at, t0 + std::chrono::days{14});
    EXPECT_FALSE(found->codes_used_at.has_value());
    found->status = ApplicationStatus::issued;
    found->new_serial = "7f01";
    found->issued_at = t0;
    ASSERT_TRUE(
        in_tx(database(), [&](Transaction& tx) { return tx.applications().update(*found); }));
    std::optional<ApplicationRecord> by_serial;
    ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) -> Result<void> {
        by_serial = *tx.applications().find_by_new_serial("7f01");
        return ok();
    }));
    ASSERT_TRUE(by_serial.has_value());
    EXPECT_EQ(by_serial->status, ApplicationStatus::issued);
    auto missing = in_tx(database(), [](Transaction& tx) {
        return tx.applications().update(application("nope", ""));
    });
    EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, AReferenceNumberIsUniqueButManyApplicationsHaveNone) {
    ASSERT_TRUE(in_tx(database(), [](Transaction& tx) {
        return tx.applications().insert(application("a1", "1111111111"));
    }));
    auto taken = in_tx(database(), [](Transaction& tx) {
        return tx.applications().insert(application("a2", "1111111111"));
    });
    ASSERT_FALSE(taken.has_value());
    EXPECT_EQ(taken.error().code, "REFERENCE_COLLISION");
    ASSERT_TRUE(in_tx(database(), [](Transaction& tx) {
        return tx.applications().insert(application("a3", ""));
    }));
    ASSERT_TRUE(in_tx(database(), [](Transaction& tx) {
        return tx.applications().insert(application("a4", ""));
    }));
}

TEST_P(StoreContract, CodesAreClaimedOnceAndOnlyBeforeTheyExpire) {
    ASSERT_TRUE(in_tx(database(), [](Transaction& tx) {
        return tx.applications().insert(application("a1", "2222222222"));
    }));
    std::vector<bool> claims;
    for (const Seconds at : {t0 + std::chrono::days{15}, t0, t0}) {
        ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) -> Result<void> {
            claims.push_back(*tx.applications().claim_codes("a1", at));
            return ok();
        }));
    }
    EXPECT_EQ(claims, (std::vector<bool>{false, true, false}));
}

TEST_P(StoreContract, FindsClaimsThatNeverBecameAnIssuedCertificate) {
    ASSERT_TRUE(in_tx(database(), [](Transaction& tx) -> Result<void> {
        for (const auto& [id, reference] : {std::pair{"claimed", "3333333333"},
                                            std::pair{"fresh", "4444444444"},
                                            std::pair{"untouched", "5555555555"},
                                            std::pair{"issued", "6666666666"}}) {
            auto inserted = tx.applications().insert(application(id, reference));
            if (!inserted) {
                return inserted;
            }
        }
        EXPECT_TRUE(*tx.applications().claim_codes("claimed", t0));
        EXPECT_TRUE(*tx.applications().claim_codes("fresh", t0 + std::chrono::seconds{100}));
        EXPECT_TRUE(*tx.applications().claim_codes("issued", t0));
        auto issued = *tx.applications().find("issued");
        issued->status = ApplicationStatus::issued;
        return tx.applications().update(*issued);
    }));
    std::vector<std::string> stranded;
    ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto found = tx.applications().stranded_claims(t0 + std::chrono::seconds{50});
        DOJANG_TRY(found);
        for (const auto& record : *found) {
            stranded.push_back(record.id);
        }
        return ok();
    }));
    EXPECT_EQ(stranded, std::vector<std::string>{"claimed"});
}

TEST_P(StoreContract, ListsUnconfirmedApplicationsAndKeepsTimelinesInOrder) {
    auto issued = application("a1", "3333333333");
    issued.status = ApplicationStatus::issued;
    issued.issued_at = t0;
    auto confirmed = application("a2", "4444444444");
    confirmed.status = ApplicationStatus::confirmed;
    confirmed.issued_at = t0;
    ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto first = tx.applications().insert(issued);
        auto second = tx.applications().insert(confirmed);
        if (!first || !second) {
            return fail(ErrorKind::internal, "X", "insert failed");
        }
        for (const char* kind : {"submitted", "approved", "issued"}) {
            auto added = tx.applications().add_event({0, "a1", t0, kind, "detail"});
            if (!added) {
                return added;
            }
        }
        return ok();
    }));
    std::vector<ApplicationRecord> late;
    std::vector<store::ApplicationEvent> events;
    ASSERT_TRUE(in_tx(database(), [&](Transaction& tx) -> Result<void> {
        late = *tx.applications().unconfirmed(t0 + std::chrono::seconds{1});
        events = *tx.applications().events("a1");
        return ok();
    }));
    ASSERT_EQ(late.size(), 1U);
    EXPECT_EQ(late[0].id, "a1");
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(events[0].kind, "submitted");
    EXPECT_EQ(events[2].kind, "issued");
    EXPECT_LT(events[0].sequence, events[2].sequence);
}

}  // namespace
}  // namespace dojang::sql::contract
