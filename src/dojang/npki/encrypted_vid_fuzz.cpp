// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the regInfo reader on arbitrary CRMF CertReqMsg bytes, and the EncryptedVID
// reader on whatever value it finds (opened with a key made once per run, so past certID only
// when the input names that certificate; the structure checks before it are what is reached).
#include "dojang/crypto/keys.hpp"
#include "dojang/npki/encrypted_vid.hpp"
#include "dojang/npki/oids.hpp"

#include <openssl/crmf.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>

namespace {

struct Recipient {
    dojang::crypto::PkeyPtr key;
    dojang::crypto::X509Ptr certificate;
};

const Recipient& recipient() {
    static const Recipient made = [] {
        Recipient r;
        r.key = std::move(*dojang::crypto::generate_key(dojang::crypto::KeyAlgorithm::rsa2048));
        r.certificate.reset(X509_new());
        ASN1_INTEGER_set(X509_get_serialNumber(r.certificate.get()), 7);
        X509_set_pubkey(r.certificate.get(), r.key.get());
        return r;
    }();
    return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const unsigned char* cursor = data;
    dojang::npki::CrmfMsgPtr request(d2i_OSSL_CRMF_MSG(nullptr, &cursor, static_cast<long>(size)));
    if (!request) {
        // Not a CertReqMsg: try the bytes as an EncryptedVID.
        (void)dojang::npki::open_vid(
            {data, size}, recipient().certificate.get(), recipient().key.get());
        return 0;
    }
    auto value = dojang::npki::reg_info_value(request.get(), dojang::npki::encrypted_vid_oid);
    if (value && *value) {
        (void)dojang::npki::open_vid(**value, recipient().certificate.get(), recipient().key.get());
        // Adding the same value again must give a request that names it twice.
        auto twice =
            dojang::npki::with_reg_info(request.get(), dojang::npki::encrypted_vid_oid, **value);
        if (twice && dojang::npki::reg_info_value(twice->get(), dojang::npki::encrypted_vid_oid)) {
            __builtin_trap();
        }
    }
    (void)dojang::npki::reg_info_value(request.get(), "1.3.6.1.5.5.7.5.2.1");
    return 0;
}
