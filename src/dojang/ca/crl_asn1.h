/* SPDX-License-Identifier: Apache-2.0 */
/* The CRL structures of RFC 5280 5.1 as OpenSSL templates, with the revokedCertificates list
 * carried as one already encoded value, so that a CRL of a million entries is encoded once
 * (X509_CRL encodes its whole TBSCertList once to sign it and again to write it). Used for
 * encoding only: the fields point at objects owned elsewhere. */
#pragma once

#include <openssl/asn1.h>
#include <openssl/asn1t.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TBSCertList ::= SEQUENCE { version Version OPTIONAL, signature AlgorithmIdentifier,
 *   issuer Name, thisUpdate Time, nextUpdate Time OPTIONAL,
 *   revokedCertificates SEQUENCE OF SEQUENCE {...} OPTIONAL (here: its encoding, as ANY),
 *   crlExtensions [0] EXPLICIT Extensions OPTIONAL } */
typedef struct dojang_tbs_cert_list_st {
    ASN1_INTEGER* version;
    X509_ALGOR* signature;
    X509_NAME* issuer;
    ASN1_TIME* this_update;
    ASN1_TIME* next_update;
    ASN1_TYPE* revoked_certificates;
    STACK_OF(X509_EXTENSION) * extensions;
} DOJANG_TBS_CERT_LIST;
DECLARE_ASN1_ITEM(DOJANG_TBS_CERT_LIST)

/* CertificateList ::= SEQUENCE { tbsCertList TBSCertList (here: its encoding, as ANY),
 *   signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING } */
typedef struct dojang_certificate_list_st {
    ASN1_TYPE* tbs_cert_list;
    X509_ALGOR* signature_algorithm;
    ASN1_BIT_STRING* signature_value;
} DOJANG_CERTIFICATE_LIST;
DECLARE_ASN1_ITEM(DOJANG_CERTIFICATE_LIST)

#ifdef __cplusplus
}
#endif
