// SPDX-License-Identifier: Apache-2.0
#include "dojang/npki/identify_data.hpp"

#include "dojang/npki/asn1_types.h"
#include "dojang/npki/oids.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <limits>
#include <utility>
#include <vector>

namespace dojang::npki {
namespace {

using IdentifyDataPtr = crypto::Owned<DOJANG_IDENTIFY_DATA, DOJANG_IDENTIFY_DATA_free>;
using UserInfoPtr = crypto::Owned<DOJANG_USER_INFO, DOJANG_USER_INFO_free>;
using VidPtr = crypto::Owned<DOJANG_VID, DOJANG_VID_free>;
using GeneralNamePtr = crypto::Owned<GENERAL_NAME, GENERAL_NAME_free>;
using Asn1TypePtr = crypto::Owned<ASN1_TYPE, ASN1_TYPE_free>;

// Large enough for any name on a certificate, small enough that nothing downstream chokes.
constexpr std::size_t max_real_name_bytes = 1024;

tl::unexpected<Error> malformed(std::string detail) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request, "IDENTIFY_DATA_INVALID", std::move(detail));
}

tl::unexpected<Error> build_failure() {
    return crypto::openssl_failure(
        ErrorKind::internal, "ASN1_FAILED", "cannot build the identifyData subjectAltName");
}

// realName is a UTF8String: well-formed UTF-8, no surrogates, no NUL (C consumers would cut
// the name there).
bool is_utf8_text(std::span<const std::uint8_t> text) {
    std::size_t at = 0;
    while (at < text.size()) {
        unsigned long code_point = 0;
        const int used =
            UTF8_getc(text.data() + at, static_cast<int>(text.size() - at), &code_point);
        if (used <= 0 || code_point == 0 || code_point > 0x10FFFF ||
            (code_point >= 0xD800 && code_point <= 0xDFFF)) {
            return false;
        }
        at += static_cast<std::size_t>(used);
    }
    return true;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};  // NOLINT
}

Result<VidPtr> build_vid(std::span<const std::uint8_t> vid, HashAlgorithm algorithm) {
    VidPtr value(DOJANG_VID_new());
    auto hash_object = detail::oid_object(std::string{oid_of(algorithm)}.c_str());
    if (!value || !hash_object) {
        return build_failure();
    }
    // RFC 5754 §2: "the parameters field MUST be absent" when a SHA-2 AlgorithmIdentifier is
    // generated; the certificates KISA clients verify carry it absent too.
    if (X509_ALGOR_set0(value->hash_alg, hash_object->get(), V_ASN1_UNDEF, nullptr) != 1) {
        return build_failure();
    }
    static_cast<void>(hash_object->release());
    const int set =
        ASN1_OCTET_STRING_set(value->virtual_id, vid.data(), static_cast<int>(vid.size()));
    if (set != 1) {
        return build_failure();
    }
    return value;
}

Result<IdentifyDataPtr> build_identify_data(std::string_view real_name,
                                            std::span<const std::uint8_t> vid,
                                            HashAlgorithm algorithm) {
    auto vid_value = build_vid(vid, algorithm);
    DOJANG_TRY(vid_value);
    UserInfoPtr info(DOJANG_USER_INFO_new());
    auto vid_object = detail::oid_object(vid_oid);
    if (!info || !vid_object) {
        return build_failure();
    }
    ASN1_OBJECT_free(info->type);
    info->type = vid_object->release();
    if (ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(DOJANG_VID), vid_value->get(), &info->value) ==
        nullptr) {
        return build_failure();
    }

    IdentifyDataPtr data(DOJANG_IDENTIFY_DATA_new());
    if (!data) {
        return build_failure();
    }
    const int name_set =
        ASN1_STRING_set(data->real_name, real_name.data(), static_cast<int>(real_name.size()));
    if (name_set != 1) {
        return build_failure();
    }
    if (dojang_identify_data_push_user_info(data.get(), info.get()) != 1) {
        return build_failure();
    }
    static_cast<void>(info.release());
    return data;
}

Result<crypto::GeneralNamesPtr> build_general_names(std::string_view real_name,
                                                    std::span<const std::uint8_t> vid,
                                                    HashAlgorithm algorithm) {
    auto data = build_identify_data(real_name, vid, algorithm);
    DOJANG_TRY(data);
    // OTHERNAME ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }: the [0] is
    // OpenSSL's, the ANY is our IdentifyData SEQUENCE.
    Asn1TypePtr value(
        ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(DOJANG_IDENTIFY_DATA), data->get(), nullptr));
    auto type_id = detail::oid_object(identify_data_oid);
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!value || !type_id || !name) {
        return build_failure();
    }
    if (GENERAL_NAME_set0_othername(name.get(), type_id->get(), value.get()) != 1) {
        return build_failure();
    }
    static_cast<void>(type_id->release());
    static_cast<void>(value.release());

    crypto::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    if (!names || sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) {
        return build_failure();
    }
    static_cast<void>(name.release());
    return names;
}

std::vector<Violation> check_san_input(std::string_view real_name,
                                       std::span<const std::uint8_t> vid,
                                       HashAlgorithm algorithm) {
    std::vector<Violation> violations;
    if (real_name.empty() || real_name.size() > max_real_name_bytes ||
        !is_utf8_text(bytes_of(real_name))) {
        violations.push_back(
            {"REAL_NAME_INVALID", "realName must be 1 to 1024 bytes of UTF-8 text without NUL"});
    }
    const std::size_t expected = vid_size(algorithm);
    if (vid.size() != expected) {
        violations.push_back({"VID_INVALID",
                              "the VID must be " + std::to_string(expected) + " bytes for " +
                                  std::string{oid_of(algorithm)} + "; got " +
                                  std::to_string(vid.size())});
    }
    return violations;
}

// Decodes exactly the bytes of `value` (an ANY holding a SEQUENCE) as IdentifyData or VID.
template <typename T, T* (*D2i)(T**, const unsigned char**, long), void (*Free)(T*)>
crypto::Owned<T, Free> unpack_exact(const ASN1_TYPE* value) {
    if (value == nullptr || ASN1_TYPE_get(value) != V_ASN1_SEQUENCE ||
        value->value.sequence == nullptr) {
        return nullptr;
    }
    const unsigned char* at = ASN1_STRING_get0_data(value->value.sequence);
    const long length = ASN1_STRING_length(value->value.sequence);
    const unsigned char* end = at + length;
    crypto::Owned<T, Free> decoded(D2i(nullptr, &at, length));
    if (at != end) {
        return nullptr;
    }
    return decoded;
}

Result<IdentifyData> read_vid(const DOJANG_USER_INFO* info, std::string real_name) {
    auto vid = unpack_exact<DOJANG_VID, d2i_DOJANG_VID, DOJANG_VID_free>(info->value);
    if (!vid) {
        return malformed("the VID in identifyData is not a SEQUENCE { hashAlg, [0] virtualID }");
    }
    const ASN1_OBJECT* hash_object = nullptr;
    int parameter_type = V_ASN1_UNDEF;
    X509_ALGOR_get0(&hash_object, &parameter_type, nullptr, vid->hash_alg);
    // RFC 5754 §2: "Implementations MUST accept SHA2 AlgorithmIdentifiers with absent
    // parameters. Implementations MUST accept SHA2 AlgorithmIdentifiers with NULL parameters."
    if (parameter_type != V_ASN1_UNDEF && parameter_type != V_ASN1_NULL) {
        return malformed("the VID's hashAlg has parameters; a hash takes none");
    }
    IdentifyData data;
    data.real_name = std::move(real_name);
    data.hash_oid = detail::oid_text(hash_object);
    const int nid = OBJ_obj2nid(hash_object);
    data.hash_name = nid != NID_undef ? OBJ_nid2sn(nid) : data.hash_oid;
    data.hash_algorithm = hash_algorithm_of(data.hash_oid);
    const unsigned char* virtual_id = ASN1_STRING_get0_data(vid->virtual_id);
    data.vid.assign(virtual_id, virtual_id + ASN1_STRING_length(vid->virtual_id));
    if (data.vid.empty()) {
        return malformed("the VID's virtualID is empty");
    }
    if (data.hash_algorithm && data.vid.size() != vid_size(*data.hash_algorithm)) {
        return malformed("the VID's virtualID has " + std::to_string(data.vid.size()) +
                         " bytes, not the length of a " + data.hash_name + " digest");
    }
    return data;
}

}  // namespace

Result<Bytes> identify_data_san(std::string_view real_name,
                                std::span<const std::uint8_t> vid,
                                HashAlgorithm algorithm) {
    auto violations = check_san_input(real_name, vid, algorithm);
    if (!violations.empty()) {
        Error error{ErrorKind::invalid_request,
                    violations.front().code,
                    violations.front().detail,
                    {},
                    std::move(violations)};
        return tl::unexpected(std::move(error));
    }
    auto names = build_general_names(real_name, vid, algorithm);
    DOJANG_TRY(names);
    return crypto::to_der(names->get(), i2d_GENERAL_NAMES);
}

Result<crypto::X509ExtPtr> identify_data_extension(std::string_view real_name,
                                                   std::span<const std::uint8_t> vid,
                                                   HashAlgorithm algorithm) {
    auto der = identify_data_san(real_name, vid, algorithm);
    DOJANG_TRY(der);
    crypto::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    if (!value ||
        ASN1_OCTET_STRING_set(value.get(), der->data(), static_cast<int>(der->size())) != 1) {
        return build_failure();
    }
    // RFC 5280 §4.2.1.6: only a certificate with an empty subject needs a critical
    // subjectAltName; Korean certificates always name their subject.
    crypto::X509ExtPtr extension(
        X509_EXTENSION_create_by_NID(nullptr, NID_subject_alt_name, 0, value.get()));
    if (!extension) {
        return build_failure();
    }
    return extension;
}

Result<IdentifyData> parse_identify_data(const Bytes& san_der) {
    if (san_der.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        return malformed("the subjectAltName is too large");
    }
    // 1. GeneralNames, all of the input and nothing else.
    const unsigned char* at = san_der.data();
    const unsigned char* end = at + san_der.size();
    crypto::GeneralNamesPtr names(
        d2i_GENERAL_NAMES(nullptr, &at, static_cast<long>(san_der.size())));
    if (!names || at != end) {
        return malformed("the subjectAltName is not a DER GeneralNames");
    }

    // 2. Exactly one otherName of type identifyData.
    auto identify_object = detail::oid_object(identify_data_oid);
    DOJANG_TRY(identify_object);
    ASN1_TYPE* identify_value = nullptr;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        ASN1_OBJECT* type_id = nullptr;
        ASN1_TYPE* value = nullptr;
        if (GENERAL_NAME_get0_otherName(sk_GENERAL_NAME_value(names.get(), i), &type_id, &value) !=
                1 ||
            OBJ_cmp(type_id, identify_object->get()) != 0) {
            continue;
        }
        if (identify_value != nullptr) {
            return malformed("the subjectAltName has more than one identifyData");
        }
        identify_value = value;
    }
    if (identify_value == nullptr) {
        return fail(ErrorKind::invalid_request,
                    "IDENTIFY_DATA_MISSING",
                    "the subjectAltName has no identifyData (1.2.410.200004.10.1.1) otherName");
    }

    // 3. IdentifyData ::= SEQUENCE { realName UTF8String, userInfo SEQUENCE OF UserInfo }.
    auto data =
        unpack_exact<DOJANG_IDENTIFY_DATA, d2i_DOJANG_IDENTIFY_DATA, DOJANG_IDENTIFY_DATA_free>(
            identify_value);
    if (!data) {
        return malformed("identifyData is not a SEQUENCE { realName UTF8String, userInfo }");
    }
    const std::span<const std::uint8_t> name_bytes(
        ASN1_STRING_get0_data(data->real_name),
        static_cast<std::size_t>(ASN1_STRING_length(data->real_name)));
    if (!is_utf8_text(name_bytes)) {
        return malformed("identifyData's realName is not UTF-8 text");
    }
    std::string real_name(name_bytes.begin(), name_bytes.end());

    // 4. Exactly one userInfo of type VID.
    auto vid_object = detail::oid_object(vid_oid);
    DOJANG_TRY(vid_object);
    const DOJANG_USER_INFO* vid_info = nullptr;
    for (int i = 0; i < dojang_identify_data_user_info_count(data.get()); ++i) {
        const DOJANG_USER_INFO* info = dojang_identify_data_user_info(data.get(), i);
        if (info == nullptr || OBJ_cmp(info->type, vid_object->get()) != 0) {
            continue;
        }
        if (vid_info != nullptr) {
            return malformed("identifyData has more than one VID");
        }
        vid_info = info;
    }
    if (vid_info == nullptr) {
        return malformed("identifyData has no VID (1.2.410.200004.10.1.1.1) in userInfo");
    }
    return read_vid(vid_info, std::move(real_name));
}

Result<bool> vid_matches(const IdentifyData& data,
                         std::string_view idn,
                         std::span<const std::uint8_t> random_num) {
    if (!data.hash_algorithm) {
        return fail(ErrorKind::invalid_request,
                    "HASH_ALGORITHM_UNSUPPORTED",
                    "the VID is hashed with " + data.hash_name + ", which dojang cannot recompute");
    }
    auto expected = compute_vid(idn, random_num, *data.hash_algorithm);
    DOJANG_TRY(expected);
    if (expected->size() != data.vid.size()) {
        return false;
    }
    return CRYPTO_memcmp(expected->data(), data.vid.data(), data.vid.size()) == 0;
}

}  // namespace dojang::npki
