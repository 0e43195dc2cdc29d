// SPDX-License-Identifier: Apache-2.0
#include "dojang/ocsp/responder.hpp"

#include "dojang/ca/issuer.hpp"
#include "dojang/ca/test_fixtures.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>

namespace dojang::ocsp {
namespace {

class ResponderTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        certificates_.emplace(*database_);
        issuer_.emplace(std::move(*opened.issuer));
        auto issued =
            issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr(), "individual"));
        ASSERT_TRUE(issued.has_value());
        serial_ = issued->serial;
        responder_.emplace(ca_.issuing,
                           std::move(ca_.responder_certificate),
                           std::move(ca_.responder),
                           *certificates_,
                           clock_,
                           settings());
        ASSERT_TRUE(responder_->warm());
    }

    [[nodiscard]] virtual Settings settings() const { return Settings{}; }

    /// An OCSPRequest for `serial` of our issuing CA, with `digest` CertIDs.
    Bytes request_for(const SerialNumber& serial, const EVP_MD* digest = EVP_sha1()) {
        auto integer = pkix::to_asn1_integer(serial);
        crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free> key(
            ASN1_STRING_dup(X509_get0_pubkey_bitstr(ca_.issuing.certificate.get())));
        OCSP_CERTID* id = OCSP_cert_id_new(digest,
                                           X509_get_subject_name(ca_.issuing.certificate.get()),
                                           key.get(),
                                           integer->get());
        crypto::OcspRequestPtr request(OCSP_REQUEST_new());
        OCSP_request_add0_id(request.get(), id);
        return *crypto::to_der(request.get(), i2d_OCSP_REQUEST);
    }

    struct Status {
        int response_status = -1;
        int cert_status = -1;
        int reason = -1;
        bool verified = false;
    };

    Status status_of(const Answer& answer,
                     const SerialNumber& serial,
                     const EVP_MD* digest = EVP_sha1()) {
        Status status;
        const unsigned char* cursor = answer.der->data();
        crypto::OcspResponsePtr response(
            d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(answer.der->size())));
        if (!response) {
            return status;
        }
        status.response_status = OCSP_response_status(response.get());
        crypto::OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
        if (!basic) {
            return status;
        }
        // Verify as a relying party would: trust the root, let the responder cert chain up.
        crypto::Owned<X509_STORE, X509_STORE_free> store(X509_STORE_new());
        X509_STORE_add_cert(store.get(), ca_.root.certificate.get());
        STACK_OF(X509)* untrusted = sk_X509_new_null();
        sk_X509_push(untrusted, ca_.issuing.certificate.get());
        X509_VERIFY_PARAM_set_time(
            X509_STORE_get0_param(store.get()),
            static_cast<time_t>(clock_.now().time_since_epoch().count() + 60));
        status.verified = OCSP_basic_verify(basic.get(), untrusted, store.get(), 0) == 1;
        sk_X509_free(untrusted);
        auto integer = pkix::to_asn1_integer(serial);
        crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free> key(
            ASN1_STRING_dup(X509_get0_pubkey_bitstr(ca_.issuing.certificate.get())));
        crypto::OcspCertIdPtr id(
            OCSP_cert_id_new(digest,
                             X509_get_subject_name(ca_.issuing.certificate.get()),
                             key.get(),
                             integer->get()));
        ASN1_GENERALIZEDTIME* revoked_at = nullptr;
        ASN1_GENERALIZEDTIME* this_update = nullptr;
        ASN1_GENERALIZEDTIME* next_update = nullptr;
        OCSP_resp_find_status(basic.get(),
                              id.get(),
                              &status.cert_status,
                              &status.reason,
                              &revoked_at,
                              &this_update,
                              &next_update);
        return status;
    }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<store::DatabaseStatusReader> certificates_;
    SerialNumber serial_ = *SerialNumber::from_hex("01");
    std::optional<ca::Issuer> issuer_;
    std::optional<Responder> responder_;
};

TEST_F(ResponderTest, AnswersForACertificateIssuedAfterWarmUp) {
    auto issued = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
    ASSERT_TRUE(issued.has_value());
    EXPECT_EQ(responder_->size(), 1U);
    const auto status = status_of(responder_->answer(request_for(issued->serial)), issued->serial);
    EXPECT_EQ(status.cert_status, V_OCSP_CERTSTATUS_GOOD);
    EXPECT_EQ(responder_->size(), 2U);
}

/// A responder that keeps two pre-signed responses at most.
class BoundedResponderTest : public ResponderTest {
protected:
    [[nodiscard]] Settings settings() const override {
        Settings bounded;
        bounded.cache_entries = 2;
        return bounded;
    }
};

TEST_F(BoundedResponderTest, KeepsAtMostTheBoundAndStillAnswersEverySerialRight) {
    std::vector<SerialNumber> serials{serial_};
    for (int i = 0; i < 4; ++i) {
        auto issued = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
        ASSERT_TRUE(issued.has_value());
        serials.push_back(issued->serial);
    }
    ASSERT_TRUE(responder_->warm());
    EXPECT_EQ(responder_->size(), 2U);
    // In memory or not, a revoked serial is answered revoked once the revocation is synced.
    ASSERT_TRUE(
        ca::revoke(*database_, clock_, serials[3], domain::RevocationReason::key_compromise, "op"));
    ASSERT_TRUE(responder_->sync_revocations().has_value());
    for (int round = 0; round < 2; ++round) {
        for (const auto& serial : serials) {
            const auto status = status_of(responder_->answer(request_for(serial)), serial);
            EXPECT_TRUE(status.verified) << serial.hex();
            EXPECT_EQ(status.cert_status,
                      serial == serials[3] ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_GOOD)
                << serial.hex();
            EXPECT_LE(responder_->size(), 2U);
        }
    }
    EXPECT_EQ(status_of(responder_->answer(request_for(*SerialNumber::from_hex("7777"))),
                        *SerialNumber::from_hex("7777"))
                  .cert_status,
              -1);  // unauthorized, as without the bound
}

TEST_F(ResponderTest, SyncPicksUpRevocationsAndReleasedHolds) {
    ASSERT_TRUE(
        ca::revoke(*database_, clock_, serial_, domain::RevocationReason::certificate_hold, "op"));
    EXPECT_EQ(*responder_->sync_revocations(), 1U);
    EXPECT_EQ(status_of(responder_->answer(request_for(serial_)), serial_).cert_status,
              V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(*responder_->sync_revocations(), 0U);
    ASSERT_TRUE(ca::release_hold(*database_, clock_, serial_, "op"));
    EXPECT_EQ(*responder_->sync_revocations(), 1U);
    EXPECT_EQ(status_of(responder_->answer(request_for(serial_)), serial_).cert_status,
              V_OCSP_CERTSTATUS_GOOD);
}

TEST_F(ResponderTest, AnswersGoodWithAVerifiableDelegatedSignature) {
    const auto answer = responder_->answer(request_for(serial_));
    const auto status = status_of(answer, serial_);
    EXPECT_EQ(status.response_status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
    EXPECT_EQ(status.cert_status, V_OCSP_CERTSTATUS_GOOD);
    EXPECT_TRUE(status.verified);
    ASSERT_TRUE(answer.next_update.has_value());
    EXPECT_EQ(*answer.next_update - *answer.this_update, std::chrono::hours{72});
}

TEST_F(ResponderTest, AnswersRevokedWithReasonAfterRefresh) {
    ASSERT_TRUE(
        ca::revoke(*database_, clock_, serial_, domain::RevocationReason::key_compromise, "op"));
    ASSERT_TRUE(responder_->refresh(serial_));
    const auto status = status_of(responder_->answer(request_for(serial_)), serial_);
    EXPECT_EQ(status.cert_status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(status.reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
}

TEST_F(ResponderTest, NeverSaysGoodForASerialItDidNotIssue) {
    const auto other = *SerialNumber::from_hex("7fffffff01");
    const auto status = status_of(responder_->answer(request_for(other)), other);
    EXPECT_EQ(status.response_status, OCSP_RESPONSE_STATUS_UNAUTHORIZED);
    const auto sha256 =
        status_of(responder_->answer(request_for(other, EVP_sha256())), other, EVP_sha256());
    EXPECT_EQ(sha256.response_status, OCSP_RESPONSE_STATUS_UNAUTHORIZED);
}

TEST_F(ResponderTest, SignsSha256CertIdsOnDemand) {
    const auto status =
        status_of(responder_->answer(request_for(serial_, EVP_sha256())), serial_, EVP_sha256());
    EXPECT_EQ(status.response_status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
    EXPECT_EQ(status.cert_status, V_OCSP_CERTSTATUS_GOOD);
    EXPECT_TRUE(status.verified);
}

TEST_F(ResponderTest, MalformedRequestsGetMalformedRequest) {
    for (const Bytes& garbage : {Bytes{},
                                 to_bytes("hello"),
                                 Bytes{0x30, 0x84, 0xff, 0xff, 0xff, 0xff},
                                 Bytes{0x30, 0x80, 0x00, 0x00}}) {
        const auto answer = responder_->answer(garbage);
        const unsigned char* cursor = answer.der->data();
        crypto::OcspResponsePtr response(
            d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(answer.der->size())));
        ASSERT_TRUE(response);
        EXPECT_EQ(OCSP_response_status(response.get()), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }
    Bytes trailing = request_for(serial_);
    trailing.push_back(0);
    const auto status = status_of(responder_->answer(trailing), serial_);
    EXPECT_EQ(status.response_status, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
}

TEST_F(ResponderTest, RefreshesResponsesCloseToNextUpdate) {
    const auto before = responder_->answer(request_for(serial_));
    auto none = responder_->refresh_due();
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(*none, 0U);
    clock_.advance(std::chrono::hours{40});
    auto some = responder_->refresh_due();
    ASSERT_TRUE(some.has_value());
    EXPECT_EQ(*some, 1U);
    const auto after = responder_->answer(request_for(serial_));
    EXPECT_GT(*after.next_update, *before.next_update);
}

}  // namespace
}  // namespace dojang::ocsp
