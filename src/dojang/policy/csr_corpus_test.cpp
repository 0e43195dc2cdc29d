// SPDX-License-Identifier: Apache-2.0
// Replays csr_fuzz's corpus (seeds and known-malformed DER and PEM) without libFuzzer.
#include "dojang/pkix/pkix.hpp"
#include "dojang/policy/policy.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace dojang::policy {
namespace {

std::vector<std::filesystem::path> corpus(const std::string& prefix) {
    std::vector<std::filesystem::path> files;
    const auto dir =
        std::filesystem::path(testing::source_dir()) / "src/dojang/policy/fuzz-corpus/csr_fuzz";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().filename().string().rfind(prefix, 0) == 0) {
            files.push_back(entry.path());
        }
    }
    return files;
}

TEST(CsrCorpus, ParsesEverySeedWithAValidSignature) {
    const auto seeds = corpus("seed-");
    ASSERT_GE(seeds.size(), 3U);
    for (const auto& file : seeds) {
        auto csr = pkix::Csr::parse(*read_file(file.string()));
        ASSERT_TRUE(csr.has_value()) << file << ": " << csr.error().describe();
        EXPECT_TRUE(csr->has_valid_signature()) << file;
    }
}

TEST(CsrCorpus, TheRsaSeedsMeetTheIndividualProfile) {
    const auto profile = built_in_profiles("1.2.410.200005", "http://localhost").front();
    const auto seeds = corpus("seed-openssl-rsa");
    ASSERT_GE(seeds.size(), 2U);
    for (const auto& file : seeds) {
        auto csr = pkix::Csr::parse(*read_file(file.string()));
        ASSERT_TRUE(csr.has_value()) << file;
        EXPECT_TRUE(check_request(*csr, csr->subject(), profile).empty()) << file;
    }
}

TEST(CsrCorpus, RejectsEveryMalformedInputAsInvalidRequest) {
    const auto malformed = corpus("bad-");
    ASSERT_GE(malformed.size(), 10U);
    for (const auto& file : malformed) {
        auto csr = pkix::Csr::parse(*read_file(file.string()));
        ASSERT_FALSE(csr.has_value()) << file;
        EXPECT_EQ(csr.error().kind, ErrorKind::invalid_request) << file;
        EXPECT_EQ(csr.error().code, "CSR_MALFORMED") << file;
    }
}

}  // namespace
}  // namespace dojang::policy
