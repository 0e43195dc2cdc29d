// SPDX-License-Identifier: Apache-2.0
// Replays ocsp_request_fuzz's corpus (seeds and known-malformed DER) without libFuzzer.
#include "dojang/ocsp/test_fuzz_responder.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace dojang::ocsp {
namespace {

const std::filesystem::path corpus_dir() {
    return std::filesystem::path(testing::source_dir()) /
           "src/dojang/ocsp/fuzz-corpus/ocsp_request_fuzz";
}

bool starts_with(const std::filesystem::path& file, const std::string& prefix) {
    return file.filename().string().rfind(prefix, 0) == 0;
}

class OcspRequestCorpus : public ::testing::Test {
protected:
    static void SetUpTestSuite() { rig_ = new fuzzing::Rig(); }  // NOLINT: one per suite
    static void TearDownTestSuite() {
        delete rig_;  // NOLINT
        rig_ = nullptr;
    }

    /// The reading of the answer to the corpus file `file`, markers replaced.
    static fuzzing::Reading answer_file(const std::filesystem::path& file, Bytes* request) {
        *request = rig_->with_run_values(*read_file(file.string()));
        const auto answer = rig_->responder().answer(*request);
        return fuzzing::read_response(*answer.der);
    }

    static fuzzing::Rig* rig_;  // NOLINT: shared by the suite, built once (key generation)
};

fuzzing::Rig* OcspRequestCorpus::rig_ = nullptr;

TEST_F(OcspRequestCorpus, HasSeedsAndMalformedInputs) {
    int seeds = 0;
    int malformed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir())) {
        seeds += starts_with(entry.path(), "seed-") ? 1 : 0;
        malformed += starts_with(entry.path(), "bad-") ? 1 : 0;
    }
    EXPECT_GE(seeds, 3);
    EXPECT_GE(malformed, 10);
}

TEST_F(OcspRequestCorpus, AnswersOurSeedsGood) {
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir())) {
        if (!starts_with(entry.path(), "seed-ours-")) {
            continue;
        }
        Bytes request;
        const auto reading = answer_file(entry.path(), &request);
        EXPECT_TRUE(rig_->is_for_our_certificate(request)) << entry.path();
        EXPECT_EQ(reading.status, OCSP_RESPONSE_STATUS_SUCCESSFUL) << entry.path();
        EXPECT_TRUE(reading.any_good) << entry.path();
        ++checked;
    }
    EXPECT_GE(checked, 2);
}

TEST_F(OcspRequestCorpus, AnswersOtherIssuersSeedsUnauthorized) {
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir())) {
        if (!starts_with(entry.path(), "seed-") || starts_with(entry.path(), "seed-ours-")) {
            continue;
        }
        Bytes request;
        const auto reading = answer_file(entry.path(), &request);
        EXPECT_EQ(reading.status, OCSP_RESPONSE_STATUS_UNAUTHORIZED) << entry.path();
        ++checked;
    }
    EXPECT_GE(checked, 1);
}

TEST_F(OcspRequestCorpus, AnswersMalformedInputsWithAProtocolError) {
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir())) {
        if (!starts_with(entry.path(), "bad-")) {
            continue;
        }
        Bytes request;
        const auto reading = answer_file(entry.path(), &request);
        ASSERT_TRUE(reading.parsed) << entry.path();
        EXPECT_TRUE(reading.status == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST ||
                    reading.status == OCSP_RESPONSE_STATUS_UNAUTHORIZED)
            << entry.path() << ": status " << reading.status;
        EXPECT_FALSE(reading.any_good) << entry.path();
    }
}

TEST_F(OcspRequestCorpus, NeverSaysGoodForAnythingElseInTheCorpus) {
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir())) {
        Bytes request;
        const auto reading = answer_file(entry.path(), &request);
        ASSERT_TRUE(reading.parsed) << entry.path();
        if (reading.status == OCSP_RESPONSE_STATUS_SUCCESSFUL && reading.any_good) {
            EXPECT_TRUE(rig_->is_for_our_certificate(request)) << entry.path();
        }
    }
}

}  // namespace
}  // namespace dojang::ocsp
