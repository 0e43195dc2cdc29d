// SPDX-License-Identifier: Apache-2.0
#include "dojang/core/ids.hpp"

namespace dojang {

Result<SerialNumber> SerialNumber::from_bytes(const Bytes& magnitude) {
    std::size_t first = 0;
    while (first < magnitude.size() && magnitude[first] == 0) {
        ++first;
    }
    if (first == magnitude.size()) {
        return fail(
            ErrorKind::invalid_request, "SERIAL_INVALID", "a serial number must be positive");
    }
    const Bytes trimmed(magnitude.begin() + static_cast<std::ptrdiff_t>(first), magnitude.end());
    // The DER INTEGER needs a leading zero octet when the top bit is set; that octet counts
    // towards the 20-octet limit.
    const std::size_t der_octets = trimmed.size() + ((trimmed.front() & 0x80U) != 0 ? 1 : 0);
    if (der_octets > 20) {
        return fail(ErrorKind::invalid_request,
                    "SERIAL_INVALID",
                    "a serial number must not be longer than 20 octets");
    }
    return SerialNumber(to_hex(trimmed));
}

Result<SerialNumber> SerialNumber::from_hex(std::string_view hex) {
    std::string digits;
    digits.reserve(hex.size());
    for (const char c : hex) {
        if (c != ':') {
            digits.push_back(c);
        }
    }
    if (digits.size() % 2 != 0) {
        digits.insert(digits.begin(), '0');
    }
    auto bytes = dojang::from_hex(digits);
    if (!bytes) {
        return fail(
            ErrorKind::invalid_request, "SERIAL_INVALID", "a serial number must be hexadecimal");
    }
    return from_bytes(*bytes);
}

Bytes SerialNumber::bytes() const {
    auto bytes = dojang::from_hex(hex_);
    return bytes ? *bytes : Bytes{};
}

}  // namespace dojang
