// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: config::parse() on arbitrary text never crashes or throws, and every
// rejection is an invalid_request.
#include "dojang/config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(data, data + size);
    try {
        auto config = dojang::config::parse(text, "fuzz.toml");
        if (!config && config.error().kind != dojang::ErrorKind::invalid_request) {
            __builtin_trap();
        }
    } catch (...) {
        __builtin_trap();  // exceptions never leave the adapter (style.md, "Errors")
    }
    return 0;
}
