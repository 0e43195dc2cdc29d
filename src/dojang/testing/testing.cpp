// SPDX-License-Identifier: Apache-2.0
#include "dojang/testing/testing.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace dojang::testing {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dojang-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string source_dir() {
    const char* dir = std::getenv("DOJANG_SOURCE_DIR");
    return dir != nullptr ? dir : ".";
}

std::string binary_dir() {
    const char* dir = std::getenv("DOJANG_BINARY_DIR");
    return dir != nullptr ? dir : "build";
}

std::string vectors_dir() {
    const std::string dir = source_dir() + "/tests/vectors";
    if (!std::filesystem::is_directory(dir)) {
        // GoogleTest reports the exception as the test's failure, with this text.
        throw std::runtime_error("test vectors not found at " + dir +
                                 " (set DOJANG_SOURCE_DIR to the source tree)");
    }
    return dir;
}

int run(const std::string& command, std::string* output) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return -1;
    }
    std::array<char, 4096> buffer{};
    std::string text;
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        text.append(buffer.data(), n);
    }
    const int status = ::pclose(pipe);
    if (output != nullptr) {
        *output = std::move(text);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace dojang::testing
