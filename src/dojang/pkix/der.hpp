// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one DER reader of dojang, for the few fields OpenSSL has no getter for (CMP's senderKID,
// extraCerts, …). It follows X.690's DER rules and nothing else: parsing of whole structures
// stays with OpenSSL.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace dojang::pkix {

/// The class of a tag (X.690 8.1.2.2).
enum class TagClass : std::uint8_t {
    universal = 0,
    application = 1,
    context_specific = 2,
    private_use = 3,
};

/// One tag-length-value read by read_der_value().
struct DerValue {
    TagClass tag_class = TagClass::universal;
    std::uint32_t tag = 0;
    bool constructed = false;
    std::span<const std::uint8_t> encoding;  ///< the whole TLV
    std::span<const std::uint8_t> contents;
    std::span<const std::uint8_t> rest;  ///< the bytes after it

    /// Whether this is a universal value of `number` (e.g. 16, SEQUENCE).
    [[nodiscard]] bool is_universal(std::uint32_t number) const {
        return tag_class == TagClass::universal && tag == number;
    }
};

/// ASN.1 universal tag numbers (X.680 8.4) that the callers look for.
inline constexpr std::uint32_t der_integer = 2;
inline constexpr std::uint32_t der_octet_string = 4;
inline constexpr std::uint32_t der_object_identifier = 6;
inline constexpr std::uint32_t der_sequence = 16;

/// Reads the value at the front of `input` under DER's rules: X.690 8.1.2.4.2 tag numbers in
/// their shortest form, 10.1 definite lengths in the fewest octets, 10.2 strings primitive (of
/// the universal types only SEQUENCE and SET are constructed). Nothing when it breaks one.
std::optional<DerValue> read_der_value(std::span<const std::uint8_t> input);

/// The values inside `value` (constructed), in order; nothing when one does not read.
std::optional<std::vector<DerValue>> der_members(const DerValue& value);

/// The member [tag] EXPLICIT (context-specific and constructed) of the SEQUENCE `sequence`,
/// looked for after its first `skip` members: those that are not tagged, or a CHOICE (a CMP
/// body, a GeneralName) whose own context tags must not be taken for the field's. Nothing when
/// `sequence` is not a SEQUENCE of DER values or has no such member.
std::optional<DerValue> explicit_field(std::span<const std::uint8_t> sequence,
                                       std::uint32_t tag,
                                       std::size_t skip);

/// The contents of `field` ([n] EXPLICIT) as the one value it must hold; nothing otherwise.
std::optional<DerValue> explicit_inner(const DerValue& field);

}  // namespace dojang::pkix
