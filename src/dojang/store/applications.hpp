// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/domain/application.hpp"
#include "dojang/store/customers.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::store {

/// One reissue application and, once approved, its one-time codes (참조번호/인가코드).
struct ApplicationRecord {
    std::string id;  ///< "a" + 20 hex digits from the CSPRNG
    domain::HolderType holder_type = domain::HolderType::individual;
    domain::ReissueReason reason = domain::ReissueReason::forgot_password;
    domain::ApplicationStatus status = domain::ApplicationStatus::submitted;
    std::string customer_id;
    std::string origin;               ///< "walk_in" (창구 등록) or "online"
    std::string old_serial;           ///< The certificate being replaced (hex), or empty.
    std::string reference_number;     ///< Unique while set; empty before approval.
    Bytes authorization_code_sealed;  ///< AES-256-GCM of the code (the CMP MAC needs it).
    std::optional<Seconds> codes_expire_at;
    std::optional<Seconds> codes_used_at;  ///< Set while a certificate is issued with them.
    std::string new_serial;                ///< The certificate issued for it, or empty.
    Bytes confirmation_token_hash;         ///< SHA-256 of the token that confirms installation.
    std::optional<Seconds> issued_at;
    std::optional<Seconds> confirmed_at;
    Seconds created_at;
    Seconds updated_at;
};

/// One step of an application's timeline, for the status page and the audit trail.
struct ApplicationEvent {
    std::int64_t sequence = 0;  ///< Assigned by the store.
    std::string application_id;
    Seconds at;
    std::string kind;    ///< "submitted", "approved", "issued", "confirmed", ...
    std::string detail;  ///< Short, safe to show to the applicant.
};

/// Applications and their timelines.
class ApplicationRepository {
public:
    virtual ~ApplicationRepository() = default;
    /// Inserts; `conflict` REFERENCE_COLLISION when the reference number is taken.
    virtual Result<void> insert(const ApplicationRecord& record) = 0;
    /// Replaces the row with the same id; `not_found` when there is none.
    virtual Result<void> update(const ApplicationRecord& record) = 0;
    virtual Result<std::optional<ApplicationRecord>> find(const std::string& id) = 0;
    virtual Result<std::optional<ApplicationRecord>> find_by_reference(
        const std::string& reference) = 0;
    virtual Result<std::optional<ApplicationRecord>> find_by_new_serial(
        const std::string& serial) = 0;
    /// Applications that replace the certificate `serial` (their old_serial), oldest first.
    virtual Result<std::vector<ApplicationRecord>> replacing(const std::string& serial) = 0;
    /// Ids of applications still `submitted` (their one-time code never verified) that were
    /// created before `before`, at most `limit`.
    virtual Result<std::vector<std::string>> unverified_before(Seconds before,
                                                               std::size_t limit) = 0;
    /// Deletes the application and everything stored with it: its events, its online part and
    /// one-time code challenges, its outbox messages, document records and decisions (the
    /// document files are the caller's).
    virtual Result<void> erase(const std::string& id) = 0;
    /// Every application of the register entry `customer_id`.
    virtual Result<std::vector<ApplicationRecord>> of_customer(const std::string& customer_id) = 0;
    /// Takes the codes for one issuance: sets codes_used_at when it is unset and the codes are
    /// unexpired at `now`. Returns false when another request took them first.
    virtual Result<bool> claim_codes(const std::string& id, Seconds now) = 0;
    /// Issued applications whose certificate was issued before `before` and never confirmed.
    virtual Result<std::vector<ApplicationRecord>> unconfirmed(Seconds before) = 0;
    /// Approved applications whose codes were claimed before `before` but that never became
    /// issued: an issuance that failed or crashed between its two transactions.
    virtual Result<std::vector<ApplicationRecord>> stranded_claims(Seconds before) = 0;
    /// Applications in `status` (any when unset) of `holder_type` (any when unset), newest
    /// first, at most `limit`.
    virtual Result<std::vector<ApplicationRecord>> list(
        std::optional<domain::ApplicationStatus> status,
        std::optional<domain::HolderType> holder_type,
        std::size_t limit) = 0;
    virtual Result<void> add_event(const ApplicationEvent& event) = 0;
    virtual Result<std::vector<ApplicationEvent>> events(const std::string& application_id) = 0;
};

}  // namespace dojang::store
