// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/contract_test.hpp"

#include "dojang/sql/database.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>
#include <vector>

namespace dojang::sql::contract {
namespace {

using domain::CertificateStatus;
using domain::RevocationReason;
using store::AuditEntry;
using store::CertificateRecord;
using store::Transaction;

constexpr std::int64_t day = 86'400;
const Seconds t0{std::chrono::seconds{1'700'000'000}};

Seconds at(std::int64_t offset) {
    return t0 + std::chrono::seconds{offset};
}

SerialNumber serial(std::string_view hex) {
    return SerialNumber::from_hex(hex).value();
}

CertificateRecord intent(std::string_view hex,
                         std::int64_t created = 0,
                         std::string ca = "issuing",
                         std::int64_t lifetime = 365 * day) {
    return CertificateRecord{
        .serial = serial(hex),
        .ca = std::move(ca),
        .profile = "individual",
        .subject = "CN=Hong Gildong,OU=personal,O=dojang,C=KR",
        .not_before = at(created),
        .not_after = at(created + lifetime),
        .status = CertificateStatus::intended,
        .tbs = Bytes{0x30, 0x03, 0x02, 0x01, 0x00},
        .der = {},
        .created_at = at(created),
        .issued_at = std::nullopt,
        .revoked_at = std::nullopt,
        .reason = std::nullopt,
    };
}

/// Runs `work` in one transaction and returns its error, or the store's.
Result<void> in_tx(store::Database& database,
                   const std::function<Result<void>(Transaction&)>& work) {
    return database.transact(work);
}

Result<void> record_intent(store::Database& database, const CertificateRecord& record) {
    return in_tx(database,
                 [&](Transaction& tx) { return tx.certificates().insert_intent(record); });
}

Result<void> issue(store::Database& database, const CertificateRecord& record) {
    return in_tx(database, [&](Transaction& tx) -> Result<void> {
        auto inserted = tx.certificates().insert_intent(record);
        if (!inserted) {
            return inserted;
        }
        return tx.certificates().mark_issued(
            record.serial, Bytes{0x30, 0x00, 0x01}, record.created_at);
    });
}

Result<void> revoke(store::Database& database,
                    std::string_view hex,
                    RevocationReason reason,
                    std::int64_t when) {
    return in_tx(database, [&](Transaction& tx) {
        return tx.certificates().revoke(serial(hex), reason, at(when));
    });
}

Result<void> release_hold(store::Database& database, std::string_view hex) {
    return in_tx(database,
                 [&](Transaction& tx) { return tx.certificates().release_hold(serial(hex)); });
}

std::optional<CertificateRecord> find(store::Database& database, std::string_view hex) {
    std::optional<CertificateRecord> found;
    auto result = in_tx(database, [&](Transaction& tx) -> Result<void> {
        auto row = tx.certificates().find(serial(hex));
        DOJANG_TRY(row);
        found = *row;
        return ok();
    });
    EXPECT_TRUE(result.has_value()) << result.error().describe();
    return found;
}

std::vector<std::string> list_serials(store::Database& database,
                                      std::optional<CertificateStatus> status,
                                      std::size_t limit,
                                      std::size_t offset) {
    std::vector<std::string> serials;
    auto result = in_tx(database, [&](Transaction& tx) -> Result<void> {
        auto rows = tx.certificates().list(status, limit, offset);
        DOJANG_TRY(rows);
        for (const auto& row : *rows) {
            serials.push_back(row.serial.hex());
        }
        return ok();
    });
    EXPECT_TRUE(result.has_value()) << result.error().describe();
    return serials;
}

Result<std::int64_t> next_counter(store::Database& database, const std::string& name) {
    std::int64_t value = 0;
    auto result = in_tx(database, [&](Transaction& tx) -> Result<void> {
        auto next = tx.counters().next(name);
        DOJANG_TRY(next);
        value = *next;
        return ok();
    });
    DOJANG_TRY(result);
    return value;
}

Result<AuditEntry> append_audit(store::Database& database, std::string subject) {
    AuditEntry stored;
    auto result = in_tx(database, [&](Transaction& tx) -> Result<void> {
        auto appended = tx.audit().append(AuditEntry{.sequence = 0,
                                                     .at = at(0),
                                                     .actor = "operator",
                                                     .action = "certificate.revoke",
                                                     .subject = subject,
                                                     .details = R"({"reason":"superseded"})",
                                                     .previous_hash = {},
                                                     .hash = {}});
        DOJANG_TRY(appended);
        stored = *appended;
        return ok();
    });
    DOJANG_TRY(result);
    return stored;
}

std::unique_ptr<store::Database> open_again(Backend& backend) {
    auto opened = backend.open();
    EXPECT_TRUE(opened.has_value()) << opened.error().describe();
    return opened ? std::move(*opened) : nullptr;
}

}  // namespace

void StoreContract::SetUp() {
    backend_ = GetParam().make();
    ASSERT_NE(backend_, nullptr);
    auto opened = backend_->open();
    ASSERT_TRUE(opened.has_value()) << opened.error().describe();
    database_ = std::move(*opened);
}

TEST_P(StoreContract, KeepsCmpTransactionsUntilErasedOrExpired) {
    store::CmpTransactionRecord record{.transaction_id = "0a0b",
                                       .state = "waiting",
                                       .request_sealed = Bytes{1, 2, 3},
                                       .sender_nonce = Bytes{9, 8},
                                       .serial = "",
                                       .renewed_from = "",
                                       .token_sealed = {},
                                       .expires_at = t0 + std::chrono::hours{2}};
    ASSERT_TRUE(database().transact([&](Transaction& tx) { return tx.cmp().put(record); }));
    // The same transaction again replaces the row (a pollReq answered ip).
    record.state = "issued";
    record.serial = "7f";
    record.token_sealed = Bytes{4};
    ASSERT_TRUE(database().transact([&](Transaction& tx) { return tx.cmp().put(record); }));
    std::optional<store::CmpTransactionRecord> found;
    std::size_t expired_before = 9;
    std::size_t expired_after = 9;
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        found = *tx.cmp().find("0a0b");
        expired_before = tx.cmp().expired(t0 + std::chrono::hours{1})->size();
        expired_after = tx.cmp().expired(t0 + std::chrono::hours{3})->size();
        return ok();
    }));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->state, "issued");
    EXPECT_EQ(found->serial, "7f");
    EXPECT_EQ(found->request_sealed, (Bytes{1, 2, 3}));
    EXPECT_EQ(found->sender_nonce, (Bytes{9, 8}));
    EXPECT_EQ(found->token_sealed, Bytes{4});
    EXPECT_EQ(found->expires_at, t0 + std::chrono::hours{2});
    EXPECT_EQ(expired_before, 0U);
    EXPECT_EQ(expired_after, 1U);
    ASSERT_TRUE(database().transact([](Transaction& tx) { return tx.cmp().erase("0a0b"); }));
    ASSERT_TRUE(database().transact([&](Transaction& tx) -> Result<void> {
        found = *tx.cmp().find("0a0b");
        return ok();
    }));
    EXPECT_FALSE(found.has_value());
}

TEST_P(StoreContract, FollowsIntentIssueRevokeAndReleaseHold) {
    ASSERT_TRUE(record_intent(database(), intent("0a1b")).has_value());
    auto recorded = find(database(), "0a1b");
    ASSERT_TRUE(recorded.has_value());
    EXPECT_EQ(recorded->status, CertificateStatus::intended);
    EXPECT_TRUE(recorded->der.empty());
    EXPECT_EQ(recorded->tbs, (Bytes{0x30, 0x03, 0x02, 0x01, 0x00}));
    EXPECT_EQ(recorded->subject, "CN=Hong Gildong,OU=personal,O=dojang,C=KR");
    EXPECT_EQ(recorded->not_after, at(365 * day));
    EXPECT_FALSE(recorded->issued_at.has_value());

    const Bytes der{0x30, 0x82, 0x00, 0x00, 0xff};
    auto issued = in_tx(database(), [&](Transaction& tx) {
        return tx.certificates().mark_issued(serial("0a1b"), der, at(5));
    });
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    auto after_issue = find(database(), "0a1b");
    ASSERT_TRUE(after_issue.has_value());
    EXPECT_EQ(after_issue->status, CertificateStatus::issued);
    EXPECT_EQ(after_issue->der, der);
    EXPECT_EQ(after_issue->issued_at, at(5));

    ASSERT_TRUE(revoke(database(), "0a1b", RevocationReason::certificate_hold, 10).has_value());
    auto held = find(database(), "0a1b");
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(held->status, CertificateStatus::revoked);
    EXPECT_EQ(held->reason, RevocationReason::certificate_hold);
    EXPECT_EQ(held->revoked_at, at(10));

    auto released = release_hold(database(), "0a1b");
    ASSERT_TRUE(released.has_value()) << released.error().describe();
    auto back = find(database(), "0a1b");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->status, CertificateStatus::issued);
    EXPECT_FALSE(back->revoked_at.has_value());
    EXPECT_FALSE(back->reason.has_value());
    EXPECT_EQ(back->der, der);
}

TEST_P(StoreContract, MakesHoldPermanentButNotOtherRevocations) {
    ASSERT_TRUE(issue(database(), intent("0b")).has_value());
    ASSERT_TRUE(revoke(database(), "0b", RevocationReason::certificate_hold, 1).has_value());
    auto hold_again = revoke(database(), "0b", RevocationReason::certificate_hold, 2);
    ASSERT_FALSE(hold_again.has_value());
    EXPECT_EQ(hold_again.error().kind, ErrorKind::conflict);

    ASSERT_TRUE(revoke(database(), "0b", RevocationReason::key_compromise, 3).has_value());
    auto row = find(database(), "0b");
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->reason, RevocationReason::key_compromise);

    auto again = revoke(database(), "0b", RevocationReason::superseded, 4);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, ErrorKind::conflict);
    EXPECT_EQ(again.error().code, "ALREADY_REVOKED");
    auto release = release_hold(database(), "0b");
    ASSERT_FALSE(release.has_value());
    EXPECT_EQ(release.error().kind, ErrorKind::conflict);
}

TEST_P(StoreContract, RejectsDuplicateSerialAsSerialCollision) {
    ASSERT_TRUE(record_intent(database(), intent("7f01")).has_value());
    auto duplicate = record_intent(database(), intent("7f01", 100, "other"));
    ASSERT_FALSE(duplicate.has_value());
    EXPECT_EQ(duplicate.error().kind, ErrorKind::conflict);
    EXPECT_EQ(duplicate.error().code, "SERIAL_COLLISION");
    auto kept = find(database(), "7f01");
    ASSERT_TRUE(kept.has_value());
    EXPECT_EQ(kept->ca, "issuing");
}

TEST_P(StoreContract, KeepsTheTransactionUsableAfterASerialCollision) {
    ASSERT_TRUE(record_intent(database(), intent("7f02")).has_value());
    std::string collision_code;
    auto result = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto first = tx.certificates().insert_intent(intent("7f02"));
        if (first) {
            return fail(ErrorKind::internal, "TEST", "duplicate accepted");
        }
        collision_code = first.error().code;
        return tx.certificates().insert_intent(intent("7f03"));  // the issuer's retry
    });
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    EXPECT_EQ(collision_code, "SERIAL_COLLISION");
    EXPECT_TRUE(find(database(), "7f03").has_value());
}

TEST_P(StoreContract, RejectsMarkIssuedTwice) {
    ASSERT_TRUE(issue(database(), intent("0c")).has_value());
    auto twice = in_tx(database(), [&](Transaction& tx) {
        return tx.certificates().mark_issued(serial("0c"), Bytes{0x01}, at(9));
    });
    ASSERT_FALSE(twice.has_value());
    EXPECT_EQ(twice.error().kind, ErrorKind::conflict);
    auto row = find(database(), "0c");
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->der, (Bytes{0x30, 0x00, 0x01}));

    auto unknown = in_tx(database(), [&](Transaction& tx) {
        return tx.certificates().mark_issued(serial("0d"), Bytes{0x01}, at(9));
    });
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, RevokeOfUnknownSerialIsNotFound) {
    auto revoked = revoke(database(), "0dead", RevocationReason::key_compromise, 1);
    ASSERT_FALSE(revoked.has_value());
    EXPECT_EQ(revoked.error().kind, ErrorKind::not_found);
    auto released = release_hold(database(), "0dead");
    ASSERT_FALSE(released.has_value());
    EXPECT_EQ(released.error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, RevokeOfIntendedCertificateIsConflict) {
    ASSERT_TRUE(record_intent(database(), intent("0e")).has_value());
    auto revoked = revoke(database(), "0e", RevocationReason::superseded, 1);
    ASSERT_FALSE(revoked.has_value());
    EXPECT_EQ(revoked.error().kind, ErrorKind::conflict);
    EXPECT_EQ(find(database(), "0e")->status, CertificateStatus::intended);
}

TEST_P(StoreContract, ReleaseHoldRequiresAHold) {
    ASSERT_TRUE(issue(database(), intent("0f")).has_value());
    auto not_held = release_hold(database(), "0f");
    ASSERT_FALSE(not_held.has_value());
    EXPECT_EQ(not_held.error().kind, ErrorKind::conflict);
    EXPECT_EQ(find(database(), "0f")->status, CertificateStatus::issued);
}

TEST_P(StoreContract, RevokedUnexpiredExcludesExpiredAndUnrevoked) {
    ASSERT_TRUE(issue(database(), intent("01", 0, "issuing", 10 * day)).has_value());   // expires
    ASSERT_TRUE(issue(database(), intent("02", 0, "issuing", 100 * day)).has_value());  // boundary
    ASSERT_TRUE(issue(database(), intent("03", 0, "issuing", 365 * day)).has_value());  // held
    ASSERT_TRUE(issue(database(), intent("04", 0, "issuing", 365 * day)).has_value());  // issued
    ASSERT_TRUE(record_intent(database(), intent("05", 0, "issuing", 365 * day)).has_value());
    ASSERT_TRUE(issue(database(), intent("06", 0, "other", 365 * day)).has_value());  // other CA
    ASSERT_TRUE(revoke(database(), "01", RevocationReason::key_compromise, day).has_value());
    ASSERT_TRUE(revoke(database(), "02", RevocationReason::superseded, 2 * day).has_value());
    ASSERT_TRUE(revoke(database(), "03", RevocationReason::certificate_hold, 3 * day).has_value());
    ASSERT_TRUE(revoke(database(), "06", RevocationReason::unspecified, day).has_value());

    std::vector<store::RevokedEntry> entries;
    auto result = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto found = tx.certificates().revoked_unexpired("issuing", at(100 * day));
        DOJANG_TRY(found);
        entries = *found;
        return ok();
    });
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    ASSERT_EQ(entries.size(), 2U);
    EXPECT_EQ(entries[0].serial.hex(), "02");
    EXPECT_EQ(entries[0].reason, RevocationReason::superseded);
    EXPECT_EQ(entries[0].revoked_at, at(2 * day));
    EXPECT_EQ(entries[0].not_after, at(100 * day));
    EXPECT_EQ(entries[1].serial.hex(), "03");
    EXPECT_EQ(entries[1].reason, RevocationReason::certificate_hold);
}

TEST_P(StoreContract, AllSignedListsIssuedAndRevokedOfOneCa) {
    ASSERT_TRUE(issue(database(), intent("11")).has_value());
    ASSERT_TRUE(issue(database(), intent("12")).has_value());
    ASSERT_TRUE(record_intent(database(), intent("13")).has_value());
    ASSERT_TRUE(issue(database(), intent("14", 0, "other")).has_value());
    ASSERT_TRUE(revoke(database(), "12", RevocationReason::superseded, 1).has_value());

    std::vector<std::string> serials;
    auto result = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto rows = tx.certificates().all_signed("issuing", 100);
        DOJANG_TRY(rows);
        for (const auto& row : *rows) {
            serials.push_back(row.serial.hex());
        }
        return ok();
    });
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    EXPECT_EQ(serials, (std::vector<std::string>{"11", "12"}));
    auto limited = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto rows = tx.certificates().all_signed("issuing", 1);
        DOJANG_TRY(rows);
        EXPECT_EQ(rows->size(), 1U);
        return ok();
    });
    ASSERT_TRUE(limited.has_value()) << limited.error().describe();
}

TEST_P(StoreContract, ListsNewestFirstWithStatusFilterAndPaging) {
    for (int i = 1; i <= 7; ++i) {
        const std::string hex = "2" + std::to_string(i);
        if (i % 2 == 0) {
            ASSERT_TRUE(record_intent(database(), intent(hex, i * 10)).has_value());
        } else {
            ASSERT_TRUE(issue(database(), intent(hex, i * 10)).has_value());
        }
    }
    using List = std::vector<std::string>;
    EXPECT_EQ(list_serials(database(), std::nullopt, 3, 0), (List{"27", "26", "25"}));
    EXPECT_EQ(list_serials(database(), std::nullopt, 3, 3), (List{"24", "23", "22"}));
    EXPECT_EQ(list_serials(database(), std::nullopt, 3, 6), (List{"21"}));
    EXPECT_EQ(list_serials(database(), std::nullopt, 3, 9), List{});
    EXPECT_EQ(list_serials(database(), CertificateStatus::issued, 10, 0),
              (List{"27", "25", "23", "21"}));
    EXPECT_EQ(list_serials(database(), CertificateStatus::intended, 2, 1), (List{"24", "22"}));
    EXPECT_EQ(list_serials(database(), CertificateStatus::revoked, 10, 0), List{});
    EXPECT_EQ(list_serials(database(), std::nullopt, static_cast<std::size_t>(-1), 0).size(), 7U);
}

TEST_P(StoreContract, KeepsBlobsBinarySafe) {
    CertificateRecord record = intent("31");
    record.tbs.clear();
    for (int i = 0; i < 256; ++i) {
        record.tbs.push_back(static_cast<std::uint8_t>(255 - i));
    }
    ASSERT_TRUE(record_intent(database(), record).has_value());
    auto row = find(database(), "31");
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->tbs, record.tbs);
}

TEST_P(StoreContract, CountersStrictlyIncrease) {
    EXPECT_EQ(next_counter(database(), "crl:issuing").value(), 1);
    EXPECT_EQ(next_counter(database(), "crl:issuing").value(), 2);
    EXPECT_EQ(next_counter(database(), "crl:other").value(), 1);
    EXPECT_EQ(next_counter(database(), "crl:issuing").value(), 3);
    std::int64_t current = -1;
    std::int64_t never = -1;
    auto read = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto value = tx.counters().current("crl:issuing");
        DOJANG_TRY(value);
        current = *value;
        auto unused = tx.counters().current("crl:unused");
        DOJANG_TRY(unused);
        never = *unused;
        return ok();
    });
    ASSERT_TRUE(read.has_value()) << read.error().describe();
    EXPECT_EQ(current, 3);
    EXPECT_EQ(never, 0);
    EXPECT_EQ(next_counter(database(), "crl:issuing").value(), 4);
}

TEST_P(StoreContract, CountersNeverRepeatUnderConcurrency) {
    // Two handles on one store, as two processes or nodes would have.
    auto second = open_again(backend());
    ASSERT_NE(second, nullptr);
    constexpr int threads = 4;
    constexpr int per_thread = 25;
    std::mutex mutex;
    std::vector<std::int64_t> values;
    std::vector<std::string> errors;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        store::Database& target = t % 2 == 0 ? database() : *second;
        workers.emplace_back([&target, &mutex, &values, &errors] {
            for (int i = 0; i < per_thread; ++i) {
                auto value = next_counter(target, "crl:issuing");
                const std::lock_guard lock(mutex);
                if (value) {
                    values.push_back(*value);
                } else {
                    errors.push_back(value.error().describe());
                }
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    EXPECT_TRUE(errors.empty()) << errors.front();
    std::sort(values.begin(), values.end());
    std::vector<std::int64_t> expected(threads * per_thread);
    std::iota(expected.begin(), expected.end(), 1);
    EXPECT_EQ(values, expected);
}

TEST_P(StoreContract, RollsBackEverythingWhenWorkFails) {
    auto result = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto inserted = tx.certificates().insert_intent(intent("41"));
        if (!inserted) {
            return inserted;
        }
        auto counted = tx.counters().next("crl:issuing");
        DOJANG_TRY(counted);
        auto audited = tx.audit().append(AuditEntry{.sequence = 0,
                                                    .at = at(0),
                                                    .actor = "system",
                                                    .action = "test",
                                                    .subject = "41",
                                                    .details = "{}",
                                                    .previous_hash = {},
                                                    .hash = {}});
        DOJANG_TRY(audited);
        return fail(ErrorKind::policy_rejected, "TEST_ABORT", "work failed on purpose");
    });
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, "TEST_ABORT");
    EXPECT_FALSE(find(database(), "41").has_value());
    EXPECT_EQ(next_counter(database(), "crl:issuing").value(), 1);
    auto first = append_audit(database(), "41");
    ASSERT_TRUE(first.has_value()) << first.error().describe();
    EXPECT_EQ(first->sequence, 1);
}

TEST_P(StoreContract, ChainsAuditEntriesAndDetectsTampering) {
    for (int i = 1; i <= 3; ++i) {
        auto appended = append_audit(database(), "serial-" + std::to_string(i));
        ASSERT_TRUE(appended.has_value()) << appended.error().describe();
        EXPECT_EQ(appended->sequence, i);
    }
    std::vector<AuditEntry> entries;
    auto read = in_tx(database(), [&](Transaction& tx) -> Result<void> {
        auto all = tx.audit().entries();
        DOJANG_TRY(all);
        entries = *all;
        return ok();
    });
    ASSERT_TRUE(read.has_value());
    ASSERT_EQ(entries.size(), 3U);
    EXPECT_EQ(entries[0].previous_hash, std::string(64, '0'));
    EXPECT_EQ(entries[1].previous_hash, entries[0].hash);
    EXPECT_EQ(entries[2].previous_hash, entries[1].hash);
    EXPECT_EQ(entries[1].subject, "serial-2");
    EXPECT_EQ(entries[1].details, R"({"reason":"superseded"})");
    auto intact = store::verify_audit_chain(database());
    ASSERT_TRUE(intact.has_value());
    EXPECT_EQ(*intact, std::nullopt);

    auto raw = backend().connect();
    ASSERT_TRUE(raw.has_value()) << raw.error().describe();
    auto tampered =
        (*raw)->execute_script("UPDATE audit_log SET actor = 'mallory' WHERE sequence = 2");
    ASSERT_TRUE(tampered.has_value()) << tampered.error().describe();
    auto broken = store::verify_audit_chain(database());
    ASSERT_TRUE(broken.has_value());
    EXPECT_EQ(*broken, 2);
}

TEST_P(StoreContract, ChainsConcurrentAuditAppendsIntoOneChain) {
    auto second = open_again(backend());
    ASSERT_NE(second, nullptr);
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t) {
        store::Database& target = t % 2 == 0 ? database() : *second;
        workers.emplace_back([&target, &failures, t] {
            for (int i = 0; i < 10; ++i) {
                if (!append_audit(target, std::to_string(t) + "/" + std::to_string(i))) {
                    ++failures;
                }
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    EXPECT_EQ(failures.load(), 0);
    auto next = append_audit(database(), "last");
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->sequence, 41);
    auto verified = store::verify_audit_chain(database());
    ASSERT_TRUE(verified.has_value());
    EXPECT_EQ(*verified, std::nullopt);
}

TEST_P(StoreContract, MigratesIdempotently) {
    ASSERT_TRUE(issue(database(), intent("51")).has_value());
    auto again = open_again(backend());
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(find(*again, "51")->status, CertificateStatus::issued);
    auto raw = backend().connect();
    ASSERT_TRUE(raw.has_value()) << raw.error().describe();
    auto applied = migrate(**raw);
    ASSERT_TRUE(applied.has_value()) << applied.error().describe();
    EXPECT_EQ(*applied, 0);
}

TEST_P(StoreContract, OpensConcurrentlyWithoutRacingMigrations) {
    // A fresh store opened by several processes or nodes at once.
    auto fresh = GetParam().make();
    std::atomic<int> failures{0};
    std::vector<std::thread> openers;
    for (int i = 0; i < 3; ++i) {
        openers.emplace_back([&fresh, &failures] {
            auto opened = fresh->open();
            if (!opened) {
                ADD_FAILURE() << opened.error().describe();
                ++failures;
            }
        });
    }
    for (auto& opener : openers) {
        opener.join();
    }
    EXPECT_EQ(failures.load(), 0);
    auto database = fresh->open();
    ASSERT_TRUE(database.has_value());
    EXPECT_EQ(next_counter(**database, "crl:issuing").value(), 1);
}

}  // namespace dojang::sql::contract
