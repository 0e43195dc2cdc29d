// SPDX-License-Identifier: Apache-2.0
#include "dojang/pkix/der_writer.hpp"

#include "dojang/crypto/openssl.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>

#include <climits>

namespace dojang::pkix {
namespace {

using IntegerPtr = crypto::Owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using OctetsPtr = crypto::Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using BitsPtr = crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using TimePtr = crypto::Owned<ASN1_GENERALIZEDTIME, ASN1_GENERALIZEDTIME_free>;

tl::unexpected<Error> encoding_failed() {
    return crypto::openssl_failure(
        ErrorKind::internal, "DER_ENCODING_FAILED", "cannot encode a DER value");
}

int class_bits(TagClass tag_class) {
    switch (tag_class) {
        case TagClass::universal:
            return V_ASN1_UNIVERSAL;
        case TagClass::application:
            return V_ASN1_APPLICATION;
        case TagClass::context_specific:
            return V_ASN1_CONTEXT_SPECIFIC;
        case TagClass::private_use:
            return V_ASN1_PRIVATE;
    }
    return V_ASN1_UNIVERSAL;
}

/// i2d of one OpenSSL object into bytes.
template <typename T, int (*Encode)(const T*, unsigned char**)>
Result<Bytes> encoded(const T* value) {
    if (value == nullptr) {
        return encoding_failed();
    }
    const int size = Encode(value, nullptr);
    if (size <= 0) {
        return encoding_failed();
    }
    Bytes out(static_cast<std::size_t>(size));
    unsigned char* cursor = out.data();
    if (Encode(value, &cursor) != size) {
        return encoding_failed();
    }
    return out;
}

}  // namespace

Result<Bytes> der_value(TagClass tag_class,
                        std::uint32_t tag,
                        bool constructed,
                        std::span<const std::uint8_t> contents) {
    if (contents.size() > INT_MAX / 2 || tag > INT_MAX) {
        return fail(ErrorKind::invalid_request, "DER_TOO_LARGE", "a DER value is too large");
    }
    const int length = static_cast<int>(contents.size());
    const int whole = ASN1_object_size(constructed ? 1 : 0, length, static_cast<int>(tag));
    if (whole <= 0) {
        return encoding_failed();
    }
    Bytes out(static_cast<std::size_t>(whole));
    unsigned char* cursor = out.data();
    ASN1_put_object(
        &cursor, constructed ? 1 : 0, length, static_cast<int>(tag), class_bits(tag_class));
    const auto header = static_cast<std::size_t>(cursor - out.data());
    if (header + contents.size() != out.size()) {
        return encoding_failed();
    }
    std::copy(contents.begin(), contents.end(), out.begin() + static_cast<std::ptrdiff_t>(header));
    return out;
}

Result<Bytes> der_sequence_of(std::initializer_list<std::span<const std::uint8_t>> members) {
    Bytes contents;
    for (const auto member : members) {
        contents.insert(contents.end(), member.begin(), member.end());
    }
    return der_value(TagClass::universal, der_sequence, true, contents);
}

Result<Bytes> der_explicit(std::uint32_t tag, std::span<const std::uint8_t> inner) {
    return der_value(TagClass::context_specific, tag, true, inner);
}

Result<Bytes> der_integer_value(std::int64_t value) {
    IntegerPtr integer(ASN1_INTEGER_new());
    if (!integer || ASN1_INTEGER_set_int64(integer.get(), value) != 1) {
        return encoding_failed();
    }
    return encoded<ASN1_INTEGER, i2d_ASN1_INTEGER>(integer.get());
}

Result<Bytes> der_octet_string_value(std::span<const std::uint8_t> octets) {
    OctetsPtr string(ASN1_OCTET_STRING_new());
    if (!string || octets.size() > INT_MAX ||
        ASN1_OCTET_STRING_set(string.get(), octets.data(), static_cast<int>(octets.size())) != 1) {
        return encoding_failed();
    }
    return encoded<ASN1_OCTET_STRING, i2d_ASN1_OCTET_STRING>(string.get());
}

Result<Bytes> der_bit_string_value(std::span<const std::uint8_t> octets) {
    BitsPtr bits(ASN1_BIT_STRING_new());
    if (!bits || octets.size() > INT_MAX ||
        ASN1_BIT_STRING_set(bits.get(),
                            const_cast<unsigned char*>(octets.data()),  // NOLINT: copied
                            static_cast<int>(octets.size())) != 1) {
        return encoding_failed();
    }
    // Whole octets: no trailing zero bit is dropped (X.690 11.2.2 applies to named bits only);
    // BITS_LEFT with 0 in the low bits tells i2d there are no unused bits.
    bits->flags = (bits->flags & ~0x07L) | ASN1_STRING_FLAG_BITS_LEFT;
    return encoded<ASN1_BIT_STRING, i2d_ASN1_BIT_STRING>(bits.get());
}

Result<Bytes> der_generalized_time(Seconds at) {
    TimePtr time(ASN1_GENERALIZEDTIME_set(nullptr, at.time_since_epoch().count()));
    if (!time) {
        return encoding_failed();
    }
    return encoded<ASN1_GENERALIZEDTIME, i2d_ASN1_GENERALIZEDTIME>(time.get());
}

}  // namespace dojang::pkix
