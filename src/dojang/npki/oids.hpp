// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/crypto/openssl.hpp"

#include <openssl/objects.h>

#include <string>

namespace dojang::npki {

/// identifyData, the otherName type of the subjectAltName (KISA KCAC.TS.SIVID).
inline constexpr const char* identify_data_oid = "1.2.410.200004.10.1.1";
/// VID, the userInfo type inside IdentifyData.
inline constexpr const char* vid_oid = "1.2.410.200004.10.1.1.1";
/// EncryptedVID, the CRMF regInfo of the Korean CMP clients: VID and R encrypted to the CA.
inline constexpr const char* encrypted_vid_oid = "1.2.410.200004.10.1.1.2";
/// randomNum, the PKCS#8 attribute holding R.
inline constexpr const char* random_num_oid = "1.2.410.200004.10.1.1.3";

namespace detail {

/// The ASN1_OBJECT of a dotted OID (numeric form only, never a name lookup).
inline Result<crypto::Asn1ObjectPtr> oid_object(const char* dotted) {
    crypto::Asn1ObjectPtr object(OBJ_txt2obj(dotted, 1));
    if (!object) {
        return crypto::openssl_failure(
            ErrorKind::internal, "OID_INVALID", std::string{"cannot encode OID "} + dotted);
    }
    return object;
}

/// The dotted form of an ASN1_OBJECT ("" if it cannot be printed).
inline std::string oid_text(const ASN1_OBJECT* object) {
    const int length = OBJ_obj2txt(nullptr, 0, object, 1);
    if (length <= 0) {
        return {};
    }
    std::string text(static_cast<std::size_t>(length) + 1, '\0');
    OBJ_obj2txt(text.data(), length + 1, object, 1);
    text.resize(static_cast<std::size_t>(length));
    return text;
}

}  // namespace detail
}  // namespace dojang::npki
