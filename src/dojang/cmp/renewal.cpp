// SPDX-License-Identifier: Apache-2.0
// kur: renewal signed with the key of the current certificate.
#include "dojang/cmp/callbacks.hpp"

namespace dojang::cmp::detail {

OSSL_CMP_PKISI* on_key_update_request(Server::Transaction& transaction,
                                      const OSSL_CMP_MSG* request,
                                      const OSSL_CRMF_MSG* crmf,
                                      X509** certificate_out,
                                      STACK_OF(X509) * *chain_out,
                                      STACK_OF(X509) * *ca_pubs) {
    if (!transaction.requester.signer) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                      "sign the renewal request with the key of your current certificate (현재 "
                      "인증서의 키로 서명해야 합니다)");
    }
    if (crmf == nullptr) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badRequest,
                      "the request carries no certificate request");
    }
    X509* signer = transaction.requester.signer->get();
    const OSSL_CRMF_CERTID* old_id = OSSL_CRMF_MSG_get0_regCtrl_oldCertID(crmf);
    if (old_id != nullptr &&
        (X509_NAME_cmp(OSSL_CRMF_CERTID_get0_issuer(old_id), X509_get_issuer_name(signer)) != 0 ||
         ASN1_INTEGER_cmp(OSSL_CRMF_CERTID_get0_serialNumber(old_id),
                          X509_get0_serialNumber(signer)) != 0)) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badCertId,
                      "oldCertID does not name the certificate that signed the request (갱신할 "
                      "인증서와 서명한 인증서가 다릅니다)");
    }
    Bytes public_key = template_public_key(crmf);
    if (public_key.empty()) {
        return refuse(transaction,
                      OSSL_CMP_PKIFAILUREINFO_badCertTemplate,
                      "the certificate template carries no public key");
    }
    auto renewed = transaction.services->renewal.renew(*transaction.requester.signer, public_key);
    if (!renewed) {
        return refuse(transaction, failure_bit(renewed.error().kind), status_text(renewed.error()));
    }
    transaction.issued.renewed_from = *transaction.requester.signer->serial();
    return answer_certificate(
        transaction, request, renewed->certificate, certificate_out, chain_out, ca_pubs);
}

}  // namespace dojang::cmp::detail
