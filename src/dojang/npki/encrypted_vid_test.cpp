// SPDX-License-Identifier: Apache-2.0
#include "dojang/npki/encrypted_vid.hpp"

#include "dojang/crypto/keys.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/crmf.h>
#include <openssl/x509.h>

#include <string>

namespace dojang::npki {
namespace {

/// A self-signed certificate for `key` with `serial`: enough to name a recipient.
crypto::X509Ptr certificate_for(EVP_PKEY* key, long serial) {
    crypto::X509Ptr certificate(X509_new());
    X509_NAME* name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("VID"), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
    X509_set_pubkey(certificate.get(), key);
    EXPECT_GT(X509_sign(certificate.get(), key, EVP_sha256()), 0);
    return certificate;
}

class EncryptedVidTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto generated = crypto::generate_key(crypto::KeyAlgorithm::rsa2048);
        ASSERT_TRUE(generated);
        key = std::move(*generated);
        certificate = certificate_for(key.get(), 7);
        claim.random_num = Bytes(20, 0x5a);
        auto vid = compute_vid("9001011234567", claim.random_num);
        ASSERT_TRUE(vid);
        claim.vid = *vid;
    }

    crypto::PkeyPtr key;
    crypto::X509Ptr certificate;
    ClaimedVid claim;
};

TEST_F(EncryptedVidTest, SealedByTheClientOpensWithTheCasKey) {
    auto sealed = seal_vid(claim, certificate.get());
    ASSERT_TRUE(sealed) << sealed.error().detail;
    auto opened = open_vid(*sealed, certificate.get(), key.get());
    ASSERT_TRUE(opened) << opened.error().detail;
    EXPECT_EQ(opened->algorithm, HashAlgorithm::sha256);
    EXPECT_EQ(opened->vid, claim.vid);
    EXPECT_EQ(opened->random_num, claim.random_num);
}

TEST_F(EncryptedVidTest, AnotherRecipientIsNamedInTheError) {
    auto sealed = seal_vid(claim, certificate.get());
    ASSERT_TRUE(sealed);
    auto other = certificate_for(key.get(), 8);  // same key, another serial
    auto opened = open_vid(*sealed, other.get(), key.get());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, "ENCRYPTED_VID_INVALID");
    EXPECT_NE(opened.error().detail.find("another certificate"), std::string::npos);
}

TEST_F(EncryptedVidTest, EveryFailureAfterDecryptionGivesOneGenericText) {
    auto sealed = seal_vid(claim, certificate.get());
    ASSERT_TRUE(sealed);
    // The ciphertext is the last 256 bytes: flip a bit in it.
    Bytes tampered = *sealed;
    tampered[tampered.size() - 10] ^= 0x01;
    auto opened = open_vid(tampered, certificate.get(), key.get());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, "ENCRYPTED_VID_INVALID");
    EXPECT_NE(opened.error().detail.find("cannot be opened"), std::string::npos);

    auto other_key = crypto::generate_key(crypto::KeyAlgorithm::rsa2048);
    ASSERT_TRUE(other_key);
    auto wrong_key = open_vid(*sealed, certificate.get(), other_key->get());
    ASSERT_FALSE(wrong_key);
    EXPECT_EQ(wrong_key.error().detail, opened.error().detail);
}

TEST_F(EncryptedVidTest, MalformedInputIsRefusedNotCrashed) {
    for (const Bytes& bad :
         {Bytes{}, Bytes{0x30, 0x00}, Bytes{0x30, 0x80, 0x00}, Bytes(300, 0x30)}) {
        auto opened = open_vid(bad, certificate.get(), key.get());
        ASSERT_FALSE(opened);
        EXPECT_EQ(opened.error().code, "ENCRYPTED_VID_INVALID");
    }
    auto sealed = seal_vid(claim, certificate.get());
    ASSERT_TRUE(sealed);
    Bytes trailing = *sealed;
    trailing.push_back(0x00);
    EXPECT_FALSE(open_vid(trailing, certificate.get(), key.get()));
}

TEST_F(EncryptedVidTest, AnEcKeyCannotBeARecipient) {
    auto ec = crypto::generate_key(crypto::KeyAlgorithm::p256);
    ASSERT_TRUE(ec);
    auto ec_certificate = certificate_for(ec->get(), 9);
    auto sealed = seal_vid(claim, ec_certificate.get());
    ASSERT_FALSE(sealed);
    EXPECT_EQ(sealed.error().code, "ENCRYPTED_VID_INVALID");
}

TEST_F(EncryptedVidTest, TheKoreanClientsIrCarriesOneThatParsesUpToItsRecipient) {
    // tests/vectors/kr-cmp: a real ir of the Initech client. OpenSSL's asn1parse (not dojang)
    // cuts the regInfo value out of it: the SEQUENCE after the EncryptedVID OID at offset 1155.
    testing::TempDir dir;
    const std::string ir = testing::vectors_dir() + "/kr-cmp/initech_sample_ir.der";
    std::string listing;
    ASSERT_EQ(
        testing::run("openssl asn1parse -inform DER -in " + ir + " | sed -n 67,68p", &listing), 0);
    ASSERT_NE(
        listing.find("1155:d=6  hl=2 l=  10 prim: OBJECT            :1.2.410.200004.10.1.1.2"),
        std::string::npos)
        << listing;
    ASSERT_NE(listing.find("1167:d=6  hl=4 l= 401 cons: SEQUENCE"), std::string::npos) << listing;
    ASSERT_EQ(testing::run("openssl asn1parse -inform DER -in " + ir +
                           " -strparse 1167 -noout -out " + dir.path() + "/encrypted_vid.der"),
              0);
    auto der = read_file(dir.path() + "/encrypted_vid.der");
    ASSERT_TRUE(der.has_value());
    ASSERT_EQ(der->size(), 405U);
    // Version 0, sha256, rsaEncryption and certID all read; the certID names yessignCA-Test
    // Class 2's certificate 0x3FEF15, not ours, and the answer says so.
    auto opened = open_vid(*der, certificate.get(), key.get());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, "ENCRYPTED_VID_INVALID");
    EXPECT_NE(opened.error().detail.find("another certificate"), std::string::npos)
        << opened.error().detail;
}

TEST_F(EncryptedVidTest, TravelsInTheRegInfoOfACrmfRequest) {
    constexpr const char* encrypted_vid = "1.2.410.200004.10.1.1.2";
    constexpr const char* utf8_pairs = "1.3.6.1.5.5.7.5.2.1";
    CrmfMsgPtr request(OSSL_CRMF_MSG_new());
    ASSERT_TRUE(request);
    ASSERT_EQ(OSSL_CRMF_MSG_set_certReqId(request.get(), 0), 1);
    auto none = reg_info_value(request.get(), encrypted_vid);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);

    auto sealed = seal_vid(claim, certificate.get());
    ASSERT_TRUE(sealed);
    // Beside another regInfo entry, which must survive.
    ASN1_UTF8STRING* pairs = ASN1_UTF8STRING_new();
    ASN1_STRING_set(pairs, "version?1%", -1);
    ASSERT_EQ(OSSL_CRMF_MSG_set1_regInfo_utf8Pairs(request.get(), pairs), 1);
    ASN1_UTF8STRING_free(pairs);
    auto pairs_der = reg_info_value(request.get(), utf8_pairs);
    ASSERT_TRUE(pairs_der);
    ASSERT_TRUE(*pairs_der);

    auto carrying = with_reg_info(request.get(), encrypted_vid, *sealed);
    ASSERT_TRUE(carrying) << carrying.error().detail;
    auto found = reg_info_value(carrying->get(), encrypted_vid);
    ASSERT_TRUE(found) << found.error().detail;
    ASSERT_TRUE(*found);
    EXPECT_EQ(**found, *sealed);
    auto pairs_kept = reg_info_value(carrying->get(), utf8_pairs);
    ASSERT_TRUE(pairs_kept);
    EXPECT_EQ(*pairs_kept, *pairs_der);
    EXPECT_EQ(OSSL_CRMF_MSG_get_certReqId(carrying->get()), 0);

    auto twice = with_reg_info(carrying->get(), encrypted_vid, *sealed);
    ASSERT_TRUE(twice);
    auto ambiguous = reg_info_value(twice->get(), encrypted_vid);
    ASSERT_FALSE(ambiguous);
    EXPECT_EQ(ambiguous.error().code, "REG_INFO_INVALID");
    EXPECT_NE(ambiguous.error().detail.find("more than once"), std::string::npos);
}

}  // namespace
}  // namespace dojang::npki
