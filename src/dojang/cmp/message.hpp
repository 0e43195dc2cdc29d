// SPDX-License-Identifier: Apache-2.0
// What the CMP server reads from and writes into CMP messages. Internal to the CMP server's
// files, not part of the component's public entry (server.hpp, routes.hpp).
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/pkix/pkix.hpp"
#include "dojang/store/store.hpp"

#include <openssl/cmp.h>
#include <openssl/crmf.h>
#include <openssl/x509.h>

#include <optional>
#include <string>
#include <vector>

namespace dojang::cmp::detail {

using MsgPtr = crypto::Owned<OSSL_CMP_MSG, OSSL_CMP_MSG_free>;

/// PKIBody choices (RFC 4210 5.1.2); OpenSSL 3.0 keeps its names for them private.
constexpr int body_ir = 0;
constexpr int body_kur = 7;
constexpr int body_rr = 11;
constexpr int body_genm = 21;
constexpr int body_error = 23;
constexpr int body_cert_conf = 24;
constexpr int body_poll_req = 25;
constexpr int body_ip = 1;
constexpr int body_cp = 3;
constexpr int body_kup = 8;
constexpr int body_pki_conf = 19;

/// The name of a PKIBody choice (RFC 4210 5.1.2), for the audit log; "unknown" for any other.
std::string body_name(int body);

/// The DER encoding of an OpenSSL value through its i2d function; empty when it cannot be
/// encoded.
template <typename T, int (*Encode)(const T*, unsigned char**)>
Bytes der_of(const T* value) {
    unsigned char* out = nullptr;
    const int length = Encode(value, &out);
    if (length <= 0) {
        return {};
    }
    Bytes bytes(out, out + length);
    OPENSSL_free(out);
    return bytes;
}

/// i2d_OSSL_CMP_MSG and i2d_X509_REQ for der_of.
int encode_message(const OSSL_CMP_MSG* message, unsigned char** out);
int encode_request(const X509_REQ* request, unsigned char** out);

/// The header's senderKID [2] (RFC 4210 5.1.1): OpenSSL 3.0 has no getter for it.
std::optional<std::string> sender_kid(const OSSL_CMP_PKIHEADER* header);

/// senderNonce [5] of a header: the recipNonce the peer's next message carries.
Bytes sender_nonce(const OSSL_CMP_PKIHEADER* header);

/// Whether the header names a protection algorithm (protectionAlg [1]).
bool is_protected(const OSSL_CMP_PKIHEADER* header);

/// Whether the header's protectionAlg [1] is the password-based MAC (RFC 4210 5.1.3.1).
bool is_mac_protected(const OSSL_CMP_PKIHEADER* header);

/// The certificates of the message's extraCerts [1] (RFC 4210 5.1): a signing client puts its
/// own certificate there. OpenSSL 3.0 has no getter; unreadable entries are skipped.
std::vector<pkix::Certificate> extra_certificates(const Bytes& message_der);

/// The reason of the first RevDetails of an rr (RFC 4210 5.3.9): the CRLReason extension of
/// crlEntryDetails (RFC 5280 5.3.1), unspecified when absent; nothing when it is malformed or
/// not a CRLReason value.
std::optional<domain::RevocationReason> revocation_reason(const Bytes& message_der);

/// OpenSSL's CMP log goes to stderr by default; refusals are answered, not logged here.
int quiet(const char* /*component*/,
          const char* /*file*/,
          int /*line*/,
          OSSL_CMP_severity /*level*/,
          const char* /*message*/);

/// The CRMF template's publicKey [6] (RFC 4211 5) as a SubjectPublicKeyInfo: the field is
/// IMPLICIT, so the SEQUENCE tag replaces the context tag. OpenSSL 3.0 has no getter.
Bytes template_public_key(const OSSL_CRMF_MSG* message);

/// PKIStatus of a PKIStatusInfo (RFC 4210 5.2.3); accepted (0) when absent.
long pki_status(const OSSL_CMP_PKISI* status_info);

/// PKIFailureInfo bit for an error kind (architecture.md, "Errors").
int failure_bit(ErrorKind kind);

/// The ASN.1 name of a PKIFailureInfo bit (RFC 4210 5.2.3), for the audit log.
std::string failure_name(int bit);

/// The statusString a person reads: the detail and every violation (internal causes stay out).
std::string status_text(const Error& error);

/// A PKIStatusInfo `rejection` with one PKIFailureInfo bit and `text` as its statusString.
OSSL_CMP_PKISI* rejection(int failure, const std::string& text);

/// Whether the request is signed with the key of `signer` (RFC 4210 5.1.3.3). OpenSSL checks
/// the signature against the pinned certificate only; the caller decides whether the
/// certificate may authenticate its holder.
bool signature_verifies(const OSSL_CMP_MSG* request, const pkix::Certificate& signer);

/// Whether `secret` verifies the request's password-based MAC.
bool mac_verifies(const OSSL_CMP_MSG* request, const SecretBytes& secret);

/// The code as the holder may type it into a client: the digits, or grouped by four.
std::vector<SecretBytes> secret_spellings(const SecretBytes& digits);

}  // namespace dojang::cmp::detail
