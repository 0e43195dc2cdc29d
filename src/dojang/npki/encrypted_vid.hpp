// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/vid.hpp"

#include <openssl/crmf.h>
#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <span>

namespace dojang::npki {

using CrmfMsgPtr = crypto::Owned<OSSL_CRMF_MSG, OSSL_CRMF_MSG_free>;

/// The VID and R a holder's client claims (what an EncryptedVID carries): the CA recomputes
/// the VID from R and the number in its register and signs only when both agree.
struct ClaimedVid {
    HashAlgorithm algorithm = HashAlgorithm::sha256;
    Bytes vid;         ///< H(H(HashContent)) with `algorithm`
    Bytes random_num;  ///< R, 20 bytes, as kept in the key file
};

/// DER of an EncryptedVID (korea.md) for `claim`: `DER(SEQUENCE { vid VID, randomNum BIT
/// STRING })` encrypted with RSAES-PKCS1-v1_5 to the RSA key of `recipient` (the CA's VID
/// encryption certificate), which certID names by issuer and serial. What a Korean CMP client
/// puts in regInfo. invalid_request when `claim` is malformed or `recipient` has no RSA key.
Result<Bytes> seal_vid(const ClaimedVid& claim, const X509* recipient);

/// Opens an EncryptedVID with `key`, the private key of `recipient`. invalid_request
/// ENCRYPTED_VID_INVALID with a readable reason when the structure, the version, the
/// algorithms or certID (another certificate) are wrong; one generic reason for every failure
/// after decryption (padding, content), so that the answer says nothing about the plaintext.
Result<ClaimedVid> open_vid(std::span<const std::uint8_t> der,
                            const X509* recipient,
                            EVP_PKEY* key);

/// The value (DER of the ANY) of the regInfo entry of type `oid` (dotted) of a CRMF request,
/// or nullopt when it has none. invalid_request REG_INFO_INVALID when regInfo cannot be read or
/// names `oid` twice. (OpenSSL 3.0's OSSL_CRMF_MSG_get0_regInfo_utf8Pairs looks in the
/// controls instead, so regInfo is read here.)
Result<std::optional<Bytes>> reg_info_value(const OSSL_CRMF_MSG* request, const char* oid);

/// A copy of `request` with a regInfo entry of type `oid` and value `value` (DER) appended. The
/// proof of possession signs only certReq, so it stays valid. OpenSSL 3.0 cannot add such an
/// entry itself.
Result<CrmfMsgPtr> with_reg_info(const OSSL_CRMF_MSG* request,
                                 const char* oid,
                                 std::span<const std::uint8_t> value);

}  // namespace dojang::npki
