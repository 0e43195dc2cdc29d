// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/policy/policy.hpp"
#include "dojang/store/store.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace dojang::ca {

/// The holder's identity for the KISA identifyData subjectAltName (korea.md, VID).
struct Identity {
    std::string real_name;  ///< realName, e.g. "홍길동"
    std::string idn;        ///< resident (13) or business (10) registration number, digits
    Bytes random_num;       ///< R, 20 bytes, kept in the holder's key file
    npki::HashAlgorithm algorithm = npki::HashAlgorithm::sha256;  ///< of the VID
    /// The VID the holder's client computed (EncryptedVID): issuance is refused with
    /// VID_MISMATCH unless it equals the VID of `idn` and R.
    std::optional<Bytes> claimed_vid;
};

/// One issuance, already authorised by the caller (operator, RA approval or renewal).
struct IssueRequest {
    Bytes csr;                              ///< PKCS#10, PEM or DER
    std::string profile = "individual";     ///< profile name
    std::optional<std::string> subject;     ///< overrides the CSR's subject when set
    std::optional<Identity> identity;       ///< adds identifyData with the VID
    std::optional<Seconds> keep_not_after;  ///< reissue: the old certificate's notAfter
    std::string actor = "operator";         ///< who asked, for the audit log
    /// SubjectPublicKeyInfo (DER) certified instead of the CSR's key, for requests whose proof
    /// of possession the caller verified (CMP/CRMF); `subject` is then required, `csr` unused.
    std::optional<Bytes> public_key;
    /// Renewal (갱신): the certificate being renewed (DER). Its subject and subjectAltName
    /// (identifyData) are copied into the new certificate; `subject` and `identity` must be
    /// unset, and `keep_not_after` carries the renewed notAfter.
    std::optional<Bytes> renews;
};

/// A signed certificate, recorded as issued.
struct Issued {
    SerialNumber serial;
    pkix::Certificate certificate;
};

/// Work of the caller that must commit together with the issuer's own (ADR 0004): the RA's
/// claim of the codes goes into the transaction that records the intent, and its record of the
/// certificate (application, register, outbox) into the one that marks it issued. A hook's
/// error rolls its transaction back and is what issue() returns.
struct IssueHooks {
    /// In the intent's transaction, before the intent is recorded.
    std::function<Result<void>(store::Transaction&)> with_intent;
    /// Once that transaction committed (the caller's work in it is now durable).
    std::function<void()> intent_committed;
    /// In the transaction that marks the certificate issued, after the issuer's writes.
    std::function<Result<void>(store::Transaction&, const SerialNumber&, const Bytes& der)>
        with_issued;
};

/// Issues end-entity certificates in Boulder's order: check → prepare → record intent → sign →
/// record issued with the audit event (and the "issuances" counter metrics read). Thread-safe.
/// Two transactions: T1 records the intent (with IssueHooks::with_intent); signing happens
/// outside any; T2 marks the certificate issued, counts and audits it (with
/// IssueHooks::with_issued). A failure or crash before T2 commits leaves an `intended` row, which
/// no status service ever calls good. Failpoints (core/failpoint.hpp): issue.after_intent,
/// issue.after_sign, issue.before_commit, issue.after_commit.
class Issuer {
public:
    /// Prepares the per-profile extensions once; fails on a profile OpenSSL cannot encode.
    static Result<Issuer> create(const Authority& authority,
                                 const std::vector<policy::Profile>& profiles,
                                 const Endpoints& endpoints,
                                 store::Database& database,
                                 const Clock& clock);

    /// Issues one certificate. Errors: invalid_request (unparsable CSR, unknown profile,
    /// bad identity data), policy_rejected with every violation, bad_proof_of_possession,
    /// unavailable (store busy), internal.
    Result<Issued> issue(const IssueRequest& request, const IssueHooks& hooks = {}) const;

    /// The profile called `name`, if configured.
    [[nodiscard]] const policy::Profile* profile(const std::string& name) const;

private:
    struct ProfileExtensions {
        policy::Profile profile;
        std::vector<crypto::X509ExtPtr> extensions;  ///< keyUsage, policies, CRL DP, AIA, AKI
    };
    Issuer(const Authority& authority, store::Database& database, const Clock& clock)
        : authority_(&authority), database_(&database), clock_(&clock) {}

    [[nodiscard]] Seconds choose_not_after(const policy::Profile& profile,
                                           const std::optional<Seconds>& keep,
                                           Seconds now) const;

    const Authority* authority_;
    store::Database* database_;
    const Clock* clock_;
    std::map<std::string, ProfileExtensions> profiles_;
};

/// Revokes a certificate with the audit event in the same transaction, and bumps the
/// "revocations" counter that status services poll. Errors: not_found, conflict.
Result<void> revoke(store::Database& database,
                    const Clock& clock,
                    const SerialNumber& serial,
                    domain::RevocationReason reason,
                    const std::string& actor);

/// Lifts a certificateHold (RFC 5280 5.3.1: the hold is not final).
Result<void> release_hold(store::Database& database,
                          const Clock& clock,
                          const SerialNumber& serial,
                          const std::string& actor);

/// Builds and signs a complete CRL (RFC 5280 section 5): v2, CRL number, AKI, one entry per
/// revoked certificate with its reason code (unspecified is written by omission, 5.3.1).
Result<Bytes> sign_crl(const Authority& authority,
                       std::int64_t number,
                       Seconds this_update,
                       Seconds next_update,
                       const std::vector<store::RevokedEntry>& entries);

}  // namespace dojang::ca
