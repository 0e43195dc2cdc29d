// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"

#include <compare>
#include <string>
#include <string_view>

namespace dojang {

/// A certificate serial number: positive, 1..20 octets of DER INTEGER content, kept as
/// canonical lower-case hex without leading zero octets (RFC 5280 section 4.1.2.2).
class SerialNumber {
public:
    /// Parses hex (colons allowed, either case); rejects zero, negative-looking or > 20 octets.
    static Result<SerialNumber> from_hex(std::string_view hex);
    /// From big-endian magnitude bytes (leading zeros are dropped).
    static Result<SerialNumber> from_bytes(const Bytes& magnitude);

    [[nodiscard]] const std::string& hex() const { return hex_; }
    [[nodiscard]] Bytes bytes() const;

    friend auto operator<=>(const SerialNumber&, const SerialNumber&) = default;

private:
    explicit SerialNumber(std::string hex) : hex_(std::move(hex)) {}
    std::string hex_;
};

/// Strongly typed string identifier; Tag makes each kind its own type.
template <typename Tag>
class StrongId {
public:
    StrongId() = default;
    explicit StrongId(std::string value) : value_(std::move(value)) {}
    [[nodiscard]] const std::string& str() const { return value_; }
    friend auto operator<=>(const StrongId&, const StrongId&) = default;

private:
    std::string value_;
};

using ProfileName = StrongId<struct ProfileNameTag>;
using CaName = StrongId<struct CaNameTag>;

}  // namespace dojang
