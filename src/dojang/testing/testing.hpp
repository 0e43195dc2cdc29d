// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace dojang::testing {

/// A fresh temporary folder, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// Root of the source tree (from DOJANG_SOURCE_DIR set by CTest).
std::string source_dir();
/// Root of the build tree (from DOJANG_BINARY_DIR set by CTest).
std::string binary_dir();
/// `tests/vectors` in the source tree; throws, naming the path, when it is missing.
std::string vectors_dir();

/// Runs a shell command; returns its exit status and stores stdout+stderr in `output`.
int run(const std::string& command, std::string* output = nullptr);

}  // namespace dojang::testing
