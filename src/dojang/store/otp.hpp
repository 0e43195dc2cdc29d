// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::store {

/// What the applicant of an online application gave and how far the one-time codes went.
/// The application itself is an ApplicationRecord with the same id.
struct OnlineApplication {
    std::string application_id;
    std::string idempotency_key;  ///< Unique when set; empty when the client sent none.
    Bytes request_hash;           ///< Keyed hash of the request body, to spot a reused key.
    Bytes status_token_hash;      ///< SHA-256 of the applicant's status token.
    std::string channel;          ///< Preferred channel: "sms" or "email".
    /// Keyed hash (hex) of the identity the applicant typed: the send limits count per
    /// identity, so a stranger cannot spend a holder's quota. No phone or e-mail is kept: codes
    /// go to the register's.
    std::string identity_key;
    std::string client_key;  ///< Keyed hash (hex) of the client address, for its limits.
    bool matched = false;    ///< The register matched; false for a shadow that never verifies.
    std::optional<Seconds> locked_at;  ///< Set after too many killed codes.
    Seconds created_at;
    std::string proxy_name;   ///< 대리인: the person applying for the holder, or empty.
    std::string proxy_phone;  ///< The proxy's mobile number (digits), or empty.
    /// When the applicant's status call showed the codes of an application approved after
    /// review (they are shown once).
    std::optional<Seconds> codes_shown_at;
};

/// Where one one-time code is.
enum class OtpState { active, used, killed, superseded };

/// One one-time code, bound to one application and one channel; only its keyed hash is kept.
struct OtpChallenge {
    std::int64_t id = 0;  ///< Assigned by the store.
    std::string application_id;
    std::string channel;    ///< "sms" or "email".
    std::string limit_key;  ///< The application's identity_key and channel: what the
                            ///< send limits count (never a phone number or an address).
    Bytes code_hash;        ///< HMAC-SHA256 of the code under a key outside the database.
    OtpState state = OtpState::active;
    int failed_attempts = 0;
    Seconds created_at;
    Seconds expires_at;
};

/// Online applications and their one-time code challenges.
class OtpRepository {
public:
    virtual ~OtpRepository() = default;
    /// Inserts; conflict IDEMPOTENCY_KEY_TAKEN when the idempotency key is already used.
    virtual Result<void> insert_application(const OnlineApplication& application) = 0;
    /// Replaces the row of the same application id; not_found when there is none.
    virtual Result<void> update_application(const OnlineApplication& application) = 0;
    /// The online part of an application, or std::nullopt.
    virtual Result<std::optional<OnlineApplication>> find_application(
        const std::string& application_id) = 0;
    /// The application created with this idempotency key, or std::nullopt.
    virtual Result<std::optional<OnlineApplication>> find_by_idempotency_key(
        const std::string& key) = 0;
    /// Stores a challenge and returns its id.
    virtual Result<std::int64_t> insert_challenge(const OtpChallenge& challenge) = 0;
    /// Replaces state and failed_attempts of the challenge `challenge.id`; not_found.
    virtual Result<void> update_challenge(const OtpChallenge& challenge) = 0;
    /// The newest challenge of the application, or std::nullopt.
    virtual Result<std::optional<OtpChallenge>> latest_challenge(
        const std::string& application_id) = 0;
    /// How many challenges of the application were killed by wrong entries.
    virtual Result<std::size_t> killed_challenges(const std::string& application_id) = 0;
    /// When challenges with `limit_key` were made at or after `since`, oldest first (for send
    /// limits).
    virtual Result<std::vector<Seconds>> sent_since(const std::string& limit_key,
                                                    Seconds since) = 0;
    /// When applications from `client_key` were made at or after `since`, oldest first.
    virtual Result<std::vector<Seconds>> applications_since(const std::string& client_key,
                                                            Seconds since) = 0;
};

/// The stored name of a state ("active", "used", "killed", "superseded").
inline std::string_view to_string(OtpState state) {
    switch (state) {
        case OtpState::active:
            return "active";
        case OtpState::used:
            return "used";
        case OtpState::killed:
            return "killed";
        case OtpState::superseded:
            return "superseded";
    }
    return "killed";
}

/// Parses a stored state name; invalid_request OTP_STATE_UNKNOWN on anything else.
inline Result<OtpState> otp_state_from_string(std::string_view text) {
    for (const OtpState state :
         {OtpState::active, OtpState::used, OtpState::killed, OtpState::superseded}) {
        if (to_string(state) == text) {
            return state;
        }
    }
    return fail(ErrorKind::invalid_request, "OTP_STATE_UNKNOWN", "unknown one-time code state");
}

}  // namespace dojang::store
