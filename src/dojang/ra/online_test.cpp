// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/online.hpp"

#include "dojang/ca/test_fixtures.hpp"
#include "dojang/ra/sealed_register.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

namespace dojang::ra {
namespace {

class OnlineTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
        ASSERT_TRUE(create_register_keys(dir_.path() + "/register.key"));
        auto keys = load_register_keys(dir_.path() + "/register.key");
        ASSERT_TRUE(keys.has_value());
        keys_.emplace(*keys);
        reissue_.emplace(*database_, *issuer_, ca_.issuing, *keys, clock_, ReissueSettings{});
        online_.emplace(*database_, *reissue_, *keys, clock_);
        // The register knows 홍길동.
        store::CustomerRecord customer;
        customer.customer_id = "c1";
        customer.name = "홍길동";
        customer.birth_date = "1990-01-01";
        customer.idn_hash = *idn_hash(*keys, "9001011234567");
        customer.idn_ciphertext = *encrypt_idn(*keys, "9001011234567");
        customer.phone = "01012345678";
        customer.email = "hong@example.com";
        customer.updated_at = clock_.now();
        ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto saved = SealedRegister(tx, *keys).upsert(customer);
            DOJANG_TRY(saved);
            return ok();
        }));
    }

    static OnlineRequest hong() {
        OnlineRequest request;
        request.name = "홍길동";
        request.resident_number = "900101-1234567";
        request.phone = "010-1234-5678";
        request.email = "hong@example.com";
        return request;
    }

    /// The code in the newest outbox message of the application.
    std::string sent_code(const std::string& application_id) {
        std::vector<store::OutboxMessage> messages;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            messages = *tx.outbox().for_application(application_id);
            return ok();
        }));
        std::smatch match;
        const std::string body = messages.empty() ? std::string() : messages.back().body;
        if (!std::regex_search(body, match, std::regex("[0-9]{6}"))) {
            return {};
        }
        return match.str();
    }

    /// Every outbox message of the application, oldest first.
    std::vector<store::OutboxMessage> messages_of(const std::string& application_id) {
        std::vector<store::OutboxMessage> messages;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            messages = *tx.outbox().for_application(application_id);
            return ok();
        }));
        return messages;
    }

    /// Issues a certificate to 홍길동 and lists it in the register entry; returns its serial.
    SerialNumber hold_certificate() {
        auto issued = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
        EXPECT_TRUE(issued.has_value());
        const SerialNumber serial = issued->serial;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto holder = *SealedRegister(tx, *keys_).find("c1");
            holder->certificate_serials.push_back(serial.hex());
            auto saved = SealedRegister(tx, *keys_).upsert(*holder);
            DOJANG_TRY(saved);
            return ok();
        }));
        return serial;
    }

    store::CertificateRecord certificate(const SerialNumber& serial) {
        std::optional<store::CertificateRecord> record;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            record = *tx.certificates().find(serial);
            return ok();
        }));
        return *record;
    }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
    std::optional<ReissueService> reissue_;
    std::optional<OnlineApplications> online_;
    std::optional<RegisterKeys> keys_;
};

TEST_F(OnlineTest, TheRightCodeApprovesOnceWithCodes) {
    auto created = online_->apply(hong());
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    const std::string code = sent_code(created->application_id);
    ASSERT_EQ(code.size(), 6U);
    auto codes = online_->verify(created->application_id, code);
    ASSERT_TRUE(codes.has_value()) << codes.error().describe();
    EXPECT_EQ(codes->status, "approved");
    ASSERT_TRUE(codes->codes.has_value());
    EXPECT_EQ(codes->codes->reference_number.size(), 10U);
    auto again = online_->verify(created->application_id, code);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, "OTP_EXPIRED");
    auto status = online_->status(created->application_id, created->status_token);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->application.status, domain::ApplicationStatus::approved);
    ASSERT_EQ(status->messages.size(), 1U);
    EXPECT_TRUE(status->messages[0].body.empty());
}

TEST_F(OnlineTest, ACodeExpiresAfterFiveMinutes) {
    auto created = online_->apply(hong());
    ASSERT_TRUE(created.has_value());
    clock_.advance(std::chrono::minutes{5});
    auto late = online_->verify(created->application_id, sent_code(created->application_id));
    ASSERT_FALSE(late.has_value());
    EXPECT_EQ(late.error().code, "OTP_EXPIRED");
}

TEST_F(OnlineTest, ResendIsLimitedPerMinuteHourAndDay) {
    auto created = online_->apply(hong());
    ASSERT_TRUE(created.has_value());
    auto soon = online_->resend(created->application_id, std::nullopt);
    ASSERT_FALSE(soon.has_value());
    EXPECT_EQ(soon.error().code, "RESEND_TOO_SOON");
    EXPECT_EQ(soon.error().retry_after, std::chrono::seconds{60});
    for (int sent = 1; sent < 5; ++sent) {
        clock_.advance(std::chrono::seconds{61});
        ASSERT_TRUE(online_->resend(created->application_id, std::nullopt).has_value());
    }
    clock_.advance(std::chrono::seconds{61});
    auto hourly = online_->resend(created->application_id, std::nullopt);
    ASSERT_FALSE(hourly.has_value());
    EXPECT_EQ(hourly.error().code, "RESEND_TOO_SOON");
    // Another channel is another destination.
    EXPECT_TRUE(online_->resend(created->application_id, "email").has_value());
}

TEST_F(OnlineTest, FiveWrongEntriesKillACodeAndThreeKilledCodesLockTheApplication) {
    auto created = online_->apply(hong());
    ASSERT_TRUE(created.has_value());
    const std::string& id = created->application_id;
    for (int kill = 0; kill < 3; ++kill) {
        const std::string right = sent_code(id);
        const std::string wrong = right == "000000" ? "111111" : "000000";
        for (int entry = 1; entry < 5; ++entry) {
            auto refused = online_->verify(id, wrong);
            ASSERT_EQ(refused.error().code, "OTP_INVALID");
            EXPECT_EQ(refused.error().violations.at(0).detail, std::to_string(5 - entry));
        }
        auto fifth = online_->verify(id, wrong);
        EXPECT_EQ(fifth.error().code, kill < 2 ? "OTP_LOCKED" : "APPLICATION_LOCKED");
        if (kill < 2) {
            EXPECT_EQ(online_->verify(id, right).error().code, "OTP_LOCKED");
            clock_.advance(std::chrono::minutes{2});
            ASSERT_TRUE(online_->resend(id, std::nullopt).has_value());
        }
    }
    EXPECT_EQ(online_->verify(id, sent_code(id)).error().code, "APPLICATION_LOCKED");
    EXPECT_EQ(online_->resend(id, std::nullopt).error().code, "APPLICATION_LOCKED");
}

TEST_F(OnlineTest, AStrangerAndAMismatchLookLikeAMatchAndNoMessageLeaves) {
    auto stranger = hong();
    stranger.resident_number = "850505-2345678";
    stranger.phone = "010-2222-3333";
    auto mismatch = hong();
    mismatch.phone = "010-1234-5679";  // the seeds' typo
    // What the holder who is in the register hears after a wrong code.
    auto matched = online_->apply(hong());
    ASSERT_TRUE(matched.has_value());
    const std::string right = sent_code(matched->application_id);
    ASSERT_EQ(right.size(), 6U);
    auto matched_status = online_->status(matched->application_id, matched->status_token);
    ASSERT_TRUE(matched_status.has_value());
    const auto matched_refusal =
        online_->verify(matched->application_id, right == "000000" ? "111111" : "000000");
    clock_.advance(std::chrono::minutes{2});
    for (const auto& request : {stranger, mismatch}) {
        auto created = online_->apply(request);
        ASSERT_TRUE(created.has_value());
        EXPECT_EQ(created->channel, "sms");
        EXPECT_EQ(created->code_expires_at, clock_.now() + std::chrono::minutes{5});
        EXPECT_EQ(created->status_token.size(), 64U);
        // Nothing goes to the number typed: codes go only to the register's phone or e-mail.
        EXPECT_EQ(messages_of(created->application_id).size(), 0U);
        auto status = online_->status(created->application_id, created->status_token);
        ASSERT_TRUE(status.has_value());
        EXPECT_EQ(status->application.status, domain::ApplicationStatus::submitted);
        // The timeline and the delivery list read exactly as the match's did.
        EXPECT_EQ(status->messages.size(), matched_status->messages.size());
        ASSERT_EQ(status->events.size(), matched_status->events.size());
        for (std::size_t i = 0; i < status->events.size(); ++i) {
            EXPECT_EQ(status->events[i].kind, matched_status->events[i].kind);
            EXPECT_EQ(status->events[i].detail, matched_status->events[i].detail);
        }
        auto refused = online_->verify(created->application_id, "123456");
        EXPECT_EQ(refused.error().code, "OTP_INVALID");
        EXPECT_EQ(refused.error().kind, matched_refusal.error().kind);
        EXPECT_EQ(refused.error().detail, matched_refusal.error().detail);
        EXPECT_EQ(refused.error().violations, matched_refusal.error().violations);
        clock_.advance(std::chrono::minutes{2});
    }
}

TEST_F(OnlineTest, TheCodeGoesToTheRegistersPhoneAndEmail) {
    auto request = hong();
    request.phone = "+82 10-1234-5678";  // typed another way, the same number
    auto created = online_->apply(request);
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    auto sent = messages_of(created->application_id);
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(sent[0].destination, "01012345678");
    clock_.advance(std::chrono::minutes{2});
    ASSERT_TRUE(online_->resend(created->application_id, "email").has_value());
    sent = messages_of(created->application_id);
    ASSERT_EQ(sent.size(), 2U);
    EXPECT_EQ(sent[1].destination, "hong@example.com");
}

TEST_F(OnlineTest, AStrangerCannotSpendTheHoldersSendQuota) {
    // Someone who knows the holder's phone number but not who they are applies again and
    // again, from many addresses; the holder can still get a code at once.
    auto stranger = hong();
    stranger.resident_number = "850505-2345678";
    for (int attempt = 0; attempt < 12; ++attempt) {
        stranger.client = "203.0.113." + std::to_string(attempt);
        auto created = online_->apply(stranger);
        if (attempt == 0) {
            ASSERT_TRUE(created.has_value()) << created.error().describe();
        }
    }
    auto holder = online_->apply(hong());
    ASSERT_TRUE(holder.has_value()) << holder.error().describe();
    EXPECT_EQ(sent_code(holder->application_id).size(), 6U);
}

TEST_F(OnlineTest, ApplicationsAreLimitedPerClientAddress) {
    // Ten different people from one address in an hour, then the eleventh is refused; another
    // address is not.
    for (int person = 0; person < 10; ++person) {
        auto request = hong();
        request.resident_number = "8505052" + std::to_string(100000 + person);
        request.client = "198.51.100.7";
        auto created = online_->apply(request);
        ASSERT_TRUE(created.has_value()) << person << ": " << created.error().describe();
        clock_.advance(std::chrono::minutes{1});
    }
    auto eleventh = hong();
    eleventh.client = "198.51.100.7";
    auto refused = online_->apply(eleventh);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "APPLICATIONS_TOO_MANY");
    EXPECT_TRUE(refused.error().violations.empty());
    EXPECT_EQ(refused.error().retry_after, std::chrono::seconds{3000});  // the first was 50 min ago
    eleventh.client = "198.51.100.8";
    EXPECT_TRUE(online_->apply(eleventh).has_value());
    clock_.advance(std::chrono::minutes{51});
    eleventh.client = "198.51.100.7";
    eleventh.resident_number = "8505052200000";
    EXPECT_TRUE(online_->apply(eleventh).has_value());
}

TEST_F(OnlineTest, ABirthDateAloneIsRefusedAtOnce) {
    auto request = hong();
    request.resident_number.clear();
    request.birth_date = "1990-01-01";
    auto refused = online_->apply(request);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "APPLICATION_INVALID");
    ASSERT_EQ(refused.error().violations.size(), 1U);
    EXPECT_EQ(refused.error().violations[0].code, "RESIDENT_NUMBER_MISSING");
    // With the number, the birth date is compared with the register's.
    request.resident_number = "900101-1234567";
    auto created = online_->apply(request);
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    EXPECT_EQ(sent_code(created->application_id).size(), 6U);
}

TEST_F(OnlineTest, AProxysBadPhoneIsNamedAsTheProxysNotTheHolders) {
    OnlineRequest request = hong();
    request.proxy_name = "김대리";
    request.proxy_phone = "02-123-4567";
    auto refused = online_->apply(request);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "APPLICATION_INVALID");
    ASSERT_EQ(refused.error().violations.size(), 1U);
    EXPECT_EQ(refused.error().violations[0].code, "PROXY_PHONE_INVALID");
    EXPECT_TRUE(refused.error().violations[0].detail.starts_with("proxy.phone: "));
}

TEST_F(OnlineTest, OverlongFieldsAreRefusedBeforeAnythingIsStored) {
    auto request = hong();
    request.proxy_name = std::string(1 << 20, 'x');  // 1 MB
    request.proxy_phone = "010-9999-8888";
    auto refused = online_->apply(request);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "APPLICATION_INVALID");
    ASSERT_EQ(refused.error().violations.size(), 1U);
    EXPECT_EQ(refused.error().violations[0].code, "FIELD_TOO_LONG");
    EXPECT_EQ(refused.error().violations[0].detail.rfind("proxy.name: at most 100", 0), 0U);
    // 100 Hangul syllables are 100 characters (300 bytes), and allowed.
    std::string hangul;
    for (int i = 0; i < 100; ++i) {
        hangul += "가";
    }
    request.proxy_name = hangul;
    request.name = hangul + "가";
    auto name_refused = online_->apply(request);
    ASSERT_FALSE(name_refused.has_value());
    ASSERT_EQ(name_refused.error().violations.size(), 1U);
    EXPECT_EQ(name_refused.error().violations[0].detail.rfind("name: at most 100", 0), 0U);
    std::size_t stored = 0;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        stored = tx.applications()
                     .list(std::nullopt, std::nullopt, 100)
                     .value_or(std::vector<store::ApplicationRecord>{})
                     .size();
        return ok();
    }));
    EXPECT_EQ(stored, 0U);
}

TEST_F(OnlineTest, NoPhoneEmailOrUnkeyedFingerprintIsStoredWithTheApplication) {
    auto request = hong();
    request.idempotency_key = "k1";
    request.body = R"({"name":"홍길동","resident_number":"900101-1234567"})";
    request.client = "198.51.100.7";
    auto created = online_->apply(request);
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    std::optional<store::OnlineApplication> online;
    std::optional<store::OtpChallenge> challenge;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        online = *tx.otp().find_application(created->application_id);
        challenge = *tx.otp().latest_challenge(created->application_id);
        return ok();
    }));
    ASSERT_TRUE(online.has_value());
    ASSERT_TRUE(challenge.has_value());
    // An unkeyed SHA-256 of the body could be searched for every resident number.
    EXPECT_NE(online->request_hash, crypto::sha256(to_bytes(request.body)));
    EXPECT_EQ(online->request_hash.size(), 32U);
    for (const std::string& stored :
         {online->identity_key, online->client_key, challenge->limit_key}) {
        for (const char* personal :
             {"01012345678", "hong@example.com", "9001011234567", "198.51.100.7", "홍길동"}) {
            EXPECT_EQ(stored.find(personal), std::string::npos) << stored;
        }
    }
    // Keyed: 64 hex digits that are no plain SHA-256 of the client address either.
    EXPECT_EQ(online->client_key.size(), 64U);
    EXPECT_NE(online->client_key, to_hex(crypto::sha256(to_bytes("198.51.100.7"))));
}

TEST_F(OnlineTest, ALostDeviceRevokesEveryCertificateOfTheHolderWhenApproved) {
    // The holder has two certificates of this CA on file; the application names neither.
    const auto first = hold_certificate();
    const auto second = hold_certificate();
    auto request = hong();
    request.reason = domain::ReissueReason::lost_device;
    auto created = online_->apply(request);
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    EXPECT_EQ(certificate(first).status, domain::CertificateStatus::issued);
    auto approved = online_->verify(created->application_id, sent_code(created->application_id));
    ASSERT_TRUE(approved.has_value()) << approved.error().describe();
    ASSERT_EQ(approved->status, "approved");
    for (const auto& serial : {first, second}) {
        const auto record = certificate(serial);
        EXPECT_EQ(record.status, domain::CertificateStatus::revoked) << serial.hex();
        EXPECT_EQ(record.reason, domain::RevocationReason::key_compromise) << serial.hex();
    }
}

TEST_F(OnlineTest, AForgottenPasswordSupersedesEveryOtherCertificateOnConfirmation) {
    const auto first = hold_certificate();
    const auto second = hold_certificate();
    auto created = online_->apply(hong());  // forgot_password
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    auto approved = online_->verify(created->application_id, sent_code(created->application_id));
    ASSERT_TRUE(approved.has_value() && approved->codes.has_value());
    EXPECT_EQ(certificate(first).status, domain::CertificateStatus::issued);  // not yet
    auto issued = reissue_->issue(CertificateRequest{approved->codes->reference_number,
                                                     approved->codes->authorization_code,
                                                     ca::fixtures::openssl_csr(),
                                                     std::nullopt,
                                                     std::nullopt,
                                                     npki::HashAlgorithm::sha256});
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    EXPECT_EQ(certificate(second).status, domain::CertificateStatus::issued);
    const auto fresh = *issued->certificate.serial();
    ASSERT_TRUE(reissue_->confirm(fresh, issued->confirmation_token));
    for (const auto& serial : {first, second}) {
        const auto record = certificate(serial);
        EXPECT_EQ(record.status, domain::CertificateStatus::revoked) << serial.hex();
        EXPECT_EQ(record.reason, domain::RevocationReason::superseded) << serial.hex();
    }
    EXPECT_EQ(certificate(fresh).status, domain::CertificateStatus::issued);
}

TEST_F(OnlineTest, ApplyingAgainCancelsTheEarlierApplicationAndItsCodes) {
    // The first application got its codes; the second, before they were used, ends them.
    auto first = online_->apply(hong());
    ASSERT_TRUE(first.has_value());
    auto approved = online_->verify(first->application_id, sent_code(first->application_id));
    ASSERT_TRUE(approved.has_value() && approved->codes.has_value());
    // A third, still waiting for its code, is cancelled too.
    clock_.advance(std::chrono::minutes{2});
    auto pending = online_->apply(hong());
    ASSERT_TRUE(pending.has_value());
    const std::string pending_code = sent_code(pending->application_id);
    clock_.advance(std::chrono::minutes{2});
    auto second = online_->apply(hong());
    ASSERT_TRUE(second.has_value()) << second.error().describe();

    auto old_codes = reissue_->issue(CertificateRequest{approved->codes->reference_number,
                                                        approved->codes->authorization_code,
                                                        ca::fixtures::openssl_csr(),
                                                        std::nullopt,
                                                        std::nullopt,
                                                        npki::HashAlgorithm::sha256});
    ASSERT_FALSE(old_codes.has_value());
    EXPECT_EQ(old_codes.error().code, "APPLICATION_CANCELLED");
    auto old_code = online_->verify(pending->application_id, pending_code);
    ASSERT_FALSE(old_code.has_value());
    EXPECT_EQ(old_code.error().code, "APPLICATION_CANCELLED");
    // The holder is told, at the register's e-mail.
    bool told = false;
    for (const auto& id : {first->application_id, pending->application_id}) {
        for (const auto& message : messages_of(id)) {
            if (message.dedupe_key == "cancelled:" + second->application_id) {
                told = true;
                EXPECT_EQ(message.destination, "hong@example.com");
            }
        }
    }
    EXPECT_TRUE(told);
    // The newest one works.
    auto newest = online_->verify(second->application_id, sent_code(second->application_id));
    ASSERT_TRUE(newest.has_value()) << newest.error().describe();
    EXPECT_EQ(newest->status, "approved");
}

TEST_F(OnlineTest, AFreshCodeOpensTheApplicationOnAnotherDeviceUntilItsCodesAreUsed) {
    auto created = online_->apply(hong());
    ASSERT_TRUE(created.has_value());
    auto approved = online_->verify(created->application_id, sent_code(created->application_id));
    ASSERT_TRUE(approved.has_value() && approved->codes.has_value());
    EXPECT_EQ(approved->status_token, created->status_token);
    // The tab is gone; on another device the holder asks for a code to the phone on file.
    clock_.advance(std::chrono::minutes{10});
    auto sent = online_->resend(created->application_id, std::nullopt);
    ASSERT_TRUE(sent.has_value()) << sent.error().describe();
    EXPECT_EQ(messages_of(created->application_id).back().destination, "01012345678");
    const std::string code = sent_code(created->application_id);
    auto wrong = online_->verify(created->application_id, code == "000000" ? "111111" : "000000");
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().code, "OTP_INVALID");
    auto opened = online_->verify(created->application_id, code);
    ASSERT_TRUE(opened.has_value()) << opened.error().describe();
    EXPECT_EQ(opened->status, "approved");
    EXPECT_EQ(opened->status_token, created->status_token);
    ASSERT_TRUE(opened->codes.has_value());
    EXPECT_EQ(opened->codes->reference_number, approved->codes->reference_number);
    EXPECT_EQ(opened->codes->authorization_code, approved->codes->authorization_code);
    // The same code does not open it twice.
    EXPECT_EQ(online_->verify(created->application_id, code).error().code, "OTP_EXPIRED");

    // Once the codes are used they are not shown again.
    ASSERT_TRUE(reissue_->issue(CertificateRequest{approved->codes->reference_number,
                                                   approved->codes->authorization_code,
                                                   ca::fixtures::openssl_csr(),
                                                   std::nullopt,
                                                   std::nullopt,
                                                   npki::HashAlgorithm::sha256}));
    clock_.advance(std::chrono::minutes{2});
    ASSERT_TRUE(online_->resend(created->application_id, std::nullopt));
    auto after = online_->verify(created->application_id, sent_code(created->application_id));
    ASSERT_TRUE(after.has_value()) << after.error().describe();
    EXPECT_EQ(after->status, "issued");
    EXPECT_FALSE(after->codes.has_value());
    auto status = online_->status(created->application_id, after->status_token);
    ASSERT_TRUE(status.has_value());
    const auto& events = status->events;
    EXPECT_EQ(
        std::count_if(
            events.begin(), events.end(), [](const auto& event) { return event.kind == "opened"; }),
        2);
}

TEST_F(OnlineTest, AMismatchNeverOpensAndACancelledApplicationSaysSo) {
    OnlineRequest stranger = hong();
    stranger.phone = "010-9999-8888";
    auto shadow = online_->apply(stranger);
    ASSERT_TRUE(shadow.has_value());
    for (const char* code : {"000000", "123456", "999999"}) {
        auto refused = online_->verify(shadow->application_id, code);
        ASSERT_FALSE(refused.has_value());
        EXPECT_EQ(refused.error().code, "OTP_INVALID");
    }
    auto first = online_->apply(hong());
    ASSERT_TRUE(first.has_value());
    clock_.advance(std::chrono::minutes{2});
    ASSERT_TRUE(online_->apply(hong()));
    clock_.advance(std::chrono::minutes{2});
    auto resent = online_->resend(first->application_id, std::nullopt);
    ASSERT_FALSE(resent.has_value());
    EXPECT_EQ(resent.error().code, "APPLICATION_CANCELLED");
}

TEST_F(OnlineTest, AMismatchCancelsNothing) {
    auto first = online_->apply(hong());
    ASSERT_TRUE(first.has_value());
    clock_.advance(std::chrono::minutes{2});
    auto typo = hong();
    typo.phone = "010-1234-5679";
    ASSERT_TRUE(online_->apply(typo).has_value());
    auto approved = online_->verify(first->application_id, sent_code(first->application_id));
    ASSERT_TRUE(approved.has_value()) << approved.error().describe();
    EXPECT_EQ(approved->status, "approved");
}

TEST_F(OnlineTest, TheSameIdempotencyKeyGivesTheSameAnswer) {
    auto request = hong();
    request.idempotency_key = "k1";
    request.body = R"({"a":1})";
    auto first = online_->apply(request);
    auto second = online_->apply(request);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(first->application_id, second->application_id);
    EXPECT_EQ(first->status_token, second->status_token);
    request.body = R"({"a":2})";
    auto other = online_->apply(request);
    ASSERT_FALSE(other.has_value());
    EXPECT_EQ(other.error().code, "IDEMPOTENCY_KEY_REUSED");
}

TEST_F(OnlineTest, AWrongStatusTokenAndAnUnknownApplicationLookTheSame) {
    auto created = online_->apply(hong());
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(online_->status(created->application_id, "nope").error().code,
              "STATUS_TOKEN_INVALID");
    EXPECT_EQ(online_->status("a00", created->status_token).error().code, "STATUS_TOKEN_INVALID");
}

}  // namespace
}  // namespace dojang::ra
