/* SPDX-License-Identifier: Apache-2.0 */
/* ASN.1 types of the KISA identity binding (KCAC.TS.SIVID), as OpenSSL templates. */
#pragma once

#include <openssl/asn1.h>
#include <openssl/asn1t.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* HashContent ::= SEQUENCE { idn PrintableString, randomNum BIT STRING } */
typedef struct dojang_hash_content_st {
    ASN1_PRINTABLESTRING* idn;
    ASN1_BIT_STRING* random_num;
} DOJANG_HASH_CONTENT;
DECLARE_ASN1_FUNCTIONS(DOJANG_HASH_CONTENT)

/* VID ::= SEQUENCE { hashAlg AlgorithmIdentifier, virtualID [0] EXPLICIT OCTET STRING } */
typedef struct dojang_vid_st {
    X509_ALGOR* hash_alg;
    ASN1_OCTET_STRING* virtual_id;
} DOJANG_VID;
DECLARE_ASN1_FUNCTIONS(DOJANG_VID)

/* UserInfo ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY DEFINED BY type } (a VID when
 * type is 1.2.410.200004.10.1.1.1). */
typedef struct dojang_user_info_st {
    ASN1_OBJECT* type;
    ASN1_TYPE* value;
} DOJANG_USER_INFO;
DECLARE_ASN1_FUNCTIONS(DOJANG_USER_INFO)

/* IdentifyData ::= SEQUENCE { realName UTF8String, userInfo SEQUENCE OF UserInfo } */
typedef struct dojang_identify_data_st {
    ASN1_UTF8STRING* real_name;
    STACK_OF(DOJANG_USER_INFO) * user_info;
} DOJANG_IDENTIFY_DATA;
DECLARE_ASN1_FUNCTIONS(DOJANG_IDENTIFY_DATA)

/* Number of userInfo entries. */
int dojang_identify_data_user_info_count(const DOJANG_IDENTIFY_DATA* data);
/* The userInfo entry at `index` (owned by `data`), or NULL when out of range. */
DOJANG_USER_INFO* dojang_identify_data_user_info(const DOJANG_IDENTIFY_DATA* data, int index);
/* Appends `info`; on success `data` owns it (returns 1), on failure the caller still does (0). */
int dojang_identify_data_push_user_info(DOJANG_IDENTIFY_DATA* data, DOJANG_USER_INFO* info);

#ifdef __cplusplus
}
#endif
