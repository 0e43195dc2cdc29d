// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

namespace dojang::npki {
namespace {

using P8Ptr = crypto::Owned<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;

// vectors/README.md, "VID known answer".
constexpr std::string_view known_idn = "1234561234567";
constexpr std::string_view known_random_num = "79EA7568A2D3776604E18BCD3A1B1B85B7DA0872";
constexpr std::string_view known_vid =
    "17692c8dd00ead33791de0a64a937c60799634c64ac56fa57570c0e05252ab35";

// The yessign test certificate's identifyData (openssl asn1parse of signCert.der).
constexpr std::string_view yessign_vid =
    "8ad4f673412f825da4d1fb4d4216946bbc7f8194a0af01f86622ee23c7ee0de7";
constexpr std::string_view yessign_random_num = "7858b4328390805129f01c97fe6ca4a520cbd479";

Bytes hex(std::string_view text) {
    auto bytes = from_hex(text);
    EXPECT_TRUE(bytes) << text;
    return bytes ? *bytes : Bytes{};
}

std::string vector_path(const std::string& name) {
    return testing::vectors_dir() + "/npki-yessign-test/" + name;
}

crypto::X509Ptr yessign_certificate() {
    auto der = read_file(vector_path("signCert.der"));
    EXPECT_TRUE(der) << der.error().describe();
    if (!der) {
        return nullptr;
    }
    const unsigned char* at = der->data();
    return crypto::X509Ptr(d2i_X509(nullptr, &at, static_cast<long>(der->size())));
}

// The subjectAltName extension value exactly as the yessign CA encoded it, read by OpenSSL.
Bytes yessign_san() {
    auto certificate = yessign_certificate();
    EXPECT_NE(certificate, nullptr);
    if (!certificate) {
        return {};
    }
    const int index = X509_get_ext_by_NID(certificate.get(), NID_subject_alt_name, -1);
    EXPECT_GE(index, 0);
    const ASN1_OCTET_STRING* value =
        X509_EXTENSION_get_data(X509_get_ext(certificate.get(), index));
    const unsigned char* data = ASN1_STRING_get0_data(value);
    return {data, data + ASN1_STRING_length(value)};
}

P8Ptr read_key(const Bytes& der) {
    const unsigned char* at = der.data();
    return P8Ptr(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &at, static_cast<long>(der.size())));
}

P8Ptr fresh_key() {
    crypto::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    EXPECT_NE(key, nullptr);
    return P8Ptr(EVP_PKEY2PKCS8(key.get()));
}

// --- VID ---------------------------------------------------------------------------------------

TEST(Vid, HashContentDerMatchesKnownAnswer) {
    auto content = vid_hash_content(known_idn, hex(known_random_num));

    ASSERT_TRUE(content) << content.error().describe();
    EXPECT_EQ(to_hex(content->bytes()),
              "3026130d31323334353631323334353637031500" + to_hex(hex(known_random_num)));
}

TEST(Vid, MatchesKnownAnswer) {
    auto vid = compute_vid(known_idn, hex(known_random_num));

    ASSERT_TRUE(vid) << vid.error().describe();
    EXPECT_EQ(to_hex(*vid), known_vid);
}

TEST(Vid, KeepsZeroUnusedBitsAndTrailingZeroBytesOfRandomNum) {
    Bytes random_num(random_num_size, 0x11);
    random_num.back() = 0x00;

    auto content = vid_hash_content(known_idn, random_num);

    ASSERT_TRUE(content) << content.error().describe();
    EXPECT_EQ(to_hex(content->bytes()),
              "3026130d31323334353631323334353637031500" + to_hex(random_num));
}

TEST(Vid, AcceptsTenDigitBusinessNumber) {
    auto vid = compute_vid("1234567890", hex(known_random_num));

    ASSERT_TRUE(vid) << vid.error().describe();
    // SHA-256 twice over 3023 130a "1234567890" 031500 R, computed by Python's hashlib.
    EXPECT_EQ(to_hex(*vid), "5160e94413b9a7e576d4bcf8552d368ce8c9fa953cb5577eb8be5fd3465edffa");
}

TEST(Vid, RejectsIdnWithDash) {
    auto vid = compute_vid("123456-1234567", hex(known_random_num));

    ASSERT_FALSE(vid);
    EXPECT_EQ(vid.error().kind, ErrorKind::invalid_request);
    EXPECT_EQ(vid.error().code, "IDN_INVALID");
    EXPECT_EQ(vid.error().detail.find("123456"), std::string::npos) << "the number leaked";
}

TEST(Vid, RejectsIdnOfTwelveDigits) {
    auto vid = compute_vid("123456123456", hex(known_random_num));

    ASSERT_FALSE(vid);
    EXPECT_EQ(vid.error().code, "IDN_INVALID");
}

TEST(Vid, RejectsRandomNumOfNineteenBytes) {
    auto vid = compute_vid(known_idn, Bytes(19, 0x01));

    ASSERT_FALSE(vid);
    EXPECT_EQ(vid.error().kind, ErrorKind::invalid_request);
    EXPECT_EQ(vid.error().code, "RANDOM_NUM_INVALID");
}

TEST(Vid, ReportsEveryViolationAtOnce) {
    auto vid = compute_vid("12345", Bytes(21, 0x01));

    ASSERT_FALSE(vid);
    ASSERT_EQ(vid.error().violations.size(), 2U);
    EXPECT_EQ(vid.error().violations[0].code, "IDN_INVALID");
    EXPECT_EQ(vid.error().violations[1].code, "RANDOM_NUM_INVALID");
}

TEST(Vid, DependsOnHashAlgorithm) {
    auto vid = compute_vid(known_idn, hex(known_random_num), HashAlgorithm::sha1);

    ASSERT_TRUE(vid) << vid.error().describe();
    // SHA-1(SHA-1(DER)) of the known answer's HashContent, computed by Python's hashlib.
    EXPECT_EQ(to_hex(*vid), "db7e38dbaae245f6c24a623399cb522bfd0a3d3a");
}

// --- identifyData subjectAltName ---------------------------------------------------------------

TEST(IdentifyData, SanMatchesYessignCertificateByteForByte) {
    const Bytes expected = yessign_san();

    auto san = identify_data_san("HKD", hex(yessign_vid));

    ASSERT_TRUE(san) << san.error().describe();
    EXPECT_EQ(to_hex(*san), to_hex(expected));
}

TEST(IdentifyData, ExtensionIsNonCriticalSubjectAltNameWithSameValue) {
    const Bytes expected = yessign_san();

    auto extension = identify_data_extension("HKD", hex(yessign_vid));

    ASSERT_TRUE(extension) << extension.error().describe();
    EXPECT_EQ(OBJ_obj2nid(X509_EXTENSION_get_object(extension->get())), NID_subject_alt_name);
    EXPECT_EQ(X509_EXTENSION_get_critical(extension->get()), 0);
    const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(extension->get());
    const unsigned char* data = ASN1_STRING_get0_data(value);
    EXPECT_EQ(to_hex(Bytes(data, data + ASN1_STRING_length(value))), to_hex(expected));
}

TEST(IdentifyData, ParsesYessignCertificate) {
    auto parsed = parse_identify_data(yessign_san());

    ASSERT_TRUE(parsed) << parsed.error().describe();
    EXPECT_EQ(parsed->real_name, "HKD");
    EXPECT_EQ(parsed->hash_oid, "2.16.840.1.101.3.4.2.1");
    EXPECT_EQ(parsed->hash_name, "SHA256");
    EXPECT_EQ(parsed->hash_algorithm, HashAlgorithm::sha256);
    EXPECT_EQ(to_hex(parsed->vid), yessign_vid);
}

TEST(IdentifyData, KoreanRealNameRoundTrips) {
    const std::string name = "\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99";  // 홍길동
    auto vid = compute_vid(known_idn, hex(known_random_num));
    ASSERT_TRUE(vid);

    auto san = identify_data_san(name, *vid);
    ASSERT_TRUE(san) << san.error().describe();
    auto parsed = parse_identify_data(*san);

    ASSERT_TRUE(parsed) << parsed.error().describe();
    EXPECT_EQ(parsed->real_name, name);
    EXPECT_EQ(parsed->vid, *vid);
    // UTF8String, tag 0x0C, nine bytes.
    EXPECT_NE(to_hex(*san).find("0c09" + to_hex(to_bytes(name))), std::string::npos);
}

TEST(IdentifyData, OpensslDecodesKoreanRealNameAsUtf8String) {
    const testing::TempDir dir;
    const std::string path = dir.path() + "/san.der";
    auto vid = compute_vid(known_idn, hex(known_random_num));
    ASSERT_TRUE(vid);
    auto san = identify_data_san("\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99", *vid);
    ASSERT_TRUE(san);
    ASSERT_TRUE(write_file_atomic(path, *san));

    std::string output;
    const int status = testing::run("openssl asn1parse -inform DER -in " + path, &output);

    ASSERT_EQ(status, 0) << output;
    EXPECT_NE(output.find(":1.2.410.200004.10.1.1\n"), std::string::npos) << output;
    EXPECT_NE(output.find(":1.2.410.200004.10.1.1.1\n"), std::string::npos) << output;
    EXPECT_NE(output.find("UTF8STRING"), std::string::npos) << output;
    EXPECT_NE(output.find(":sha256"), std::string::npos) << output;
}

TEST(IdentifyData, RejectsVidOfWrongLength) {
    auto san = identify_data_san("HKD", Bytes(20, 0x01));

    ASSERT_FALSE(san);
    EXPECT_EQ(san.error().kind, ErrorKind::invalid_request);
    EXPECT_EQ(san.error().code, "VID_INVALID");
}

TEST(IdentifyData, RejectsRealNameThatIsNotUtf8) {
    auto san = identify_data_san("\xc8\xab\xb1\xe6\xb5\xbf", hex(yessign_vid));  // EUC-KR

    ASSERT_FALSE(san);
    EXPECT_EQ(san.error().code, "REAL_NAME_INVALID");
}

TEST(IdentifyData, RejectsTruncatedSan) {
    Bytes san = yessign_san();
    san.resize(san.size() - 5);

    auto parsed = parse_identify_data(san);

    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_request);
    EXPECT_EQ(parsed.error().code, "IDENTIFY_DATA_INVALID");
}

TEST(IdentifyData, RejectsTrailingBytes) {
    Bytes san = yessign_san();
    san.push_back(0x00);

    auto parsed = parse_identify_data(san);

    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, "IDENTIFY_DATA_INVALID");
}

TEST(IdentifyData, ReportsMissingIdentifyDataInDnsOnlySan) {
    crypto::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    GENERAL_NAME* name = a2i_GENERAL_NAME(nullptr, nullptr, nullptr, GEN_DNS, "ca.example", 0);
    ASSERT_NE(name, nullptr);
    sk_GENERAL_NAME_push(names.get(), name);
    auto der = crypto::to_der(names.get(), i2d_GENERAL_NAMES);
    ASSERT_TRUE(der);

    auto parsed = parse_identify_data(*der);

    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, "IDENTIFY_DATA_MISSING");
}

TEST(IdentifyData, RejectsVidWhoseLengthDisagreesWithHashAlg) {
    // The yessign value with hashAlg sha256 turned into sha512 (same OID length): 32-byte VID.
    std::string text = to_hex(yessign_san());
    text.replace(text.find("0609608648016503040201"), 22, "0609608648016503040203");

    auto parsed = parse_identify_data(hex(text));

    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, "IDENTIFY_DATA_INVALID");
    EXPECT_NE(parsed.error().detail.find("32 bytes"), std::string::npos) << parsed.error().detail;
}

TEST(IdentifyData, RejectsHashAlgWithParameters) {
    // The AlgorithmIdentifier given a BOOLEAN parameter, lengths fixed up by one level each.
    std::string text = to_hex(yessign_san());
    text.replace(text.find("300b0609608648016503040201"), 26, "300e06096086480165030402010101ff");
    for (const auto& [from, to] : {std::pair{"3059a057", "305ca05a"},
                                   std::pair{"a04a3048", "a04d304b"},
                                   std::pair{"3041303f", "30443042"},
                                   std::pair{"0101013031", "0101013034"}}) {
        text.replace(text.find(from), std::string_view{from}.size(), to);
    }

    auto parsed = parse_identify_data(hex(text));

    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, "IDENTIFY_DATA_INVALID");
}

// --- VID check ---------------------------------------------------------------------------------

IdentifyData known_identify_data() {
    auto vid = compute_vid(known_idn, hex(known_random_num));
    EXPECT_TRUE(vid);
    auto san = identify_data_san("HKD", vid ? *vid : Bytes{});
    EXPECT_TRUE(san);
    auto parsed = parse_identify_data(san ? *san : Bytes{});
    EXPECT_TRUE(parsed);
    return parsed ? *parsed : IdentifyData{};
}

TEST(VidMatches, TrueForTheBoundNumberAndRandomNum) {
    auto matches = vid_matches(known_identify_data(), known_idn, hex(known_random_num));

    ASSERT_TRUE(matches) << matches.error().describe();
    EXPECT_TRUE(*matches);
}

TEST(VidMatches, FalseForAnotherNumber) {
    auto matches = vid_matches(known_identify_data(), "1234561234568", hex(known_random_num));

    ASSERT_TRUE(matches) << matches.error().describe();
    EXPECT_FALSE(*matches);
}

TEST(VidMatches, FalseForAnotherRandomNum) {
    auto matches = vid_matches(known_identify_data(), known_idn, hex(yessign_random_num));

    ASSERT_TRUE(matches) << matches.error().describe();
    EXPECT_FALSE(*matches);
}

TEST(VidMatches, ErrorForMalformedNumber) {
    auto matches = vid_matches(known_identify_data(), "not-a-number!", hex(known_random_num));

    ASSERT_FALSE(matches);
    EXPECT_EQ(matches.error().code, "IDN_INVALID");
}

TEST(VidMatches, ErrorForUnsupportedHashAlgorithm) {
    IdentifyData data = known_identify_data();
    data.hash_algorithm.reset();
    data.hash_oid = "1.2.410.200004.1.21";
    data.hash_name = data.hash_oid;

    auto matches = vid_matches(data, known_idn, hex(known_random_num));

    ASSERT_FALSE(matches);
    EXPECT_EQ(matches.error().code, "HASH_ALGORITHM_UNSUPPORTED");
}

// --- randomNum ---------------------------------------------------------------------------------

TEST(RandomNum, GeneratesTwentyFreshBytes) {
    auto first = generate_random_num();
    auto second = generate_random_num();

    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->size(), 20U);
    EXPECT_NE(*first, *second);
}

TEST(RandomNum, ReadsYessignKeyAttribute) {
    auto der = read_file(vector_path("plainSignPri-with-r.der"));
    ASSERT_TRUE(der) << der.error().describe();
    const P8Ptr key = read_key(*der);
    ASSERT_NE(key, nullptr);

    auto random_num = random_num_of(key.get());

    ASSERT_TRUE(random_num) << random_num.error().describe();
    ASSERT_TRUE(random_num->has_value());
    EXPECT_EQ(to_hex(**random_num), yessign_random_num);
}

TEST(RandomNum, AbsentOnFreshKey) {
    const P8Ptr key = fresh_key();
    ASSERT_NE(key, nullptr);

    auto random_num = random_num_of(key.get());

    ASSERT_TRUE(random_num) << random_num.error().describe();
    EXPECT_FALSE(random_num->has_value());
}

TEST(RandomNum, SetThenGetRoundTripsThroughDer) {
    const P8Ptr key = fresh_key();
    ASSERT_NE(key, nullptr);
    Bytes random_num = hex(known_random_num);  // last byte 0x72: one trailing zero bit

    auto set = set_random_num(key.get(), random_num);
    ASSERT_TRUE(set) << set.error().describe();
    auto der = crypto::to_der(key.get(), i2d_PKCS8_PRIV_KEY_INFO);
    ASSERT_TRUE(der);
    const P8Ptr reread = read_key(*der);
    ASSERT_NE(reread, nullptr);
    auto got = random_num_of(reread.get());

    ASSERT_TRUE(got) << got.error().describe();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, random_num);
    // [0] { SEQUENCE { OID randomNum, SET { BIT STRING, 0 unused bits, R } } }, as yessign writes.
    EXPECT_NE(to_hex(*der).find("a0273025060a2a831a8c9a440a01010331170315"
                                "00" +
                                to_hex(random_num)),
              std::string::npos);
}

TEST(RandomNum, SettingTheSameValueAgainIsNoOp) {
    const P8Ptr key = fresh_key();
    ASSERT_NE(key, nullptr);
    ASSERT_TRUE(set_random_num(key.get(), hex(known_random_num)));

    auto again = set_random_num(key.get(), hex(known_random_num));

    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(X509at_get_attr_count(PKCS8_pkey_get0_attrs(key.get())), 1);
}

TEST(RandomNum, RefusesToReplaceADifferentValue) {
    const P8Ptr key = fresh_key();
    ASSERT_NE(key, nullptr);
    ASSERT_TRUE(set_random_num(key.get(), hex(known_random_num)));

    auto replaced = set_random_num(key.get(), hex(yessign_random_num));

    ASSERT_FALSE(replaced);
    EXPECT_EQ(replaced.error().kind, ErrorKind::conflict);
    EXPECT_EQ(replaced.error().code, "RANDOM_NUM_PRESENT");
}

TEST(RandomNum, RejectsWrongLengthOnSet) {
    const P8Ptr key = fresh_key();
    ASSERT_NE(key, nullptr);

    auto set = set_random_num(key.get(), Bytes(16, 0x01));

    ASSERT_FALSE(set);
    EXPECT_EQ(set.error().code, "RANDOM_NUM_INVALID");
}

/// `request` signed by a fresh key, then decoded from its DER.
crypto::X509ReqPtr signed_through_der(X509_REQ* request) {
    crypto::PkeyPtr key(EVP_EC_gen("P-256"));
    X509_REQ_set_pubkey(request, key.get());
    X509_REQ_sign(request, key.get(), EVP_sha256());
    unsigned char* der = nullptr;
    const int length = i2d_X509_REQ(request, &der);
    const unsigned char* cursor = der;
    crypto::X509ReqPtr decoded(d2i_X509_REQ(nullptr, &cursor, length));
    OPENSSL_free(der);
    return decoded;
}

/// A PKCS#10 request with `type` (V_ASN1_OCTET_STRING, MBSTRING_UTF8…) holding `value` as
/// randomNum, through DER.
crypto::X509ReqPtr request_with(int type, const Bytes& value) {
    crypto::X509ReqPtr request(X509_REQ_new());
    X509_REQ_add1_attr_by_txt(request.get(),
                              "1.2.410.200004.10.1.1.3",
                              type,
                              value.data(),
                              static_cast<int>(value.size()));
    return signed_through_der(request.get());
}

TEST(RandomNum, RequestAttributeRoundTripsThroughDerAsBitString) {
    crypto::X509ReqPtr request(X509_REQ_new());
    EXPECT_FALSE(random_num_of(request.get())->has_value());
    Bytes random_num = hex(known_random_num);
    random_num.back() = 0x00;  // no unused bits derived from a trailing zero byte
    ASSERT_TRUE(add_random_num(request.get(), random_num));
    crypto::X509ReqPtr decoded = signed_through_der(request.get());
    ASSERT_TRUE(decoded);
    auto read = random_num_of(decoded.get());
    ASSERT_TRUE(read.has_value()) << read.error().describe();
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, random_num);
    EXPECT_EQ(ASN1_TYPE_get(X509_ATTRIBUTE_get0_type(X509_REQ_get_attr(decoded.get(), 0), 0)),
              V_ASN1_BIT_STRING);
    auto again = add_random_num(decoded.get(), random_num);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, "RANDOM_NUM_PRESENT");
}

TEST(RandomNum, RequestAttributeMayBeAnOctetString) {
    auto read = random_num_of(request_with(V_ASN1_OCTET_STRING, hex(known_random_num)).get());
    ASSERT_TRUE(read.has_value()) << read.error().describe();
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, hex(known_random_num));
}

TEST(RandomNum, RequestAttributeOfAnotherTypeIsRejected) {
    auto read = random_num_of(request_with(MBSTRING_UTF8, to_bytes("abc")).get());
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().code, "RANDOM_NUM_INVALID");
}

}  // namespace
}  // namespace dojang::npki
