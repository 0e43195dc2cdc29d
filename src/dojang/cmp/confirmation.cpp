// SPDX-License-Identifier: Apache-2.0
// certConf: the holder confirms (or rejects) the certificate of an ir, cr, p10cr or kur.
#include "dojang/cmp/callbacks.hpp"

#include <openssl/err.h>

namespace dojang::cmp::detail {

int on_certificate_confirmation(OSSL_CMP_SRV_CTX* server,
                                const OSSL_CMP_MSG* /*request*/,
                                int /*cert_request_id*/,
                                const ASN1_OCTET_STRING* certificate_hash,
                                const OSSL_CMP_PKISI* status_info) {
    Server::Transaction& transaction = transaction_of(server);
    if (transaction.refusal || !transaction.issued.serial || certificate_hash == nullptr) {
        return 0;
    }
    const Bytes presented(certificate_hash->data,
                          certificate_hash->data + certificate_hash->length);
    if (presented != transaction.issued.certificate_hash) {
        ERR_raise(ERR_LIB_CMP, CMP_R_CERTHASH_UNMATCHED);
        return 0;
    }
    const bool accepted = pki_status(status_info) == OSSL_CMP_PKISTATUS_accepted;
    if (transaction.issued.renewed_from) {
        // A renewal: the old certificate is superseded once the new one is installed; a
        // refused one is revoked at once and the old one stays valid.
        auto done = accepted ? transaction.services->renewal.confirm(
                                   *transaction.issued.renewed_from, *transaction.issued.serial)
                             : transaction.services->renewal.abandon(*transaction.issued.serial);
        return done ? 1 : 0;
    }
    if (!accepted) {
        return 1;
    }
    auto confirmed = transaction.services->reissue.confirm(*transaction.issued.serial,
                                                           transaction.issued.confirmation_token);
    return confirmed ? 1 : 0;
}

}  // namespace dojang::cmp::detail
