// SPDX-License-Identifier: Apache-2.0
#include "dojang/pkix/pkix.hpp"

#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

namespace dojang::pkix {
namespace {

/// A CSR made by the openssl CLI, so that a bug of ours can't hide in its own fixture.
Bytes openssl_csr(const testing::TempDir& dir,
                  const std::string& key_args,
                  const std::string& form) {
    const std::string out = dir.path() + "/req." + form;
    std::string log;
    const int status = testing::run("openssl req -new -newkey " + key_args + " -nodes -keyout " +
                                        dir.path() + "/key.pem -subj '/C=KR/O=dojang/CN=Hong' " +
                                        "-outform " + form + " -out " + out,
                                    &log);
    EXPECT_EQ(status, 0) << log;
    return *read_file(out);
}

TEST(Csr, ParsesOpensslPemAndDerAndVerifiesSignature) {
    testing::TempDir dir;
    for (const std::string form : {"PEM", "DER"}) {
        auto csr = Csr::parse(openssl_csr(dir, "ec -pkeyopt ec_paramgen_curve:P-256", form));
        ASSERT_TRUE(csr.has_value()) << form << ": " << csr.error().describe();
        EXPECT_TRUE(csr->has_valid_signature());
        EXPECT_EQ(name_to_string(csr->subject()), "CN=Hong,O=dojang,C=KR");
    }
}

TEST(Csr, DetectsBrokenSignature) {
    testing::TempDir dir;
    Bytes der = openssl_csr(dir, "ec -pkeyopt ec_paramgen_curve:P-256", "DER");
    der[der.size() - 5] ^= 0x01U;  // inside the signature value
    auto csr = Csr::parse(der);
    ASSERT_TRUE(csr.has_value());
    EXPECT_FALSE(csr->has_valid_signature());
}

TEST(Csr, RejectsGarbageAndTrailingData) {
    auto garbage = Csr::parse(to_bytes("not a request"));
    ASSERT_FALSE(garbage.has_value());
    EXPECT_EQ(garbage.error().code, "CSR_MALFORMED");
    EXPECT_EQ(garbage.error().kind, ErrorKind::invalid_request);

    testing::TempDir dir;
    Bytes der = openssl_csr(dir, "ec -pkeyopt ec_paramgen_curve:P-256", "DER");
    der.push_back(0x00);
    auto trailing = Csr::parse(der);
    ASSERT_FALSE(trailing.has_value());
    EXPECT_EQ(trailing.error().code, "CSR_MALFORMED");
}

TEST(Csr, RejectsHugeLengthWithoutCrashing) {
    const Bytes huge{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00};
    EXPECT_FALSE(Csr::parse(huge).has_value());
}

TEST(Name, ParsesKoreanUtf8AndBothSyntaxes) {
    auto name = parse_name("C=KR, O=도장은행, OU=personal4IB, CN=홍길동()0088");
    ASSERT_TRUE(name.has_value()) << name.error().describe();
    EXPECT_EQ(name_to_string(name->get()), "CN=홍길동()0088,OU=personal4IB,O=도장은행,C=KR");
    auto slashes = parse_name("/C=KR/O=a\\/b/CN=x");
    ASSERT_TRUE(slashes.has_value());
    EXPECT_EQ(name_to_string(slashes->get()), "CN=x,O=a/b,C=KR");
}

TEST(Name, RejectsUnknownTypesAndEmptyNames) {
    EXPECT_EQ(parse_name("XX=1").error().code, "NAME_INVALID");
    EXPECT_EQ(parse_name("CN").error().code, "NAME_INVALID");
    EXPECT_EQ(parse_name("").error().code, "NAME_INVALID");
    EXPECT_FALSE(parse_name("C=KOR").has_value());  // countryName is two letters
}

TEST(Certificate, ReadsTheYessignVector) {
    auto der = read_file(testing::vectors_dir() + "/npki-yessign-test/signCert.der");
    ASSERT_TRUE(der.has_value());
    auto cert = Certificate::parse(*der);
    ASSERT_TRUE(cert.has_value());
    EXPECT_EQ(cert->serial()->hex(), "459c75");
    // 2020-03-25 14:59:59Z, i.e. 23:59:59 KST.
    EXPECT_EQ(cert->not_after().time_since_epoch().count(), 1585148399);
    EXPECT_EQ(*cert->der(), *der);
}

}  // namespace
}  // namespace dojang::pkix
