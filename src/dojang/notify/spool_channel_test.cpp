// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/spool_channel.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/notify/test_support.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>

namespace dojang::notify {
namespace {

const Seconds t0{std::chrono::seconds{1'700'000'000}};

store::OutboxMessage message(std::string channel, std::string destination) {
    return store::OutboxMessage{
        .id = 12,
        .dedupe_key = "otp:app-7:1",
        .channel = std::move(channel),
        .destination = std::move(destination),
        .subject = "[도장] 인증번호 안내",
        .body = "[도장] 인증번호는 482913입니다.",
        .application_id = "app-7",
        .status = store::OutboxStatus::pending,
        .attempts = 0,
        .next_attempt_at = t0,
        .last_error = {},
        .created_at = t0,
        .sent_at = std::nullopt,
    };
}

std::string read_text(const std::string& path) {
    auto bytes = read_file(path);
    EXPECT_TRUE(bytes.has_value()) << path;
    return bytes ? std::string(bytes->begin(), bytes->end()) : std::string{};
}

/// Captures the default logger's output while alive.
class CapturedLog {
public:
    CapturedLog() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    }
    ~CapturedLog() { spdlog::set_default_logger(previous_); }
    CapturedLog(const CapturedLog&) = delete;
    CapturedLog& operator=(const CapturedLog&) = delete;
    [[nodiscard]] std::string text() const { return stream_.str(); }

private:
    std::shared_ptr<spdlog::logger> previous_;
    std::ostringstream stream_;
};

TEST(SpoolChannel, WritesAnEmailAsAFileAPersonCanRead) {
    testing::TempDir dir;
    const ManualClock clock(t0);
    SpoolChannel spool(dir.path(), "notice@dojang.example", "도장", clock);
    const auto outgoing = message("email", "hong@example.com");

    ASSERT_TRUE(spool.send(outgoing).has_value());

    const std::string path = dir.path() + "/spool/email/12-otp=3Aapp-7=3A1.eml";
    EXPECT_EQ(spool.path_for(outgoing), path);
    const auto decoded = test::decode_email(path);
    EXPECT_EQ(decoded.subject, "[도장] 인증번호 안내");
    EXPECT_EQ(decoded.body, "[도장] 인증번호는 482913입니다.");
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0600U) << "the file holds a one-time code";
    for (const std::string& folder : {dir.path() + "/spool", dir.path() + "/spool/email"}) {
        ASSERT_EQ(::stat(folder.c_str(), &info), 0);
        EXPECT_EQ(info.st_mode & 0777U, 0700U) << folder << " lists who was sent what";
    }
}

TEST(SpoolChannel, WritesAnSmsAsText) {
    testing::TempDir dir;
    const ManualClock clock(t0);
    SpoolChannel spool(dir.path(), "notice@dojang.example", "", clock);

    ASSERT_TRUE(spool.send(message("sms", "010-1234-5678")).has_value());

    EXPECT_EQ(read_text(dir.path() + "/spool/sms/12.txt"),
              "To: 01012345678\n\n[도장] 인증번호는 482913입니다.\n");
}

TEST(SpoolChannel, ReplacesTheFileWhenAMessageIsSpooledAgain) {
    testing::TempDir dir;
    const ManualClock clock(t0);
    SpoolChannel spool(dir.path(), "notice@dojang.example", "", clock);
    auto outgoing = message("sms", "01012345678");
    ASSERT_TRUE(spool.send(outgoing).has_value());
    outgoing.body = "second";

    ASSERT_TRUE(spool.send(outgoing).has_value());

    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator(dir.path() + "/spool/sms")) {
        ++files;
    }
    EXPECT_EQ(files, 1U);
    EXPECT_EQ(read_text(dir.path() + "/spool/sms/12.txt"), "To: 01012345678\n\nsecond\n");
}

TEST(SpoolChannel, LogsTheFileButNeverTheText) {
    testing::TempDir dir;
    const ManualClock clock(t0);
    SpoolChannel spool(dir.path(), "notice@dojang.example", "", clock);
    const CapturedLog log;

    ASSERT_TRUE(spool.send(message("sms", "01012345678")).has_value());
    ASSERT_TRUE(spool.send(message("email", "hong@example.com")).has_value());

    EXPECT_NE(log.text().find("/spool/sms/12.txt"), std::string::npos) << log.text();
    EXPECT_EQ(log.text().find("482913"), std::string::npos) << log.text();
}

TEST(SpoolChannel, RefusesWhatTheRealChannelsWouldRefuse) {
    testing::TempDir dir;
    const ManualClock clock(t0);
    SpoolChannel spool(dir.path(), "notice@dojang.example", "", clock);

    auto bad_email = spool.send(message("email", "not an address"));
    auto bad_phone = spool.send(message("sms", "call me"));
    auto bad_channel = spool.send(message("pigeon", "roof"));

    ASSERT_FALSE(bad_email.has_value());
    EXPECT_EQ(bad_email.error().kind, ErrorKind::invalid_request);
    ASSERT_FALSE(bad_phone.has_value());
    EXPECT_EQ(bad_phone.error().kind, ErrorKind::invalid_request);
    ASSERT_FALSE(bad_channel.has_value());
    EXPECT_EQ(bad_channel.error().kind, ErrorKind::invalid_request);
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/spool/email"));
}

TEST(SpoolChannel, ReportsAnUnwritableFolderAsRetryable) {
    testing::TempDir dir;
    const ManualClock clock(t0);
    ASSERT_TRUE(
        write_file_atomic(dir.path() + "/spool", to_bytes("a file, not a folder")).has_value());
    SpoolChannel spool(dir.path(), "notice@dojang.example", "", clock);

    auto sent = spool.send(message("sms", "01012345678"));

    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::unavailable);
}

}  // namespace
}  // namespace dojang::notify
