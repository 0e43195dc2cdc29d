// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the PKCS#12 reader on arbitrary bytes, with a small iteration cap so that
// every input is cheap.
#include "dojang/keystore/pkcs12.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr long max_iterations = 4096;
    const dojang::Bytes input(data, data + size);
    const dojang::SecretBytes password(std::string_view("WTuA8Ev0lWXVFSiI!"));
    auto contents = dojang::keystore::import_pkcs12(input, password, max_iterations);
    if (contents && (!contents->key || !contents->certificate)) {
        __builtin_trap();
    }
    return 0;
}
