// SPDX-License-Identifier: Apache-2.0
// The use cases that end with a new certificate in the holder's NPKI store: the certificate
// fetched with the codes of an approved application (`dojang issue`, the end of
// `dojang reissue`) and the renewal signed with the current key (`dojang renew`). The CA
// exchange is a function the caller gives (cmp_enrol(), cmp_update_key()), so the order of the
// steps and the install-before-confirm rule hold whatever carries the request.
#pragma once

#include "dojang/cmpclient/cmp_client.hpp"
#include "dojang/cmpclient/trust.hpp"
#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/crypto/keys.hpp"
#include "dojang/pkix/pkix.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::holder {

/// What the use cases tell their caller between the steps that take time or change files; the
/// caller shows them. Each does nothing unless overridden.
class EnrolmentListener {
public:
    virtual ~EnrolmentListener() = default;
    /// The new key pair is about to be generated (an RSA key takes a moment).
    virtual void generating_key() {}
    /// The new key file is about to be encrypted with `iterations` of PBKDF2.
    virtual void encrypting_key(int /*iterations*/) {}
    /// The request is about to go to the CA.
    virtual void requesting() {}
    /// The certificate and key in `folder` were copied to `*.old` because the new certificate
    /// replaces them; the copies go once the CA has confirmed it and stay if the exchange fails.
    virtual void kept_previous(const std::filesystem::path& /*folder*/) {}
};

/// Sends the certification request for `new_key` carrying R, authenticated with the reference
/// number and the authorization code; calls `install` with the certificate once it verified to
/// the pinned root and before the CA is told it was accepted, and fails with what `install`
/// returned. Returns only after `install` succeeded.
using Enrol = std::function<Result<cmpclient::Enrolled>(std::string_view reference,
                                                        const SecretBytes& code,
                                                        EVP_PKEY* new_key,
                                                        std::span<const std::uint8_t> random_num,
                                                        const cmpclient::Install& install)>;

/// Enrol over CMP (p10cr, cmpclient::enroll()) in `session`, which must outlive the function.
Enrol cmp_enrol(const cmpclient::Session& session);

/// Requests the certificate of `new_key`, authenticated with the current certificate and key;
/// `install` as for Enrol.
using UpdateKey = std::function<Result<cmpclient::Enrolled>(EVP_PKEY* new_key,
                                                            const cmpclient::Install& install)>;

/// UpdateKey over CMP (kur, cmpclient::update_key()) in `session` for `current` and its key;
/// all three must outlive the function.
UpdateKey cmp_update_key(const cmpclient::Session& session,
                         const pkix::Certificate& current,
                         EVP_PKEY* current_key);

/// What the holder brings to fetch a certificate with the codes of an approved application.
struct IssueRequest {
    std::string reference;  ///< the reference number (참조번호), digits only
    SecretBytes code;       ///< the authorization code (인가코드)
    /// The resident or business registration number as written ("900101-1234567"), to check
    /// the VID of the new certificate; without it the CA's register is taken on trust.
    std::optional<SecretBytes> identification_number;
    SecretBytes password;  ///< for the new key file; must pass check_password_policy()
    crypto::KeyAlgorithm key_algorithm = crypto::KeyAlgorithm::rsa2048;
    std::filesystem::path home;  ///< the NPKI store the certificate goes to
};

/// How the identity binding (VID) of a new certificate was found.
enum class VidCheck {
    absent,     ///< no identifyData: the server did not use R (kept in the key file all the same)
    unchecked,  ///< no identification number given: the CA set the VID from its register and R
    matches,    ///< recomputed from the identification number and R, as `dojang vid-check` does
};

/// A certificate fetched with the codes and stored with its key.
struct Issued {
    pkix::Certificate certificate;
    std::filesystem::path folder;  ///< where the store keeps it
    Bytes random_num;              ///< R, kept in the key file as its randomNum attribute
    /// The VID check, made once the certificate is stored: forbidden VID_MISMATCH (or the
    /// parser's error for a malformed identifyData) leaves it stored; the holder asks the CA.
    Result<VidCheck> vid;
    /// caPubs of the answer that are not the pinned root (the holder is warned, nothing more:
    /// the root stays the one pinned on first use).
    std::vector<pkix::Certificate> unpinned_ca_pubs;
};

/// invalid_request REFERENCE_INVALID unless `reference` is digits only. issue_certificate()
/// checks it too; callers check it first when a typo should not reach the server.
Result<void> check_reference(std::string_view reference);

/// Fetches a certificate with the codes under the pinned `trust`: checks the request (reference,
/// password policy), generates the key pair and R here (neither leaves this device), checks the
/// identification number against R, encrypts the key file with R in it, sends the request with
/// R through `enrol`, installs key and certificate in the store before the CA is told (the
/// files they replace kept as `*.old` until `enrol` returns, then dropped), and checks the VID.
/// Errors: the checks' (PASSWORD_TOO_WEAK, IDN_INVALID…) before anything is sent; internal
/// KEY_CERTIFICATE_MISMATCH from the install step when the CA certified another key; the
/// store's and `enrol`'s; internal CERTIFICATE_NOT_INSTALLED when `enrol` succeeded without
/// installing.
Result<Issued> issue_certificate(const IssueRequest& request,
                                 const cmpclient::ServerTrust& trust,
                                 const Enrol& enrol,
                                 EnrolmentListener& listener);

/// What the holder brings to renew a stored certificate.
struct RenewRequest {
    std::filesystem::path home;    ///< the NPKI store
    std::filesystem::path folder;  ///< the current certificate's folder, kept as `*.old` until
                                   ///< the CA confirms the new one
    SecretBytes password;          ///< the current key file's, used for the new one too
    crypto::KeyAlgorithm key_algorithm = crypto::KeyAlgorithm::rsa2048;
};

/// A renewed certificate, stored with its new key.
struct Renewed {
    pkix::Certificate certificate;
    std::filesystem::path folder;  ///< where the store keeps it
};

/// Renews with `current_key` (the decrypted current key, not null): the new key pair keeps its
/// R, because the CA copies the old VID and the VID is bound to R; then as issue_certificate()
/// from the encryption of the key file on, through `update`.
Result<Renewed> renew_certificate(const RenewRequest& request,
                                  const PKCS8_PRIV_KEY_INFO* current_key,
                                  const UpdateKey& update,
                                  EnrolmentListener& listener);

}  // namespace dojang::holder
