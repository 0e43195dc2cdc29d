// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ra/documents.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/ra/reissue.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace dojang::ra {

/// Limits of the one-time codes (quality-bar.md, "People and their data").
struct OtpSettings {
    std::chrono::minutes valid_for{5};
    int wrong_entries_kill = 5;     ///< wrong entries that kill one code
    std::size_t kills_to_lock = 3;  ///< killed codes that lock the application
    /// Applications one client address may make in an hour and in a day (0: no limit).
    std::size_t applications_per_client_hour = 10;
    std::size_t applications_per_client_day = 30;
};

/// An online application, as the holder (or their proxy, 대리인) typed it.
struct OnlineRequest {
    domain::HolderType holder_type = domain::HolderType::individual;
    domain::ReissueReason reason = domain::ReissueReason::forgot_password;
    std::string name;             ///< The person's name, or the company's
    std::string business_number;  ///< companies: 사업자등록번호, matched by its keyed hash
    std::string representative_name;  ///< companies: optional, compared with the register
    std::string birth_date;  ///< YYYY-MM-DD; optional, compared when given with a resident number
    std::string resident_number;  ///< 주민등록번호: the register is matched by its keyed hash
    std::string phone;
    std::string email;
    std::string channel = "sms";  ///< where the code goes: "sms" or "email"
    std::string old_serial;       ///< hex, optional
    std::string proxy_name;       ///< 대리인, optional: documents and a review are then required
    std::string proxy_phone;      ///< the proxy's mobile number, required with proxy_name
    std::string idempotency_key;  ///< optional
    std::string body;             ///< the request body as sent, to recognise a repeat
    std::string client;           ///< the client's address (its limiter key), for its limits
};

/// The answer to an application: the same for a match, a mismatch and a stranger.
struct OnlineCreated {
    std::string application_id;
    std::string status_token;  ///< bearer token for status calls; shown here only
    std::string channel;
    Seconds code_expires_at;
    std::int64_t code_valid_minutes = 5;  ///< how long codes work, for the applicant's message
};

/// A code was (re)sent.
struct CodeSent {
    std::string channel;
    Seconds code_expires_at;
};

/// The outcome of a right code: an individual gets the codes at once; a company or a proxy
/// waits for an officer's review of its documents.
struct Verified {
    /// "approved", "in_review" or "revoked" (폐지 신청); when a code opened an application
    /// verified before, its status now ("issued", "rejected", ...).
    std::string status;
    std::optional<Codes> codes;  ///< with "approved", until the codes are used
    std::vector<std::string> required_documents;
    std::string status_token;  ///< opens the status on the device that entered the code
};

/// What GET /api/v1/applications/{id} shows.
struct OnlineStatus {
    store::ApplicationRecord application;
    std::vector<store::ApplicationEvent> events;
    std::vector<store::OutboxMessage> messages;  ///< bodies are never shown
    std::vector<std::string> required_documents;
    std::vector<store::DocumentRecord> documents;
    std::optional<store::ReviewDecision> rejection;
    /// The codes of an application approved after review, the first time the status is read.
    std::optional<Codes> codes;
};

/// Online applications of individual holders, verified with one-time codes sent by SMS or
/// e-mail. Matching against the register never tells who exists or which field was wrong: a
/// mismatch creates a shadow application that behaves the same but can never verify.
class OnlineApplications {
public:
    OnlineApplications(store::Database& database,
                       ReissueService& reissue,
                       RegisterKeys keys,
                       const Clock& clock,
                       OtpSettings settings = {},
                       std::optional<DocumentFiles> files = std::nullopt);

    /// Creates the application and sends the first code. Errors: invalid_request
    /// APPLICATION_INVALID (format only), policy_rejected IDEMPOTENCY_KEY_REUSED, forbidden
    /// RESEND_TOO_SOON (a violation RETRY_AFTER carries the seconds).
    Result<OnlineCreated> apply(const OnlineRequest& request);

    /// Checks the code; on success approves an individual's application and returns its codes,
    /// or puts a company's or a proxy's application in review. A code for an application
    /// verified before opens it on the device that entered it: its status, its codes while
    /// they are unused, and the status token (the application outlives the tab that made it).
    /// Errors: OTP_INVALID (unauthenticated), OTP_EXPIRED, OTP_LOCKED, APPLICATION_LOCKED,
    /// APPLICATION_CANCELLED (forbidden), APPLICATION_NOT_FOUND.
    Result<Verified> verify(const std::string& application_id, std::string_view code);

    /// Stores a document for the application of `status_token` (a new one of the same kind
    /// replaces the old). Errors: STATUS_TOKEN_INVALID, DOCUMENT_KIND_UNKNOWN,
    /// DOCUMENT_TOO_LARGE, DOCUMENT_TYPE_NOT_ALLOWED, APPLICATION_CLOSED (conflict: decided).
    /// Whether a document of `kind` may be uploaded now, judged before its bytes arrive (the
    /// HTTP edge asks this with the request header alone): the same errors as upload_document
    /// except those about the file itself.
    Result<void> may_upload(const std::string& application_id,
                            std::string_view status_token,
                            const std::string& kind);

    Result<store::DocumentRecord> upload_document(const std::string& application_id,
                                                  std::string_view status_token,
                                                  const std::string& kind,
                                                  std::string_view declared_type,
                                                  std::span<const std::uint8_t> content);

    /// Sends a new code, over `channel` when given ("sms" or "email"), to the register's phone
    /// or e-mail: for the first verification, or to open a verified application on another
    /// device (verify()). Errors: RESEND_TOO_SOON, APPLICATION_LOCKED, APPLICATION_CANCELLED,
    /// APPLICATION_NOT_FOUND.
    Result<CodeSent> resend(const std::string& application_id,
                            const std::optional<std::string>& channel);

    /// Sends an application rejected for a missing or unreadable document back to review once
    /// the documents it needs are there (added with upload_document after the rejection).
    /// Errors: STATUS_TOKEN_INVALID, APPLICATION_CLOSED (conflict: not rejected for a
    /// document), DOCUMENT_MISSING (conflict, a violation per kind).
    Result<void> resubmit(const std::string& application_id, std::string_view status_token);

    /// The application for the holder of `status_token`; unauthenticated STATUS_TOKEN_INVALID
    /// for an unknown application or a wrong token alike. Shows the codes of an application
    /// approved after review once.
    Result<OnlineStatus> status(const std::string& application_id, std::string_view status_token);

private:
    Result<std::string> status_token_for(const std::string& application_id) const;
    Result<Bytes> code_hash(const store::OtpChallenge& challenge, std::string_view code) const;
    Result<OnlineCreated> replay(const store::OnlineApplication& existing,
                                 const Bytes& request_hash);
    /// A new challenge for the application in `tx`: checks the send limits and stores the
    /// keyed hash; for a matched application, enqueues the message to `holder`'s phone or
    /// e-mail on file. An application that did not match gets a challenge that never verifies
    /// and no message.
    Result<store::OtpChallenge> send_code(store::Transaction& tx,
                                          const store::OnlineApplication& online,
                                          const std::string& channel,
                                          const std::optional<store::CustomerRecord>& holder);
    /// Hex HMAC-SHA256 of `context:text` under the register's hash key.
    Result<std::string> keyed_hex(std::string_view context, std::string_view text) const;

    store::Database* database_;
    ReissueService* reissue_;
    RegisterKeys keys_;
    const Clock* clock_;
    OtpSettings settings_;
    std::optional<DocumentFiles> files_;
};

}  // namespace dojang::ra
