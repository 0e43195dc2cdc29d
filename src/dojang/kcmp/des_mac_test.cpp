// SPDX-License-Identifier: Apache-2.0
#include "dojang/kcmp/des_mac.hpp"

#include "dojang/crypto/openssl.hpp"
#include "dojang/pkix/der.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/asn1.h>

namespace dojang::kcmp {
namespace {

// Known answers computed independently of this code: with Python's hashlib and the pyca
// cryptography 3DES(K, K, K) primitive, with the openssl CLI (des-cbc, -nopad, zero IV, in
// the legacy provider), and by reading the Initech client's desmac.js; all agree.
const std::string code = "1234567890123456";
const Bytes salt = to_bytes("aaaaabbbbb");  // the salt of the Initech client's PBM

Bytes key() {
    auto made = des_mac_key(salt, SecretBytes(code), 2);
    EXPECT_TRUE(made) << made.error().describe();
    return *made;
}

TEST(DesMac, DerivesTheKeyFromSaltThenSecretAsKoreanClientsDo) {
    EXPECT_EQ(to_hex(key()), "310736d78e27cead");
    // RFC 4210's order (secret first) is another key: the clients' order is the one that counts.
    auto rfc_order = des_mac_key(to_bytes(code), SecretBytes(std::string("aaaaabbbbb")), 2);
    ASSERT_TRUE(rfc_order);
    EXPECT_NE(to_hex(*rfc_order), "310736d78e27cead");
}

TEST(DesMac, PadsWithZerosAndAWholeBlockForAMultipleOfEight) {
    // 5 bytes: the last block is zero-filled.
    auto short_data = des_mac(key(), *from_hex("3003020101"));
    ASSERT_TRUE(short_data) << short_data.error().describe();
    EXPECT_EQ(to_hex(*short_data), "fdda8053b626f861");
    // 16 bytes: a whole zero block is appended, so the MAC is not the second block's.
    auto two_blocks = des_mac(key(), *from_hex("000102030405060708090a0b0c0d0e0f"));
    ASSERT_TRUE(two_blocks) << two_blocks.error().describe();
    EXPECT_EQ(to_hex(*two_blocks), "cefedc030767eb11");
}

/// DER of SEQUENCE { header, body } of a PKIMessage (RFC 4210 ProtectedPart), encoded by
/// OpenSSL from the two members as they are.
Bytes protected_part(const Bytes& message) {
    auto outer = pkix::read_der_value(message);
    EXPECT_TRUE(outer);
    auto members = pkix::der_members(*outer);
    EXPECT_TRUE(members && members->size() >= 2);
    STACK_OF(ASN1_TYPE)* sequence = sk_ASN1_TYPE_new_null();
    for (std::size_t i = 0; i < 2; ++i) {
        const unsigned char* cursor = (*members)[i].encoding.data();
        sk_ASN1_TYPE_push(
            sequence,
            d2i_ASN1_TYPE(nullptr, &cursor, static_cast<long>((*members)[i].encoding.size())));
    }
    unsigned char* der = nullptr;
    const int size = i2d_ASN1_SEQUENCE_ANY(sequence, &der);
    sk_ASN1_TYPE_pop_free(sequence, ASN1_TYPE_free);
    Bytes bytes(der, der + size);
    OPENSSL_free(der);
    return bytes;
}

TEST(DesMac, MacsTheProtectedPartOfARealKoreanIr) {
    // The Initech client's sample ir (tests/vectors/kr-cmp): its authorization code is not
    // public, so its own MAC cannot be checked; with the test code the MAC is a known answer.
    auto message = read_file(testing::vectors_dir() + "/kr-cmp/initech_sample_ir.der");
    ASSERT_TRUE(message) << "missing tests/vectors/kr-cmp/initech_sample_ir.der";
    const Bytes part = protected_part(*message);
    ASSERT_EQ(part.size(), 1572U);
    auto mac = des_mac(key(), part);
    ASSERT_TRUE(mac) << mac.error().describe();
    EXPECT_EQ(to_hex(*mac), "9db026a5c94ed08b");
    const Bytes multiple_of_eight(part.begin(), part.begin() + 1568);
    EXPECT_EQ(to_hex(*des_mac(key(), multiple_of_eight)), "868533e1bb1aeb18");
    EXPECT_TRUE(*des_mac_matches(key(), part, *from_hex("9db026a5c94ed08b")));
    EXPECT_FALSE(*des_mac_matches(key(), part, *from_hex("9db026a5c94ed08a")));
    EXPECT_FALSE(*des_mac_matches(key(), part, *from_hex("9db026a5c94ed0")));
}

TEST(DesMac, RefusesBadKeysAndIterationCounts) {
    EXPECT_EQ(des_mac(Bytes(7, 1), Bytes{1}).error().code, "PBM_INVALID");
    EXPECT_EQ(des_mac_key(salt, SecretBytes(code), 0).error().code, "PBM_INVALID");
    EXPECT_EQ(des_mac_key(salt, SecretBytes(code), max_iterations + 1).error().code, "PBM_INVALID");
}

}  // namespace
}  // namespace dojang::kcmp
