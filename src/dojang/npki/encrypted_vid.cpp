// SPDX-License-Identifier: Apache-2.0
#include "dojang/npki/encrypted_vid.hpp"

#include "dojang/npki/asn1_types.h"
#include "dojang/npki/oids.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <string>
#include <utility>

namespace dojang::npki {
namespace {

using EncryptedVidPtr = crypto::Owned<DOJANG_ENCRYPTED_VID, DOJANG_ENCRYPTED_VID_free>;
using VidAndRandomNumPtr = crypto::Owned<DOJANG_VID_AND_RANDOM_NUM, DOJANG_VID_AND_RANDOM_NUM_free>;
using RegInfoPtr = crypto::Owned<DOJANG_REG_INFO, DOJANG_REG_INFO_free>;
using UserInfoPtr = crypto::Owned<DOJANG_USER_INFO, DOJANG_USER_INFO_free>;
using TypePtr = crypto::Owned<ASN1_TYPE, ASN1_TYPE_free>;

void free_sequence(ASN1_SEQUENCE_ANY* sequence) {
    sk_ASN1_TYPE_pop_free(sequence, ASN1_TYPE_free);
}
using SequencePtr = crypto::Owned<ASN1_SEQUENCE_ANY, free_sequence>;

// One text for a wrong key, bad padding and an unexpected content alike (no padding oracle),
// so it names both causes.
constexpr const char* unreadable_text =
    "the EncryptedVID cannot be opened with the CA's key, or what it holds is not SEQUENCE { VID "
    "{ hashAlg, virtualID [0] OCTET STRING }, randomNum BIT STRING }; encrypt it to the "
    "certificate at /ca/vid.pem (암호화된 VID 를 풀 수 없거나 형식이 올바르지 않습니다)";

tl::unexpected<Error> bad_reg_info(std::string detail) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request, "REG_INFO_INVALID", std::move(detail));
}

tl::unexpected<Error> invalid(std::string detail) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request, "ENCRYPTED_VID_INVALID", std::move(detail));
}

/// Decodes all of `der` with `d2i`; null when it is not exactly one such value.
template <typename Ptr, typename T>
Ptr decode_exactly(std::span<const std::uint8_t> der, T* (*d2i)(T**, const unsigned char**, long)) {
    const unsigned char* cursor = der.data();
    Ptr decoded(d2i(nullptr, &cursor, static_cast<long>(der.size())));
    if (decoded && cursor != der.data() + der.size()) {
        decoded.reset();
    }
    return decoded;
}

/// An AlgorithmIdentifier for a hash, parameters absent (RFC 5754 2).
bool set_hash_algorithm(X509_ALGOR* algorithm, HashAlgorithm hash) {
    auto object = detail::oid_object(std::string(oid_of(hash)).c_str());
    if (!object || X509_ALGOR_set0(algorithm, object->get(), V_ASN1_UNDEF, nullptr) != 1) {
        return false;
    }
    static_cast<void>(object->release());
    return true;
}

/// The hash of an AlgorithmIdentifier with absent or NULL parameters, if dojang computes VIDs
/// with it.
std::optional<HashAlgorithm> hash_of(const X509_ALGOR* algorithm) {
    const ASN1_OBJECT* object = nullptr;
    int parameter_type = V_ASN1_UNDEF;
    X509_ALGOR_get0(&object, &parameter_type, nullptr, algorithm);
    if (parameter_type != V_ASN1_UNDEF && parameter_type != V_ASN1_NULL) {
        return std::nullopt;
    }
    return hash_algorithm_of(detail::oid_text(object));
}

bool names_certificate(const PKCS7_ISSUER_AND_SERIAL* id, const X509* certificate) {
    return X509_NAME_cmp(id->issuer, X509_get_issuer_name(certificate)) == 0 &&
           ASN1_INTEGER_cmp(id->serial, X509_get0_serialNumber(certificate)) == 0;
}

/// The elements of a CertReqMsg (certReq, popo, regInfo) and the index of regInfo, the one
/// universal SEQUENCE after certReq (popo is a context-tagged CHOICE).
Result<std::pair<SequencePtr, int>> crmf_elements(const OSSL_CRMF_MSG* request) {
    auto der = crypto::to_der(request, i2d_OSSL_CRMF_MSG);
    DOJANG_TRY(der);
    SequencePtr elements = decode_exactly<SequencePtr>(*der, d2i_ASN1_SEQUENCE_ANY);
    if (!elements || sk_ASN1_TYPE_num(elements.get()) < 1) {
        return bad_reg_info("the CRMF request cannot be read");
    }
    int reg_info = -1;
    for (int i = 1; i < sk_ASN1_TYPE_num(elements.get()); ++i) {
        if (ASN1_TYPE_get(sk_ASN1_TYPE_value(elements.get(), i)) == V_ASN1_SEQUENCE) {
            reg_info = i;
        }
    }
    return std::pair{std::move(elements), reg_info};
}

std::span<const std::uint8_t> encoding_of(const ASN1_TYPE* sequence) {
    return {ASN1_STRING_get0_data(sequence->value.sequence),
            static_cast<std::size_t>(ASN1_STRING_length(sequence->value.sequence))};
}

}  // namespace

Result<Bytes> seal_vid(const ClaimedVid& claim, const X509* recipient) {
    if (claim.random_num.size() != random_num_size) {
        return invalid("randomNum (R) must be exactly 20 bytes");
    }
    if (claim.vid.size() != vid_size(claim.algorithm)) {
        return invalid("the VID has the wrong length for its hash algorithm");
    }
    EVP_PKEY* public_key = X509_get0_pubkey(recipient);
    if (public_key == nullptr || EVP_PKEY_is_a(public_key, "RSA") != 1) {
        return invalid("the VID encryption certificate must carry an RSA key");
    }
    VidAndRandomNumPtr content(DOJANG_VID_AND_RANDOM_NUM_new());
    if (!content || !set_hash_algorithm(content->vid->hash_alg, claim.algorithm) ||
        ASN1_OCTET_STRING_set(
            content->vid->virtual_id, claim.vid.data(), static_cast<int>(claim.vid.size())) != 1 ||
        ASN1_BIT_STRING_set(content->random_num,
                            const_cast<unsigned char*>(claim.random_num.data()),
                            static_cast<int>(claim.random_num.size())) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "EncryptedVID");
    }
    // Whole bytes: 0 unused bits, as in the key file (ASN1_BIT_STRING_set leaves the flags).
    content->random_num->flags &= ~0x07L;
    content->random_num->flags |= ASN1_STRING_FLAG_BITS_LEFT;
    auto plain = crypto::to_der(content.get(), i2d_DOJANG_VID_AND_RANDOM_NUM);
    DOJANG_TRY(plain);
    const SecretBytes plaintext(std::move(*plain));
    crypto::PkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, public_key, nullptr));
    std::size_t length = 0;
    if (!context || EVP_PKEY_encrypt_init(context.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_encrypt(
            context.get(), nullptr, &length, plaintext.bytes().data(), plaintext.size()) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCRYPT_FAILED", "EncryptedVID");
    }
    Bytes ciphertext(length);
    if (EVP_PKEY_encrypt(context.get(),
                         ciphertext.data(),
                         &length,
                         plaintext.bytes().data(),
                         plaintext.size()) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCRYPT_FAILED", "EncryptedVID");
    }
    ciphertext.resize(length);

    EncryptedVidPtr sealed(DOJANG_ENCRYPTED_VID_new());
    if (!sealed) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "EncryptedVID");
    }
    // version DEFAULT 0 stays absent (DER); vidHashAlg names the VID's hash.
    sealed->vid_hash_alg = X509_ALGOR_new();  // optional, so `new` left it null
    if (sealed->vid_hash_alg == nullptr ||
        !set_hash_algorithm(sealed->vid_hash_alg, claim.algorithm) ||
        X509_ALGOR_set0(
            sealed->vid_enc_alg, OBJ_nid2obj(NID_rsaEncryption), V_ASN1_NULL, nullptr) != 1 ||
        X509_NAME_set(&sealed->cert_id->issuer, X509_get_issuer_name(recipient)) != 1 ||
        ASN1_STRING_copy(sealed->cert_id->serial, X509_get0_serialNumber(recipient)) != 1 ||
        ASN1_OCTET_STRING_set(
            sealed->encrypted_vid, ciphertext.data(), static_cast<int>(ciphertext.size())) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "EncryptedVID");
    }
    return crypto::to_der(sealed.get(), i2d_DOJANG_ENCRYPTED_VID);
}

Result<ClaimedVid> open_vid(std::span<const std::uint8_t> der,
                            const X509* recipient,
                            EVP_PKEY* key) {
    auto sealed = decode_exactly<EncryptedVidPtr>(der, d2i_DOJANG_ENCRYPTED_VID);
    if (!sealed) {
        return invalid("the EncryptedVID is not DER of the structure in korea.md");
    }
    if (sealed->version != nullptr && ASN1_INTEGER_get(sealed->version) != 0) {
        return invalid("EncryptedVID version must be 0");
    }
    const ASN1_OBJECT* encryption = nullptr;
    X509_ALGOR_get0(&encryption, nullptr, nullptr, sealed->vid_enc_alg);
    if (OBJ_obj2nid(encryption) != NID_rsaEncryption) {
        return invalid("EncryptedVID vidEncAlg must be rsaEncryption (RSAES-PKCS1-v1_5)");
    }
    if (!names_certificate(sealed->cert_id, recipient)) {
        return invalid(
            "the EncryptedVID was encrypted to another certificate; use the one at /ca/vid.pem "
            "(다른 인증서로 암호화되었습니다)");
    }
    crypto::PkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    const auto* ciphertext = ASN1_STRING_get0_data(sealed->encrypted_vid);
    const auto ciphertext_size =
        static_cast<std::size_t>(ASN1_STRING_length(sealed->encrypted_vid));
    std::size_t length = 0;
    if (!context || EVP_PKEY_decrypt_init(context.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_decrypt(context.get(), nullptr, &length, ciphertext, ciphertext_size) != 1) {
        return invalid(unreadable_text);
    }
    std::vector<std::uint8_t> buffer(length);
    if (EVP_PKEY_decrypt(context.get(), buffer.data(), &length, ciphertext, ciphertext_size) != 1) {
        return invalid(unreadable_text);
    }
    buffer.resize(length);
    const SecretBytes plaintext(std::move(buffer));
    auto content =
        decode_exactly<VidAndRandomNumPtr>(plaintext.bytes(), d2i_DOJANG_VID_AND_RANDOM_NUM);
    if (!content) {
        return invalid(unreadable_text);
    }
    const auto algorithm = hash_of(content->vid->hash_alg);
    const ASN1_OCTET_STRING* vid = content->vid->virtual_id;
    const ASN1_BIT_STRING* random_num = content->random_num;
    if (!algorithm ||
        (sealed->vid_hash_alg != nullptr && hash_of(sealed->vid_hash_alg) != algorithm) ||
        static_cast<std::size_t>(ASN1_STRING_length(vid)) != vid_size(*algorithm) ||
        (random_num->flags & 0x07) != 0 ||
        static_cast<std::size_t>(ASN1_STRING_length(random_num)) != random_num_size) {
        return invalid(unreadable_text);
    }
    ClaimedVid claim;
    claim.algorithm = *algorithm;
    claim.vid.assign(ASN1_STRING_get0_data(vid),
                     ASN1_STRING_get0_data(vid) + ASN1_STRING_length(vid));
    claim.random_num.assign(ASN1_STRING_get0_data(random_num),
                            ASN1_STRING_get0_data(random_num) + ASN1_STRING_length(random_num));
    return claim;
}

Result<std::optional<Bytes>> reg_info_value(const OSSL_CRMF_MSG* request, const char* oid) {
    auto elements = crmf_elements(request);
    DOJANG_TRY(elements);
    if (elements->second < 0) {
        return std::optional<Bytes>{};
    }
    const ASN1_TYPE* element = sk_ASN1_TYPE_value(elements->first.get(), elements->second);
    auto reg_info = decode_exactly<RegInfoPtr>(encoding_of(element), d2i_DOJANG_REG_INFO);
    if (!reg_info) {
        return bad_reg_info("the regInfo of the CRMF request cannot be read");
    }
    std::optional<Bytes> found;
    for (int i = 0; i < dojang_reg_info_count(reg_info.get()); ++i) {
        const DOJANG_USER_INFO* entry = dojang_reg_info_value(reg_info.get(), i);
        if (detail::oid_text(entry->type) != oid) {
            continue;
        }
        if (found) {
            return bad_reg_info(std::string("regInfo names ") + oid + " more than once");
        }
        auto value = crypto::to_der(entry->value, i2d_ASN1_TYPE);
        DOJANG_TRY(value);
        found = std::move(*value);
    }
    return found;
}

Result<CrmfMsgPtr> with_reg_info(const OSSL_CRMF_MSG* request,
                                 const char* oid,
                                 std::span<const std::uint8_t> value_der) {
    auto elements = crmf_elements(request);
    DOJANG_TRY(elements);
    auto& [sequence, at] = *elements;
    RegInfoPtr reg_info(
        at >= 0 ? decode_exactly<RegInfoPtr>(encoding_of(sk_ASN1_TYPE_value(sequence.get(), at)),
                                             d2i_DOJANG_REG_INFO)
                      .release()
                : DOJANG_REG_INFO_new());
    UserInfoPtr entry(DOJANG_USER_INFO_new());
    auto object = detail::oid_object(oid);
    TypePtr value = decode_exactly<TypePtr>(value_der, d2i_ASN1_TYPE);
    if (!reg_info || !entry || !object || !value) {
        return bad_reg_info("the regInfo value or the request's regInfo cannot be read");
    }
    ASN1_OBJECT_free(entry->type);
    entry->type = object->release();
    ASN1_TYPE_free(entry->value);
    entry->value = value.release();
    if (dojang_reg_info_push(reg_info.get(), entry.get()) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "regInfo");
    }
    static_cast<void>(entry.release());
    auto reg_info_der = crypto::to_der(reg_info.get(), i2d_DOJANG_REG_INFO);
    DOJANG_TRY(reg_info_der);
    TypePtr element = decode_exactly<TypePtr>(*reg_info_der, d2i_ASN1_TYPE);
    if (!element) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "regInfo");
    }
    if (at >= 0) {
        ASN1_TYPE* replaced = sk_ASN1_TYPE_value(sequence.get(), at);
        sk_ASN1_TYPE_set(sequence.get(), at, element.release());  // returns the new value
        ASN1_TYPE_free(replaced);
    } else if (sk_ASN1_TYPE_push(sequence.get(), element.get()) > 0) {
        static_cast<void>(element.release());
    } else {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "CertReqMsg");
    }
    auto der = crypto::to_der(sequence.get(), i2d_ASN1_SEQUENCE_ANY);
    DOJANG_TRY(der);
    CrmfMsgPtr rebuilt = decode_exactly<CrmfMsgPtr>(*der, d2i_OSSL_CRMF_MSG);
    if (!rebuilt) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "CertReqMsg");
    }
    return rebuilt;
}

}  // namespace dojang::npki
