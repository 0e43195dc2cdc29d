// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the encrypted key file reader on arbitrary bytes, with a small iteration cap
// so that every input is cheap.
#include "dojang/keystore/key_file.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr long max_iterations = 4096;
    const dojang::Bytes input(data, data + size);
    auto header = dojang::keystore::inspect_key_file(input, max_iterations);
    const dojang::SecretBytes password(std::string_view("WTuA8Ev0lWXVFSiI!"));
    auto key = dojang::keystore::read_key_file(input, password, max_iterations);
    // Whatever the header reader refuses, the full reader must refuse too.
    if (!header && key) {
        __builtin_trap();
    }
    if (key) {
        auto random_num = dojang::keystore::random_num_of(*key);
        (void)random_num;
    }
    return 0;
}
