// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dojang::store {

/// A registration officer who reviews company and proxy applications.
struct OfficerRecord {
    std::string username;
    std::string display_name;
    std::string password_hash;  ///< argon2id, PHC string format; empty for a token-only officer.
    Bytes token_hash;           ///< SHA-256 of the officer's API token, or empty.
    Seconds created_at;
    std::optional<Seconds> disabled_at;
    /// Set after too many failed sign-ins; cleared by another officer or the operator.
    std::optional<Seconds> locked_at;
};

/// A signed-in officer's session; only the SHA-256 of its token is kept.
struct OfficerSession {
    Bytes token_hash;
    std::string username;
    Seconds created_at;
    Seconds expires_at;
};

/// A document uploaded for an application (one per kind; a new upload replaces the old one).
struct DocumentRecord {
    std::string application_id;
    std::string kind;        ///< "business_registration", "power_of_attorney", ...
    std::string media_type;  ///< Verified from the content: application/pdf, image/jpeg, image/png.
    std::int64_t size = 0;   ///< Bytes.
    Bytes sha256;            ///< Of the content.
    std::string stored_name;  ///< Generated file name in the document directory.
    Seconds uploaded_at;
};

/// One officer's decision on an application.
struct ReviewDecision {
    std::int64_t sequence = 0;  ///< Assigned by the store.
    std::string application_id;
    std::string officer;   ///< Username.
    std::string decision;  ///< "approve" or "reject".
    std::string reason;    ///< Reject: info_mismatch, certificate_status, unreadable_document,
                           ///< missing_document, other; empty for approve.
    std::string text;      ///< Free text for the applicant (required with "other").
    Seconds at;
};

/// Officers, their sessions, the documents applications carry and the officers' decisions.
class ReviewRepository {
public:
    virtual ~ReviewRepository() = default;
    /// Inserts or replaces the officer of the same username.
    virtual Result<void> put_officer(const OfficerRecord& officer) = 0;
    virtual Result<std::optional<OfficerRecord>> find_officer(const std::string& username) = 0;
    virtual Result<std::optional<OfficerRecord>> find_officer_by_token(const Bytes& token_hash) = 0;
    virtual Result<void> insert_session(const OfficerSession& session) = 0;
    virtual Result<std::optional<OfficerSession>> find_session(const Bytes& token_hash) = 0;
    virtual Result<void> delete_session(const Bytes& token_hash) = 0;
    /// Inserts or replaces the document of the same application and kind.
    virtual Result<void> put_document(const DocumentRecord& document) = 0;
    /// The application's documents, by kind.
    virtual Result<std::vector<DocumentRecord>> documents(const std::string& application_id) = 0;
    virtual Result<void> add_decision(const ReviewDecision& decision) = 0;
    /// The application's decisions, oldest first.
    virtual Result<std::vector<ReviewDecision>> decisions(const std::string& application_id) = 0;
    /// Documents of applications no longer open (not submitted, verified or in review) last
    /// changed before `before`, at most `limit`: what the retention period lets go.
    virtual Result<std::vector<DocumentRecord>> documents_decided_before(Seconds before,
                                                                         std::size_t limit) = 0;
    /// Deletes the record of one document (its file is the caller's).
    virtual Result<void> delete_document(const std::string& application_id,
                                         const std::string& kind) = 0;
    /// Failed sign-ins, per subject ("user:<name>", "client:<keyed hash>"), kept for throttling.
    virtual Result<void> add_sign_in_failure(const std::string& subject, Seconds at) = 0;
    /// When `subject`'s failures at or after `since` happened, oldest first.
    virtual Result<std::vector<Seconds>> sign_in_failures(const std::string& subject,
                                                          Seconds since) = 0;
    /// Forgets `subject`'s failures (a successful sign-in, an unlock).
    virtual Result<void> clear_sign_in_failures(const std::string& subject) = 0;
    /// Forgets every failure before `before`.
    virtual Result<void> prune_sign_in_failures(Seconds before) = 0;
};

}  // namespace dojang::store
