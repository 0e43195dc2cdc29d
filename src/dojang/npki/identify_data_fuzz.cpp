// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: parse_identify_data() on arbitrary subjectAltName bytes.
#include "dojang/npki/identify_data.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const dojang::Bytes input(data, data + size);
    auto parsed = dojang::npki::parse_identify_data(input);
    if (parsed) {
        // Whatever parses must re-encode to a value that parses to the same binding.
        if (parsed->hash_algorithm && !parsed->real_name.empty() &&
            parsed->real_name.size() <= 1024) {
            auto again = dojang::npki::identify_data_san(
                parsed->real_name, parsed->vid, *parsed->hash_algorithm);
            if (again) {
                auto reparsed = dojang::npki::parse_identify_data(*again);
                if (!reparsed || reparsed->real_name != parsed->real_name ||
                    reparsed->vid != parsed->vid) {
                    __builtin_trap();
                }
            }
        }
    }
    return 0;
}
