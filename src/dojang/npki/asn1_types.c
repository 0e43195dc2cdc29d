/* SPDX-License-Identifier: Apache-2.0 */
#include "dojang/npki/asn1_types.h"

DEFINE_STACK_OF(DOJANG_USER_INFO)

ASN1_SEQUENCE(DOJANG_HASH_CONTENT) =
    {
        ASN1_SIMPLE(DOJANG_HASH_CONTENT, idn, ASN1_PRINTABLESTRING),
        ASN1_SIMPLE(DOJANG_HASH_CONTENT, random_num, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(DOJANG_HASH_CONTENT) IMPLEMENT_ASN1_FUNCTIONS(DOJANG_HASH_CONTENT)

        ASN1_SEQUENCE(DOJANG_VID) =
            {
                ASN1_SIMPLE(DOJANG_VID, hash_alg, X509_ALGOR),
                ASN1_EXP(DOJANG_VID, virtual_id, ASN1_OCTET_STRING, 0),
} ASN1_SEQUENCE_END(DOJANG_VID) IMPLEMENT_ASN1_FUNCTIONS(DOJANG_VID)

                ASN1_SEQUENCE(DOJANG_USER_INFO) =
                    {
                        ASN1_SIMPLE(DOJANG_USER_INFO, type, ASN1_OBJECT),
                        ASN1_SIMPLE(DOJANG_USER_INFO, value, ASN1_ANY),
} ASN1_SEQUENCE_END(DOJANG_USER_INFO) IMPLEMENT_ASN1_FUNCTIONS(DOJANG_USER_INFO)

                        ASN1_SEQUENCE(DOJANG_IDENTIFY_DATA) =
                            {
                                ASN1_SIMPLE(DOJANG_IDENTIFY_DATA, real_name, ASN1_UTF8STRING),
                                ASN1_SEQUENCE_OF(DOJANG_IDENTIFY_DATA, user_info, DOJANG_USER_INFO),
} ASN1_SEQUENCE_END(DOJANG_IDENTIFY_DATA) IMPLEMENT_ASN1_FUNCTIONS(DOJANG_IDENTIFY_DATA)

                                int dojang_identify_data_user_info_count(
                                    const DOJANG_IDENTIFY_DATA* data) {
    return sk_DOJANG_USER_INFO_num(data->user_info);
}

DOJANG_USER_INFO* dojang_identify_data_user_info(const DOJANG_IDENTIFY_DATA* data, int index) {
    return sk_DOJANG_USER_INFO_value(data->user_info, index);
}

int dojang_identify_data_push_user_info(DOJANG_IDENTIFY_DATA* data, DOJANG_USER_INFO* info) {
    return sk_DOJANG_USER_INFO_push(data->user_info, info) > 0;
}

ASN1_SEQUENCE(DOJANG_ENCRYPTED_VID) =
    {
        ASN1_EXP_OPT(DOJANG_ENCRYPTED_VID, version, ASN1_INTEGER, 0),
        ASN1_EXP_OPT(DOJANG_ENCRYPTED_VID, vid_hash_alg, X509_ALGOR, 1),
        ASN1_EXP(DOJANG_ENCRYPTED_VID, vid_enc_alg, X509_ALGOR, 2),
        ASN1_EXP(DOJANG_ENCRYPTED_VID, cert_id, PKCS7_ISSUER_AND_SERIAL, 3),
        ASN1_EXP(DOJANG_ENCRYPTED_VID, encrypted_vid, ASN1_OCTET_STRING, 4),
} ASN1_SEQUENCE_END(DOJANG_ENCRYPTED_VID) IMPLEMENT_ASN1_FUNCTIONS(DOJANG_ENCRYPTED_VID)

        ASN1_SEQUENCE(DOJANG_VID_AND_RANDOM_NUM) =
            {
                ASN1_SIMPLE(DOJANG_VID_AND_RANDOM_NUM, vid, DOJANG_VID),
                ASN1_SIMPLE(DOJANG_VID_AND_RANDOM_NUM, random_num, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(DOJANG_VID_AND_RANDOM_NUM) IMPLEMENT_ASN1_FUNCTIONS(DOJANG_VID_AND_RANDOM_NUM)

                ASN1_ITEM_TEMPLATE(DOJANG_REG_INFO) =
                    ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, reg_info, DOJANG_USER_INFO)
                        ASN1_ITEM_TEMPLATE_END(DOJANG_REG_INFO)
                            IMPLEMENT_ASN1_FUNCTIONS(DOJANG_REG_INFO)

                                int dojang_reg_info_count(const DOJANG_REG_INFO* info) {
    return sk_DOJANG_USER_INFO_num(info);
}

DOJANG_USER_INFO* dojang_reg_info_value(const DOJANG_REG_INFO* info, int index) {
    return sk_DOJANG_USER_INFO_value(info, index);
}

int dojang_reg_info_push(DOJANG_REG_INFO* info, DOJANG_USER_INFO* entry) {
    return sk_DOJANG_USER_INFO_push(info, entry) > 0;
}
