// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/issuer.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <string>

namespace dojang::ra {

/// Renewal rules an operator may tune ([cmp] in dojang.toml).
struct RenewalSettings {
    std::chrono::days window{30};  ///< renewal opens this long before notAfter (korea.md)
};

/// The first moment a certificate ending at `not_after` may be renewed.
Seconds renewal_opens(Seconds not_after, std::chrono::days window);

/// The notAfter of a renewed certificate: the same time of day one calendar year after the
/// old notAfter (korea.md: "new notAfter = old notAfter + 1 year"); 29 February becomes
/// 28 February. A Korean notAfter (14:59:59Z, 23:59:59 KST) therefore stays one.
Seconds renewed_not_after(Seconds old_not_after);

/// What a holder may do with the key of a certificate this CA issued (korea.md, "Reissue,
/// renewal, revocation"): renew it (갱신) from `window` before notAfter until notAfter, with
/// no other identity check, and revoke it (폐지). The caller has verified that the request is
/// signed with the certificate's key. Thread-safe.
class RenewalService {
public:
    /// Renews and revokes certificates of `issuing` through `issuer`; all must outlive it.
    RenewalService(store::Database& database,
                   const ca::Issuer& issuer,
                   const ca::Authority& issuing,
                   const Clock& clock,
                   RenewalSettings settings);

    /// The record of `certificate` when it may authenticate its holder now: issued by this CA
    /// (the stored certificate is byte for byte the same), not revoked, within its validity.
    /// Errors: not_found CERTIFICATE_UNKNOWN, forbidden CERTIFICATE_REVOKED /
    /// CERTIFICATE_EXPIRED / CERTIFICATE_NOT_YET_VALID, unavailable.
    Result<store::CertificateRecord> holder_certificate(const pkix::Certificate& certificate) const;

    /// Whether the renewal window of `current` is open. Errors: forbidden RENEWAL_TOO_EARLY
    /// (the text names the day it opens), CERTIFICATE_EXPIRED after notAfter.
    Result<void> check_window(const store::CertificateRecord& current) const;

    /// Certifies `public_key` (SubjectPublicKeyInfo DER, proof of possession verified by the
    /// caller) in place of `current`: same profile, subject and subjectAltName, notAfter from
    /// renewed_not_after(). The old certificate stays valid until confirm(). Errors: those of
    /// holder_certificate() and check_window(), then the issuer's (policy_rejected, ...).
    Result<ca::Issued> renew(const pkix::Certificate& current, const Bytes& public_key) const;

    /// The holder installed the renewed certificate: the old one is revoked as superseded
    /// (architecture.md, "The issuance cycle"). Idempotent. When the old one was revoked
    /// before the confirmation, the renewed one is revoked too: forbidden CERTIFICATE_REVOKED.
    Result<void> confirm(const SerialNumber& old_serial, const SerialNumber& new_serial) const;

    /// The certificate that `new_serial` renews while that renewal waits for its confirmation;
    /// nullopt when it is no renewal, or one already confirmed or abandoned.
    Result<std::optional<SerialNumber>> pending_renewal_of(const SerialNumber& new_serial) const;

    /// The holder refused the renewed certificate (certConf with a rejection) or never
    /// confirmed it: it is revoked (cessationOfOperation) and the old one stays valid.
    /// Idempotent.
    Result<void> abandon(const SerialNumber& new_serial) const;

    /// Revocation asked by the holder (signed with the certificate's key). keyCompromise also
    /// blocks the key (ca::revoke). A renewal of it still waiting for its confirmation is
    /// revoked too (abandon()). Errors: those of holder_certificate(), forbidden
    /// REVOCATION_REASON_NOT_ALLOWED for reasons only the CA may give (cACompromise,
    /// privilegeWithdrawn).
    Result<void> revoke(const pkix::Certificate& certificate,
                        domain::RevocationReason reason) const;

private:
    /// Stores the renewal as an issued application (origin "renewal") awaiting certConf, in
    /// the transaction that records the certificate.
    Result<void> track(store::Transaction& tx,
                       const store::CertificateRecord& old_record,
                       const std::string& new_serial,
                       const std::string& id) const;
    /// Ends a tracked renewal as confirmed or rejected; untracked serials are ignored.
    Result<void> settle(const SerialNumber& new_serial,
                        domain::ApplicationStatus status,
                        const std::string& detail) const;

    store::Database* database_;
    const ca::Issuer* issuer_;
    const ca::Authority* issuing_;
    const Clock* clock_;
    RenewalSettings settings_;
};

}  // namespace dojang::ra
