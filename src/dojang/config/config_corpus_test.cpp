// SPDX-License-Identifier: Apache-2.0
// Replays config_fuzz's corpus (a valid file, broken TOML, malformed DER) without libFuzzer.
#include "dojang/config/config.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace dojang::config {
namespace {

std::vector<std::filesystem::path> corpus(const std::string& prefix) {
    std::vector<std::filesystem::path> files;
    const auto dir =
        std::filesystem::path(testing::source_dir()) / "src/dojang/config/fuzz-corpus/config_fuzz";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().filename().string().rfind(prefix, 0) == 0) {
            files.push_back(entry.path());
        }
    }
    return files;
}

std::string text_of(const std::filesystem::path& file) {
    const Bytes bytes = *read_file(file.string());
    return {bytes.begin(), bytes.end()};
}

TEST(ConfigCorpus, ParsesEverySeed) {
    const auto seeds = corpus("seed-");
    ASSERT_GE(seeds.size(), 1U);
    for (const auto& file : seeds) {
        auto config = parse(text_of(file), file.filename().string());
        EXPECT_TRUE(config.has_value()) << file << ": " << config.error().describe();
    }
}

TEST(ConfigCorpus, RejectsEveryMalformedInputAsInvalidRequest) {
    const auto malformed = corpus("bad-");
    ASSERT_GE(malformed.size(), 10U);
    for (const auto& file : malformed) {
        auto config = parse(text_of(file), file.filename().string());
        ASSERT_FALSE(config.has_value()) << file;
        EXPECT_EQ(config.error().kind, ErrorKind::invalid_request) << file;
    }
}

}  // namespace
}  // namespace dojang::config
