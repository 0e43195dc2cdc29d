// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/core/error.hpp"
#include "dojang/kcmp/message.hpp"
#include "dojang/ra/reissue.hpp"
#include "dojang/ra/renewal.hpp"

#include <openssl/cmp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dojang::cmp {

/// What the CMP server works with; everything must outlive the server.
struct ServerServices {
    ra::ReissueService& reissue;  ///< ir/cr/p10cr with the codes, and their certConf
    ra::RenewalService& renewal;  ///< kur and rr signed with the holder's key
    const ca::Authority& issuing;
    /// The CMP server certificate (`dojangd init`) and its key: they sign the answers to
    /// signature-protected requests.
    const pkix::Certificate& certificate;
    const crypto::Signer& key;
    store::Database& database;  ///< the audit log of every message
    const Clock& clock;
    /// The CA's VID encryption certificate and key (`dojangd init`): they open the
    /// EncryptedVID of the Korean clients. Without them such a request is refused.
    const pkix::Certificate* vid_certificate = nullptr;
    const crypto::Signer* vid_key = nullptr;
    /// checkAfter of `waiting` answers (an application still in review): the client polls.
    std::chrono::seconds poll_interval{60};
};

/// The CMP endpoint (RFC 4210/9480; the HTTP transfer of RFC 6712 is the caller's): one
/// DER PKIMessage in, one out, processed by OpenSSL's server (OSSL_CMP_SRV_CTX) with dojang's
/// callbacks. ir/cr/p10cr are protected by a password-based MAC whose senderKID is the
/// reference number and whose secret is the authorization code (korea.md, "How Korean clients
/// talk to the CA"); kur (renewal) and rr (revocation) are signed with the key of a certificate
/// this CA issued, and answered signed with the CMP server certificate; certConf confirms the
/// certificate; genm answers the CA certificates. Every message is audited.
class Server {
public:
    explicit Server(const ServerServices& services);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    Server(Server&&) = delete;
    Server& operator=(Server&&) = delete;

    /// Answers one DER PKIMessage with a DER PKIMessage; a refused request gets a PKIMessage
    /// with the failInfo of architecture.md's table and a readable UTF-8 statusString.
    /// Errors: invalid_request when the bytes are not a PKIMessage, internal when OpenSSL
    /// cannot build any answer or the audit entry cannot be written. Thread-safe.
    Result<Bytes> handle(const Bytes& request);

    /// One CMP transaction (ir → ip → certConf → pkiConf): its OpenSSL server context and what
    /// the callbacks learned (transaction.hpp). Public only for the C callbacks.
    struct Transaction;

private:
    std::unique_ptr<Transaction> start(const OSSL_CMP_MSG* request);
    void start_with_codes(Transaction& transaction, const OSSL_CMP_MSG* request);
    void start_with_signature(Transaction& transaction, const OSSL_CMP_MSG* request);
    /// Stores a transaction whose answer awaits a certConf or a pollReq, and erases the
    /// stored ones past their lifetime (what they issued unconfirmed, the RA revokes).
    Result<void> keep(const std::string& transaction_id,
                      const Transaction& transaction,
                      const OSSL_CMP_MSG* response);
    /// Rebuilds a stored transaction, or nullptr when there is none (or it cannot be).
    std::unique_ptr<Transaction> resume(const std::string& transaction_id);
    Result<void> forget(const std::string& transaction_id);
    Result<void> audit(const OSSL_CMP_MSG* request,
                       const Transaction* transaction,
                       const OSSL_CMP_MSG* response);
    /// A message in RFC 4210's form, through OpenSSL's server.
    Result<Bytes> handle_rfc(const Bytes& request_der);
    /// A message of the Korean profile (korean.cpp): its desMAC checked, answered in its form.
    Result<Bytes> handle_korean(const kcmp::Message& request, const kcmp::KoreanTraits& traits);

    ServerServices services_;
};

/// R (randomNum) from the value of a CRMF regInfo utf8Pairs control ("name?value%name?value%",
/// RFC 4211 7.1) holding "randomNum?<40 hex digits>%"; nullopt when no pair is randomNum.
/// invalid_request RANDOM_NUM_INVALID when its value is not 40 hexadecimal digits or the pair
/// is repeated.
Result<std::optional<Bytes>> random_num_of_utf8_pairs(std::string_view pairs);

}  // namespace dojang::cmp
