// SPDX-License-Identifier: Apache-2.0
// genm: the CA certificates.
#include "dojang/cmp/callbacks.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>

namespace dojang::cmp::detail {
namespace {

/// id-it-caCerts (RFC 9480 section 2.4); OpenSSL 3.0 has no NID for it.
constexpr const char* ca_certs_oid = "1.3.6.1.5.5.7.4.17";

}  // namespace

int on_general_message(OSSL_CMP_SRV_CTX* server,
                       const OSSL_CMP_MSG* /*request*/,
                       const STACK_OF(OSSL_CMP_ITAV) * /*in*/,
                       STACK_OF(OSSL_CMP_ITAV) * *out) {
    Server::Transaction& transaction = transaction_of(server);
    if (transaction.refusal) {
        return 0;
    }
    Bytes certificates = *transaction.services->issuing.certificate.der();
    for (const auto& above : transaction.services->issuing.chain) {
        const Bytes der = *above.der();
        certificates.insert(certificates.end(), der.begin(), der.end());
    }
    const int header_length = ASN1_object_size(1, static_cast<int>(certificates.size()), -1) -
                              static_cast<int>(certificates.size());
    Bytes sequence(static_cast<std::size_t>(header_length));
    unsigned char* cursor = sequence.data();
    ASN1_put_object(
        &cursor, 1, static_cast<int>(certificates.size()), V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
    sequence.insert(sequence.end(), certificates.begin(), certificates.end());
    ASN1_STRING* value = ASN1_STRING_type_new(V_ASN1_SEQUENCE);
    ASN1_TYPE* type = ASN1_TYPE_new();
    ASN1_OBJECT* oid = OBJ_txt2obj(ca_certs_oid, 1);
    STACK_OF(OSSL_CMP_ITAV)* itavs = sk_OSSL_CMP_ITAV_new_null();
    OSSL_CMP_ITAV* itav = nullptr;
    if (value != nullptr && type != nullptr && oid != nullptr && itavs != nullptr &&
        ASN1_STRING_set(value, sequence.data(), static_cast<int>(sequence.size())) == 1) {
        ASN1_TYPE_set(type, V_ASN1_SEQUENCE, value);
        value = nullptr;
        itav = OSSL_CMP_ITAV_create(oid, type);
    }
    if (itav == nullptr || sk_OSSL_CMP_ITAV_push(itavs, itav) == 0) {
        if (itav != nullptr) {
            OSSL_CMP_ITAV_free(itav);
        } else {
            ASN1_STRING_free(value);
            ASN1_TYPE_free(type);
            ASN1_OBJECT_free(oid);
        }
        sk_OSSL_CMP_ITAV_free(itavs);
        return 0;
    }
    *out = itavs;
    return 1;
}

}  // namespace dojang::cmp::detail
