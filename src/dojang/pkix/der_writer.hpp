// SPDX-License-Identifier: Apache-2.0
#pragma once
// DER for the few messages OpenSSL cannot build itself: a Korean CMP header with pvno 0 or 1 and
// a desMAC protection, around a body OpenSSL encoded. Every identifier, length and primitive
// value is encoded by OpenSSL (ASN1_put_object, i2d_*); this only puts them in order.

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/pkix/der.hpp"

#include <cstdint>
#include <initializer_list>
#include <span>

namespace dojang::pkix {

/// One value: its identifier and definite length, then `contents` (X.690 8.1).
Result<Bytes> der_value(TagClass tag_class,
                        std::uint32_t tag,
                        bool constructed,
                        std::span<const std::uint8_t> contents);
/// SEQUENCE of the members, each already DER.
Result<Bytes> der_sequence_of(std::initializer_list<std::span<const std::uint8_t>> members);
/// [tag] EXPLICIT around one value that is already DER.
Result<Bytes> der_explicit(std::uint32_t tag, std::span<const std::uint8_t> inner);
Result<Bytes> der_integer_value(std::int64_t value);
Result<Bytes> der_octet_string_value(std::span<const std::uint8_t> octets);
/// A BIT STRING of whole octets (no unused bits), as a MAC or a signature is carried.
Result<Bytes> der_bit_string_value(std::span<const std::uint8_t> octets);
/// GeneralizedTime in UTC, whole seconds ("YYYYMMDDHHMMSSZ", X.690 11.7).
Result<Bytes> der_generalized_time(Seconds at);

}  // namespace dojang::pkix
