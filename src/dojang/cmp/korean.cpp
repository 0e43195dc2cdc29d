// SPDX-License-Identifier: Apache-2.0
// Messages of the Korean CMP profile (kcmp): recognised by what they are, their desMAC checked
// against the authorization code, and answered in their own form (pvno, sender, desMAC). A
// verified genm gets its genp (the VID encryption certificate under both infoTypes); a verified
// ir or cr goes to OpenSSL's server in RFC form and its ip comes back in the client's form (a
// krr as an ir, answered krp), once its POPO's publicKeyMAC is checked; a pkiconf confirms that
// certificate as a certConf would. Signed renewal (genm and kur signed with the old key) is not
// served yet: such a request is told so in Korean, protected like it when its code was right,
// so the client can show the text.
#include "dojang/cmp/message.hpp"
#include "dojang/cmp/server.hpp"
#include "dojang/cmp/transaction.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crypto/openssl.hpp"

#include <openssl/cmp.h>
#include <openssl/x509.h>

namespace dojang::cmp {

Result<Bytes> Server::handle_korean(const kcmp::Message& request,
                                    const kcmp::KoreanTraits& traits) {
    const kcmp::Header& header = request.header;
    const std::string reference =
        header.sender_kid ? std::string(header.sender_kid->begin(), header.sender_kid->end())
                          : std::string();
    // 1. The desMAC, under every spelling of the authorization code the clients may use.
    std::optional<SecretBytes> verified;
    if (traits.des_mac && !reference.empty()) {
        auto secret = services_.reissue.authorization_secret(reference);
        if (secret) {
            for (auto& spelling : detail::secret_spellings(*secret)) {
                auto matches = kcmp::des_mac_verifies(request, spelling);
                DOJANG_TRY(matches);
                if (*matches) {
                    verified = std::move(spelling);
                    break;
                }
            }
        }
    }
    auto ca_name = crypto::to_der(
        static_cast<const X509_NAME*>(X509_get_subject_name(services_.issuing.certificate.get())),
        i2d_X509_NAME);
    DOJANG_TRY(ca_name);
    const Seconds now = services_.clock.now();
    // 2. A verified genm gets the certificate to encrypt the VID to (genp).
    std::string answered = "error";
    std::string outcome;
    int fail_bit = OSSL_CMP_PKIFAILUREINFO_badRequest;
    Result<Bytes> answer = Bytes{};
    const bool key_recovery = request.body == kcmp::body_krr;
    const bool enrolment =
        request.body == kcmp::body_ir || request.body == kcmp::body_cr || key_recovery;
    std::unique_ptr<Transaction> pending;
    const bool nonce_right =
        !header.recip_nonce || *header.recip_nonce == kcmp::genp_nonce(request);
    // The POPO's publicKeyMAC binds the public key to the code (OpenSSL does not check it).
    bool key_mac_right = true;
    if (verified && enrolment) {
        auto checked = kcmp::public_key_mac_verifies(request, *verified);
        key_mac_right = checked && (!*checked || **checked);
    }
    if (verified && request.body == kcmp::body_genm && services_.vid_certificate != nullptr) {
        auto vid = services_.vid_certificate->der();
        DOJANG_TRY(vid);
        answer = kcmp::general_response(request, *ca_name, now, *vid, *verified);
        answered = "genp";
        outcome = "accepted";
    } else if (verified && enrolment && nonce_right && key_mac_right) {
        // 3. An ir or cr: OpenSSL's server handles it in RFC form (the codes, the POPO, the
        //    EncryptedVID, the issuance and its audit), and its answer's body goes back in the
        //    client's form. The transaction waits for its confirmation as any other.
        //    A krr (SIGNGATE's reissue) is the same request under another body: it is issued
        //    as an ir, and the ip's certificate answered as krp's newSigCert.
        auto body = key_recovery ? kcmp::initialization_body_of_key_recovery(request.body_der)
                                 : Result<Bytes>(request.body_der);
        DOJANG_TRY(body);
        auto translated = kcmp::rfc_form(request, *body, *verified);
        DOJANG_TRY(translated);
        auto rfc_answer = handle_rfc(*translated);
        DOJANG_TRY(rfc_answer);
        auto opened = kcmp::read_message(*rfc_answer);
        DOJANG_TRY(opened);
        Result<Bytes> answer_body = opened->body_der;
        std::uint32_t answer_tag = opened->body;
        if (key_recovery && opened->body == kcmp::body_ir + 1) {
            answer_body = kcmp::key_recovery_response(opened->body_der);
            answer_tag = kcmp::body_krp;
        }
        DOJANG_TRY(answer_body);
        answer = kcmp::answer_with_body(request, *ca_name, now, *answer_body, *verified);
        answered = answer_tag == kcmp::body_krp ? std::string("krp")
                                                : detail::body_name(static_cast<int>(answer_tag));
        outcome = "translated";
    } else if (verified && request.body == kcmp::body_pki_conf && nonce_right &&
               (pending = resume(to_hex(kcmp::transaction_id_of(request)))) &&
               pending->issued.serial) {
        // 4. pkiconf confirms the certificate of this transaction's ip: OpenSSL's server gets
        //    the certConf an RFC client would send (the hash of what it issued; the code, the
        //    transactionID and the nonces bind the pkiconf to it).
        auto body = kcmp::certificate_confirmation_body(pending->issued.certificate_hash);
        DOJANG_TRY(body);
        // OpenSSL's server wants the senderNonce of its ip back as recipNonce.
        std::optional<Bytes> last_nonce;
        auto read = services_.database.transact([&](store::Transaction& tx) -> Result<void> {
            auto record = tx.cmp().find(to_hex(kcmp::transaction_id_of(request)));
            DOJANG_TRY(record);
            if (*record) {
                last_nonce = (*record)->sender_nonce;
            }
            return ok();
        });
        DOJANG_TRY(read);
        auto translated = kcmp::rfc_form(request, *body, *verified, last_nonce);
        DOJANG_TRY(translated);
        auto rfc_answer = handle_rfc(*translated);
        DOJANG_TRY(rfc_answer);
        auto opened = kcmp::read_message(*rfc_answer);
        DOJANG_TRY(opened);
        answer = kcmp::answer_with_body(request, *ca_name, now, opened->body_der, *verified);
        answered = detail::body_name(static_cast<int>(opened->body));
        outcome = "translated";
    } else {
        // 5. Otherwise an error in the request's form. An unknown reference and a wrong code
        //    read the same (no oracle), and are not protected: nothing shared was proven.
        std::string text;
        if (traits.des_mac && !verified) {
            fail_bit = OSSL_CMP_PKIFAILUREINFO_badMessageCheck;
            text =
                "참조번호 또는 인가코드가 올바르지 않습니다. 안내받은 참조번호와 인가코드를 "
                "확인하십시오 (the reference number or the authorization code is not correct)";
            outcome = "bad_message_check";
        } else if (verified && enrolment && !key_mac_right) {
            fail_bit = OSSL_CMP_PKIFAILUREINFO_badPOP;
            text =
                "공개키 MAC(publicKeyMAC)이 인가코드와 맞지 않거나 읽을 수 없습니다 (the "
                "publicKeyMAC of the proof of possession does not match the authorization code)";
            outcome = "bad_public_key_mac";
        } else if (verified && enrolment) {
            fail_bit = OSSL_CMP_PKIFAILUREINFO_badRecipientNonce;
            text =
                "요청의 recipNonce 가 인증기관의 genp 와 맞지 않습니다. 처음부터 다시 "
                "시도하십시오 (the recipNonce does not match the CA's genp; start again)";
            outcome = "bad_recipient_nonce";
        } else if (verified && request.body == kcmp::body_pki_conf && nonce_right) {
            text =
                "확인할 발급이 없습니다. 이미 확인되었거나 확인 시간이 지났습니다 (no issuance "
                "of this transaction waits for a confirmation)";
            outcome = "nothing_to_confirm";
        } else if (verified && request.body == kcmp::body_pki_conf) {
            fail_bit = OSSL_CMP_PKIFAILUREINFO_badRecipientNonce;
            text =
                "확인 메시지의 recipNonce 가 인증기관의 genp 와 맞지 않습니다 (the recipNonce "
                "does not match the CA's genp)";
            outcome = "bad_recipient_nonce";
        } else if (verified && request.body == kcmp::body_genm) {
            fail_bit = OSSL_CMP_PKIFAILUREINFO_systemUnavail;
            text =
                "인증기관의 VID 암호화 인증서가 준비되지 않았습니다. 잠시 후 다시 시도하십시오 "
                "(the CA's VID encryption certificate is not available; try again later)";
            outcome = "vid_certificate_missing";
        } else {
            text =
                "이 인증기관은 한국형 CMP(KISA)의 이 요청을 아직 처리하지 않습니다. 웹 포털이나 "
                "dojang 프로그램으로 발급받으십시오. 참조번호와 인가코드는 그대로 쓸 수 "
                "있습니다 (this CA does not serve this request of the Korean CMP profile yet: "
                "use the web portal or the dojang program; the codes stay valid)";
            outcome = "profile_not_served";
        }
        answer = kcmp::error_answer(request, *ca_name, now, fail_bit, text, verified);
    }
    DOJANG_TRY(answer);
    // 6. Audited as every CMP message is.
    const std::string transaction_id =
        header.transaction_id ? to_hex(*header.transaction_id) : std::string();
    std::string details =
        "{\"sender\":" + json_quote(reference.empty() ? "anonymous" : "reference:" + reference) +
        ",\"transaction_id\":" + json_quote(transaction_id) +
        ",\"profile\":\"korean\",\"traits\":" + json_quote(traits.describe()) +
        ",\"pvno\":" + std::to_string(header.pvno) + ",\"answer\":" + json_quote(answered) +
        ",\"outcome\":" + json_quote(outcome);
    if (answered == "error") {
        details += ",\"fail_info\":" + json_quote(detail::failure_name(fail_bit));
    }
    details += "}";
    auto audited = services_.database.transact([&](store::Transaction& tx) {
        return store::record_audit(tx,
                                   services_.clock.now(),
                                   "cmp",
                                   "cmp." + detail::body_name(static_cast<int>(request.body)),
                                   transaction_id,
                                   details);
    });
    DOJANG_TRY(audited);
    return answer;
}

}  // namespace dojang::cmp
