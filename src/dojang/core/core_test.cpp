// SPDX-License-Identifier: Apache-2.0
#include "dojang/core/bytes.hpp"
#include "dojang/core/ids.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace dojang {
namespace {

TEST(Hex, RoundTripsAndRejectsGarbage) {
    const Bytes bytes{0x00, 0x7f, 0x80, 0xff};
    EXPECT_EQ(to_hex(bytes), "007f80ff");
    EXPECT_EQ(*from_hex("007F80ff"), bytes);
    EXPECT_FALSE(from_hex("abc").has_value());
    EXPECT_FALSE(from_hex("zz").has_value());
}

TEST(Base64, MatchesRfc4648Vectors) {
    EXPECT_EQ(to_base64(to_bytes("")), "");
    EXPECT_EQ(to_base64(to_bytes("f")), "Zg==");
    EXPECT_EQ(to_base64(to_bytes("fo")), "Zm8=");
    EXPECT_EQ(to_base64(to_bytes("foobar")), "Zm9vYmFy");
    EXPECT_EQ(*from_base64("Zm9vYg=="), to_bytes("foob"));
    EXPECT_EQ(*from_base64("Zm9vYg"), to_bytes("foob"));
    EXPECT_FALSE(from_base64("Zm9v!").has_value());
}

TEST(SerialNumber, CanonicalisesHex) {
    auto serial = SerialNumber::from_hex("00:0A:bc");
    ASSERT_TRUE(serial.has_value());
    EXPECT_EQ(serial->hex(), "0abc");
}

TEST(SerialNumber, RejectsZero) {
    EXPECT_FALSE(SerialNumber::from_hex("0000").has_value());
}

TEST(SerialNumber, RejectsMoreThanTwentyDerOctets) {
    EXPECT_TRUE(SerialNumber::from_hex(std::string(40, '7')).has_value());
    // 20 magnitude octets with the top bit set need a 21st DER octet.
    EXPECT_FALSE(SerialNumber::from_hex(std::string(40, 'f')).has_value());
    EXPECT_FALSE(SerialNumber::from_hex(std::string(42, '1')).has_value());
}

TEST(AtomicWrite, WritesWithModeAndLeavesNoTemporaryFile) {
    testing::TempDir dir;
    const std::string path = dir.path() + "/key.pem";
    ASSERT_TRUE(write_file_atomic(path, to_bytes("secret"), 0600).has_value());
    EXPECT_EQ(*read_file(path), to_bytes("secret"));
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0600U);
    int entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        ++entries;
    }
    EXPECT_EQ(entries, 1);
}

TEST(AtomicWrite, ReportsMissingFolder) {
    auto result = write_file_atomic("/nonexistent-dojang-folder/x", to_bytes("x"));
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().detail.find("/nonexistent-dojang-folder"), std::string::npos);
}

TEST(SecretBytes, KeepsContentUntilDestroyed) {
    SecretBytes secret("pass phrase");
    EXPECT_EQ(secret.size(), 11U);
    SecretBytes moved = std::move(secret);
    EXPECT_EQ(moved.size(), 11U);
    EXPECT_TRUE(secret.empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped
}

}  // namespace
}  // namespace dojang

#include "dojang/core/text.hpp"

namespace dojang {
namespace {

TEST(Json, QuotesAndEscapes) {
    EXPECT_EQ(json_quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
    EXPECT_EQ(json_quote("홍길동"), "\"홍길동\"");
}

TEST(Rfc3339, FormatsUtc) {
    EXPECT_EQ(to_rfc3339(std::chrono::sys_seconds{std::chrono::seconds{1585148399}}),
              "2020-03-25T14:59:59Z");
}

}  // namespace
}  // namespace dojang
