// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ra/documents.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/ra/reissue.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dojang::ra {

/// How applications are reviewed; an operator may tune these.
struct ReviewSettings {
    std::size_t approvals_required = 1;      ///< 2: a second officer must approve as well
    std::chrono::hours session_lifetime{8};  ///< an officer signs in again after this
    /// The portal's address; approval and rejection messages link to the application there.
    std::string portal_url = "the dojang portal";
    /// Failed sign-ins of one username, or from one client address, within `throttle_window`
    /// beyond which sign-in answers 429 until the window has room again.
    std::size_t failures_per_account = 5;
    std::size_t failures_per_client = 20;
    std::chrono::minutes throttle_window{15};
    /// Failed sign-ins in a row (within a day, since the last success) that lock an account
    /// until another officer or the operator unlocks it.
    std::size_t failures_to_lock = 10;
    /// argon2id verifications this process runs per second at most (each costs ~64 MiB and
    /// tens of milliseconds); beyond it sign-in answers 503 at once, so a flood cannot starve
    /// the CPU.
    std::size_t password_checks_per_second = 8;
};

/// The reasons an officer may give for a rejection.
const std::vector<std::string>& rejection_reasons();

/// Documents an application must carry before it can be approved: a company's business
/// registration and representative's ID, a proxy's power of attorney and ID.
std::vector<std::string> required_documents(const store::ApplicationRecord& application,
                                            const store::OnlineApplication& online);

/// Whether an application waits for an officer after its one-time code: companies and proxies.
bool needs_review(const store::ApplicationRecord& application,
                  const store::OnlineApplication& online);

/// Adds or replaces an officer (`dojangd admin officers add`), audited. With `with_token`,
/// returns a new API token (shown once). Errors: invalid_request OFFICER_INVALID (username,
/// a password under 12 characters).
Result<std::optional<std::string>> add_officer(store::Database& database,
                                               const Clock& clock,
                                               const std::string& username,
                                               const std::string& display_name,
                                               std::string_view password,
                                               bool with_token);

/// Lifts the sign-in lock of `username` and forgets its failed sign-ins, audited as `actor`
/// (`dojangd admin officers unlock`, or another officer). not_found OFFICER_NOT_FOUND.
Result<void> unlock_officer(store::Database& database,
                            const Clock& clock,
                            const std::string& actor,
                            const std::string& username);

/// When the settings ask for it, queues the authorization code of an online application to
/// the channel its one-time code did not use (dedupe: once per application and reference).
Result<void> send_code_other_channel(store::Database& database,
                                     const RegisterKeys& keys,
                                     const ReissueSettings& settings,
                                     const std::string& application_id,
                                     const Codes& codes,
                                     Seconds now);

/// A signed-in officer's session: the token goes into a cookie (or a bearer header), the CSRF
/// token into the X-CSRF-Token header of every change.
struct OfficerSignIn {
    std::string token;
    std::string csrf_token;
    std::string officer;
    Seconds expires_at;
};

/// One line of the review queue.
struct ReviewItem {
    store::ApplicationRecord application;
    std::string name;  ///< From the register.
    std::vector<store::DocumentRecord> documents;
};

/// Everything an officer sees of one application.
struct ReviewDetail {
    store::ApplicationRecord application;
    store::CustomerRecord customer;  ///< The register entry; the idn itself is never included.
    std::optional<store::OnlineApplication> online;
    std::vector<std::string> required_documents;
    std::vector<store::DocumentRecord> documents;
    std::vector<store::ApplicationEvent> events;
    std::vector<store::ReviewDecision> decisions;
    /// The register entry's certificates as this CA records them (status, validity,
    /// revocation), without their bytes; serials this CA never issued are left out of it and
    /// named in `unknown_serials`.
    std::vector<store::CertificateRecord> certificates;
    std::vector<std::string> unknown_serials;
};

/// The officers' side of company and proxy applications: sign-in (argon2id passwords or API
/// tokens), the queue, documents, and decisions. An approval gives the application its codes
/// through ReissueService::approve (reason rules included); the applicant sees them once on the
/// status page. Every decision is audited.
class ReviewService {
public:
    ReviewService(store::Database& database,
                  ReissueService& reissue,
                  RegisterKeys keys,
                  DocumentFiles files,
                  const Clock& clock,
                  ReviewSettings settings = {});

    /// Starts a session. A wrong name or password is one unauthenticated OFFICER_SIGN_IN_FAILED.
    /// Throttled before any password is checked, the same for a name that exists and one that
    /// does not: forbidden OFFICER_SIGN_IN_THROTTLED (violation RETRY_AFTER) after too many
    /// failures of the name or of `client` in the window, forbidden OFFICER_LOCKED after too
    /// many in a row, unavailable SIGN_IN_BUSY when this process already ran its argon2id
    /// checks for this second. Every failure and every lock is audited.
    Result<OfficerSignIn> sign_in(const std::string& username,
                                  std::string_view password,
                                  const std::string& client = {});
    /// Lifts the lock of `username` and forgets its failed sign-ins, audited as `actor` (another
    /// officer, or "operator"). not_found OFFICER_NOT_FOUND.
    Result<void> unlock(const std::string& actor, const std::string& username);
    /// Ends a session; unknown tokens are ignored.
    Result<void> sign_out(std::string_view session_token);

    /// The officer of a session token (`is_session`) or an API token. Errors: unauthenticated
    /// OFFICER_UNAUTHENTICATED.
    Result<std::string> authenticate(std::string_view token, bool is_session);
    /// The CSRF token that goes with a session token.
    [[nodiscard]] std::string csrf_token(std::string_view session_token) const;

    /// Applications in `status` (in_review when unset) of `holder_type`, newest first.
    Result<std::vector<ReviewItem>> queue(std::optional<domain::ApplicationStatus> status,
                                          std::optional<domain::HolderType> holder_type);
    /// One application. Errors: not_found APPLICATION_NOT_FOUND.
    Result<ReviewDetail> detail(const std::string& application_id);
    /// A document's bytes and media type. Errors: not_found DOCUMENT_NOT_FOUND.
    Result<std::pair<Bytes, std::string>> document(const std::string& application_id,
                                                   const std::string& kind);

    /// `officer` approves. Returns "approved", or "awaiting_second_approval" while another
    /// officer's approval is required. Errors: APPLICATION_NOT_IN_REVIEW (conflict),
    /// DOCUMENT_MISSING (conflict), REVIEW_SAME_OFFICER (conflict) for a second approval by the
    /// same officer.
    Result<std::string> approve(const std::string& officer, const std::string& application_id);
    /// `officer` rejects with a reason from rejection_reasons() ("other" needs `text`).
    /// Errors: REJECTION_REASON_INVALID, APPLICATION_NOT_IN_REVIEW.
    Result<void> reject(const std::string& officer,
                        const std::string& application_id,
                        const std::string& reason,
                        const std::string& text);

private:
    store::Database* database_;
    ReissueService* reissue_;
    RegisterKeys keys_;
    DocumentFiles files_;
    const Clock* clock_;
    ReviewSettings settings_;
    /// The argon2id budget of this process (a CPU guard, not shared state: each node has its
    /// own CPU). Shared so that the service stays movable.
    struct PasswordBudget {
        std::mutex mutex;
        std::int64_t second = 0;
        std::size_t used = 0;
    };
    std::shared_ptr<PasswordBudget> budget_ = std::make_shared<PasswordBudget>();
};

}  // namespace dojang::ra
