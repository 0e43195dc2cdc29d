// SPDX-License-Identifier: Apache-2.0
// rr: revocation signed with the key of the certificate.
#include "dojang/cmp/callbacks.hpp"

namespace dojang::cmp::detail {

OSSL_CMP_PKISI* on_revocation_request(OSSL_CMP_SRV_CTX* server,
                                      const OSSL_CMP_MSG* /*request*/,
                                      const X509_NAME* issuer,
                                      const ASN1_INTEGER* serial) {
    Server::Transaction& transaction = transaction_of(server);
    if (transaction.refusal) {
        return refuse(transaction, transaction.refusal->first, transaction.refusal->second);
    }
    if (!transaction.requester.signer) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                      "sign the revocation request with the key of the certificate (폐지할 "
                      "인증서의 키로 서명해야 합니다)");
    }
    X509* signer = transaction.requester.signer->get();
    if (issuer == nullptr || serial == nullptr ||
        X509_NAME_cmp(issuer, X509_get_issuer_name(signer)) != 0 ||
        ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(signer)) != 0) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_notAuthorized,
                      "only the certificate whose key signs the request can be revoked this way "
                      "(서명한 인증서만 폐지할 수 있습니다)");
    }
    if (!transaction.revocation_reason) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badRequest,
                      "crlEntryDetails must hold one RFC 5280 CRLReason (폐지 사유가 올바르지 "
                      "않습니다)");
    }
    auto revoked = transaction.services->renewal.revoke(*transaction.requester.signer,
                                                        *transaction.revocation_reason);
    if (!revoked) {
        return refuse(transaction, failure_bit(revoked.error().kind), status_text(revoked.error()));
    }
    return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, nullptr);
}

}  // namespace dojang::cmp::detail
