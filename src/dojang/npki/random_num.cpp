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

}  // namespace

Result<std::optional<Bytes>> random_num_of(const PKCS8_PRIV_KEY_INFO* key) {
    auto object = detail::oid_object(random_num_oid);
    if (!object) {
        return tl::unexpected(object.error());
    }
    const STACK_OF(X509_ATTRIBUTE)* attributes = PKCS8_pkey_get0_attrs(key);
    const int index = X509at_get_attr_by_OBJ(attributes, object->get(), -1);
    if (index < 0) {
        return std::optional<Bytes>{};
    }
    if (X509at_get_attr_by_OBJ(attributes, object->get(), index) >= 0) {
        return malformed("the key has more than one randomNum attribute");
    }
    X509_ATTRIBUTE* attribute = X509at_get_attr(attributes, index);
    if (X509_ATTRIBUTE_count(attribute) != 1) {
        return malformed("the randomNum attribute must hold exactly one value");
    }
    const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, 0);
    if (value == nullptr || ASN1_TYPE_get(value) != V_ASN1_BIT_STRING) {
        return malformed("the randomNum attribute is not a BIT STRING");
    }
    const ASN1_BIT_STRING* bits = value->value.bit_string;
    // KISA: randomNum is a BIT STRING of whole bytes. d2i records the unused-bit count in the
    // low three flag bits.
    if ((bits->flags & 0x07) != 0) {
        return malformed("the randomNum BIT STRING has unused bits");
    }
    const unsigned char* data = ASN1_STRING_get0_data(bits);
    Bytes random_num(data, data + ASN1_STRING_length(bits));
    if (random_num.empty()) {
        return malformed("the randomNum attribute is empty");
    }
    return std::optional<Bytes>{std::move(random_num)};
}

Result<void> set_random_num(PKCS8_PRIV_KEY_INFO* key, std::span<const std::uint8_t> random_num) {
    if (random_num.size() != random_num_size) {
        return fail(ErrorKind::invalid_request,
                    "RANDOM_NUM_INVALID",
                    "randomNum must be exactly 20 bytes; got " + std::to_string(random_num.size()));
    }
    auto existing = random_num_of(key);
    if (!existing) {
        return tl::unexpected(existing.error());
    }
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
    if (!attribute || PKCS8_pkey_add1_attr(key, attribute.get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "ASN1_FAILED", "cannot add the randomNum attribute");
    }
    return ok();
}

}  // namespace dojang::npki
