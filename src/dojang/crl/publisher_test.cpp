// SPDX-License-Identifier: Apache-2.0
#include "dojang/crl/publisher.hpp"

#include "dojang/ca/issuer.hpp"
#include "dojang/ca/test_fixtures.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace dojang::crl {
namespace {

class PublisherTest : public ::testing::Test {
protected:
    void SetUp() override {
        sqlite::SqliteOptions options;
        options.synchronous = sqlite::Synchronous::normal;
        database_ = std::move(*sqlite::open_sqlite(dir_.path() + "/test.db", options));
    }

    std::string path() const { return dir_.path() + "/issuing.crl"; }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
};

TEST_F(PublisherTest, NumbersStrictlyIncreaseAcrossRestarts) {
    std::int64_t last = 0;
    for (int restart = 0; restart < 3; ++restart) {
        Publisher publisher(ca_.issuing, *database_, clock_, path(), Settings{});
        for (int i = 0; i < 2; ++i) {
            auto published = publisher.publish();
            ASSERT_TRUE(published.has_value()) << published.error().describe();
            EXPECT_GT(published->number, last);
            last = published->number;
        }
    }
    EXPECT_EQ(last, 6);
}

TEST_F(PublisherTest, ListsRevokedUntilExpiryAndVerifiesWithOpenssl) {
    auto issuer = ca::Issuer::create(ca_.issuing,
                                     policy::built_in_profiles("1.2.410.200005", "http://x"),
                                     {"http://x"},
                                     *database_,
                                     clock_);
    ASSERT_TRUE(issuer.has_value());
    auto issued = issuer->issue(ca::fixtures::request(ca::fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value());
    ASSERT_TRUE(
        ca::revoke(*database_, clock_, issued->serial, domain::RevocationReason::superseded, "op"));
    Publisher publisher(ca_.issuing, *database_, clock_, path(), Settings{});
    auto published = publisher.publish();
    ASSERT_TRUE(published.has_value());
    EXPECT_EQ(*read_file(path()), *published->der);
    EXPECT_EQ(published->next_update - published->this_update, std::chrono::days{7});
    const auto issuing = ca::fixtures::write_pem(dir_, "issuing.pem", {&ca_.issuing.certificate});
    std::string output;
    ASSERT_EQ(testing::run(
                  "openssl crl -inform DER -in " + path() + " -CAfile " + issuing + " -noout -text",
                  &output),
              0)
        << output;
    EXPECT_NE(output.find("verify OK"), std::string::npos);
    EXPECT_NE(output.find("Superseded"), std::string::npos);
    // After the certificate expires it leaves the CRL (RFC 5280 3.3 allows removal).
    clock_.set(issued->certificate.not_after() + std::chrono::seconds{1});
    auto later = publisher.publish();
    ASSERT_TRUE(later.has_value());
    ASSERT_EQ(testing::run("openssl crl -inform DER -in " + path() + " -noout -text", &output), 0);
    EXPECT_NE(output.find("No Revoked Certificates"), std::string::npos) << output;
}

TEST_F(PublisherTest, PublishesWhenRevocationsMoveOrTheCrlAges) {
    Publisher publisher(ca_.issuing, *database_, clock_, path(), Settings{});
    ASSERT_TRUE(publisher.load_or_publish());
    const auto first = publisher.current().number;
    EXPECT_FALSE(*publisher.publish_if_due(0));
    auto issuer = ca::Issuer::create(ca_.issuing,
                                     policy::built_in_profiles("1.2.410.200005", "http://x"),
                                     {"http://x"},
                                     *database_,
                                     clock_);
    auto issued = issuer->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
    ASSERT_TRUE(issued.has_value());
    ASSERT_TRUE(
        ca::revoke(*database_, clock_, issued->serial, domain::RevocationReason::superseded, "op"));
    EXPECT_TRUE(*publisher.publish_if_due(1));
    EXPECT_FALSE(*publisher.publish_if_due(1));
    clock_.advance(std::chrono::hours{25});
    EXPECT_TRUE(*publisher.publish_if_due(1));
    EXPECT_EQ(publisher.current().number, first + 2);
}

TEST_F(PublisherTest, LoadsTheExistingFileOnRestart) {
    {
        Publisher publisher(ca_.issuing, *database_, clock_, path(), Settings{});
        ASSERT_TRUE(publisher.publish());
    }
    Publisher restarted(ca_.issuing, *database_, clock_, path(), Settings{});
    ASSERT_TRUE(restarted.load_or_publish());
    EXPECT_EQ(restarted.current().number, 1);
    EXPECT_EQ(*restarted.current().der, *read_file(path()));
    // It cannot know which revocations the old file covers, so it publishes once.
    EXPECT_TRUE(*restarted.publish_if_due(0));
    EXPECT_FALSE(*restarted.publish_if_due(0));
}

TEST_F(PublisherTest, AdoptsANewerCrlWrittenByAnotherProcess) {
    Publisher server(ca_.issuing, *database_, clock_, path(), Settings{});
    ASSERT_TRUE(server.load_or_publish());
    EXPECT_FALSE(server.adopt_newer_file());
    Publisher operator_command(ca_.issuing, *database_, clock_, path(), Settings{});
    ASSERT_TRUE(operator_command.publish());
    EXPECT_TRUE(server.adopt_newer_file());
    EXPECT_EQ(server.current().number, 2);
}

/// Runs `sql` on the test database through a second connection (a fault the store cannot see
/// coming: a trigger that refuses writes).
void execute(const std::string& database_path, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(database_path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    EXPECT_EQ(rc, SQLITE_OK) << (message != nullptr ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
}

TEST_F(PublisherTest, AFailedCommitPublishesNoFileAndTheNumberIsNeverReused) {
    Publisher publisher(ca_.issuing, *database_, clock_, path(), Settings{});
    auto first = publisher.publish();
    ASSERT_TRUE(first.has_value()) << first.error().describe();
    const Bytes first_file = *read_file(path());
    // The transaction fails at its last write (the audit entry), after the CRL was signed.
    execute(dir_.path() + "/test.db",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit log refused'); END;");
    clock_.advance(std::chrono::seconds{60});
    EXPECT_FALSE(publisher.publish().has_value());
    EXPECT_EQ(*read_file(path()), first_file)
        << "a CRL whose number was not committed was published";
    EXPECT_EQ(publisher.current().number, 1);
    execute(dir_.path() + "/test.db", "DROP TRIGGER refuse_audit;");
    clock_.advance(std::chrono::seconds{60});
    auto second = publisher.publish();
    ASSERT_TRUE(second.has_value()) << second.error().describe();
    EXPECT_EQ(second->number, 2);
    EXPECT_EQ(*read_file(path()), *second->der);
}

}  // namespace
}  // namespace dojang::crl
