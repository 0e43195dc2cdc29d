// SPDX-License-Identifier: Apache-2.0
#include "dojang/npki/random_num.hpp"

#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/oids.hpp"
#include "dojang/npki/vid.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <string>

namespace dojang::npki {
namespace {

using AttributePtr = crypto::Owned<X509_ATTRIBUTE, X509_ATTRIBUTE_free>;
using BitStringPtr = crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;

tl::unexpected<Error> malformed(std::string detail) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request, "RANDOM_NUM_INVALID", std::move(detail));
}

/// R from the single value of a randomNum attribute: a BIT STRING with 0 unused bits, or an
/// OCTET STRING where `octet_string_too`.
Result<std::optional<Bytes>> value_of(X509_ATTRIBUTE* attribute, bool octet_string_too) {
    if (attribute == nullptr || X509_ATTRIBUTE_count(attribute) != 1) {
        return malformed("the randomNum attribute must hold exactly one value");
    }
    const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, 0);
    const int type = value == nullptr ? V_ASN1_UNDEF : ASN1_TYPE_get(value);
    const ASN1_STRING* string = nullptr;
    if (type == V_ASN1_BIT_STRING) {
        const ASN1_BIT_STRING* bits = value->value.bit_string;
        // KISA: randomNum is a BIT STRING of whole bytes. d2i records the unused-bit count in
        // the low three flag bits.
        if ((bits->flags & 0x07) != 0) {
            return malformed("the randomNum BIT STRING has unused bits");
        }
        string = bits;
    } else if (type == V_ASN1_OCTET_STRING && octet_string_too) {
        string = value->value.octet_string;
    } else {
        return malformed(octet_string_too
                             ? "the randomNum attribute is not a BIT STRING or an OCTET STRING"
                             : "the randomNum attribute is not a BIT STRING");
    }
    const unsigned char* data = ASN1_STRING_get0_data(string);
    Bytes random_num(data, data + ASN1_STRING_length(string));
    if (random_num.empty()) {
        return malformed("the randomNum attribute is empty");
    }
    return std::optional<Bytes>{std::move(random_num)};
}

/// The randomNum attribute holding R as a BIT STRING with 0 unused bits.
Result<AttributePtr> random_num_attribute(std::span<const std::uint8_t> random_num) {
    auto object = detail::oid_object(random_num_oid);
    BitStringPtr bits(ASN1_BIT_STRING_new());
    if (!object || !bits ||
        ASN1_STRING_set(bits.get(), random_num.data(), static_cast<int>(random_num.size())) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "ASN1_FAILED", "cannot build the randomNum attribute");
    }
    // 0 unused bits, stated explicitly: otherwise OpenSSL derives the count from R's last byte.
    bits->flags &= ~0x07L;
    bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
    // Length -1 makes OpenSSL copy the BIT STRING object itself, flags included.
    AttributePtr attribute(
        X509_ATTRIBUTE_create_by_OBJ(nullptr, object->get(), V_ASN1_BIT_STRING, bits.get(), -1));
    if (!attribute) {
        return crypto::openssl_failure(
            ErrorKind::internal, "ASN1_FAILED", "cannot build the randomNum attribute");
    }
    return attribute;
}

Result<void> check_size(std::span<const std::uint8_t> random_num) {
    if (random_num.size() != random_num_size) {
        return fail(ErrorKind::invalid_request,
                    "RANDOM_NUM_INVALID",
                    "randomNum must be exactly 20 bytes; got " + std::to_string(random_num.size()));
    }
    return ok();
}

}  // namespace

Result<std::optional<Bytes>> random_num_of(const PKCS8_PRIV_KEY_INFO* key) {
    auto object = detail::oid_object(random_num_oid);
    DOJANG_TRY(object);
    const STACK_OF(X509_ATTRIBUTE)* attributes = PKCS8_pkey_get0_attrs(key);
    const int index = X509at_get_attr_by_OBJ(attributes, object->get(), -1);
    if (index < 0) {
        return std::optional<Bytes>{};
    }
    if (X509at_get_attr_by_OBJ(attributes, object->get(), index) >= 0) {
        return malformed("the key has more than one randomNum attribute");
    }
    return value_of(X509at_get_attr(attributes, index), false);
}

Result<std::optional<Bytes>> random_num_of(const X509_REQ* request) {
    auto object = detail::oid_object(random_num_oid);
    DOJANG_TRY(object);
    const int index = X509_REQ_get_attr_by_OBJ(request, object->get(), -1);
    if (index < 0) {
        return std::optional<Bytes>{};
    }
    if (X509_REQ_get_attr_by_OBJ(request, object->get(), index) >= 0) {
        return malformed("the request has more than one randomNum attribute");
    }
    return value_of(X509_REQ_get_attr(request, index), true);
}

Result<void> set_random_num(PKCS8_PRIV_KEY_INFO* key, std::span<const std::uint8_t> random_num) {
    auto sized = check_size(random_num);
    if (!sized) {
        return sized;
    }
    auto existing = random_num_of(key);
    DOJANG_TRY(existing);
    if (existing->has_value()) {
        const Bytes& current = **existing;
        if (current.size() == random_num.size() &&
            CRYPTO_memcmp(current.data(), random_num.data(), current.size()) == 0) {
            return ok();
        }
        return fail(ErrorKind::conflict,
                    "RANDOM_NUM_PRESENT",
                    "the key already carries a different randomNum");
    }
    auto attribute = random_num_attribute(random_num);
    DOJANG_TRY(attribute);
    if (PKCS8_pkey_add1_attr(key, attribute->get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "ASN1_FAILED", "cannot add the randomNum attribute");
    }
    return ok();
}

Result<void> add_random_num(X509_REQ* request, std::span<const std::uint8_t> random_num) {
    auto sized = check_size(random_num);
    if (!sized) {
        return sized;
    }
    auto object = detail::oid_object(random_num_oid);
    DOJANG_TRY(object);
    if (X509_REQ_get_attr_by_OBJ(request, object->get(), -1) >= 0) {
        return fail(
            ErrorKind::conflict, "RANDOM_NUM_PRESENT", "the request already carries a randomNum");
    }
    auto attribute = random_num_attribute(random_num);
    DOJANG_TRY(attribute);
    if (X509_REQ_add1_attr(request, attribute->get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "ASN1_FAILED", "cannot add the randomNum attribute");
    }
    return ok();
}

}  // namespace dojang::npki
