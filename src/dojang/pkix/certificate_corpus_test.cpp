// SPDX-License-Identifier: Apache-2.0
// Replays certificate_fuzz's corpus (seeds and known-malformed DER) without libFuzzer.
#include "dojang/pkix/pkix.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace dojang::pkix {
namespace {

std::vector<std::filesystem::path> corpus(const std::string& prefix) {
    std::vector<std::filesystem::path> files;
    const auto dir = std::filesystem::path(testing::source_dir()) /
                     "src/dojang/pkix/fuzz-corpus/certificate_fuzz";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().filename().string().rfind(prefix, 0) == 0) {
            files.push_back(entry.path());
        }
    }
    return files;
}

TEST(CertificateCorpus, ParsesEverySeed) {
    const auto seeds = corpus("seed-");
    ASSERT_GE(seeds.size(), 2U);
    for (const auto& file : seeds) {
        auto certificate = Certificate::parse(*read_file(file.string()));
        EXPECT_TRUE(certificate.has_value())
            << file << ": " << (certificate ? "" : certificate.error().describe());
    }
}

TEST(CertificateCorpus, RejectsEveryMalformedInputAsInvalidRequest) {
    const auto malformed = corpus("bad-");
    ASSERT_GE(malformed.size(), 10U);
    for (const auto& file : malformed) {
        auto certificate = Certificate::parse(*read_file(file.string()));
        ASSERT_FALSE(certificate.has_value()) << file;
        EXPECT_EQ(certificate.error().kind, ErrorKind::invalid_request) << file;
        EXPECT_EQ(certificate.error().code, "CERTIFICATE_MALFORMED") << file;
    }
}

TEST(Der, AcceptsMinimalDefiniteEncodings) {
    EXPECT_TRUE(is_der(Bytes{0x30, 0x03, 0x02, 0x01, 0x05}));
    EXPECT_TRUE(is_der(Bytes{0x04, 0x00}));
    Bytes long_form{0x04, 0x81, 0x80};
    long_form.resize(3 + 0x80, 0xab);
    EXPECT_TRUE(is_der(long_form));
}

TEST(Der, RejectsWhatOnlyBerAllows) {
    EXPECT_FALSE(is_der(Bytes{}));
    EXPECT_FALSE(is_der(Bytes{0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00}));  // indefinite
    EXPECT_FALSE(is_der(Bytes{0x30, 0x81, 0x03, 0x02, 0x01, 0x05}));        // long form < 128
    EXPECT_FALSE(is_der(Bytes{0x30, 0x03, 0x02, 0x81, 0x01, 0x05}));        // nested, too
    EXPECT_FALSE(is_der(Bytes{0x24, 0x03, 0x04, 0x01, 0x05}));        // constructed OCTET STRING
    EXPECT_FALSE(is_der(Bytes{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}));  // beyond the input
    EXPECT_FALSE(is_der(Bytes{0x05, 0x00, 0x05, 0x00}));              // trailing data
    EXPECT_FALSE(is_der(Bytes{0x30, 0x02, 0x00, 0x00}));              // end-of-contents as a value
}

/// `depth` SEQUENCEs around a NULL.
Bytes nested_sequences(int depth) {
    Bytes nested{0x05, 0x00};
    for (int i = 0; i < depth; ++i) {
        Bytes outer{0x30};
        if (nested.size() >= 0x80) {
            outer.push_back(0x81);
        }
        outer.push_back(static_cast<std::uint8_t>(nested.size()));
        outer.insert(outer.end(), nested.begin(), nested.end());
        nested = std::move(outer);
    }
    return nested;
}

TEST(Der, LimitsNesting) {
    EXPECT_TRUE(is_der(nested_sequences(max_der_depth)));
    EXPECT_FALSE(is_der(nested_sequences(max_der_depth + 1)));
}

}  // namespace
}  // namespace dojang::pkix
