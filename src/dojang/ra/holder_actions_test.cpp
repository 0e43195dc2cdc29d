// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/holder_actions.hpp"

#include "dojang/ca/test_fixtures.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>

namespace dojang::ra {
namespace {

using domain::RevocationReason;

class HolderActionsTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
        renewal_.emplace(*database_, *issuer_, ca_.issuing, clock_, RenewalSettings{});
        actions_.emplace(*renewal_, clock_);
        current_csr_ = ca::fixtures::openssl_csr();
        auto current = issuer_->issue(ca::fixtures::request(current_csr_));
        ASSERT_TRUE(current.has_value()) << current.error().describe();
        current_.emplace(std::move(current->certificate));
        // Inside the renewal window.
        clock_.set(current_->not_after() - std::chrono::days{10});
    }

    SignedByHolder signed_now(const pkix::Certificate& signer) const {
        return {*pkix::Certificate::parse(*signer.der()), clock_.now()};
    }

    domain::CertificateStatus status(const SerialNumber& serial) {
        std::optional<store::CertificateRecord> found;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            found = *tx.certificates().find(serial);
            return ok();
        }));
        return found->status;
    }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
    std::optional<RenewalService> renewal_;
    std::optional<HolderActions> actions_;
    Bytes current_csr_;
    std::optional<pkix::Certificate> current_;
};

TEST_F(HolderActionsTest, RenewsThenConfirmsWithTheNewKeyAndRevokesTheOldAsSuperseded) {
    const auto old_serial = *current_->serial();
    auto request = pkix::Csr::parse(ca::fixtures::openssl_csr());
    ASSERT_TRUE(request);

    auto renewed = actions_->renew(signed_now(*current_), old_serial, *request);

    ASSERT_TRUE(renewed) << renewed.error().describe();
    EXPECT_EQ(*renewed->certificate.public_key_der(), *request->public_key_der());
    EXPECT_EQ(status(old_serial), domain::CertificateStatus::issued);
    // Confirmed with the renewed certificate's own signature.
    auto confirmed = actions_->confirm_renewal(signed_now(renewed->certificate), renewed->serial);
    ASSERT_TRUE(confirmed) << confirmed.error().describe();
    EXPECT_EQ(*confirmed, old_serial);
    EXPECT_EQ(status(old_serial), domain::CertificateStatus::revoked);
    // Once only.
    auto again = actions_->confirm_renewal(signed_now(renewed->certificate), renewed->serial);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "RENEWAL_NOT_PENDING");
}

TEST_F(HolderActionsTest, RefusesAConfirmationSignedByTheOldCertificate) {
    auto request = pkix::Csr::parse(ca::fixtures::openssl_csr());
    auto renewed = actions_->renew(signed_now(*current_), *current_->serial(), *request);
    ASSERT_TRUE(renewed) << renewed.error().describe();

    auto confirmed = actions_->confirm_renewal(signed_now(*current_), renewed->serial);

    ASSERT_FALSE(confirmed);
    EXPECT_EQ(confirmed.error().code, "SIGNER_MISMATCH");
    EXPECT_EQ(status(*current_->serial()), domain::CertificateStatus::issued);
}

TEST_F(HolderActionsTest, RefusesTheCurrentKeyAsTheNewKey) {
    auto request = pkix::Csr::parse(current_csr_);
    ASSERT_TRUE(request);

    auto renewed = actions_->renew(signed_now(*current_), *current_->serial(), *request);

    ASSERT_FALSE(renewed);
    EXPECT_EQ(renewed.error().code, "KEY_NOT_NEW");
}

TEST_F(HolderActionsTest, RefusesStaleOrFutureSignaturesAndOtherCertificates) {
    auto request = pkix::Csr::parse(ca::fixtures::openssl_csr());
    auto stale = signed_now(*current_);
    stale.signed_at -= std::chrono::minutes{11};
    auto future = signed_now(*current_);
    future.signed_at += std::chrono::minutes{11};

    auto by_stale = actions_->renew(stale, *current_->serial(), *request);
    auto by_future =
        actions_->revoke(future, *current_->serial(), RevocationReason::key_compromise);
    auto other = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
    ASSERT_TRUE(other);
    auto by_other = actions_->revoke(
        signed_now(other->certificate), *current_->serial(), RevocationReason::unspecified);

    ASSERT_FALSE(by_stale);
    EXPECT_EQ(by_stale.error().code, "REQUEST_STALE");
    ASSERT_FALSE(by_future);
    EXPECT_EQ(by_future.error().code, "REQUEST_STALE");
    ASSERT_FALSE(by_other);
    EXPECT_EQ(by_other.error().code, "SIGNER_MISMATCH");
    EXPECT_EQ(status(*current_->serial()), domain::CertificateStatus::issued);
    // Within ten minutes is fine.
    auto near = signed_now(*current_);
    near.signed_at -= std::chrono::minutes{9};
    EXPECT_TRUE(actions_->revoke(near, *current_->serial(), RevocationReason::key_compromise));
    EXPECT_EQ(status(*current_->serial()), domain::CertificateStatus::revoked);
}

TEST_F(HolderActionsTest, RefusesARevokedCertificateAndOutsideTheWindow) {
    ASSERT_TRUE(
        actions_->revoke(signed_now(*current_), *current_->serial(), RevocationReason::superseded));
    auto request = pkix::Csr::parse(ca::fixtures::openssl_csr());

    auto renewed = actions_->renew(signed_now(*current_), *current_->serial(), *request);

    ASSERT_FALSE(renewed);
    EXPECT_EQ(renewed.error().code, "CERTIFICATE_REVOKED");

    auto fresh = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
    ASSERT_TRUE(fresh);
    clock_.set(fresh->certificate.not_after() - std::chrono::days{100});
    auto early = actions_->renew(signed_now(fresh->certificate), fresh->serial, *request);
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, "RENEWAL_TOO_EARLY");
}

TEST_F(HolderActionsTest, RevokingTheOldCertificateEndsARenewalNotYetConfirmed) {
    // A thief with the old key renews to a key of their own; the holder then revokes the old
    // certificate: the thief's renewed certificate is revoked too and cannot be confirmed.
    const auto old_serial = *current_->serial();
    auto request = pkix::Csr::parse(ca::fixtures::openssl_csr());
    auto renewed = actions_->renew(signed_now(*current_), old_serial, *request);
    ASSERT_TRUE(renewed) << renewed.error().describe();

    ASSERT_TRUE(
        actions_->revoke(signed_now(*current_), old_serial, RevocationReason::key_compromise));

    EXPECT_EQ(status(renewed->serial), domain::CertificateStatus::revoked);
    auto confirmed = actions_->confirm_renewal(signed_now(renewed->certificate), renewed->serial);
    ASSERT_FALSE(confirmed);
}

TEST_F(HolderActionsTest, AConfirmationAfterTheOldCertificateWasRevokedElsewhereRevokesTheNew) {
    const auto old_serial = *current_->serial();
    auto request = pkix::Csr::parse(ca::fixtures::openssl_csr());
    auto renewed = actions_->renew(signed_now(*current_), old_serial, *request);
    ASSERT_TRUE(renewed) << renewed.error().describe();
    // Revoked by the CA (an officer), not through the holder's route.
    ASSERT_TRUE(
        ca::revoke(*database_, clock_, old_serial, RevocationReason::unspecified, "officer:kim"));

    auto confirmed = actions_->confirm_renewal(signed_now(renewed->certificate), renewed->serial);

    ASSERT_FALSE(confirmed);
    EXPECT_EQ(confirmed.error().code, "CERTIFICATE_REVOKED");
    EXPECT_EQ(status(renewed->serial), domain::CertificateStatus::revoked);
}

}  // namespace
}  // namespace dojang::ra
