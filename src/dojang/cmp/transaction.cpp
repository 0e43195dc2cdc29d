// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmp/transaction.hpp"

namespace dojang::cmp::detail {

STACK_OF(X509) * certificate_stack(const std::vector<const pkix::Certificate*>& certificates) {
    STACK_OF(X509)* stack = sk_X509_new_null();
    for (const auto* certificate : certificates) {
        X509* copy = X509_dup(certificate->get());
        if (stack == nullptr || copy == nullptr || sk_X509_push(stack, copy) == 0) {
            X509_free(copy);
            sk_X509_pop_free(stack, X509_free);
            return nullptr;
        }
    }
    return stack;
}

Server::Transaction& transaction_of(OSSL_CMP_SRV_CTX* server) {
    return *static_cast<Server::Transaction*>(OSSL_CMP_SRV_CTX_get0_custom_ctx(server));
}

OSSL_CMP_PKISI* refuse(Server::Transaction& transaction, int failure, const std::string& text) {
    transaction.audit.outcome = {failure, text};
    return rejection(failure, text);
}

OSSL_CMP_PKISI* answer_certificate(Server::Transaction& transaction,
                                   const OSSL_CMP_MSG* request,
                                   const pkix::Certificate& certificate,
                                   X509** certificate_out,
                                   STACK_OF(X509) * *chain_out,
                                   STACK_OF(X509) * *ca_pubs) {
    // The chain goes in extraCerts; an ir (initial registration) also gets the root as caPubs.
    std::vector<const pkix::Certificate*> chain{&transaction.services->issuing.certificate};
    for (const auto& above : transaction.services->issuing.chain) {
        chain.push_back(&above);
    }
    *certificate_out = X509_dup(certificate.get());
    *chain_out = certificate_stack(chain);
    if (OSSL_CMP_MSG_get_bodytype(request) == body_ir) {
        *ca_pubs = certificate_stack({chain.back()});
    }
    crypto::Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> hash(
        X509_digest_sig(certificate.get(), nullptr, nullptr));
    auto serial = certificate.serial();
    if (*certificate_out == nullptr || *chain_out == nullptr || !hash || !serial) {
        return refuse(transaction, OSSL_CMP_PKIFAILUREINFO_systemFailure, "internal error");
    }
    transaction.issued.serial = *serial;
    transaction.issued.certificate_hash.assign(hash->data, hash->data + hash->length);
    return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, nullptr);
}

}  // namespace dojang::cmp::detail
