// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/register.hpp"

#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace dojang::ra {
namespace {

// 2025-06-15T00:00:00Z: "today" for the plausibility of birth dates.
const Seconds today{std::chrono::seconds{1'749'945'600}};

/// Keys whose AES half is 32 × `fill` and whose HMAC half is 32 × (`fill` + 1).
RegisterKeys keys_of(std::uint8_t fill) {
    std::vector<std::uint8_t> material(32, fill);
    material.resize(64, static_cast<std::uint8_t>(fill + 1));
    return RegisterKeys::from_bytes(SecretBytes(std::move(material))).value();
}

std::string text_of(const SecretBytes& secret) {
    return {secret.chars(), secret.size()};
}

// --- keys ------------------------------------------------------------------------------------

TEST(RegisterKeys, CreatesA64ByteOwnerOnlyFileAndLoadsIt) {
    testing::TempDir dir;
    const std::string path = dir.path() + "/register.key";
    ASSERT_TRUE(create_register_keys(path).has_value());
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0600U);
    EXPECT_EQ(info.st_size, 64);
    auto keys = load_register_keys(path);
    ASSERT_TRUE(keys.has_value()) << keys.error().describe();
    EXPECT_EQ(keys->encryption_key().size(), 32U);
    EXPECT_EQ(keys->hash_key().size(), 32U);
}

TEST(RegisterKeys, NeverReplacesAnExistingKey) {
    testing::TempDir dir;
    const std::string path = dir.path() + "/register.key";
    ASSERT_TRUE(create_register_keys(path).has_value());
    auto before = read_file(path).value();
    auto again = create_register_keys(path);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, ErrorKind::conflict);
    EXPECT_EQ(again.error().code, "REGISTER_KEY_EXISTS");
    EXPECT_EQ(read_file(path).value(), before);
}

TEST(RegisterKeys, ReportsAMissingOrWrongSizedFile) {
    testing::TempDir dir;
    auto missing = load_register_keys(dir.path() + "/none.key");
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
    EXPECT_EQ(missing.error().code, "REGISTER_KEY_MISSING");

    const std::string short_path = dir.path() + "/short.key";
    ASSERT_TRUE(write_file_atomic(short_path, Bytes(32, 1), 0600).has_value());
    auto too_short = load_register_keys(short_path);
    ASSERT_FALSE(too_short.has_value());
    EXPECT_EQ(too_short.error().code, "REGISTER_KEY_INVALID");
}

TEST(RegisterKeys, TwoFreshKeyFilesDiffer) {
    testing::TempDir dir;
    ASSERT_TRUE(create_register_keys(dir.path() + "/a.key").has_value());
    ASSERT_TRUE(create_register_keys(dir.path() + "/b.key").has_value());
    EXPECT_NE(read_file(dir.path() + "/a.key").value(), read_file(dir.path() + "/b.key").value());
}

// --- hash and encryption --------------------------------------------------------------------

TEST(IdnHash, IsHmacSha256WithTheSecondHalfOfTheKey) {
    // Expected value from Python: hmac.new(bytes([0x42]) * 32, b"9001011234567",
    // hashlib.sha256).hexdigest()
    auto hash = idn_hash(keys_of(0x41), "900101-1234567");
    ASSERT_TRUE(hash.has_value());
    EXPECT_EQ(to_hex(*hash), "791b60ee7468f2b279e352e5994ed8da6ba9c21a58065231d71d40978c6a9ce2");
}

TEST(IdnHash, IsStableAndIgnoresSeparators) {
    const RegisterKeys keys = keys_of(0x07);
    EXPECT_EQ(idn_hash(keys, "900101-1234567").value(), idn_hash(keys, "9001011234567").value());
    EXPECT_EQ(idn_hash(keys, "123-45-67891").value(), idn_hash(keys, "1234567891").value());
    EXPECT_NE(idn_hash(keys, "9001011234567").value(), idn_hash(keys, "9001011234568").value());
}

TEST(IdnHash, DependsOnTheKey) {
    EXPECT_NE(idn_hash(keys_of(0x01), "9001011234567").value(),
              idn_hash(keys_of(0x02), "9001011234567").value());
}

TEST(IdnHash, RefusesNonDigits) {
    auto hash = idn_hash(keys_of(0x01), "90010l-1234567");
    ASSERT_FALSE(hash.has_value());
    EXPECT_EQ(hash.error().code, "IDN_INVALID");
    EXPECT_EQ(hash.error().detail.find("90010"), std::string::npos);
}

TEST(EncryptIdn, RoundTripsWithAFreshNonceEachTime) {
    const RegisterKeys keys = keys_of(0x33);
    auto first = encrypt_idn(keys, "900101-1234567");
    auto second = encrypt_idn(keys, "9001011234567");
    ASSERT_TRUE(first.has_value() && second.has_value());
    EXPECT_EQ(first->size(), 12U + 13U + 16U);
    EXPECT_NE(*first, *second);
    EXPECT_NE(Bytes(first->begin(), first->begin() + 12),
              Bytes(second->begin(), second->begin() + 12));
    const std::string plain(first->begin(), first->end());
    EXPECT_EQ(plain.find("9001011234567"), std::string::npos);
    EXPECT_EQ(text_of(decrypt_idn(keys, *first).value()), "9001011234567");
    EXPECT_EQ(text_of(decrypt_idn(keys, *second).value()), "9001011234567");
}

TEST(EncryptIdn, DetectsAnyChangedByte) {
    const RegisterKeys keys = keys_of(0x33);
    const Bytes sealed = encrypt_idn(keys, "9001011234567").value();
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        Bytes tampered = sealed;
        tampered[i] ^= 0x01;
        auto opened = decrypt_idn(keys, tampered);
        ASSERT_FALSE(opened.has_value()) << "byte " << i;
        EXPECT_EQ(opened.error().code, "IDN_DECRYPT_FAILED");
    }
    EXPECT_FALSE(decrypt_idn(keys, Bytes(sealed.begin(), sealed.end() - 1)).has_value());
    EXPECT_FALSE(decrypt_idn(keys, Bytes(20, 0)).has_value());
}

TEST(EncryptIdn, RefusesAnotherKey) {
    const Bytes sealed = encrypt_idn(keys_of(0x33), "9001011234567").value();
    EXPECT_FALSE(decrypt_idn(keys_of(0x35), sealed).has_value());
}

TEST(EncryptIdn, MatchesAesGcmAsOpenSslComputesIt) {
    // Decrypt a value sealed by Python's `cryptography` (AESGCM(bytes([0x55]) * 32),
    // nonce 000102030405060708090a0b, AAD b"dojang-idn-v1").
    auto sealed = from_hex(
        "000102030405060708090a0b3d0ea39cec60b565c3ccf4ef94ff5c34fcad01be7b94a617f8cbacbc0f");
    ASSERT_TRUE(sealed.has_value());
    auto opened = decrypt_idn(keys_of(0x55), *sealed);
    ASSERT_TRUE(opened.has_value()) << opened.error().describe();
    EXPECT_EQ(text_of(*opened), "0001013234567");
}

// --- validation -----------------------------------------------------------------------------

struct Case {
    std::string_view input;
    std::string_view expected;  ///< canonical form, or empty when it must be refused
};

template <typename Normalise>
void check_table(const std::vector<Case>& cases, const std::string& code, Normalise normalise) {
    for (const Case& c : cases) {
        auto result = normalise(c.input);
        if (c.expected.empty()) {
            ASSERT_FALSE(result.has_value()) << "accepted '" << c.input << "'";
            EXPECT_EQ(result.error().code, code);
            EXPECT_EQ(result.error().kind, ErrorKind::invalid_request);
            if (c.input.size() >= 6) {
                EXPECT_EQ(result.error().detail.find(c.input), std::string::npos)
                    << "the error repeats the value";
            }
        } else {
            ASSERT_TRUE(result.has_value()) << "refused '" << c.input << "'";
            EXPECT_EQ(*result, c.expected);
        }
    }
}

TEST(Validation, ResidentNumbers) {
    check_table(
        {
            {"900101-1234567", "9001011234567"},
            {"9001011234567", "9001011234567"},  // fails the pre-2020 checksum: still accepted
            {"9001011234568", "9001011234568"},  // satisfies it
            {" 000101-3234567 ", "0001013234567"},
            {"000229-4234567", "0002294234567"},  // 2000 was a leap year
            {"850715-5123456", "8507155123456"},  // foreign resident, 1900s
            {"050715-8123456", "0507158123456"},  // foreign resident, 2000s
            {"250614-3000000", "2506143000000"},  // born the day before "today"
            {"010229-3234567", ""},               // 2001 was not
            {"900230-1234567", ""},
            {"901301-1234567", ""},
            {"900100-1234567", ""},
            {"900101-9234567", ""},  // century code 9 (1800s)
            {"900101-0234567", ""},
            {"300101-3234567", ""},  // 2030: not born yet
            {"250616-3000000", ""},  // tomorrow
            {"900101-123456", ""},
            {"90010112345678", ""},
            {"900101--234567", ""},
            {"9001O11234567", ""},
            {"", ""},
        },
        "RESIDENT_NUMBER_INVALID",
        [](std::string_view text) { return normalize_resident_number(text, today); });
}

TEST(Validation, ResidentBirthDate) {
    EXPECT_EQ(resident_birth_date("9001011234567"), "1990-01-01");
    EXPECT_EQ(resident_birth_date("0512313234567"), "2005-12-31");
    EXPECT_EQ(resident_birth_date("8507155123456"), "1985-07-15");
    EXPECT_EQ(resident_birth_date("123"), "");
}

TEST(Validation, BusinessNumbersWithTheirCheckDigit) {
    // Valid numbers computed with the National Tax Service rule by a separate Python script;
    // 220-81-62517 and 124-81-00998 are published numbers of two large Korean companies.
    check_table(
        {
            {"123-45-67891", "1234567891"},
            {"1058701232", "1058701232"},
            {"211-88-88884", "2118888884"},  // ninth digit 8: carry 4
            {"999-99-99997", "9999999997"},  // ninth digit 9: carry 4
            {"220-81-62517", "2208162517"},
            {"1248100998", "1248100998"},
            {"0000000000", "0000000000"},
            {"1234567890", ""},  // wrong check digit
            {"1248100997", ""},
            {"2118888883", ""},  // would pass without the carry
            {"123-45-6789", ""},
            {"12-345-67891", ""},
            {"12345678911", ""},
            {"12a4567891", ""},
            {"", ""},
        },
        "BUSINESS_NUMBER_INVALID",
        normalize_business_number);
}

TEST(Validation, CorporateNumbers) {
    check_table(
        {
            {"110111-1234567", "1101111234567"},
            {"1101111234568", "1101111234568"},  // check digit not required
            {"110111-123456", ""},
            {"11011-11234567", ""},
            {"110111_1234567", ""},
        },
        "CORPORATE_NUMBER_INVALID",
        normalize_corporate_number);
}

TEST(Validation, MobilePhones) {
    check_table(
        {
            {"010-1234-5678", "01012345678"},
            {"01012345678", "01012345678"},
            {"+82 10 1234 5678", "01012345678"},
            {"+82-10-1234-5678", "01012345678"},
            {"+82 010 1234 5678", "01012345678"},
            {"(010) 1234.5678", "01012345678"},
            {"011-234-5678", "0112345678"},
            {"016-1234-5678", "01612345678"},
            {"010-234-5678", ""},  // 010 numbers have 8 more digits
            {"02-1234-5678", ""},  // Seoul landline
            {"012-1234-5678", ""},
            {"010-1234-56789", ""},
            {"+1 650 555 0100", ""},
            {"010-12a4-5678", ""},
            {"", ""},
        },
        "PHONE_INVALID",
        normalize_mobile_phone);
}

TEST(Validation, EmailAddresses) {
    check_table(
        {
            {"hong@example.kr", "hong@example.kr"},
            {" hong.gildong+ra@mail.example.co.kr ", "hong.gildong+ra@mail.example.co.kr"},
            {"hong@localhost", ""},
            {"hong@@example.kr", ""},
            {"hong@exa@mple.kr", ""},
            {"@example.kr", ""},
            {"hong@.example.kr", ""},
            {"hong@example.kr.", ""},
            {"hong@example..kr", ""},
            {"hong gil@example.kr", ""},
            {"hong.example.kr", ""},
        },
        "EMAIL_INVALID",
        normalize_email);
}

TEST(Validation, BirthDates) {
    check_table(
        {
            {"1990-01-01", "1990-01-01"},
            {"2000-02-29", "2000-02-29"},
            {"1900-02-28", "1900-02-28"},
            {"1900-02-29", ""},
            {"1899-12-31", ""},
            {"2025-06-16", ""},  // after "today"
            {"1990-1-01", ""},
            {"19900101", ""},
            {"1990/01/01", ""},
            {"1990-13-01", ""},
            {"1990-00-10", ""},
        },
        "BIRTH_DATE_INVALID",
        [](std::string_view text) { return normalize_birth_date(text, today); });
}

TEST(Validation, MasksResidentNumbers) {
    EXPECT_EQ(mask_resident_number("9001011234567"), "900101-1******");
    EXPECT_EQ(mask_resident_number("123"), "*************");
}

}  // namespace
}  // namespace dojang::ra
