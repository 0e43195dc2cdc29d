// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/crypto/digest.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace dojang::crypto {

/// RAII ownership of an OpenSSL object, freed with its own free function.
template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using PkeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = Owned<BIO, BIO_free_all>;
using X509Ptr = Owned<X509, X509_free>;
using X509ReqPtr = Owned<X509_REQ, X509_REQ_free>;
using X509CrlPtr = Owned<X509_CRL, X509_CRL_free>;
using X509NamePtr = Owned<X509_NAME, X509_NAME_free>;
using X509ExtPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using X509RevokedPtr = Owned<X509_REVOKED, X509_REVOKED_free>;
using Asn1IntegerPtr = Owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = Owned<ASN1_TIME, ASN1_TIME_free>;
using Asn1ObjectPtr = Owned<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetStringPtr = Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using BignumPtr = Owned<BIGNUM, BN_free>;
using OcspRequestPtr = Owned<OCSP_REQUEST, OCSP_REQUEST_free>;
using OcspResponsePtr = Owned<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using OcspBasicPtr = Owned<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using OcspCertIdPtr = Owned<OCSP_CERTID, OCSP_CERTID_free>;
using GeneralNamesPtr = Owned<GENERAL_NAMES, GENERAL_NAMES_free>;

/// Turns the OpenSSL error queue into an Error (and clears the queue). `what` says what we
/// were doing; the queue's text goes into `cause` only.
Error openssl_error(ErrorKind kind, std::string code, std::string what);

/// Same as openssl_error(), wrapped for `return openssl_failure(...)`.
tl::unexpected<Error> openssl_failure(ErrorKind kind, std::string code, std::string what);

/// DER-encodes an OpenSSL object with its i2d function.
template <typename T>
Result<Bytes> to_der(const T* object, int (*i2d)(const T*, unsigned char**)) {
    unsigned char* out = nullptr;
    const int length = i2d(object, &out);
    if (length <= 0) {
        return openssl_failure(ErrorKind::internal, "ENCODING_FAILED", "DER encoding failed");
    }
    Bytes der(out, out + length);
    OPENSSL_free(out);
    return der;
}

/// `bytes` as a memory BIO (read-only view; the bytes must outlive the BIO).
BioPtr memory_bio(const Bytes& bytes);
/// The content written into a memory BIO.
Bytes bio_bytes(BIO* bio);

}  // namespace dojang::crypto
