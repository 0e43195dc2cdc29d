// SPDX-License-Identifier: Apache-2.0
#include "dojang/ca/issuer.hpp"

#include "dojang/ca/test_fixtures.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/sqlite/sqlite.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <set>

namespace dojang::ca {
namespace {

class IssuerTest : public ::testing::Test {
protected:
    void SetUp() override {
        sqlite::SqliteOptions options;
        options.synchronous = sqlite::Synchronous::normal;  // no fsync per commit in unit tests
        auto opened = sqlite::open_sqlite(dir_.path() + "/test.db", options);
        ASSERT_TRUE(opened.has_value()) << opened.error().describe();
        database_ = std::move(*opened);
        profiles_ = policy::built_in_profiles("1.2.410.200005", "http://ca.example");
        auto issuer =
            Issuer::create(ca_.issuing, profiles_, {"http://ca.example"}, *database_, clock_);
        ASSERT_TRUE(issuer.has_value()) << issuer.error().describe();
        issuer_.emplace(std::move(*issuer));
    }

    std::optional<store::CertificateRecord> find(const SerialNumber& serial) {
        std::optional<store::CertificateRecord> record;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto found = tx.certificates().find(serial);
            DOJANG_TRY(found);
            record = *found;
            return ok();
        }));
        return record;
    }

    std::size_t row_count() {
        std::size_t count = 0;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto rows = tx.certificates().list(std::nullopt, 1000000, 0);
            DOJANG_TRY(rows);
            count = rows->size();
            return ok();
        }));
        return count;
    }

    testing::TempDir dir_;
    ManualClock clock_{fixtures::test_now()};
    Hierarchy ca_ = fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::vector<policy::Profile> profiles_;
    std::optional<Issuer> issuer_;
};

TEST_F(IssuerTest, IssuesCertificateThatOpensslVerifiesAgainstTheChain) {
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    const auto root = fixtures::write_pem(dir_, "root.pem", {&ca_.root.certificate});
    const auto chain = fixtures::write_pem(dir_, "chain.pem", {&ca_.issuing.certificate});
    const auto leaf = fixtures::write_pem(dir_, "leaf.pem", {&issued->certificate});
    std::string output;
    EXPECT_EQ(
        testing::run("openssl verify -attime " +
                         std::to_string(fixtures::test_now().time_since_epoch().count() + 60) +
                         " -CAfile " + root + " -untrusted " + chain + " " + leaf,
                     &output),
        0)
        << output;
}

TEST_F(IssuerTest, ARelyingPartyThatRequiresTheProfilesPolicyAcceptsTheChain) {
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    const auto root = fixtures::write_pem(dir_, "root.pem", {&ca_.root.certificate});
    const auto chain = fixtures::write_pem(dir_, "chain.pem", {&ca_.issuing.certificate});
    const auto leaf = fixtures::write_pem(dir_, "leaf.pem", {&issued->certificate});
    const std::string verify =
        "openssl verify -attime " +
        std::to_string(fixtures::test_now().time_since_epoch().count() + 60) +
        " -explicit_policy -CAfile " + root + " -untrusted " + chain + " -policy ";
    std::string output;
    // The individual profile's policy (the issuing CA asserts anyPolicy) ...
    EXPECT_EQ(testing::run(verify + "1.2.410.200005.1.1.1 " + leaf, &output), 0) << output;
    // ... and not the corporate one.
    EXPECT_NE(testing::run(verify + "1.2.410.200005.1.1.5 " + leaf, &output), 0) << output;
}

TEST_F(IssuerTest, WritesTheKoreanProfileExtensions) {
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    X509* cert = issued->certificate.get();
    // keyUsage critical digitalSignature + nonRepudiation, nothing else.
    int critical = -1;
    crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free> usage(
        static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(cert, NID_key_usage, &critical, nullptr)));
    ASSERT_TRUE(usage);
    EXPECT_EQ(critical, 1);
    EXPECT_EQ(X509_get_key_usage(cert),
              static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
    // certificatePolicies critical with the profile OID and a UTF8String userNotice.
    crypto::Owned<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free> policies(
        static_cast<CERTIFICATEPOLICIES*>(
            X509_get_ext_d2i(cert, NID_certificate_policies, &critical, nullptr)));
    ASSERT_TRUE(policies);
    EXPECT_EQ(critical, 1);
    POLICYINFO* info = sk_POLICYINFO_value(policies.get(), 0);
    char oid[64] = {};
    OBJ_obj2txt(oid, sizeof oid, info->policyid, 1);
    EXPECT_STREQ(oid, "1.2.410.200005.1.1.1");
    bool has_utf8_notice = false;
    for (int i = 0; i < sk_POLICYQUALINFO_num(info->qualifiers); ++i) {
        POLICYQUALINFO* qualifier = sk_POLICYQUALINFO_value(info->qualifiers, i);
        if (OBJ_obj2nid(qualifier->pqualid) == NID_id_qt_unotice) {
            has_utf8_notice =
                ASN1_STRING_type(qualifier->d.usernotice->exptext) == V_ASN1_UTF8STRING;
        }
    }
    EXPECT_TRUE(has_utf8_notice);
    // No basicConstraints or extendedKeyUsage on end entities; SKI, AKI, CRL DP and AIA present.
    EXPECT_LT(X509_get_ext_by_NID(cert, NID_basic_constraints, -1), 0);
    EXPECT_LT(X509_get_ext_by_NID(cert, NID_ext_key_usage, -1), 0);
    EXPECT_GE(X509_get_ext_by_NID(cert, NID_subject_key_identifier, -1), 0);
    EXPECT_GE(X509_get_ext_by_NID(cert, NID_authority_key_identifier, -1), 0);
    EXPECT_GE(X509_get_ext_by_NID(cert, NID_crl_distribution_points, -1), 0);
    EXPECT_GE(X509_get_ext_by_NID(cert, NID_info_access, -1), 0);
    EXPECT_EQ(issued->certificate.subject(), "CN=홍길동,OU=personal,O=dojang,C=KR");
}

TEST_F(IssuerTest, RecordsTheSignedTbsAndAnAuditEvent) {
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value());
    auto record = find(issued->serial);
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->status, domain::CertificateStatus::issued);
    EXPECT_EQ(record->der, *issued->certificate.der());
    unsigned char* tbs = nullptr;
    const int length = i2d_re_X509_tbs(issued->certificate.get(), &tbs);
    EXPECT_EQ(record->tbs, Bytes(tbs, tbs + length));
    OPENSSL_free(tbs);
    std::vector<store::AuditEntry> entries;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        entries = *tx.audit().entries();
        return ok();
    }));
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].action, "certificate.issue");
    EXPECT_EQ(entries[0].subject, issued->serial.hex());
}

TEST_F(IssuerTest, EndsAtKoreanMidnightAndKeepsOldNotAfterOnReissue) {
    auto fresh = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(fresh.has_value());
    // Issued 2026-11-01 12:00 KST, valid 365 days: to 2027-11-01 23:59:59 KST.
    EXPECT_EQ(fresh->certificate.not_after().time_since_epoch().count(),
              1825081199);  // 2027-11-01T14:59:59Z
    clock_.advance(std::chrono::days{100});
    IssueRequest reissue = fixtures::request(fixtures::openssl_csr());
    reissue.keep_not_after = fresh->certificate.not_after();
    auto again = issuer_->issue(reissue);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->certificate.not_after(), fresh->certificate.not_after());
    EXPECT_NE(again->serial, fresh->serial);
}

TEST_F(IssuerTest, EndsOnTheKoreanCalendarDayWhenIssuedBeforeNineInTheMorning) {
    // 2026-11-01T16:30:00Z is 01:30 KST on 2 November: the Korean day is one ahead of the UTC
    // day, so 365 days on the certificate ends at 2027-11-02 23:59:59 KST, not on 1 November.
    clock_.set(Seconds{std::chrono::seconds{1793550600}});
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    EXPECT_EQ(issued->certificate.not_after().time_since_epoch().count(),
              1825167599);  // 2027-11-02T14:59:59Z
}

TEST_F(IssuerTest, RejectsWeakKeysWithEveryViolationBeforeSpendingASerial) {
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(
        "-algorithm RSA -pkeyopt rsa_keygen_bits:1024 -pkeyopt rsa_keygen_pubexp:3")));
    ASSERT_FALSE(issued.has_value());
    EXPECT_EQ(issued.error().kind, ErrorKind::policy_rejected);
    EXPECT_EQ(issued.error().violations.size(), 2U);
    EXPECT_EQ(row_count(), 0U);
}

TEST_F(IssuerTest, RejectsUnknownProfileAndGarbage) {
    EXPECT_EQ(issuer_->issue(fixtures::request(fixtures::openssl_csr(), "nope")).error().code,
              "PROFILE_UNKNOWN");
    EXPECT_EQ(issuer_->issue(fixtures::request(to_bytes("garbage"), "individual")).error().code,
              "CSR_MALFORMED");
    EXPECT_EQ(row_count(), 0U);
}

TEST_F(IssuerTest, AddsIdentifyDataWithTheVidOfTheKnownAnswer) {
    IssueRequest request = fixtures::request(fixtures::openssl_csr());
    request.identity = Identity{"홍길동",
                                "1234561234567",
                                *from_hex("79EA7568A2D3776604E18BCD3A1B1B85B7DA0872"),
                                npki::HashAlgorithm::sha256,
                                std::nullopt};
    auto issued = issuer_->issue(request);
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    const int index = X509_get_ext_by_NID(issued->certificate.get(), NID_subject_alt_name, -1);
    ASSERT_GE(index, 0);
    const ASN1_OCTET_STRING* value =
        X509_EXTENSION_get_data(X509_get_ext(issued->certificate.get(), index));
    auto parsed = npki::parse_identify_data(Bytes(value->data, value->data + value->length));
    ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
    EXPECT_EQ(parsed->real_name, "홍길동");
    EXPECT_EQ(to_hex(parsed->vid),
              "17692c8dd00ead33791de0a64a937c60799634c64ac56fa57570c0e05252ab35");
}

TEST_F(IssuerTest, RejectsABadIdentityNumber) {
    IssueRequest request = fixtures::request(fixtures::openssl_csr());
    request.identity =
        Identity{"홍길동", "12345", Bytes(20, 1), npki::HashAlgorithm::sha256, std::nullopt};
    auto issued = issuer_->issue(request);
    ASSERT_FALSE(issued.has_value());
    EXPECT_EQ(issued.error().kind, ErrorKind::policy_rejected);
}

TEST_F(IssuerTest, AClaimedVidMustBeTheVidOfTheNumberAndR) {
    const Bytes random_num = *from_hex("79EA7568A2D3776604E18BCD3A1B1B85B7DA0872");
    auto vid = npki::compute_vid("1234561234567", random_num);
    ASSERT_TRUE(vid.has_value());
    IssueRequest request = fixtures::request(fixtures::openssl_csr());
    // The client computed its VID from another number: nothing is recorded or signed.
    auto other = npki::compute_vid("1234561234568", random_num);
    ASSERT_TRUE(other.has_value());
    request.identity =
        Identity{"홍길동", "1234561234567", random_num, npki::HashAlgorithm::sha256, *other};
    auto refused = issuer_->issue(request);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, ErrorKind::policy_rejected);
    ASSERT_EQ(refused.error().violations.size(), 1U);
    EXPECT_EQ(refused.error().violations[0].code, "VID_MISMATCH");
    EXPECT_EQ(row_count(), 0U);
    // The same VID: issued, and the certificate carries it.
    request.identity->claimed_vid = *vid;
    auto issued = issuer_->issue(request);
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
    // SHA-1 VIDs (older clients) are computed and carried with their own hash.
    auto sha1_vid = npki::compute_vid("1234561234567", random_num, npki::HashAlgorithm::sha1);
    ASSERT_TRUE(sha1_vid.has_value());
    request.identity->algorithm = npki::HashAlgorithm::sha1;
    request.identity->claimed_vid = *sha1_vid;
    auto sha1_issued = issuer_->issue(request);
    ASSERT_TRUE(sha1_issued.has_value()) << sha1_issued.error().describe();
    const int index = X509_get_ext_by_NID(sha1_issued->certificate.get(), NID_subject_alt_name, -1);
    ASSERT_GE(index, 0);
    const ASN1_OCTET_STRING* value =
        X509_EXTENSION_get_data(X509_get_ext(sha1_issued->certificate.get(), index));
    auto parsed = npki::parse_identify_data(Bytes(value->data, value->data + value->length));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->hash_algorithm, npki::HashAlgorithm::sha1);
    EXPECT_EQ(to_hex(parsed->vid), to_hex(*sha1_vid));
}

TEST_F(IssuerTest, TenThousandIssuancesHaveUniqueWellFormedSerials) {
    profiles_[0].allow_ec = true;
    auto issuer = Issuer::create(ca_.issuing, profiles_, {"http://ca.example"}, *database_, clock_);
    ASSERT_TRUE(issuer.has_value());
    const Bytes csr = fixtures::openssl_csr("-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
    std::set<std::string> serials;
    constexpr int count = 10000;
    for (int i = 0; i < count; ++i) {
        auto issued = issuer->issue(fixtures::request(csr, "individual"));
        ASSERT_TRUE(issued.has_value()) << issued.error().describe();
        const ASN1_INTEGER* serial = X509_get0_serialNumber(issued->certificate.get());
        // Positive, ≤ 20 octets, and at least 120 bits of entropy (16 octets, top bits fixed).
        ASSERT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);
        ASSERT_EQ(ASN1_STRING_length(serial), 16);
        serials.insert(issued->serial.hex());
    }
    EXPECT_EQ(serials.size(), static_cast<std::size_t>(count));
    EXPECT_EQ(row_count(), static_cast<std::size_t>(count));
}

TEST_F(IssuerTest, RevokesOnceAndLiftsAHold) {
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value());
    ASSERT_TRUE(revoke(
        *database_, clock_, issued->serial, domain::RevocationReason::certificate_hold, "op"));
    ASSERT_TRUE(release_hold(*database_, clock_, issued->serial, "op"));
    EXPECT_EQ(find(issued->serial)->status, domain::CertificateStatus::issued);
    ASSERT_TRUE(
        revoke(*database_, clock_, issued->serial, domain::RevocationReason::key_compromise, "op"));
    auto again =
        revoke(*database_, clock_, issued->serial, domain::RevocationReason::superseded, "op");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, ErrorKind::conflict);
    EXPECT_EQ(find(issued->serial)->reason, domain::RevocationReason::key_compromise);
    auto unknown = revoke(*database_,
                          clock_,
                          *SerialNumber::from_hex("0bad"),
                          domain::RevocationReason::unspecified,
                          "op");
    EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
    EXPECT_EQ(store::verify_audit_chain(*database_).value(), std::nullopt);
}

TEST_F(IssuerTest, RefusesTheKeyOfACertificateRevokedForKeyCompromise) {
    const Bytes csr = fixtures::openssl_csr();
    auto first = issuer_->issue(fixtures::request(csr));
    ASSERT_TRUE(first.has_value());
    // A hold or superseded does not block the key; keyCompromise does.
    ASSERT_TRUE(revoke(
        *database_, clock_, first->serial, domain::RevocationReason::certificate_hold, "op"));
    ASSERT_TRUE(release_hold(*database_, clock_, first->serial, "op"));
    EXPECT_TRUE(issuer_->issue(fixtures::request(csr)).has_value());
    ASSERT_TRUE(
        revoke(*database_, clock_, first->serial, domain::RevocationReason::key_compromise, "op"));
    const std::size_t rows = row_count();
    auto again = issuer_->issue(fixtures::request(csr));
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, ErrorKind::policy_rejected);
    ASSERT_EQ(again.error().violations.size(), 1U);
    EXPECT_EQ(again.error().violations[0].code, "KEY_COMPROMISED");
    EXPECT_EQ(row_count(), rows);  // no serial spent
    EXPECT_TRUE(issuer_->issue(fixtures::request(fixtures::openssl_csr()))
                    .has_value());  // a new key is fine
}

TEST_F(IssuerTest, SignsACrlThatOpensslAccepts) {
    auto issued = issuer_->issue(fixtures::request(fixtures::openssl_csr(), "individual"));
    ASSERT_TRUE(issued.has_value());
    const std::vector<store::RevokedEntry> entries{{issued->serial,
                                                    clock_.now(),
                                                    domain::RevocationReason::key_compromise,
                                                    issued->certificate.not_after()},
                                                   {*SerialNumber::from_hex("01"),
                                                    clock_.now(),
                                                    domain::RevocationReason::unspecified,
                                                    clock_.now()}};
    auto crl = sign_crl(ca_.issuing, 7, clock_.now(), clock_.now() + std::chrono::days{7}, entries);
    ASSERT_TRUE(crl.has_value()) << crl.error().describe();
    ASSERT_TRUE(write_file_atomic(dir_.path() + "/issuing.crl", *crl));
    const auto issuing = fixtures::write_pem(dir_, "issuing.pem", {&ca_.issuing.certificate});
    std::string output;
    ASSERT_EQ(testing::run("openssl crl -inform DER -in " + dir_.path() + "/issuing.crl -CAfile " +
                               issuing + " -noout -text",
                           &output),
              0)
        << output;
    EXPECT_NE(output.find("verify OK"), std::string::npos) << output;
    EXPECT_NE(output.find("X509v3 CRL Number: \n                7"), std::string::npos) << output;
    EXPECT_NE(output.find("Key Compromise"), std::string::npos);
    EXPECT_EQ(output.find("Unspecified"), std::string::npos);  // written by omission
}

/// The CRL as OpenSSL's X509_CRL API builds it: every entry an X509_REVOKED, sorted, signed.
Bytes crl_through_x509_crl(const Authority& authority,
                           std::int64_t number,
                           Seconds this_update,
                           Seconds next_update,
                           const std::vector<store::RevokedEntry>& entries) {
    crypto::X509CrlPtr crl(X509_CRL_new());
    X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2);
    X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(authority.certificate.get()));
    X509_CRL_set1_lastUpdate(crl.get(), pkix::to_asn1_time(this_update).get());
    X509_CRL_set1_nextUpdate(crl.get(), pkix::to_asn1_time(next_update).get());
    for (const auto& entry : entries) {
        X509_REVOKED* revoked = X509_REVOKED_new();
        X509_REVOKED_set_serialNumber(revoked, pkix::to_asn1_integer(entry.serial)->get());
        X509_REVOKED_set_revocationDate(revoked, pkix::to_asn1_time(entry.revoked_at).get());
        if (entry.reason != domain::RevocationReason::unspecified) {
            crypto::Owned<ASN1_ENUMERATED, ASN1_ENUMERATED_free> code(ASN1_ENUMERATED_new());
            ASN1_ENUMERATED_set(code.get(), static_cast<long>(entry.reason));
            X509_REVOKED_add1_ext_i2d(revoked, NID_crl_reason, code.get(), 0, 0);
        }
        X509_CRL_add0_revoked(crl.get(), revoked);
    }
    crypto::Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
    ASN1_INTEGER_set_int64(crl_number.get(), number);
    X509V3_CTX context;
    X509V3_set_ctx(&context, authority.certificate.get(), nullptr, nullptr, crl.get(), 0);
    crypto::X509ExtPtr aki(
        X509V3_EXT_conf_nid(nullptr, &context, NID_authority_key_identifier, "keyid:always"));
    X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0);
    X509_CRL_add_ext(crl.get(), aki.get(), -1);
    X509_CRL_sort(crl.get());
    EXPECT_GT(X509_CRL_sign(crl.get(), authority.signer.key(), authority.signer.digest()), 0);
    return *crypto::to_der(crl.get(), i2d_X509_CRL);
}

/// The encoded tbsCertList of an encoded CRL, as it stands in it.
Bytes tbs_of(const Bytes& crl) {
    const unsigned char* cursor = crl.data();
    long length = 0;
    int tag = 0;
    int cls = 0;
    EXPECT_EQ(ASN1_get_object(&cursor, &length, &tag, &cls, static_cast<long>(crl.size())),
              V_ASN1_CONSTRUCTED);
    const unsigned char* tbs = cursor;
    EXPECT_EQ(ASN1_get_object(&cursor, &length, &tag, &cls, length), V_ASN1_CONSTRUCTED);
    return {tbs, cursor + length};
}

TEST_F(IssuerTest, TheCrlIsByteForByteTheOneOpensslsX509CrlApiBuilds) {
    const std::vector<domain::RevocationReason> reasons{
        domain::RevocationReason::unspecified,
        domain::RevocationReason::key_compromise,
        domain::RevocationReason::ca_compromise,
        domain::RevocationReason::affiliation_changed,
        domain::RevocationReason::superseded,
        domain::RevocationReason::cessation_of_operation,
        domain::RevocationReason::certificate_hold,
        domain::RevocationReason::privilege_withdrawn};
    std::vector<store::RevokedEntry> entries;
    for (int i = 0; i < 500; ++i) {
        // Serials of 1 to 20 octets in no particular order.
        Bytes magnitude(static_cast<std::size_t>(1 + (i * 7) % 20));
        for (std::size_t k = 0; k < magnitude.size(); ++k) {
            magnitude[k] = static_cast<std::uint8_t>((i * 131 + static_cast<int>(k) * 29) % 256);
        }
        magnitude[0] = static_cast<std::uint8_t>((magnitude[0] & 0x7F) | 0x01);
        auto serial = SerialNumber::from_bytes(magnitude);
        ASSERT_TRUE(serial.has_value());
        entries.push_back({*serial,
                           clock_.now() - std::chrono::hours{i},
                           reasons[static_cast<std::size_t>(i) % reasons.size()],
                           clock_.now() + std::chrono::days{30}});
    }
    // One revocation date past 2049, which needs GeneralizedTime.
    entries[3].revoked_at = Seconds{std::chrono::seconds{2600000000LL}};
    const Seconds now = clock_.now();
    std::vector<store::RevokedEntry> none;
    for (const std::vector<store::RevokedEntry>* list : {&entries, &none}) {
        auto crl = sign_crl(ca_.issuing, 42, now, now + std::chrono::days{7}, *list);
        ASSERT_TRUE(crl.has_value()) << crl.error().describe();
        const Bytes reference =
            crl_through_x509_crl(ca_.issuing, 42, now, now + std::chrono::days{7}, *list);
        // The signature differs (ECDSA is randomised); everything it covers must not.
        EXPECT_EQ(tbs_of(*crl), tbs_of(reference)) << list->size() << " entries";
        const unsigned char* cursor = crl->data();
        crypto::X509CrlPtr parsed(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(crl->size())));
        ASSERT_TRUE(parsed);
        EXPECT_EQ(cursor, crl->data() + crl->size());
        EXPECT_EQ(X509_CRL_verify(parsed.get(), X509_get0_pubkey(ca_.issuing.certificate.get())),
                  1);
        cursor = reference.data();
        crypto::X509CrlPtr expected(
            d2i_X509_CRL(nullptr, &cursor, static_cast<long>(reference.size())));
        EXPECT_EQ(X509_CRL_get_signature_nid(parsed.get()),
                  X509_CRL_get_signature_nid(expected.get()));
        EXPECT_EQ(std::max(0, sk_X509_REVOKED_num(X509_CRL_get_REVOKED(parsed.get()))),
                  static_cast<int>(list->size()));  // -1: no list at all when it is empty
    }
}

}  // namespace
}  // namespace dojang::ca
