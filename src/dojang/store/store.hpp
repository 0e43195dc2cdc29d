// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/ids.hpp"
#include "dojang/domain/certificate.hpp"
#include "dojang/store/applications.hpp"
#include "dojang/store/customers.hpp"
#include "dojang/store/otp.hpp"
#include "dojang/store/outbox.hpp"
#include "dojang/store/review.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dojang::store {

/// One certificate row: what was intended, and once signed, the certificate itself.
struct CertificateRecord {
    SerialNumber serial;
    std::string ca;       ///< Name of the issuing CA ("issuing").
    std::string profile;  ///< Profile name ("individual").
    std::string subject;  ///< Subject DN, RFC 2253 form, for listing and search.
    Seconds not_before;
    Seconds not_after;
    domain::CertificateStatus status = domain::CertificateStatus::intended;
    Bytes tbs;  ///< DER of the TBSCertificate exactly as it is to be signed.
    Bytes der;  ///< DER of the certificate; empty while intended.
    Seconds created_at;
    std::optional<Seconds> issued_at;
    std::optional<Seconds> revoked_at;
    std::optional<domain::RevocationReason> reason;
};

/// What a CRL or OCSP responder needs of a revoked certificate.
struct RevokedEntry {
    SerialNumber serial;
    Seconds revoked_at;
    domain::RevocationReason reason = domain::RevocationReason::unspecified;
    Seconds not_after;
};

/// One entry of the hash-chained audit log. `hash` = SHA-256 over the previous hash and this
/// entry's fields (see audit_hash()); the first entry chains to 64 zeros.
struct AuditEntry {
    std::int64_t sequence = 0;  ///< Assigned by the store, 1, 2, 3, ...
    Seconds at;
    std::string actor;    ///< "operator", "system", an officer id, ...
    std::string action;   ///< "certificate.issue", "certificate.revoke", "crl.publish", ...
    std::string subject;  ///< What was acted on, e.g. the serial.
    std::string details;  ///< JSON object with the rest.
    std::string previous_hash;
    std::string hash;
};

/// The chain hash of `entry` given the hash of the one before it (hex SHA-256).
std::string audit_hash(const std::string& previous_hash, const AuditEntry& entry);

/// Certificates: the rows behind issuance, revocation, CRL and OCSP.
class CertificateRepository {
public:
    virtual ~CertificateRepository() = default;
    /// Records an intended certificate; `conflict` (code SERIAL_COLLISION) if the serial exists.
    virtual Result<void> insert_intent(const CertificateRecord& record) = 0;
    /// intended → issued with the signed DER; `conflict` if the row is not intended.
    virtual Result<void> mark_issued(const SerialNumber& serial, const Bytes& der, Seconds at) = 0;
    /// issued (or on hold) → revoked; `conflict` if already revoked for good, `not_found`.
    virtual Result<void> revoke(const SerialNumber& serial,
                                domain::RevocationReason reason,
                                Seconds at) = 0;
    /// Lifts certificateHold: revoked with reason hold → issued; `conflict` otherwise.
    virtual Result<void> release_hold(const SerialNumber& serial) = 0;
    /// The row, or std::nullopt when the serial is unknown.
    virtual Result<std::optional<CertificateRecord>> find(const SerialNumber& serial) = 0;
    /// Rows newest first; `status` filters when set.
    virtual Result<std::vector<CertificateRecord>> list(
        std::optional<domain::CertificateStatus> status, std::size_t limit, std::size_t offset) = 0;
    /// Revoked certificates of `ca` whose notAfter is not before `now` (they stay on the CRL).
    virtual Result<std::vector<RevokedEntry>> revoked_unexpired(const std::string& ca,
                                                                Seconds now) = 0;
    /// Refuses the key with this SubjectPublicKeyInfo SHA-256 from now on (its certificate was
    /// revoked for keyCompromise). Blocking a key twice is not an error.
    virtual Result<void> block_key(const Bytes& spki_sha256,
                                   const SerialNumber& serial,
                                   Seconds at) = 0;
    /// Whether the key with this SubjectPublicKeyInfo SHA-256 is blocked.
    virtual Result<bool> is_key_blocked(const Bytes& spki_sha256) = 0;
    /// Issued (not revoked) certificates whose notAfter is in (from, to], soonest first.
    virtual Result<std::vector<CertificateRecord>> expiring(Seconds from,
                                                            Seconds to,
                                                            std::size_t limit) = 0;
    /// Every row of `ca` that is issued or revoked, for warming the OCSP cache.
    /// At most `limit` issued and revoked certificates of `ca`, in serial order.
    virtual Result<std::vector<CertificateRecord>> all_signed(const std::string& ca,
                                                              std::size_t limit) = 0;
};

/// The hash-chained audit log; appending inside the transaction of the change it records.
class AuditLog {
public:
    virtual ~AuditLog() = default;
    /// Appends, filling sequence, previous_hash and hash; returns the stored entry.
    virtual Result<AuditEntry> append(AuditEntry entry) = 0;
    /// Every entry in sequence order.
    virtual Result<std::vector<AuditEntry>> entries() = 0;
    /// The newest entry, or nullopt when the log is empty.
    virtual Result<std::optional<AuditEntry>> last() = 0;
};

/// Monotonic counters enforced by the database (CRL numbers).
class Counters {
public:
    virtual ~Counters() = default;
    /// Increments and returns the counter `name` (first value 1), atomically across nodes.
    virtual Result<std::int64_t> next(const std::string& name) = 0;
    /// The counter's current value (0 when it was never incremented); does not change it.
    virtual Result<std::int64_t> current(const std::string& name) = 0;
};

/// The roles available inside one transaction.
/// A CMP transaction between an answer and the message that ends it (certConf, or the pollReq
/// that gets the certificate): what any node needs to go on with it (ADR 0004). Nothing of a
/// transaction is kept in process memory.
struct CmpTransactionRecord {
    std::string transaction_id;  ///< hex
    std::string state;           ///< "issued" (certConf is due) or "waiting" (pollReq is due)
    Bytes request_sealed;        ///< the ir/cr/p10cr/kur as received, sealed by the RA
    Bytes sender_nonce;          ///< of the last answer: the next message's recipNonce
    std::string serial;          ///< issued: the certificate's serial (hex)
    std::string renewed_from;    ///< kur: the renewed certificate's serial (hex)
    Bytes token_sealed;          ///< issued reissue: its confirmation token, sealed by the RA
    Seconds expires_at;
};

/// The CMP transactions in flight.
class CmpTransactions {
public:
    virtual ~CmpTransactions() = default;
    /// Inserts, or replaces the row with the same transaction_id.
    virtual Result<void> put(const CmpTransactionRecord& record) = 0;
    virtual Result<std::optional<CmpTransactionRecord>> find(const std::string& transaction_id) = 0;
    virtual Result<void> erase(const std::string& transaction_id) = 0;
    /// Rows whose expires_at is before `now`.
    virtual Result<std::vector<CmpTransactionRecord>> expired(Seconds now) = 0;
};

class Transaction {
public:
    virtual ~Transaction() = default;
    virtual CertificateRepository& certificates() = 0;
    virtual AuditLog& audit() = 0;
    virtual Counters& counters() = 0;
    virtual CustomerRepository& customers() = 0;
    virtual Outbox& outbox() = 0;
    virtual ApplicationRepository& applications() = 0;
    virtual OtpRepository& otp() = 0;
    virtual ReviewRepository& review() = 0;
    virtual CmpTransactions& cmp() = 0;
};

/// A unit of work: everything `work` does commits together, or nothing does.
class Database {
public:
    virtual ~Database() = default;
    /// Runs `work` in a write transaction: commits when it returns a value, rolls back on an
    /// error (which is returned). Store errors: busy/serialization → `unavailable`.
    /// Thread-safe.
    virtual Result<void> transact(const std::function<Result<void>(Transaction&)>& work) = 0;
};

/// Runs `read` (Transaction& → Result<T>) in a transaction of its own and returns what it
/// read: for the many places that only look something up.
template <typename T, typename Read>
Result<T> read_in_transaction(Database& database, Read read) {
    std::optional<T> value;
    auto done = database.transact([&](Transaction& tx) -> Result<void> {
        auto found = read(tx);
        DOJANG_TRY(found);
        value = std::move(*found);
        return ok();
    });
    DOJANG_TRY(done);
    return std::move(*value);
}

/// Appends one audit entry in `tx`; a failed audit write fails the caller's operation.
Result<void> record_audit(Transaction& tx,
                          Seconds at,
                          std::string actor,
                          std::string action,
                          std::string subject,
                          std::string details);

/// The sequence of the first entry whose link to the one before is broken, or nullopt.
std::optional<std::int64_t> first_broken_link(const std::vector<AuditEntry>& entries);

/// Walks the audit log; returns the sequence of the first broken link, or nullopt if intact.
Result<std::optional<std::int64_t>> verify_audit_chain(Database& database);

}  // namespace dojang::store
