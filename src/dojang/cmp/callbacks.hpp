// SPDX-License-Identifier: Apache-2.0
// The callbacks of OpenSSL's CMP server (OSSL_CMP_SRV_CTX_init), one file per message family.
// Internal to the CMP server's files, not part of the component's public entry (server.hpp,
// routes.hpp).
#pragma once

#include "dojang/cmp/transaction.hpp"

#include <openssl/cmp.h>
#include <openssl/crmf.h>
#include <openssl/x509.h>

#include <cstdint>

namespace dojang::cmp::detail {

// enrolment.cpp

/// ir/cr/p10cr: the RA applies every rule of the reissue journey; OpenSSL has verified the
/// MAC and the proof of possession before calling this.
OSSL_CMP_PKISI* on_certificate_request(OSSL_CMP_SRV_CTX* server,
                                       const OSSL_CMP_MSG* request,
                                       int /*cert_request_id*/,
                                       const OSSL_CRMF_MSG* crmf,
                                       const X509_REQ* p10cr,
                                       X509** certificate_out,
                                       STACK_OF(X509) * *chain_out,
                                       STACK_OF(X509) * *ca_pubs);

/// pollReq: while the application is in review the answer is a pollRep with checkAfter; once
/// approved, OpenSSL processes the kept request again and answers with its ip/cp.
int on_poll_request(OSSL_CMP_SRV_CTX* server,
                    const OSSL_CMP_MSG* /*request*/,
                    int /*cert_request_id*/,
                    OSSL_CMP_MSG** certificate_request,
                    int64_t* check_after);

// renewal.cpp

/// kur (RFC 4210 5.3.5): renewal signed with the current certificate's key, which the request
/// names in id-regCtrl-oldCertID (korea.md); the RA applies the renewal window.
OSSL_CMP_PKISI* on_key_update_request(Server::Transaction& transaction,
                                      const OSSL_CMP_MSG* request,
                                      const OSSL_CRMF_MSG* crmf,
                                      X509** certificate_out,
                                      STACK_OF(X509) * *chain_out,
                                      STACK_OF(X509) * *ca_pubs);

// confirmation.cpp

/// certConf: the holder installed the certificate (RFC 4210 5.3.18); the RA completes the
/// reissue. A rejecting certConf leaves it unconfirmed, so the RA revokes it later.
int on_certificate_confirmation(OSSL_CMP_SRV_CTX* server,
                                const OSSL_CMP_MSG* /*request*/,
                                int /*cert_request_id*/,
                                const ASN1_OCTET_STRING* certificate_hash,
                                const OSSL_CMP_PKISI* status_info);

// revocation.cpp

/// rr (RFC 4210 5.3.9): the holder revokes the certificate whose key signed the request, with
/// the CRLReason of crlEntryDetails.
OSSL_CMP_PKISI* on_revocation_request(OSSL_CMP_SRV_CTX* server,
                                      const OSSL_CMP_MSG* /*request*/,
                                      const X509_NAME* issuer,
                                      const ASN1_INTEGER* serial);

// general_message.cpp

/// genm: the CA certificates as id-it-caCerts (RFC 9480 2.4), whatever was asked.
int on_general_message(OSSL_CMP_SRV_CTX* server,
                       const OSSL_CMP_MSG* /*request*/,
                       const STACK_OF(OSSL_CMP_ITAV) * /*in*/,
                       STACK_OF(OSSL_CMP_ITAV) * *out);

}  // namespace dojang::cmp::detail
