// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/cmpclient/rest.hpp"
#include "dojang/cmpclient/trust.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/pkix/pkix.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::cmpclient {

/// A certificate the CA issued, as the CMP answer carried it.
struct Enrolled {
    pkix::Certificate certificate;
    std::vector<pkix::Certificate> chain;    ///< extraCerts of the answer
    std::vector<pkix::Certificate> ca_pubs;  ///< caPubs (ir only)
};

/// Installs a new certificate before it is confirmed: called after OpenSSL verified the
/// certificate against the pinned root and before certConf is sent. An error makes certConf
/// reject the certificate (the CA then revokes it), and is what the session returns.
using Install = std::function<Result<void>(const pkix::Certificate& certificate)>;

/// Where and how to talk CMP (OpenSSL's client; RFC 6712 HTTP transfer over libcurl).
struct Session {
    const ServerTrust* trust = nullptr;  ///< server endpoint, pinned root and CA chain
    std::chrono::seconds timeout{60};
    /// Shows the wait when the server answers 503 (server busy) and sleeps; the message is then
    /// sent again after Retry-After, at most `retry.max_attempts` times in all. Without it a
    /// 503 ends the session at once.
    Waiter busy_wait;
    RetryPolicy retry;
    /// The HTTP transfer; libcurl with `timeout` when empty (tests put their own here).
    Transport transport;
};

/// RFC 5280 CRLReason values a holder may give (the CA refuses the CA's own reasons).
enum class RevocationReason {
    unspecified = 0,
    key_compromise = 1,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
};

/// Parses "keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged",
/// "unspecified"; invalid_request REVOCATION_REASON_INVALID otherwise.
Result<RevocationReason> parse_revocation_reason(std::string_view text);

/// The RFC 5280 name of a CRLReason code ("keyCompromise"); "reason N" for unknown codes.
std::string revocation_reason_name(int code);

/// The authorization code as the secret of the MAC: its digits ("1234-5678-…" works).
SecretBytes authorization_secret(const SecretBytes& code);

/// p10cr → cp → certConf → pkiConf (RFC 4210 5.3.19), protected by a password-based MAC with
/// senderKID = `reference` and the secret = the authorization code's digits. The PKCS#10 request
/// is signed with `new_key` (the proof of possession) and carries `random_num` (R, 20 bytes) as
/// the randomNum attribute, so that the CA puts the VID of the registered number and R in the
/// certificate (cmp/README.md). The new certificate must verify to the pinned root.
/// Errors: the CA's refusal mapped per architecture.md (badMessageCheck → unauthenticated,
/// duplicateCertReq → conflict, notAuthorized → forbidden, badCertTemplate →
/// policy_rejected, badPOP, systemUnavail → unavailable) with its text in the detail;
/// unavailable CMP_TRANSFER_FAILED when nothing answered; what `install` returned.
Result<Enrolled> enroll(const Session& session,
                        std::string_view reference,
                        const SecretBytes& code,
                        EVP_PKEY* new_key,
                        std::span<const std::uint8_t> random_num,
                        const Install& install);

/// kur → kup → certConf → pkiConf (RFC 4210 5.3.5), signed with `current_key`, naming
/// `current` (id-regCtrl-oldCertID); the CA's answer must be signed by a certificate that
/// verifies to the pinned root. Errors as enroll().
Result<Enrolled> update_key(const Session& session,
                            const pkix::Certificate& current,
                            EVP_PKEY* current_key,
                            EVP_PKEY* new_key,
                            const Install& install);

/// rr → rp (RFC 4210 5.3.9) for `certificate`, signed with its key. Errors as enroll().
Result<void> revoke(const Session& session,
                    const pkix::Certificate& certificate,
                    EVP_PKEY* key,
                    RevocationReason reason);

namespace detail {

/// The error of a finished CMP session: kind from the PKIFailureInfo bits, `text` (the
/// statusString) in the detail. `status` < 0 means no answer (unavailable).
Error session_error(int status, int fail_info, const std::string& text, const std::string& what);

}  // namespace detail
}  // namespace dojang::cmpclient
