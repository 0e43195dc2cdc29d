// SPDX-License-Identifier: Apache-2.0
#include "dojang/pkix/der.hpp"

#include <climits>

namespace dojang::pkix {

namespace {

constexpr std::uint8_t constructed_bit = 0x20;
constexpr std::uint8_t tag_number_mask = 0x1f;
constexpr std::uint8_t more_octets_bit = 0x80;
constexpr std::uint8_t long_length_bit = 0x80;
constexpr std::uint32_t universal_set = 17;

}  // namespace

std::optional<DerValue> read_der_value(std::span<const std::uint8_t> input) {
    std::size_t at = 0;
    if (input.empty()) {
        return std::nullopt;
    }
    const std::uint8_t identifier = input[at++];
    const bool constructed = (identifier & constructed_bit) != 0;
    const auto tag_class = static_cast<TagClass>(identifier >> 6U);
    std::uint32_t tag_number = identifier & tag_number_mask;
    if (tag_number == tag_number_mask) {
        // X.690 8.1.2.4.2: base-128 tag number, first octet not 0x80, and only for numbers
        // that do not fit the low form.
        tag_number = 0;
        std::uint8_t octet = 0;
        do {
            if (at == input.size() || tag_number > (UINT32_MAX >> 7U)) {
                return std::nullopt;
            }
            octet = input[at++];
            if (tag_number == 0 && octet == more_octets_bit) {
                return std::nullopt;
            }
            tag_number = (tag_number << 7U) | (octet & 0x7fU);
        } while ((octet & more_octets_bit) != 0);
        if (tag_number < tag_number_mask) {
            return std::nullopt;
        }
    }
    if (tag_class == TagClass::universal) {
        // Tag 0 is end-of-contents, which only closes indefinite lengths. X.690 10.2: DER
        // encodes strings primitive; of the universal types PKIX uses only SEQUENCE and SET
        // are constructed.
        const bool must_construct = tag_number == der_sequence || tag_number == universal_set;
        if (tag_number == 0 || constructed != must_construct) {
            return std::nullopt;
        }
    }
    if (at == input.size()) {
        return std::nullopt;
    }
    const std::uint8_t first = input[at++];
    std::size_t length = first;
    if ((first & long_length_bit) != 0) {
        // X.690 10.1: definite form (0x80 is indefinite) in the fewest octets.
        const std::size_t count = first & 0x7fU;
        if (count == 0 || count > sizeof(std::size_t) || count > input.size() - at ||
            input[at] == 0) {
            return std::nullopt;
        }
        length = 0;
        for (std::size_t i = 0; i < count; ++i) {
            length = (length << 8U) | input[at++];
        }
        if (length < long_length_bit) {
            return std::nullopt;
        }
    }
    if (length > input.size() - at) {
        return std::nullopt;
    }
    return DerValue{tag_class,
                    tag_number,
                    constructed,
                    input.first(at + length),
                    input.subspan(at, length),
                    input.subspan(at + length)};
}

std::optional<std::vector<DerValue>> der_members(const DerValue& value) {
    if (!value.constructed) {
        return std::nullopt;
    }
    std::vector<DerValue> members;
    std::span<const std::uint8_t> rest = value.contents;
    while (!rest.empty()) {
        auto member = read_der_value(rest);
        if (!member) {
            return std::nullopt;
        }
        rest = member->rest;
        members.push_back(*member);
    }
    return members;
}

std::optional<DerValue> explicit_field(std::span<const std::uint8_t> sequence,
                                       std::uint32_t tag,
                                       std::size_t skip) {
    const auto outer = read_der_value(sequence);
    if (!outer || !outer->is_universal(der_sequence)) {
        return std::nullopt;
    }
    const auto members = der_members(*outer);
    if (!members) {
        return std::nullopt;
    }
    for (std::size_t i = skip; i < members->size(); ++i) {
        const DerValue& member = (*members)[i];
        if (member.tag_class == TagClass::context_specific && member.tag == tag &&
            member.constructed) {
            return member;
        }
    }
    return std::nullopt;
}

std::optional<DerValue> explicit_inner(const DerValue& field) {
    const auto members = der_members(field);
    if (!members || members->size() != 1) {
        return std::nullopt;
    }
    return members->front();
}

}  // namespace dojang::pkix
