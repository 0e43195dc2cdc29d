// SPDX-License-Identifier: Apache-2.0
#include "dojang/core/failpoint.hpp"

#include <csignal>
#include <cstdlib>
#include <string>

namespace dojang {

void failpoint(std::string_view name) {
    // Read once: the environment is not touched again, so no thread races a setenv.
    static const std::string armed = [] {
        const char* value = std::getenv("DOJANG_FAILPOINT");
        return std::string(value == nullptr ? "" : value);
    }();
    if (!armed.empty() && armed == name) {
        std::raise(SIGKILL);
    }
}

}  // namespace dojang
