// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/issuer.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/store/applications.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dojang::ra {

/// Rules of the reissue journey that an operator may tune.
struct ReissueSettings {
    std::chrono::days codes_valid{14};        ///< 참조번호/인가코드 lifetime (korea.md)
    std::chrono::minutes confirm_within{60};  ///< unconfirmed certificates are revoked after
    std::string organisation = "dojang";      ///< O= of issued subjects
    std::string contact = "the dojang help desk";  ///< who to call, in the security notice
    /// Also send the authorization code of an online application over the channel its
    /// one-time code did not use (e-mail after SMS, SMS after e-mail).
    bool code_by_other_channel = false;
    /// Codes claimed by an issuance that never recorded its certificate (it failed, or the
    /// process died between its two transactions) are given back after this long: longer than
    /// any signing takes, so a slow issuance on another node is never undercut.
    std::chrono::seconds release_claims_after{120};
};

/// A holder verified face to face at a branch (창구 등록).
struct WalkInRequest {
    domain::HolderType holder_type = domain::HolderType::individual;
    std::string name;
    std::string phone;
    std::string email;
    std::string resident_number;  ///< individuals: 주민등록번호
    std::string business_number;  ///< companies: 사업자등록번호
    domain::ReissueReason reason = domain::ReissueReason::forgot_password;
    std::string old_serial;  ///< hex, optional: the certificate being replaced
    std::string officer = "operator";
    /// The counter took the documents and hands the codes over now, but the back office
    /// reviews them (창구 접수, 본사 승인): the application waits in the review console and
    /// the codes work once an officer approves it (a CMP client meanwhile gets `waiting`).
    bool back_office_review = false;
};

/// What the applicant takes home: shown once, never stored in the clear.
struct Codes {
    std::string application_id;
    std::string reference_number;    ///< 참조번호, 10 digits
    std::string authorization_code;  ///< 인가코드, 16 digits in groups of four
    Seconds expires_at;
    /// A revocation application (폐지 신청) gets no codes: these serials were revoked instead.
    std::vector<std::string> revoked;

    /// True for a revocation application, which carries no codes.
    [[nodiscard]] bool is_revocation() const { return reference_number.empty(); }
};

/// A request for the certificate, authenticated by the codes (REST; CMP uses the same rules).
struct CertificateRequest {
    std::string reference_number;
    std::string authorization_code;
    Bytes csr;                        ///< PKCS#10, PEM or DER: proof of possession
    std::optional<Bytes> random_num;  ///< R from the new key file, for the VID (identifyData)
    /// The VID the holder's client computed from R (an EncryptedVID over CMP), with its hash:
    /// issuance is refused (VID_MISMATCH) unless the register's number gives the same VID.
    std::optional<Bytes> claimed_vid;
    npki::HashAlgorithm vid_algorithm = npki::HashAlgorithm::sha256;
};

/// A request for the certificate of a bare public key (CMP/CRMF), authenticated by the codes;
/// the caller has verified the proof of possession.
struct KeyCertificateRequest {
    std::string reference_number;
    std::string authorization_code;
    Bytes public_key;                  ///< SubjectPublicKeyInfo, DER
    std::optional<Bytes> random_num;   ///< R, as in CertificateRequest
    std::optional<Bytes> claimed_vid;  ///< as in CertificateRequest
    npki::HashAlgorithm vid_algorithm = npki::HashAlgorithm::sha256;
};

/// The certificate and what the holder needs to install and confirm it.
struct IssuedCertificate {
    std::string application_id;
    pkix::Certificate certificate;
    std::string chain_pem;           ///< issuing CA and its issuers
    std::string confirmation_token;  ///< shown once; confirm() needs it
    Seconds confirm_by;
};

/// What a reason does to the certificates the holder has now.
enum class OldCertificates {
    kept,                   ///< expired: nothing to revoke
    superseded_on_confirm,  ///< revoked as superseded once the new one is confirmed
    revoked_at_once,        ///< revoked as keyCompromise when the application is approved
};

/// One reason a holder may give, and what it does.
struct ReasonRule {
    domain::ReissueReason reason;
    OldCertificates old_certificates;
    bool issues_certificate;  ///< false for a revocation alone (폐지 신청)
};

/// Every reason, in the order clients offer them, with its rule: what the portal and the
/// clients show (GET /api/v1/reasons) instead of copies of the list.
const std::vector<ReasonRule>& reason_rules();

/// The reissue journey's rules (architecture.md "The issuance cycle", korea.md "Reissue"):
/// codes are single use and expire; a reissue keeps the old notAfter; lost_device and
/// key_compromise revoke the old certificate at once (keyCompromise), expired revokes nothing,
/// every other reason revokes it as superseded when the new one is confirmed; a certificate
/// not confirmed in time is revoked and the codes work again until they expire.
class ReissueService {
public:
    ReissueService(store::Database& database,
                   const ca::Issuer& issuer,
                   const ca::Authority& issuing,
                   RegisterKeys keys,
                   const Clock& clock,
                   ReissueSettings settings);

    /// Registers an approved application for a holder verified in person, matching or adding
    /// the register entry. Errors: invalid_request (every bad field at once), not_found
    /// OLD_CERTIFICATE_UNKNOWN.
    Result<Codes> register_walk_in(const WalkInRequest& request);

    /// Cancels, in `tx`, the applications of `holder` that are not finished (submitted,
    /// verified, in review, or approved with unused codes) except `keep`: their codes stop
    /// working, each gets a "cancelled" event and an audit entry by `actor`, and the holder is
    /// told once, at the register's e-mail (else phone). Returns how many were cancelled.
    Result<std::size_t> cancel_unfinished(store::Transaction& tx,
                                          const store::CustomerRecord& holder,
                                          const std::string& keep,
                                          const std::string& actor);

    /// Approves `application` for `customer` and gives it fresh codes, as the walk-in path and
    /// a verified online application both do: lost_device/key_compromise revoke the old
    /// certificate at once (keyCompromise); the customer entry, the application (inserted when
    /// `insert`, else updated), `events`, and an audit entry by `actor` are stored together.
    /// With `hold_for_review` the codes are made but the application stays in_review. An
    /// application that already has its codes (a walk-in held for review) keeps them: the
    /// approval only makes them usable. A revocation application (폐지 신청) gets no codes:
    /// every certificate of the holder is revoked (keyCompromise) and it ends `revoked`.
    Result<Codes> approve(store::ApplicationRecord application,
                          const store::CustomerRecord& customer,
                          const std::vector<std::pair<std::string, std::string>>& events,
                          const std::string& actor,
                          bool insert,
                          bool hold_for_review = false);

    /// Whether the application with this reference waits for an officer's review (its codes
    /// are right but do not work yet). Errors: unavailable.
    Result<bool> in_review(std::string_view reference_number);

    /// Issues the certificate for valid, unused, unexpired codes. Wrong codes are one
    /// unauthenticated AUTHORIZATION_INVALID whatever was wrong; used codes conflict
    /// AUTHORIZATION_USED; expired ones forbidden AUTHORIZATION_EXPIRED; codes of an
    /// application still in review forbidden APPLICATION_IN_REVIEW. A rejected request
    /// (policy, proof of possession) leaves the codes usable.
    Result<IssuedCertificate> issue(const CertificateRequest& request);

    /// issue() for a public key whose proof of possession the caller verified (CMP). Same
    /// rules and errors.
    Result<IssuedCertificate> issue_for_key(const KeyCertificateRequest& request);

    /// The authorization code (digits only) of the application with this reference, without
    /// checking or consuming anything: the CMP endpoint's MAC secret. Errors: unauthenticated
    /// AUTHORIZATION_INVALID for an unknown reference, unavailable, internal.
    Result<SecretBytes> authorization_secret(std::string_view reference_number);

    /// The codes of an approved application, unsealed (for showing them once to an applicant
    /// approved after review). Errors: conflict CODES_UNAVAILABLE when it has none.
    Result<Codes> reveal_codes(const store::ApplicationRecord& application) const;

    /// Confirms installation; revokes the old certificate as superseded where the reason says
    /// so. Idempotent. Errors: not_found, unauthenticated CONFIRMATION_INVALID.
    Result<void> confirm(const SerialNumber& serial, std::string_view token);

    /// Revokes certificates not confirmed within confirm_within and reopens their codes.
    /// Returns how many.
    Result<std::size_t> revoke_unconfirmed();

    /// Gives back the codes of issuances that claimed them but never recorded a certificate
    /// (older than release_claims_after), audited. Returns how many.
    Result<std::size_t> release_stranded_claims();

    [[nodiscard]] const ReissueSettings& settings() const { return settings_; }

    /// Seals what another component keeps about an exchange with a holder (the CMP server's
    /// transactions: the request with its R, the confirmation token) under the register's
    /// encryption key; `label` binds the sealed bytes to their use.
    [[nodiscard]] Result<Bytes> seal(std::span<const std::uint8_t> plain,
                                     std::string_view label) const;
    /// Opens what seal() made with the same label.
    [[nodiscard]] Result<SecretBytes> open(std::span<const std::uint8_t> sealed,
                                           std::string_view label) const;

    /// The application and its timeline.
    Result<std::pair<store::ApplicationRecord, std::vector<store::ApplicationEvent>>> status(
        const std::string& application_id);

private:
    /// The revocation application's approval (see approve()).
    Result<Codes> revoke_all(store::ApplicationRecord application,
                             const store::CustomerRecord& customer,
                             const std::vector<std::pair<std::string, std::string>>& events,
                             const std::string& actor,
                             bool insert);
    /// Clears the claim of an application still `approved` (no certificate was recorded),
    /// with an event and an audit entry; does nothing once it is issued.
    Result<bool> release_claim(const std::string& application_id);
    Result<IssuedCertificate> issue_checked(const CertificateRequest& request,
                                            const std::optional<Bytes>& public_key);
    Result<store::CustomerRecord> match_or_add_customer(const WalkInRequest& request,
                                                        const std::string& idn,
                                                        std::vector<Violation>& violations);
    Result<void> event(store::Transaction& tx,
                       const std::string& id,
                       std::string kind,
                       std::string detail);
    [[nodiscard]] std::string subject_for(const store::CustomerRecord& customer) const;
    /// The approval of an application that has its codes already (a walk-in held for review).
    Result<Codes> release_codes(store::ApplicationRecord application,
                                const std::vector<std::pair<std::string, std::string>>& events,
                                const std::string& actor,
                                Seconds now);

    store::Database* database_;
    const ca::Issuer* issuer_;
    const ca::Authority* issuing_;
    RegisterKeys keys_;
    const Clock* clock_;
    ReissueSettings settings_;
};

}  // namespace dojang::ra
