/* SPDX-License-Identifier: Apache-2.0 */
/* ASN.1 types of the KISA identity binding (KCAC.TS.SIVID), as OpenSSL templates. */
#pragma once

#include <openssl/asn1.h>
#include <openssl/asn1t.h>
#include <openssl/pkcs7.h>
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

/* EncryptedVID (korea.md, regInfo 1.2.410.200004.10.1.1.2 of a CRMF request):
 * SEQUENCE { version [0] EXPLICIT INTEGER DEFAULT 0, vidHashAlg [1] EXPLICIT AlgorithmIdentifier
 * OPTIONAL, vidEncAlg [2] EXPLICIT AlgorithmIdentifier, certID [3] EXPLICIT
 * IssuerAndSerialNumber, encryptedVID [4] EXPLICIT OCTET STRING } */
typedef struct dojang_encrypted_vid_st {
    ASN1_INTEGER* version;
    X509_ALGOR* vid_hash_alg;
    X509_ALGOR* vid_enc_alg;
    PKCS7_ISSUER_AND_SERIAL* cert_id;
    ASN1_OCTET_STRING* encrypted_vid;
} DOJANG_ENCRYPTED_VID;
DECLARE_ASN1_FUNCTIONS(DOJANG_ENCRYPTED_VID)

/* What encryptedVID encrypts: SEQUENCE { vid VID, randomNum BIT STRING } */
typedef struct dojang_vid_and_random_num_st {
    DOJANG_VID* vid;
    ASN1_BIT_STRING* random_num;
} DOJANG_VID_AND_RANDOM_NUM;
DECLARE_ASN1_FUNCTIONS(DOJANG_VID_AND_RANDOM_NUM)

/* regInfo of a CRMF CertReqMsg (RFC 4211 6): SEQUENCE SIZE (1..MAX) OF AttributeTypeAndValue,
 * which has the shape of UserInfo (type OID, value ANY). */
typedef STACK_OF(DOJANG_USER_INFO) DOJANG_REG_INFO;
DECLARE_ASN1_FUNCTIONS(DOJANG_REG_INFO)
int dojang_reg_info_count(const DOJANG_REG_INFO* info);
DOJANG_USER_INFO* dojang_reg_info_value(const DOJANG_REG_INFO* info, int index);
/* Appends `entry`; on success `info` owns it (returns 1), on failure the caller still does. */
int dojang_reg_info_push(DOJANG_REG_INFO* info, DOJANG_USER_INFO* entry);

#ifdef __cplusplus
}
#endif
