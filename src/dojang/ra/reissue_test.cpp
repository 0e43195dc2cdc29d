// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/reissue.hpp"

#include "dojang/ca/test_fixtures.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <set>
#include <thread>

namespace dojang::ra {
namespace {

using domain::ReissueReason;

class ReissueTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
        ASSERT_TRUE(create_register_keys(dir_.path() + "/register.key"));
        auto keys = load_register_keys(dir_.path() + "/register.key");
        ASSERT_TRUE(keys.has_value());
        service_.emplace(*database_, *issuer_, ca_.issuing, *keys, clock_, ReissueSettings{});
        // The certificate the holder has today, issued 100 days ago.
        auto old = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
        ASSERT_TRUE(old.has_value());
        old_serial_ = old->serial;
        old_not_after_ = old->certificate.not_after();
        clock_.advance(std::chrono::days{100});
    }

    WalkInRequest walk_in(ReissueReason reason) const {
        WalkInRequest request;
        request.name = "홍길동";
        request.phone = "010-1234-5678";
        request.email = "hong@example.com";
        request.resident_number = "900101-1234567";
        request.reason = reason;
        request.old_serial = old_serial_.hex();
        return request;
    }

    CertificateRequest with(const Codes& codes, Bytes csr = ca::fixtures::openssl_csr()) const {
        return CertificateRequest{codes.reference_number,
                                  codes.authorization_code,
                                  std::move(csr),
                                  std::nullopt,
                                  std::nullopt,
                                  npki::HashAlgorithm::sha256};
    }

    store::CertificateRecord certificate(const SerialNumber& serial) {
        std::optional<store::CertificateRecord> record;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            record = *tx.certificates().find(serial);
            return ok();
        }));
        return *record;
    }

    /// Runs SQL on the test database through a connection of its own, as an outside fault
    /// would strike: the service's connection sees the schema change.
    void execute(const std::string& sql) {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((dir_.path() + "/test.db").c_str(), &db), SQLITE_OK);
        char* message = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
            << (message != nullptr ? message : "");
        sqlite3_free(message);
        sqlite3_close(db);
    }

    std::size_t count(domain::CertificateStatus status) {
        std::size_t n = 0;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            n = tx.certificates().list(status, 1000, 0)->size();
            return ok();
        }));
        return n;
    }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
    std::optional<ReissueService> service_;
    SerialNumber old_serial_ = *SerialNumber::from_hex("01");
    Seconds old_not_after_;
};

TEST_F(ReissueTest, WalkInCodesIssueOnceWithTheRegisterNameAndTheOldNotAfter) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    ASSERT_TRUE(codes.has_value()) << codes.error().describe();
    EXPECT_EQ(codes->reference_number.size(), 10U);
    EXPECT_EQ(codes->authorization_code.size(), 19U);  // 16 digits in four groups
    auto issued = service_->issue(with(*codes));
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    EXPECT_EQ(issued->certificate.subject(), "CN=홍길동,OU=personal,O=dojang,C=KR");
    EXPECT_EQ(issued->certificate.not_after(), old_not_after_);
    auto again = service_->issue(with(*codes));
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, "AUTHORIZATION_USED");
}

// The table clients read (GET /api/v1/reasons) says what each reason does; this walks every
// reason through the service and checks the old certificate against it.
TEST_F(ReissueTest, TheReasonTableTellsWhatEachReasonDoesToTheOldCertificate) {
    std::set<ReissueReason> seen;
    for (const ReasonRule& rule : reason_rules()) {
        SCOPED_TRACE(std::string(domain::to_string(rule.reason)));
        EXPECT_TRUE(seen.insert(rule.reason).second) << "listed twice";
        auto old = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
        ASSERT_TRUE(old.has_value());
        WalkInRequest request = walk_in(rule.reason);
        request.old_serial = old->serial.hex();
        auto codes = service_->register_walk_in(request);
        ASSERT_TRUE(codes.has_value()) << codes.error().describe();
        EXPECT_EQ(codes->is_revocation(), !rule.issues_certificate);
        if (!rule.issues_certificate) {
            EXPECT_EQ(certificate(old->serial).status, domain::CertificateStatus::revoked);
            continue;
        }
        auto issued = service_->issue(with(*codes));
        ASSERT_TRUE(issued.has_value()) << issued.error().describe();
        const bool revoked_now =
            certificate(old->serial).status == domain::CertificateStatus::revoked;
        EXPECT_EQ(revoked_now, rule.old_certificates == OldCertificates::revoked_at_once);
        ASSERT_TRUE(service_->confirm(*issued->certificate.serial(), issued->confirmation_token));
        const auto after = certificate(old->serial);
        if (rule.old_certificates == OldCertificates::kept) {
            EXPECT_EQ(after.status, domain::CertificateStatus::issued);
        } else {
            EXPECT_EQ(after.status, domain::CertificateStatus::revoked);
            EXPECT_EQ(after.reason,
                      rule.old_certificates == OldCertificates::revoked_at_once
                          ? domain::RevocationReason::key_compromise
                          : domain::RevocationReason::superseded);
        }
        clock_.advance(std::chrono::hours{1});
    }
    // Every reason the store knows is offered.
    for (const std::string_view name : {"expired",
                                        "forgot_password",
                                        "lost_device",
                                        "key_compromise",
                                        "info_changed",
                                        "algorithm_upgrade",
                                        "new_device",
                                        "revocation"}) {
        EXPECT_EQ(seen.count(*domain::reissue_reason_from_string(name)), 1U) << name;
    }
}

TEST_F(ReissueTest, IssuanceQueuesOneSecurityNoticeAndOneIssuedNotice) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    auto issued = service_->issue(with(*codes));
    ASSERT_TRUE(issued.has_value());
    std::vector<store::OutboxMessage> messages;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        messages = *tx.outbox().for_application(issued->application_id);
        return ok();
    }));
    ASSERT_EQ(messages.size(), 2U);
    std::set<std::string> subjects;
    for (const auto& message : messages) {
        EXPECT_EQ(message.destination, "hong@example.com");
        subjects.insert(message.subject);
    }
    EXPECT_EQ(subjects.size(), 2U);
    EXPECT_NE(messages[0].body.find("재발급") == std::string::npos &&
                  messages[1].body.find("재발급") == std::string::npos,
              true);
}

TEST_F(ReissueTest, AWrongCodeAndAnUnknownReferenceLookTheSame) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    ASSERT_TRUE(codes.has_value());
    Codes wrong_code = *codes;
    wrong_code.authorization_code = "0000-0000-0000-0000";
    Codes unknown = *codes;
    unknown.reference_number = "0000000000";
    const Error a = service_->issue(with(wrong_code)).error();
    const Error b = service_->issue(with(unknown)).error();
    EXPECT_EQ(a.kind, ErrorKind::unauthenticated);
    EXPECT_EQ(a.code, b.code);
    EXPECT_EQ(a.detail, b.detail);
    // Dashes and spaces are the holder's business.
    Codes typed = *codes;
    typed.authorization_code.erase(
        std::remove(typed.authorization_code.begin(), typed.authorization_code.end(), '-'),
        typed.authorization_code.end());
    EXPECT_TRUE(service_->issue(with(typed)).has_value());
}

TEST_F(ReissueTest, ALostDeviceRevokesTheOldCertificateAtOnceForKeyCompromise) {
    ASSERT_TRUE(service_->register_walk_in(walk_in(ReissueReason::lost_device)).has_value());
    const auto old = certificate(old_serial_);
    EXPECT_EQ(old.status, domain::CertificateStatus::revoked);
    EXPECT_EQ(old.reason, domain::RevocationReason::key_compromise);
}

TEST_F(ReissueTest, AForgottenPasswordSupersedesTheOldCertificateOnlyOnConfirmation) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    auto issued = service_->issue(with(*codes));
    ASSERT_TRUE(issued.has_value());
    EXPECT_EQ(certificate(old_serial_).status, domain::CertificateStatus::issued);
    const auto serial = *issued->certificate.serial();
    EXPECT_EQ(service_->confirm(serial, "not-the-token").error().code, "CONFIRMATION_INVALID");
    ASSERT_TRUE(service_->confirm(serial, issued->confirmation_token));
    const auto old = certificate(old_serial_);
    EXPECT_EQ(old.status, domain::CertificateStatus::revoked);
    EXPECT_EQ(old.reason, domain::RevocationReason::superseded);
    EXPECT_TRUE(service_->confirm(serial, issued->confirmation_token));  // idempotent
    auto timeline = service_->status(issued->application_id);
    ASSERT_TRUE(timeline.has_value());
    std::vector<std::string> kinds;
    for (const auto& event : timeline->second) {
        kinds.push_back(event.kind);
    }
    EXPECT_EQ(kinds,
              (std::vector<std::string>{
                  "submitted", "approved", "issued", "confirmed", "old_certificate_revoked"}));
}

TEST_F(ReissueTest, ARevocationApplicationRevokesEverythingAndIssuesNothing) {
    auto done = service_->register_walk_in(walk_in(ReissueReason::revocation));
    ASSERT_TRUE(done.has_value()) << done.error().describe();
    EXPECT_TRUE(done->is_revocation());
    EXPECT_TRUE(done->authorization_code.empty());
    EXPECT_EQ(done->revoked, std::vector<std::string>{old_serial_.hex()});
    const auto old = certificate(old_serial_);
    EXPECT_EQ(old.status, domain::CertificateStatus::revoked);
    EXPECT_EQ(old.reason, domain::RevocationReason::key_compromise);
    auto status = service_->status(done->application_id);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->first.status, domain::ApplicationStatus::revoked);
    EXPECT_TRUE(status->first.reference_number.empty());
    EXPECT_EQ(count(domain::CertificateStatus::issued), 0U);
}

TEST_F(ReissueTest, AnExpiredCertificateRevokesNothing) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::expired));
    auto issued = service_->issue(with(*codes));
    ASSERT_TRUE(issued.has_value());
    ASSERT_TRUE(service_->confirm(*issued->certificate.serial(), issued->confirmation_token));
    EXPECT_EQ(certificate(old_serial_).status, domain::CertificateStatus::issued);
}

TEST_F(ReissueTest, CodesExpireAfterFourteenDays) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    clock_.advance(std::chrono::days{14} + std::chrono::seconds{1});
    auto issued = service_->issue(with(*codes));
    ASSERT_FALSE(issued.has_value());
    EXPECT_EQ(issued.error().code, "AUTHORIZATION_EXPIRED");
}

TEST_F(ReissueTest, ARefusedRequestLeavesTheCodesUsable) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    auto weak = service_->issue(
        with(*codes, ca::fixtures::openssl_csr("-algorithm RSA -pkeyopt rsa_keygen_bits:1024")));
    ASSERT_FALSE(weak.has_value());
    EXPECT_EQ(weak.error().kind, ErrorKind::policy_rejected);
    EXPECT_TRUE(service_->issue(with(*codes)).has_value());
}

TEST_F(ReissueTest, AnUnconfirmedCertificateIsRevokedAndTheCodesWorkAgain) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    auto issued = service_->issue(with(*codes));
    ASSERT_TRUE(issued.has_value());
    EXPECT_EQ(*service_->revoke_unconfirmed(), 0U);
    clock_.advance(std::chrono::minutes{61});
    EXPECT_EQ(*service_->revoke_unconfirmed(), 1U);
    EXPECT_EQ(certificate(*issued->certificate.serial()).status,
              domain::CertificateStatus::revoked);
    EXPECT_EQ(certificate(old_serial_).status, domain::CertificateStatus::issued);
    auto again = service_->issue(with(*codes));
    ASSERT_TRUE(again.has_value()) << again.error().describe();
    EXPECT_NE(*again->certificate.serial(), *issued->certificate.serial());
}

TEST_F(ReissueTest, AFailureWhileRecordingTheCertificateLeavesItUnissuedAndTheCodesUsable) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    ASSERT_TRUE(codes.has_value());
    // The write that records the certificate on the application fails (a full disk, a lost
    // database) after the certificate was signed.
    execute(
        "CREATE TRIGGER broken BEFORE UPDATE OF status ON applications WHEN NEW.status = "
        "'issued' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
    auto failed = service_->issue(with(*codes));
    ASSERT_FALSE(failed.has_value());

    EXPECT_EQ(count(domain::CertificateStatus::issued), 1U);    // only the holder's old one
    EXPECT_EQ(count(domain::CertificateStatus::intended), 1U);  // never valid, never served
    execute("DROP TRIGGER broken");
    auto again = service_->issue(with(*codes));
    ASSERT_TRUE(again.has_value()) << again.error().describe();
    EXPECT_EQ(count(domain::CertificateStatus::issued), 2U);
}

TEST_F(ReissueTest, CodesClaimedByAnIssuanceThatDiedAreGivenBackAfterTheGrace) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    ASSERT_TRUE(codes.has_value());
    // What a process killed between its two transactions leaves: the claim, no certificate.
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        EXPECT_TRUE(*tx.applications().claim_codes(codes->application_id, clock_.now()));
        return ok();
    }));
    EXPECT_EQ(service_->issue(with(*codes)).error().code, "AUTHORIZATION_USED");
    clock_.advance(std::chrono::seconds{119});
    EXPECT_EQ(*service_->release_stranded_claims(), 0U);  // it may still be signing elsewhere

    clock_.advance(std::chrono::seconds{2});
    EXPECT_EQ(*service_->release_stranded_claims(), 1U);

    EXPECT_EQ(*service_->release_stranded_claims(), 0U);
    auto issued = service_->issue(with(*codes));
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    bool audited = false;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto entries = tx.audit().entries();
        for (const auto& entry : *entries) {
            audited = audited || (entry.action == "application.codes_released" &&
                                  entry.subject == codes->application_id);
        }
        return ok();
    }));
    EXPECT_TRUE(audited);
}

TEST_F(ReissueTest, TwoConcurrentRequestsWithTheSameCodesGetOneCertificate) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::forgot_password));
    const Bytes csr = ca::fixtures::openssl_csr();
    std::atomic<int> issued{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            auto result = service_->issue(with(*codes, csr));
            (result ? issued : refused)++;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(issued.load(), 1);
    EXPECT_EQ(refused.load(), 3);
}

TEST_F(ReissueTest, TheVidBindsTheRegisteredResidentNumber) {
    auto codes = service_->register_walk_in(walk_in(ReissueReason::new_device));
    CertificateRequest request = with(*codes);
    request.random_num = *from_hex("79EA7568A2D3776604E18BCD3A1B1B85B7DA0872");
    auto issued = service_->issue(request);
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    const int index = X509_get_ext_by_NID(issued->certificate.get(), NID_subject_alt_name, -1);
    const ASN1_OCTET_STRING* value =
        X509_EXTENSION_get_data(X509_get_ext(issued->certificate.get(), index));
    auto data = npki::parse_identify_data(Bytes(value->data, value->data + value->length));
    ASSERT_TRUE(data.has_value());
    EXPECT_TRUE(*npki::vid_matches(*data, "9001011234567", *request.random_num));
    EXPECT_FALSE(*npki::vid_matches(*data, "9001011234568", *request.random_num));
}

TEST_F(ReissueTest, AWalkInReportsEveryBadFieldAtOnce) {
    WalkInRequest request = walk_in(ReissueReason::forgot_password);
    request.name.clear();
    request.phone = "02-123";
    request.email = "not-an-address";
    request.resident_number = "123";
    auto codes = service_->register_walk_in(request);
    ASSERT_FALSE(codes.has_value());
    EXPECT_EQ(codes.error().kind, ErrorKind::invalid_request);
    EXPECT_EQ(codes.error().violations.size(), 4U);
    request = walk_in(ReissueReason::forgot_password);
    request.old_serial = "7fffffff";
    EXPECT_EQ(service_->register_walk_in(request).error().code, "OLD_CERTIFICATE_UNKNOWN");
}

}  // namespace
}  // namespace dojang::ra
