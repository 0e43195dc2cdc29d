// SPDX-License-Identifier: Apache-2.0
#include "dojang/ca/x509_build.hpp"

#include "dojang/pkix/pkix.hpp"

#include <openssl/core_names.h>
#include <openssl/x509v3.h>

#include <array>

namespace dojang::ca {

namespace {

/// Serial, names and validity; the key is the caller's.
Result<crypto::X509Ptr> certificate_without_key(const SerialNumber& serial,
                                                const X509_NAME* subject,
                                                const X509_NAME* issuer,
                                                Seconds not_before,
                                                Seconds not_after) {
    crypto::X509Ptr cert(X509_new());
    auto serial_integer = pkix::to_asn1_integer(serial);
    DOJANG_TRY(serial_integer);
    const auto before = pkix::to_asn1_time(not_before);
    const auto after = pkix::to_asn1_time(not_after);
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_serialNumber(cert.get(), serial_integer->get()) != 1 ||
        X509_set_subject_name(cert.get(), subject) != 1 ||
        X509_set_issuer_name(cert.get(), issuer) != 1 || !before || !after ||
        X509_set1_notBefore(cert.get(), before.get()) != 1 ||
        X509_set1_notAfter(cert.get(), after.get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CERTIFICATE_BUILD_FAILED", "cannot build the certificate");
    }
    return cert;
}

/// Copies algorithm, parameters and key bits of `from` into the certificate's key.
bool copy_public_key(X509* cert, const X509_PUBKEY* from) {
    ASN1_OBJECT* unused_algorithm = nullptr;
    const unsigned char* key = nullptr;
    int length = 0;
    X509_ALGOR* algorithm = nullptr;
    if (X509_PUBKEY_get0_param(&unused_algorithm, &key, &length, &algorithm, from) != 1 ||
        key == nullptr || length <= 0) {
        return false;
    }
    const ASN1_OBJECT* object = nullptr;
    int parameter_type = V_ASN1_UNDEF;
    const void* parameter = nullptr;
    X509_ALGOR_get0(&object, &parameter_type, &parameter, algorithm);
    void* parameter_copy = nullptr;
    if (parameter_type == V_ASN1_OBJECT) {
        parameter_copy = OBJ_dup(static_cast<const ASN1_OBJECT*>(parameter));
    } else if (parameter_type == V_ASN1_SEQUENCE || parameter_type == V_ASN1_OCTET_STRING) {
        parameter_copy = ASN1_STRING_dup(static_cast<const ASN1_STRING*>(parameter));
    } else if (parameter_type != V_ASN1_NULL && parameter_type != V_ASN1_UNDEF) {
        return false;
    }
    ASN1_OBJECT* object_copy = OBJ_dup(object);
    auto* key_copy = static_cast<unsigned char*>(OPENSSL_memdup(key, static_cast<size_t>(length)));
    const bool needs_parameter = parameter_type != V_ASN1_NULL && parameter_type != V_ASN1_UNDEF;
    if (object_copy == nullptr || key_copy == nullptr || (needs_parameter && !parameter_copy) ||
        X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert),
                               object_copy,
                               parameter_type,
                               parameter_copy,
                               key_copy,
                               length) != 1) {
        ASN1_OBJECT_free(object_copy);
        OPENSSL_free(key_copy);
        if (parameter_type == V_ASN1_OBJECT) {
            ASN1_OBJECT_free(static_cast<ASN1_OBJECT*>(parameter_copy));
        } else {
            ASN1_STRING_free(static_cast<ASN1_STRING*>(parameter_copy));
        }
        return false;
    }
    return true;
}

}  // namespace

Result<crypto::X509Ptr> new_certificate(const SerialNumber& serial,
                                        const X509_NAME* subject,
                                        const X509_NAME* issuer,
                                        EVP_PKEY* public_key,
                                        Seconds not_before,
                                        Seconds not_after) {
    auto cert = certificate_without_key(serial, subject, issuer, not_before, not_after);
    if (cert && X509_set_pubkey(cert->get(), public_key) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CERTIFICATE_BUILD_FAILED", "cannot set the certificate's key");
    }
    return cert;
}

Result<crypto::X509Ptr> new_certificate(const SerialNumber& serial,
                                        const X509_NAME* subject,
                                        const X509_NAME* issuer,
                                        const X509_PUBKEY* public_key,
                                        Seconds not_before,
                                        Seconds not_after) {
    auto cert = certificate_without_key(serial, subject, issuer, not_before, not_after);
    if (cert && !copy_public_key(cert->get(), public_key)) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CERTIFICATE_BUILD_FAILED", "cannot set the certificate's key");
    }
    return cert;
}

Result<crypto::X509ExtPtr> make_extension(int nid, const std::string& value) {
    crypto::X509ExtPtr extension(X509V3_EXT_conf_nid(nullptr, nullptr, nid, value.c_str()));
    if (!extension) {
        return crypto::openssl_failure(
            ErrorKind::internal,
            "EXTENSION_INVALID",
            std::string("cannot build extension ") + OBJ_nid2sn(nid) + " from '" + value + "'");
    }
    return extension;
}

Result<void> add_extensions(X509* cert,
                            X509* issuer,
                            const std::vector<std::pair<int, std::string>>& extensions) {
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
    for (const auto& [nid, value] : extensions) {
        crypto::X509ExtPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
        if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
            return crypto::openssl_failure(
                ErrorKind::internal,
                "EXTENSION_INVALID",
                std::string("cannot add extension ") + OBJ_nid2sn(nid) + " = '" + value + "'");
        }
    }
    return ok();
}

Result<Bytes> prepare_tbs(X509* cert, const crypto::Signer& key) {
    // Ask the signature provider for the AlgorithmIdentifier it will write, so the TBS we
    // record is byte for byte the one X509_sign_ctx() will sign.
    crypto::MdCtxPtr context(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pkey_context = nullptr;
    if (!context ||
        EVP_DigestSignInit(context.get(), &pkey_context, key.digest(), nullptr, key.key()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "SIGNING_FAILED", "cannot set up signing");
    }
    std::array<unsigned char, 128> algorithm_der{};
    std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_octet_string(
            OSSL_SIGNATURE_PARAM_ALGORITHM_ID, algorithm_der.data(), algorithm_der.size()),
        OSSL_PARAM_construct_end()};
    if (EVP_PKEY_CTX_get_params(pkey_context, params.data()) != 1 ||
        OSSL_PARAM_modified(params.data()) == 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "SIGNING_FAILED", "the signer does not name its algorithm");
    }
    const unsigned char* cursor = algorithm_der.data();
    crypto::Owned<X509_ALGOR, X509_ALGOR_free> algorithm(
        d2i_X509_ALGOR(nullptr, &cursor, static_cast<long>(params[0].return_size)));
    // OpenSSL offers no setter for the TBS signature field; it is the certificate's own
    // (non-const) member, which X509_sign_ctx() overwrites with this same value.
    auto* tbs_algorithm = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(cert));  // NOLINT
    if (!algorithm || X509_ALGOR_copy(tbs_algorithm, algorithm.get()) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "SIGNING_FAILED", "bad algorithm");
    }
    unsigned char* out = nullptr;
    const int length = i2d_re_X509_tbs(cert, &out);
    if (length <= 0) {
        return crypto::openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "cannot encode TBS");
    }
    Bytes tbs(out, out + length);
    OPENSSL_free(out);
    return tbs;
}

Result<void> sign_certificate(X509* cert, const crypto::Signer& key) {
    if (X509_sign(cert, key.key(), key.digest()) <= 0) {
        return crypto::openssl_failure(ErrorKind::internal, "SIGNING_FAILED", "signing failed");
    }
    return ok();
}

}  // namespace dojang::ca
