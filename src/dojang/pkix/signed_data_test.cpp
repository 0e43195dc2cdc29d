// SPDX-License-Identifier: Apache-2.0
#include "dojang/pkix/signed_data.hpp"

#include "dojang/crypto/keys.hpp"

#include <gtest/gtest.h>
#include <openssl/cms.h>

#include <algorithm>
#include <chrono>

namespace dojang::pkix {
namespace {

using CmsPtr = crypto::Owned<CMS_ContentInfo, CMS_ContentInfo_free>;

struct Holder {
    crypto::PkeyPtr key;
    crypto::X509Ptr certificate;
};

Holder holder(const char* name) {
    auto key = crypto::generate_key(crypto::KeyAlgorithm::p256);
    EXPECT_TRUE(key);
    crypto::X509Ptr certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 7);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate.get()),
                               "CN",
                               MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(name),
                               -1,
                               -1,
                               0);
    X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get()));
    X509_set_pubkey(certificate.get(), key->get());
    X509_sign(certificate.get(), key->get(), EVP_sha256());
    return {std::move(*key), std::move(certificate)};
}

/// A SignedData as a holder's client makes it; `flags` as for CMS_sign.
Bytes sign(const Holder& who, const std::string& content, unsigned flags = CMS_BINARY) {
    crypto::BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
    CmsPtr cms(CMS_sign(who.certificate.get(), who.key.get(), nullptr, in.get(), flags));
    EXPECT_TRUE(cms);
    unsigned char* der = nullptr;
    const int size = i2d_CMS_ContentInfo(cms.get(), &der);
    Bytes bytes(der, der + size);
    OPENSSL_free(der);
    return bytes;
}

TEST(SignedData, OpensWhatTheHolderSignedWithItsCertificateAndSigningTime) {
    const auto hong = holder("hong");
    const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());

    auto opened = open_signed_data(sign(hong, "renew 0a0b"));

    ASSERT_TRUE(opened) << opened.error().detail;
    EXPECT_EQ(std::string(opened->content.begin(), opened->content.end()), "renew 0a0b");
    EXPECT_EQ(X509_cmp(opened->signer.get(), hong.certificate.get()), 0);
    EXPECT_GE(opened->signing_time, before - std::chrono::seconds(1));
    EXPECT_LE(opened->signing_time, before + std::chrono::seconds(60));
}

TEST(SignedData, RefusesAChangedContent) {
    const auto hong = holder("hong");
    auto der = sign(hong, "revoke 0a0b keyCompromise");
    // The content is in the clear inside the SignedData: change one of its letters.
    const std::string needle = "keyCompromise";
    auto at = std::search(der.begin(), der.end(), needle.begin(), needle.end());
    ASSERT_NE(at, der.end());
    *at = 'K';

    auto opened = open_signed_data(der);

    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, "SIGNATURE_INVALID");
}

TEST(SignedData, RefusesRequestsWithoutSigningTimeDetachedOrNotSignedData) {
    const auto hong = holder("hong");
    for (const auto& [what, der] : std::vector<std::pair<std::string, Bytes>>{
             {"no signed attributes", sign(hong, "renew", CMS_BINARY | CMS_NOATTR)},
             {"detached", sign(hong, "renew", CMS_BINARY | CMS_DETACHED)},
             {"not DER", Bytes{0x30, 0x80, 0x00, 0x00}},
             {"empty", Bytes{}},
             {"a certificate", [&] {
                  unsigned char* der = nullptr;
                  const int size = i2d_X509(hong.certificate.get(), &der);
                  Bytes bytes(der, der + size);
                  OPENSSL_free(der);
                  return bytes;
              }()}}) {
        auto opened = open_signed_data(der);
        ASSERT_FALSE(opened) << what;
        EXPECT_EQ(opened.error().code, "SIGNED_DATA_MALFORMED") << what;
    }
}

TEST(SignedData, RefusesASignerWhoseCertificateIsNotIncluded) {
    const auto hong = holder("hong");
    auto opened = open_signed_data(sign(hong, "renew", CMS_BINARY | CMS_NOCERTS));
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, "SIGNED_DATA_MALFORMED");
}

}  // namespace
}  // namespace dojang::pkix
