// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/renewal.hpp"

#include "dojang/ca/test_fixtures.hpp"
#include "dojang/core/text.hpp"
#include "dojang/ra/reissue.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

namespace dojang::ra {
namespace {

using domain::RevocationReason;

/// 14:59:59Z (23:59:59 KST) on a day, the end of a Korean certificate's validity.
Seconds korean_end_of(std::chrono::year_month_day day) {
    return Seconds{std::chrono::sys_days{day} + std::chrono::hours{14} + std::chrono::minutes{59} +
                   std::chrono::seconds{59}};
}

/// SubjectPublicKeyInfo (DER) of a fresh key made by the openssl CLI.
Bytes fresh_public_key() {
    testing::TempDir dir;
    const std::string key = dir.path() + "/key.pem";
    const std::string spki = dir.path() + "/spki.der";
    if (testing::run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + key +
                     " && openssl pkey -in " + key + " -pubout -outform DER -out " + spki) != 0) {
        std::abort();
    }
    return *read_file(spki);
}

class RenewalTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
        service_.emplace(*database_, *issuer_, ca_.issuing, clock_, RenewalSettings{});
        auto current = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
        ASSERT_TRUE(current.has_value()) << current.error().describe();
        current_.emplace(std::move(current->certificate));
    }

    store::CertificateRecord record(const SerialNumber& serial) {
        std::optional<store::CertificateRecord> found;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            found = *tx.certificates().find(serial);
            return ok();
        }));
        return *found;
    }

    /// Moves the clock to `days` before the current certificate's notAfter.
    void days_before_expiry(int days) {
        clock_.set(current_->not_after() - std::chrono::days{days});
    }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
    std::optional<RenewalService> service_;
    std::optional<pkix::Certificate> current_;
};

TEST(RenewedNotAfter, IsOneCalendarYearLaterAtTheSameTime) {
    using std::chrono::February;
    using std::chrono::March;
    using std::chrono::year;
    EXPECT_EQ(renewed_not_after(korean_end_of(year{2027} / March / 10)),
              korean_end_of(year{2028} / March / 10));
    EXPECT_EQ(renewed_not_after(korean_end_of(year{2028} / February / 29)),
              korean_end_of(year{2029} / February / 28));
}

TEST_F(RenewalTest, RefusesBeforeTheWindowOpensAndNamesTheDay) {
    days_before_expiry(31);
    auto renewed = service_->renew(*current_, fresh_public_key());
    ASSERT_FALSE(renewed.has_value());
    EXPECT_EQ(renewed.error().kind, ErrorKind::forbidden);
    EXPECT_EQ(renewed.error().code, "RENEWAL_TOO_EARLY");
    const std::string opens =
        to_rfc3339(current_->not_after() - std::chrono::days{30} + std::chrono::hours{9});
    EXPECT_NE(renewed.error().detail.find(opens.substr(0, 10)), std::string::npos)
        << renewed.error().detail;
}

TEST_F(RenewalTest, RenewsInsideTheWindowWithTheSameSubjectAndOneMoreYear) {
    days_before_expiry(29);
    auto renewed = service_->renew(*current_, fresh_public_key());
    ASSERT_TRUE(renewed.has_value()) << renewed.error().describe();
    EXPECT_EQ(renewed->certificate.subject(), current_->subject());
    EXPECT_EQ(renewed->certificate.not_after(), renewed_not_after(current_->not_after()));
    // The old certificate stays valid until the holder confirms the new one.
    EXPECT_EQ(record(*current_->serial()).status, domain::CertificateStatus::issued);
}

/// The DER of a certificate's subjectAltName extension value, empty when it has none.
Bytes alt_name_of(const pkix::Certificate& certificate) {
    const int at = X509_get_ext_by_NID(certificate.get(), NID_subject_alt_name, -1);
    if (at < 0) {
        return {};
    }
    const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(certificate.get(), at));
    return {value->data, value->data + value->length};
}

TEST_F(RenewalTest, KeepsTheIdentifyDataOfTheOldCertificate) {
    auto request = ca::fixtures::request(ca::fixtures::openssl_csr());
    request.identity = ca::Identity{
        "홍길동", "9001011234567", Bytes(20, 0x42), npki::HashAlgorithm::sha256, std::nullopt};
    auto with_vid = issuer_->issue(request);
    ASSERT_TRUE(with_vid.has_value()) << with_vid.error().describe();
    ASSERT_FALSE(alt_name_of(with_vid->certificate).empty());
    clock_.set(with_vid->certificate.not_after() - std::chrono::days{5});
    auto renewed = service_->renew(with_vid->certificate, fresh_public_key());
    ASSERT_TRUE(renewed.has_value()) << renewed.error().describe();
    EXPECT_EQ(alt_name_of(renewed->certificate), alt_name_of(with_vid->certificate));
}

TEST_F(RenewalTest, RenewsOnTheLastDay) {
    clock_.set(current_->not_after() - std::chrono::seconds{1});
    EXPECT_TRUE(service_->renew(*current_, fresh_public_key()).has_value());
}

TEST_F(RenewalTest, RefusesAfterExpiry) {
    clock_.set(current_->not_after() + std::chrono::seconds{1});
    auto renewed = service_->renew(*current_, fresh_public_key());
    ASSERT_FALSE(renewed.has_value());
    EXPECT_EQ(renewed.error().code, "CERTIFICATE_EXPIRED");
}

TEST_F(RenewalTest, TheWindowIsConfigurable) {
    service_.emplace(
        *database_, *issuer_, ca_.issuing, clock_, RenewalSettings{std::chrono::days{60}});
    days_before_expiry(45);
    EXPECT_TRUE(service_->renew(*current_, fresh_public_key()).has_value());
}

TEST_F(RenewalTest, ConfirmSupersedesTheOldCertificate) {
    days_before_expiry(10);
    auto renewed = service_->renew(*current_, fresh_public_key());
    ASSERT_TRUE(renewed.has_value());
    ASSERT_TRUE(service_->confirm(*current_->serial(), renewed->serial));
    EXPECT_EQ(record(*current_->serial()).status, domain::CertificateStatus::revoked);
    EXPECT_EQ(record(*current_->serial()).reason, RevocationReason::superseded);
    EXPECT_TRUE(service_->confirm(*current_->serial(), renewed->serial));  // idempotent
    // A revoked certificate renews nothing.
    EXPECT_EQ(service_->renew(*current_, fresh_public_key()).error().code, "CERTIFICATE_REVOKED");
}

TEST_F(RenewalTest, AbandonRevokesTheNewCertificateOnly) {
    days_before_expiry(10);
    auto renewed = service_->renew(*current_, fresh_public_key());
    ASSERT_TRUE(renewed.has_value());
    ASSERT_TRUE(service_->abandon(renewed->serial));
    EXPECT_EQ(record(renewed->serial).status, domain::CertificateStatus::revoked);
    EXPECT_EQ(record(*current_->serial()).status, domain::CertificateStatus::issued);
}

/// The renewal's row, found by the new certificate's serial.
store::ApplicationRecord renewal_row(store::Database& database, const SerialNumber& serial) {
    std::optional<store::ApplicationRecord> found;
    EXPECT_TRUE(database.transact([&](store::Transaction& tx) -> Result<void> {
        found = *tx.applications().find_by_new_serial(serial.hex());
        return ok();
    }));
    EXPECT_TRUE(found.has_value());
    return found.value_or(store::ApplicationRecord{});
}

TEST_F(RenewalTest, ARenewalIsRememberedInTheStoreUntilCertConf) {
    days_before_expiry(10);
    auto renewed = service_->renew(*current_, fresh_public_key());
    ASSERT_TRUE(renewed.has_value());
    auto row = renewal_row(*database_, renewed->serial);
    EXPECT_EQ(row.origin, "renewal");
    EXPECT_EQ(row.status, domain::ApplicationStatus::issued);
    EXPECT_EQ(row.old_serial, current_->serial()->hex());
    ASSERT_TRUE(service_->confirm(*current_->serial(), renewed->serial));
    EXPECT_EQ(renewal_row(*database_, renewed->serial).status,
              domain::ApplicationStatus::confirmed);
}

TEST_F(RenewalTest, ARenewalNeverConfirmedIsRevokedAfterTheTimeoutEvenAfterARestart) {
    days_before_expiry(10);
    auto renewed = service_->renew(*current_, fresh_public_key());
    ASSERT_TRUE(renewed.has_value());
    // A new process: nothing in memory, only the store. The reissue service's sweep ends it.
    ASSERT_TRUE(create_register_keys(dir_.path() + "/register.key"));
    ReissueService sweeper(*database_,
                           *issuer_,
                           ca_.issuing,
                           *load_register_keys(dir_.path() + "/register.key"),
                           clock_,
                           ReissueSettings{});
    EXPECT_EQ(*sweeper.revoke_unconfirmed(), 0U);  // not late yet
    clock_.advance(std::chrono::minutes{61});
    EXPECT_EQ(*sweeper.revoke_unconfirmed(), 1U);
    EXPECT_EQ(record(renewed->serial).status, domain::CertificateStatus::revoked);
    EXPECT_EQ(record(*current_->serial()).status, domain::CertificateStatus::issued);
    EXPECT_EQ(renewal_row(*database_, renewed->serial).status, domain::ApplicationStatus::rejected);
    EXPECT_EQ(*sweeper.revoke_unconfirmed(), 0U);  // once
}

TEST_F(RenewalTest, ACertificateWeDidNotIssueIsUnknown) {
    auto other = ca::fixtures::hierarchy();
    auto foreign = service_->holder_certificate(other.responder_certificate);
    ASSERT_FALSE(foreign.has_value());
    EXPECT_EQ(foreign.error().kind, ErrorKind::not_found);
}

TEST_F(RenewalTest, HolderRevocationKeepsTheReasonAndKeyCompromiseBlocksTheKey) {
    ASSERT_TRUE(service_->revoke(*current_, RevocationReason::key_compromise));
    EXPECT_EQ(record(*current_->serial()).reason, RevocationReason::key_compromise);
    bool blocked = false;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto spki = crypto::public_key_der(X509_get0_pubkey(current_->get()));
        blocked = *tx.certificates().is_key_blocked(crypto::sha256(*spki));
        return ok();
    }));
    EXPECT_TRUE(blocked);
}

TEST_F(RenewalTest, HoldersCannotClaimCaOnlyReasons) {
    auto revoked = service_->revoke(*current_, RevocationReason::ca_compromise);
    ASSERT_FALSE(revoked.has_value());
    EXPECT_EQ(revoked.error().code, "REVOCATION_REASON_NOT_ALLOWED");
    EXPECT_EQ(record(*current_->serial()).status, domain::CertificateStatus::issued);
}

}  // namespace
}  // namespace dojang::ra
