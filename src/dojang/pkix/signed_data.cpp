// SPDX-License-Identifier: Apache-2.0
#include "dojang/pkix/signed_data.hpp"

#include <openssl/cms.h>
#include <openssl/err.h>

namespace dojang::pkix {

namespace {

using CmsPtr = crypto::Owned<CMS_ContentInfo, CMS_ContentInfo_free>;

struct CertificateStackFree {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};
using CertificateStack = std::unique_ptr<STACK_OF(X509), CertificateStackFree>;

Error malformed(std::string detail) {
    ERR_clear_error();
    return Error{ErrorKind::invalid_request,
                 "SIGNED_DATA_MALFORMED",
                 "the signed request is not a CMS SignedData as expected: " + detail +
                     " (서명된 요청의 형식이 올바르지 않습니다)",
                 {},
                 {}};
}

}  // namespace

Result<SignedContent> open_signed_data(const Bytes& der) {
    // OpenSSL's decoder takes BER; a holder's request is DER (RFC 5652 allows BER, but the
    // signed attributes must be DER anyway and our clients write DER).
    if (!is_der(der)) {
        return tl::unexpected(malformed("not DER"));
    }
    const unsigned char* cursor = der.data();
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
    if (!cms || cursor != der.data() + der.size()) {
        return tl::unexpected(malformed("not a ContentInfo"));
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        return tl::unexpected(malformed("not signedData"));
    }
    if (CMS_is_detached(cms.get()) == 1) {
        return tl::unexpected(malformed("the content is not attached"));
    }
    STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
    if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) {
        return tl::unexpected(malformed("exactly one signer is expected"));
    }
    CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signers, 0);
    CertificateStack certificates(CMS_get1_certs(cms.get()));
    X509* signer_certificate = nullptr;
    for (int i = 0; certificates && i < sk_X509_num(certificates.get()); ++i) {
        X509* candidate = sk_X509_value(certificates.get(), i);
        if (CMS_SignerInfo_cert_cmp(signer_info, candidate) == 0) {
            signer_certificate = candidate;
            break;
        }
    }
    if (signer_certificate == nullptr) {
        return tl::unexpected(malformed("the signer's certificate is not included"));
    }
    // signingTime must be a signed attribute: it is what makes an old request stale.
    const int at = CMS_signed_get_attr_by_NID(signer_info, NID_pkcs9_signingTime, -1);
    if (at < 0) {
        return tl::unexpected(malformed("no signed signingTime attribute"));
    }
    const ASN1_TYPE* time_value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(signer_info, at), 0);
    if (time_value == nullptr ||
        (time_value->type != V_ASN1_UTCTIME && time_value->type != V_ASN1_GENERALIZEDTIME)) {
        return tl::unexpected(malformed("signingTime is not a time"));
    }
    const Seconds signing_time =
        from_asn1_time(reinterpret_cast<const ASN1_TIME*>(time_value->value.asn1_string));

    // The signature only: the signer's certificate is checked by the caller against its own
    // records, not against a trust store (CMS_NO_SIGNER_CERT_VERIFY). CMS_verify checks the
    // messageDigest and contentType attributes and the signature over them.
    crypto::BioPtr out(BIO_new(BIO_s_mem()));
    if (!out) {
        return tl::unexpected(malformed("out of memory"));
    }
    if (CMS_verify(cms.get(),
                   certificates.get(),
                   nullptr,
                   nullptr,
                   out.get(),
                   CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
        ERR_clear_error();
        return fail(ErrorKind::unauthenticated,
                    "SIGNATURE_INVALID",
                    "the signature of the request does not verify with the certificate's key "
                    "(서명이 인증서의 키로 검증되지 않습니다)");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    SignedContent opened{Bytes(data, data + size),
                         Certificate::adopt(crypto::X509Ptr(X509_dup(signer_certificate))),
                         signing_time};
    if (opened.signer.get() == nullptr) {
        return tl::unexpected(malformed("out of memory"));
    }
    return opened;
}

}  // namespace dojang::pkix
