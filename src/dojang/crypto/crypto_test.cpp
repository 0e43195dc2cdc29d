// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/openssl.hpp"
#include "dojang/crypto/password.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

namespace dojang::crypto {
namespace {

TEST(Digest, Sha256MatchesFips180Vector) {
    EXPECT_EQ(to_hex(sha256(to_bytes("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hmac, MatchesRfc4231TestCase2) {
    EXPECT_EQ(to_hex(*hmac_sha256(to_bytes("Jefe"), to_bytes("what do ya want for nothing?"))),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Random, ReturnsRequestedLengthAndDiffers) {
    auto a = random_bytes(32);
    auto b = random_bytes(32);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->size(), 32U);
    EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace dojang::crypto

#include "dojang/crypto/keys.hpp"

namespace dojang::crypto {
namespace {

TEST(KeyFile, RoundTripsUnderPassphraseWithFewIterations) {
    auto key = generate_key(KeyAlgorithm::p256);
    ASSERT_TRUE(key.has_value());
    const SecretBytes passphrase("correct horse");
    auto pem = encrypt_private_key_pem(key->get(), passphrase, 1000);
    ASSERT_TRUE(pem.has_value()) << pem.error().describe();
    EXPECT_NE(pem->find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
    auto back = decrypt_private_key_pem(*pem, passphrase);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(EVP_PKEY_eq(key->get(), back->get()), 1);
}

TEST(KeyFile, WrongPassphraseIsUnauthenticated) {
    auto key = generate_key(KeyAlgorithm::p256);
    ASSERT_TRUE(key.has_value());
    auto pem = encrypt_private_key_pem(key->get(), SecretBytes("right"), 1000);
    ASSERT_TRUE(pem.has_value());
    auto back = decrypt_private_key_pem(*pem, SecretBytes("wrong"));
    ASSERT_FALSE(back.has_value());
    EXPECT_EQ(back.error().kind, ErrorKind::unauthenticated);
    EXPECT_EQ(back.error().code, "WRONG_PASSPHRASE");
}

TEST(KeyFile, IsPbes2WithSha256AndAes256AsOpensslReportsIt) {
    auto key = generate_key(KeyAlgorithm::p256);
    ASSERT_TRUE(key.has_value());
    auto pem = encrypt_private_key_pem(key->get(), SecretBytes("pw"), 2048);
    ASSERT_TRUE(pem.has_value());
    const Bytes bytes(pem->begin(), pem->end());
    BioPtr in = memory_bio(bytes);
    Owned<X509_SIG, X509_SIG_free> sig(PEM_read_bio_PKCS8(in.get(), nullptr, nullptr, nullptr));
    ASSERT_TRUE(sig);
    const X509_ALGOR* algorithm = nullptr;
    X509_SIG_get0(sig.get(), &algorithm, nullptr);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
    EXPECT_EQ(OBJ_obj2nid(oid), NID_pbes2);
}

TEST(KeyFile, UsesAFreshSixteenByteSaltEachTime) {
    auto key = generate_key(KeyAlgorithm::p256);
    ASSERT_TRUE(key.has_value());
    auto salt_of = [&](const std::string& pem) {
        const Bytes bytes(pem.begin(), pem.end());
        BioPtr in = memory_bio(bytes);
        Owned<X509_SIG, X509_SIG_free> sig(PEM_read_bio_PKCS8(in.get(), nullptr, nullptr, nullptr));
        const X509_ALGOR* algorithm = nullptr;
        X509_SIG_get0(sig.get(), &algorithm, nullptr);
        const void* parameter = nullptr;
        int type = 0;
        X509_ALGOR_get0(nullptr, &type, &parameter, algorithm);
        const auto* sequence = static_cast<const ASN1_STRING*>(parameter);
        const unsigned char* cursor = ASN1_STRING_get0_data(sequence);
        Owned<PBE2PARAM, PBE2PARAM_free> pbe2(
            d2i_PBE2PARAM(nullptr, &cursor, ASN1_STRING_length(sequence)));
        const ASN1_STRING* kdf_parameters = pbe2->keyfunc->parameter->value.sequence;
        cursor = ASN1_STRING_get0_data(kdf_parameters);
        Owned<PBKDF2PARAM, PBKDF2PARAM_free> kdf(
            d2i_PBKDF2PARAM(nullptr, &cursor, ASN1_STRING_length(kdf_parameters)));
        const ASN1_OCTET_STRING* salt = kdf->salt->value.octet_string;
        EXPECT_EQ(ASN1_INTEGER_get(kdf->iter), 1000);
        EXPECT_EQ(OBJ_obj2nid(pbe2->encryption->algorithm), NID_aes_256_cbc);
        return Bytes(salt->data, salt->data + salt->length);
    };
    const Bytes first = salt_of(*encrypt_private_key_pem(key->get(), SecretBytes("pw"), 1000));
    const Bytes second = salt_of(*encrypt_private_key_pem(key->get(), SecretBytes("pw"), 1000));
    EXPECT_EQ(first.size(), 16U);
    EXPECT_NE(first, second);
}

TEST(Pkcs8Der, RoundTripsWithAttributesAndRefusesHugeIterationCounts) {
    auto key = generate_key(KeyAlgorithm::p256);
    ASSERT_TRUE(key.has_value());
    Pkcs8Ptr info(EVP_PKEY2PKCS8(key->get()));
    const unsigned char bits[] = {0x03, 0x02, 0x00, 0x7f};  // a BIT STRING attribute value
    ASSERT_EQ(PKCS8_pkey_add1_attr_by_NID(info.get(), NID_friendlyName, V_ASN1_BMPSTRING, bits, 0),
              1);
    auto der = encrypt_pkcs8_der(info.get(), SecretBytes("pass word 1!"), 1000);
    ASSERT_TRUE(der.has_value()) << der.error().describe();
    auto back = decrypt_pkcs8_der(*der, SecretBytes("pass word 1!"));
    ASSERT_TRUE(back.has_value()) << back.error().describe();
    EXPECT_EQ(sk_X509_ATTRIBUTE_num(PKCS8_pkey_get0_attrs(back->get())), 1);
    auto wrong = decrypt_pkcs8_der(*der, SecretBytes("pass word 2!"));
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().code, "WRONG_PASSWORD");
    // The cap is checked before any key derivation (a lower cap stands in for a hostile file).
    auto refused = decrypt_pkcs8_der(*der, SecretBytes("x"), 999);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "KEY_FILE_ITERATIONS");
    EXPECT_EQ(decrypt_pkcs8_der(to_bytes("junk"), SecretBytes("x")).error().code,
              "KEY_FILE_MALFORMED");
}

TEST(KeyAlgorithm, ParsesKnownNamesOnly) {
    EXPECT_EQ(*key_algorithm_from_string("p384"), KeyAlgorithm::p384);
    EXPECT_FALSE(key_algorithm_from_string("rsa1024").has_value());
}

}  // namespace
}  // namespace dojang::crypto

#include "dojang/crypto/aead.hpp"

namespace dojang::crypto {
namespace {

TEST(Aead, SealsAndOpensWithTheSameKeyAndPurposeOnly) {
    const Bytes key(32, 7);
    const Bytes other_key(32, 8);
    auto sealed = aead_seal(key, to_bytes("1234-5678-9012-3456"), "purpose-a");
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(sealed->size(), 12U + 19U + 16U);
    auto opened = aead_open(key, *sealed, "purpose-a");
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(std::string(opened->chars(), opened->size()), "1234-5678-9012-3456");
    EXPECT_FALSE(aead_open(key, *sealed, "purpose-b").has_value());
    EXPECT_FALSE(aead_open(other_key, *sealed, "purpose-a").has_value());
    Bytes tampered = *sealed;
    tampered[14] ^= 1U;
    EXPECT_EQ(aead_open(key, tampered, "purpose-a").error().code, "AEAD_OPEN_FAILED");
    EXPECT_NE(*aead_seal(key, to_bytes("x"), "p"),
              *aead_seal(key, to_bytes("x"), "p"));  // fresh nonce
    EXPECT_FALSE(aead_seal(Bytes(16, 1), to_bytes("x"), "p").has_value());
}

}  // namespace
}  // namespace dojang::crypto

namespace dojang::crypto {
namespace {

TEST(Password, HashesVerifyOnlyTheRightPassword) {
    auto hashed = hash_password("correct horse 9!", PasswordCost{1024, 1, 1});
    ASSERT_TRUE(hashed) << hashed.error().detail;
    EXPECT_EQ(hashed->rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0U) << *hashed;
    EXPECT_TRUE(verify_password(*hashed, "correct horse 9!"));
    EXPECT_FALSE(verify_password(*hashed, "correct horse 9?"));
    EXPECT_FALSE(verify_password(*hashed, ""));
    // A fresh salt each time.
    auto again = hash_password("correct horse 9!", PasswordCost{1024, 1, 1});
    ASSERT_TRUE(again);
    EXPECT_NE(*hashed, *again);
}

TEST(Password, RefusesMalformedAndAbsurdlyCostlyHashes) {
    EXPECT_FALSE(verify_password("", "x"));
    EXPECT_FALSE(verify_password("$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
    EXPECT_FALSE(verify_password(
        "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "x"));
    EXPECT_FALSE(verify_password("$argon2id$v=19$m=1024,t=1000,p=1$c2FsdA$aGFzaA", "x"));
}

TEST(RandomDigits, AreDigitsOfTheRequestedLength) {
    auto digits = random_digits(40);
    ASSERT_TRUE(digits);
    EXPECT_EQ(digits->size(), 40U);
    EXPECT_EQ(digits->find_first_not_of("0123456789"), std::string::npos);
}

}  // namespace
}  // namespace dojang::crypto
