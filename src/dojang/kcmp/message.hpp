// SPDX-License-Identifier: Apache-2.0
#pragma once
// A CMP message read from its own bytes, as the Korean clients send it (korea.md, "How Korean
// clients talk to the CA"): OpenSSL's server refuses such a header (pvno 0/1, an rfc822Name or
// empty sender, a desMAC, krr or pkiconf), so the header is read here and the answer's header
// written here, around what OpenSSL encodes.

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace dojang::kcmp {

/// The GeneralName forms the header's sender and recipient come in.
enum class NameForm { directory_name, rfc822_name, other };

/// PasswordBasedMac's parameters (RFC 4210 5.1.3.1), OIDs in dotted form.
struct PasswordBasedMac {
    Bytes salt;
    std::string owf;  ///< "1.3.14.3.2.26" (SHA-1) from the Korean clients
    std::int64_t iterations = 0;
    std::string mac;  ///< "1.3.14.3.2.10" (desMAC) from the Korean clients
};

/// The PKIHeader fields the Korean profile needs; each *_der is the field's value as sent.
struct Header {
    std::int64_t pvno = 0;
    NameForm sender_form = NameForm::other;
    std::string sender_rfc822;  ///< the rfc822Name's text (" " or "INI_NEW" from the clients)
    Bytes sender_der;           ///< the GeneralName, whole
    NameForm recipient_form = NameForm::other;
    Bytes recipient_der;         ///< the GeneralName, whole
    std::string protection_alg;  ///< dotted OID; empty when the message is unprotected
    Bytes protection_alg_der;    ///< the AlgorithmIdentifier, whole
    std::optional<PasswordBasedMac> password_based_mac;
    std::optional<Bytes> sender_kid;
    std::optional<Bytes> recip_kid;
    std::optional<Bytes> transaction_id;
    std::optional<Bytes> sender_nonce;
    std::optional<Bytes> recip_nonce;
};

/// PKIBody choices the profile names (RFC 4210 5.1.2).
inline constexpr std::uint32_t body_ir = 0;
inline constexpr std::uint32_t body_cr = 2;
inline constexpr std::uint32_t body_kur = 7;
inline constexpr std::uint32_t body_krr = 9;
inline constexpr std::uint32_t body_krp = 10;
inline constexpr std::uint32_t body_pki_conf = 19;
inline constexpr std::uint32_t body_genm = 21;
inline constexpr std::uint32_t body_genp = 22;
inline constexpr std::uint32_t body_error = 23;

inline constexpr std::string_view password_based_mac_oid = "1.2.840.113533.7.66.13";
inline constexpr std::string_view des_mac_oid = "1.3.14.3.2.10";
inline constexpr std::string_view sha1_oid = "1.3.14.3.2.26";

/// One PKIMessage as sent.
struct Message {
    Header header;
    std::uint32_t body = 0;           ///< the PKIBody choice
    Bytes protected_part;             ///< DER of ProtectedPart ::= SEQUENCE { header, body }
    std::optional<Bytes> protection;  ///< the protection's octets (a MAC or a signature)
    std::size_t extra_certs = 0;
    Bytes body_der;                        ///< the PKIBody, whole
    std::optional<Bytes> extra_certs_der;  ///< the extraCerts [1] field, whole
};

/// Reads a PKIMessage's header and the outline of the rest from its DER. Errors:
/// invalid_request CMP_MESSAGE_MALFORMED when it is not a DER PKIMessage.
Result<Message> read_message(std::span<const std::uint8_t> der);

/// What marks a message as the Korean profile's rather than RFC 4210/9480's; the profile is
/// chosen by the message, never by configuration.
struct KoreanTraits {
    bool old_pvno = false;              ///< pvno 0 (SIGNGATE) or 1 (yessign and others)
    bool sender_not_directory = false;  ///< an rfc822Name sender (" ", "INI_NEW")
    bool des_mac = false;               ///< PasswordBasedMac with desMAC
    bool korean_body = false;           ///< krr [9] or pkiconf [19]
    bool no_transaction_id = false;     ///< SIGNGATE sends none

    [[nodiscard]] bool any() const {
        return old_pvno || sender_not_directory || des_mac || korean_body || no_transaction_id;
    }
    /// The traits present, for logs and the audit ("pvno 1, desMAC").
    [[nodiscard]] std::string describe() const;
};

KoreanTraits korean_traits(const Message& message);

/// Whether the message's desMAC is right for `secret` (the authorization code, digits only).
/// False for a message not protected by a PasswordBasedMac with desMAC over SHA-1, or with an
/// iteration count beyond max_iterations (des_mac.hpp).
Result<bool> des_mac_verifies(const Message& message, const SecretBytes& secret);

/// id-it-caProtEncCert (RFC 4210 5.3.19.1) and the Korean caCert infoType: both name the
/// certificate the client encrypts its VID to (korea.md).
inline constexpr std::string_view ca_prot_enc_cert_oid = "1.3.6.1.5.5.7.4.1";
inline constexpr std::string_view korean_ca_cert_oid = "1.2.410.200005.1.10.1";

/// The genp answering a Korean genm: both infoTypes above with `vid_certificate_der`, in the
/// request's form as error_answer() writes it, protected with its desMAC under `secret`. Its
/// senderNonce is SHA-256(transactionID ‖ the request's senderNonce), first 16 bytes: the
/// clients send the same genm again with their ir (the gateway form) and build the
/// confirmation's recipNonce from the first genp, so a repeated genm must get the same nonce.
Result<Bytes> general_response(const Message& request,
                               std::span<const std::uint8_t> ca_name_der,
                               Seconds now,
                               std::span<const std::uint8_t> vid_certificate_der,
                               const SecretBytes& secret);

/// The nonce of the genp that answers a genm of this transactionID and senderNonce (see
/// general_response()): what the clients put as recipNonce in their ir and confirmation.
Bytes genp_nonce(const Message& request);

/// The transactionID the request's exchange goes by: its own, or (SIGNGATE sends none) the
/// first 16 bytes of SHA-256(senderKID ‖ senderNonce), the same for every message of it.
Bytes transaction_id_of(const Message& request);

/// The PKIBody certConf [24] that an RFC client would send where a Korean client sends pkiconf:
/// one CertStatus { certHash, certReqId 0 } without statusInfo (accepted).
Result<Bytes> certificate_confirmation_body(const Bytes& certificate_hash);

/// Whether the publicKeyMAC in the POPO of the request's first CertReqMsg is right for `secret`
/// (RFC 4211 4.4: PKMACValue over DER(publicKey) with the PasswordBasedMac of its algId, which
/// the Korean clients key with the authorization code). Nothing when that POPO carries no
/// poposkInput with a publicKeyMAC. Errors: CMP_MESSAGE_MALFORMED.
Result<std::optional<bool>> public_key_mac_verifies(const Message& request,
                                                    const SecretBytes& secret);

/// The ir [0] body that carries the same CertReqMessages as a krr [9] body (SIGNGATE asks for
/// a reissue with key recovery; the CA issues as for an ir). Errors: CMP_MESSAGE_MALFORMED.
Result<Bytes> initialization_body_of_key_recovery(const Bytes& krr_body);

/// The krp [10] KeyRecRepContent { status, newSigCert [0] } that answers a krr, from the ip
/// [1] CertRepMessage OpenSSL answered its ir with: the first response's status and
/// certificate (none when refused), and caPubs as caCerts [1]. Errors: CMP_MESSAGE_MALFORMED
/// when `ip_body` is not an ip.
Result<Bytes> key_recovery_response(const Bytes& ip_body);

/// The same request in RFC 4210's form, for OpenSSL's server, once its desMAC was verified:
/// pvno 2, a directoryName sender (an empty Name for the clients' rfc822Name), no recipNonce,
/// a transactionID derived from senderKID and senderNonce when the client sent none, the body
/// and extraCerts as they were, and a PasswordBasedMac (HMAC-SHA256) under `secret` computed by
/// OpenSSL (OSSL_CRMF_pbm_new).
Result<Bytes> rfc_form(const Message& request, const SecretBytes& secret);
/// rfc_form() with another body (a certConf for a pkiconf) and the recipNonce OpenSSL's server
/// expects for it (the senderNonce of its own last answer).
Result<Bytes> rfc_form(const Message& request,
                       const Bytes& body,
                       const SecretBytes& secret,
                       const std::optional<Bytes>& recip_nonce = std::nullopt);

/// An answer to `request` in its form (as error_answer() writes it) around `body`, a PKIBody
/// OpenSSL built (an ip, a kup), with a fresh senderNonce; protected with its desMAC under
/// `secret`.
Result<Bytes> answer_with_body(const Message& request,
                               std::span<const std::uint8_t> ca_name_der,
                               Seconds now,
                               const Bytes& body,
                               const SecretBytes& secret);

/// An error message (PKIBody [23]) answering `request` in its own form: the same pvno, the
/// request's sender as recipient, its transactionID and senderNonce (as recipNonce) echoed, a
/// fresh senderNonce, and a PKIStatusInfo {rejection, `fail_bit`, `text`}. With `secret` it is
/// protected like the request (the same PasswordBasedMac, desMAC), otherwise unprotected (the
/// request's protection could not be checked, so nothing shared can be proven).
/// `ca_name_der` is the CA's Name, the answer's sender.
Result<Bytes> error_answer(const Message& request,
                           std::span<const std::uint8_t> ca_name_der,
                           Seconds now,
                           int fail_bit,
                           const std::string& text,
                           const std::optional<SecretBytes>& secret);

}  // namespace dojang::kcmp
