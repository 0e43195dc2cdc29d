// SPDX-License-Identifier: Apache-2.0
// Test support for notify: free loopback ports, a real SMTP server (Debian's aiosmtpd) run as
// a child process, Maildir counting, and decoding mail with Python's email package.
#pragma once

#include "dojang/testing/testing.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;  // NOLINT: POSIX

namespace dojang::notify::test {

/// The Python that sees Debian's packages (the first python3 on PATH may be another one).
inline constexpr const char* system_python = "/usr/bin/python3";

/// A loopback port that was free a moment ago (bound to 0, read back, closed).
inline std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (fd < 0 || ::bind(fd, generic, sizeof(address)) != 0 ||
        ::getsockname(fd, generic, &length) != 0) {
        ADD_FAILURE() << "cannot find a free port";
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

/// True once something accepts TCP connections on the loopback `port`, polling up to `bound`.
inline bool wait_for_listener(std::uint16_t port,
                              std::chrono::milliseconds bound = std::chrono::seconds{30}) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
        const bool connected =
            ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
        ::close(fd);
        if (connected) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return false;
}

/// Files delivered into a Maildir (its new/ folder); 0 when it does not exist yet.
inline std::size_t maildir_count(const std::string& maildir) {
    std::error_code error;
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(maildir + "/new", error)) {
        count += entry.is_regular_file() ? 1U : 0U;
    }
    return count;
}

/// The paths of the files in a Maildir's new/ folder.
inline std::vector<std::string> maildir_files(const std::string& maildir) {
    std::error_code error;
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(maildir + "/new", error)) {
        files.push_back(entry.path().string());
    }
    return files;
}

/// A real SMTP server on 127.0.0.1:`port`: `python3 -m aiosmtpd` with the Maildir handler,
/// stopped (SIGTERM, then reaped) on destruction.
class SmtpServer {
public:
    SmtpServer(std::uint16_t port, std::string maildir) : maildir_(std::move(maildir)) {
        const std::string listen = "127.0.0.1:" + std::to_string(port);
        std::vector<std::string> args{system_python,
                                      "-m",
                                      "aiosmtpd",
                                      "-n",
                                      "-l",
                                      listen,
                                      "-c",
                                      "aiosmtpd.handlers.Mailbox",
                                      maildir_};
        std::vector<char*> argv;
        for (auto& arg : args) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        if (::posix_spawn(&pid_, system_python, nullptr, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
            ADD_FAILURE() << "cannot start aiosmtpd";
            return;
        }
        ready_ = wait_for_listener(port);
    }
    ~SmtpServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    SmtpServer(const SmtpServer&) = delete;
    SmtpServer& operator=(const SmtpServer&) = delete;

    /// True once the server accepted a connection.
    [[nodiscard]] bool ready() const { return ready_; }
    /// Messages it has delivered so far.
    [[nodiscard]] std::size_t received() const { return maildir_count(maildir_); }

private:
    std::string maildir_;
    pid_t pid_ = -1;
    bool ready_ = false;
};

/// A message decoded by Python's email package (testdata/read_email.py).
struct DecodedEmail {
    std::string subject;
    std::string from_name;
    std::string from_address;
    std::string message_id;
    std::string content_type;
    std::string body;
};

/// Decodes the message in `path`; fails the test when Python cannot.
inline DecodedEmail decode_email(const std::string& path) {
    std::string output;
    const int status = testing::run("PYTHONIOENCODING=utf-8 " + std::string(system_python) + " " +
                                        testing::source_dir() +
                                        "/src/dojang/notify/testdata/read_email.py '" + path + "'",
                                    &output);
    EXPECT_EQ(status, 0) << output;
    DecodedEmail decoded;
    std::vector<std::string*> fields{&decoded.subject,
                                     &decoded.from_name,
                                     &decoded.from_address,
                                     &decoded.message_id,
                                     &decoded.content_type};
    std::size_t start = 0;
    for (std::string* field : fields) {
        const std::size_t end = output.find('\n', start);
        if (end == std::string::npos) {
            ADD_FAILURE() << "short output: " << output;
            return decoded;
        }
        *field = output.substr(start, end - start);
        start = end + 1;
    }
    decoded.body = output.substr(start);
    return decoded;
}

}  // namespace dojang::notify::test
