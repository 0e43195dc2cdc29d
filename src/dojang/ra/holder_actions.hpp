// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/issuer.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/domain/certificate.hpp"
#include "dojang/pkix/pkix.hpp"
#include "dojang/ra/renewal.hpp"

#include <chrono>

namespace dojang::ra {

/// A request the holder signed with a certificate's key, as the edge opened it (a CMS
/// SignedData whose signature verified, pkix::open_signed_data): who signed and when.
struct SignedByHolder {
    pkix::Certificate signer;
    Seconds signed_at{};
};

/// What a holder does with the key of a certificate this CA issued, without codes or an
/// officer: renew it in its window, confirm the renewed certificate once installed, revoke it.
/// The signature is the authentication; this decides whether it authorises the act: the
/// signer is a certificate of this CA that may authenticate now (RenewalService::
/// holder_certificate), it is the certificate the request names, and the signature is fresh.
class HolderActions {
public:
    /// How far a signingTime may be from now either way (clock skew of the holder's device);
    /// an older request is refused, so a copied request cannot be replayed later.
    static constexpr std::chrono::seconds max_skew{std::chrono::minutes{10}};

    HolderActions(const RenewalService& renewal, const Clock& clock);

    /// Renews `current` for the key of `request` (PKCS#10: its self-signature is the proof of
    /// possession of the new key, which must differ from the current one). Errors: those of
    /// authorise(), invalid_request BAD_PROOF_OF_POSSESSION / KEY_NOT_NEW, then the renewal's.
    Result<ca::Issued> renew(const SignedByHolder& signed_by,
                             const SerialNumber& current,
                             const pkix::Csr& request) const;

    /// The renewed certificate `renewed` is installed (signed with its own, new key): the old
    /// one is revoked as superseded. Answers the old serial. Errors: those of authorise(),
    /// conflict RENEWAL_NOT_PENDING when `renewed` is no renewal waiting for confirmation.
    Result<SerialNumber> confirm_renewal(const SignedByHolder& signed_by,
                                         const SerialNumber& renewed) const;

    /// Revokes `serial` for `reason` (those a holder may give). Errors: those of authorise()
    /// and RenewalService::revoke.
    Result<void> revoke(const SignedByHolder& signed_by,
                        const SerialNumber& serial,
                        domain::RevocationReason reason) const;

private:
    /// The signer may act on `serial` now. Errors: forbidden SIGNER_MISMATCH (another
    /// certificate signed), invalid_request REQUEST_STALE (signingTime too far from now), and
    /// those of RenewalService::holder_certificate.
    Result<store::CertificateRecord> authorise(const SignedByHolder& signed_by,
                                               const SerialNumber& serial) const;

    const RenewalService* renewal_;
    const Clock* clock_;
};

}  // namespace dojang::ra
