// SPDX-License-Identifier: Apache-2.0
// Server::Transaction and the helpers the OpenSSL server callbacks share. Internal to the CMP
// server's files, not part of the component's public entry (server.hpp, routes.hpp).
#pragma once

#include "dojang/cmp/message.hpp"
#include "dojang/cmp/server.hpp"

#include <openssl/cmp.h>
#include <openssl/x509.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dojang::cmp {
namespace detail {

using SrvCtxPtr = crypto::Owned<OSSL_CMP_SRV_CTX, OSSL_CMP_SRV_CTX_free>;

/// Labels of what the RA seals for a stored transaction.
constexpr std::string_view request_label = "dojang-cmp-request-v1";
constexpr std::string_view token_label = "dojang-cmp-token-v1";

}  // namespace detail

struct Server::Transaction {
    /// The server's services (ServerServices outlives every transaction).
    const ServerServices* services = nullptr;
    detail::SrvCtxPtr server;
    /// Who the request says it comes from and how that was checked: the reference number
    /// (senderKID) with the code that verified the MAC, or the holder's certificate.
    struct Requester {
        std::string reference;
        std::optional<SecretBytes> code;  ///< the secret that verified the request's MAC
        /// The holder's certificate whose key signed the request (kur, rr), checked by the RA.
        std::optional<pkix::Certificate> signer;
    };
    Requester requester;
    std::optional<domain::RevocationReason> revocation_reason;  ///< rr
    /// Set when the request is refused before OpenSSL processes it: failInfo bit and text.
    std::optional<std::pair<int, std::string>> refusal;
    /// What was issued and what its certConf checks and completes.
    struct Issued {
        std::optional<SerialNumber> serial;        ///< issued, waiting for certConf
        std::optional<SerialNumber> renewed_from;  ///< kur: the certificate being renewed
        std::string confirmation_token;
        Bytes certificate_hash;
    };
    Issued issued;
    /// For the audit log: who sent the request, and the last refusal answered.
    struct Audit {
        std::string sender = "anonymous";
        std::optional<std::pair<int, std::string>> outcome;
    };
    Audit audit;
    /// The requests processed again later: the one a stored transaction is rebuilt from, and
    /// the one waiting for its review.
    struct Replay {
        /// The certificate request that started the transaction (DER), kept sealed in the
        /// store.
        Bytes request_der;
        /// The ir/cr/p10cr answered `waiting` (its application is in review), replayed when a
        /// pollReq finds it approved.
        detail::MsgPtr pending_request;
        /// Set while a stored transaction is rebuilt: the certificate request is processed
        /// again only to bring OpenSSL's context to where it was, and answered from this
        /// record.
        const store::CmpTransactionRecord* record = nullptr;
    };
    Replay replay;
};

namespace detail {

/// Ownership-transferring copies of the CA certificates for extraCerts, caPubs and genp.
STACK_OF(X509) * certificate_stack(const std::vector<const pkix::Certificate*>& certificates);

/// The transaction a callback runs for (the custom context of its OSSL_CMP_SRV_CTX).
Server::Transaction& transaction_of(OSSL_CMP_SRV_CTX* server);

/// A rejection that is also remembered for the audit log.
OSSL_CMP_PKISI* refuse(Server::Transaction& transaction, int failure, const std::string& text);

/// Fills the answer of an accepted certificate request and remembers what certConf checks.
OSSL_CMP_PKISI* answer_certificate(Server::Transaction& transaction,
                                   const OSSL_CMP_MSG* request,
                                   const pkix::Certificate& certificate,
                                   X509** certificate_out,
                                   STACK_OF(X509) * *chain_out,
                                   STACK_OF(X509) * *ca_pubs);

}  // namespace detail
}  // namespace dojang::cmp
