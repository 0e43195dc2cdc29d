// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/reminders.hpp"

#include "dojang/ca/test_fixtures.hpp"
#include "dojang/ra/sealed_register.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>

namespace dojang::ra {
namespace {

class RemindersTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
    }

    /// Issues a certificate ending at `not_after` and lists it for a customer with `email`.
    std::string issue_for(const std::string& customer_id,
                          const std::string& email,
                          Seconds not_after) {
        auto request = ca::fixtures::request(ca::fixtures::openssl_csr());
        request.keep_not_after = not_after;
        auto issued = issuer_->issue(request);
        EXPECT_TRUE(issued.has_value()) << issued.error().describe();
        const std::string serial = issued->certificate.serial()->hex();
        store::CustomerRecord customer;
        customer.customer_id = customer_id;
        customer.name = "홍길동";
        customer.idn_hash = Bytes(32, static_cast<std::uint8_t>(customer_id.back()));
        customer.phone = "01012345678";
        customer.email = email;
        customer.certificate_serials = {serial};
        customer.updated_at = clock_.now();
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto saved = SealedRegister(tx, keys_).upsert(customer);
            DOJANG_TRY(saved);
            return ok();
        }));
        return serial;
    }

    std::vector<store::OutboxMessage> reminders() {
        std::vector<store::OutboxMessage> due;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto messages = tx.outbox().due(clock_.now() + std::chrono::days{400}, 100);
            DOJANG_TRY(messages);
            for (auto& message : *messages) {
                if (message.dedupe_key.starts_with("expiry:")) {
                    due.push_back(std::move(message));
                }
            }
            return ok();
        }));
        return due;
    }

    RegisterKeys keys_ =
        RegisterKeys::from_bytes(SecretBytes(std::vector<std::uint8_t>(64, 7))).value();
    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
};

TEST_F(RemindersTest, RemindsAt30And7And1DaysOnceEach) {
    const std::string serial =
        issue_for("c1", "hong@example.com", clock_.now() + std::chrono::days{45});
    EXPECT_EQ(*queue_expiry_reminders(*database_, keys_, clock_), 0U);  // 45 days left: not yet

    clock_.advance(std::chrono::days{16});  // 29 days left
    EXPECT_EQ(*queue_expiry_reminders(*database_, keys_, clock_), 1U);
    EXPECT_EQ(*queue_expiry_reminders(*database_, keys_, clock_), 1U);  // due again, queued once
    ASSERT_EQ(reminders().size(), 1U);
    EXPECT_EQ(reminders()[0].dedupe_key, "expiry:" + serial + ":30");
    EXPECT_EQ(reminders()[0].destination, "hong@example.com");

    clock_.advance(std::chrono::days{23});  // 6 days left
    ASSERT_TRUE(queue_expiry_reminders(*database_, keys_, clock_));
    clock_.advance(std::chrono::days{5} + std::chrono::hours{12});  // half a day left
    ASSERT_TRUE(queue_expiry_reminders(*database_, keys_, clock_));
    const auto all = reminders();
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[1].dedupe_key, "expiry:" + serial + ":7");
    EXPECT_EQ(all[2].dedupe_key, "expiry:" + serial + ":1");

    clock_.advance(std::chrono::days{1});  // expired: nothing more
    EXPECT_EQ(*queue_expiry_reminders(*database_, keys_, clock_), 0U);
}

TEST_F(RemindersTest, SkipsCertificatesWithASuccessorAndUsesSmsWithoutEMail) {
    const std::string replaced = issue_for("c1", "", clock_.now() + std::chrono::days{10});
    const std::string kept = issue_for("c2", "", clock_.now() + std::chrono::days{10});
    store::ApplicationRecord application;
    application.id = "a1";
    application.status = domain::ApplicationStatus::confirmed;
    application.customer_id = "c1";
    application.origin = "walk_in";
    application.old_serial = replaced;
    application.new_serial = "0abc";
    application.created_at = clock_.now();
    application.updated_at = clock_.now();
    ASSERT_TRUE(database_->transact(
        [&](store::Transaction& tx) { return tx.applications().insert(application); }));
    EXPECT_EQ(*queue_expiry_reminders(*database_, keys_, clock_), 1U);
    const auto all = reminders();
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all[0].dedupe_key, "expiry:" + kept + ":30");
    EXPECT_EQ(all[0].channel, "sms");
    EXPECT_EQ(all[0].destination, "01012345678");
}

}  // namespace
}  // namespace dojang::ra
