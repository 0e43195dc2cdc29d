// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/holder_actions.hpp"

#include "dojang/core/text.hpp"

namespace dojang::ra {

HolderActions::HolderActions(const RenewalService& renewal, const Clock& clock)
    : renewal_(&renewal), clock_(&clock) {}

Result<store::CertificateRecord> HolderActions::authorise(const SignedByHolder& signed_by,
                                                          const SerialNumber& serial) const {
    auto signer_serial = signed_by.signer.serial();
    DOJANG_TRY(signer_serial);
    if (*signer_serial != serial) {
        return fail(ErrorKind::forbidden,
                    "SIGNER_MISMATCH",
                    "the request is signed with certificate " + signer_serial->hex() +
                        ", not with " + serial.hex() +
                        " (요청에 서명한 인증서가 대상 인증서와 다릅니다)");
    }
    if (!signed_by.signer.may_sign()) {
        return fail(ErrorKind::forbidden,
                    "SIGNER_MISMATCH",
                    "certificate " + signer_serial->hex() +
                        " is not for signatures (its key usage has neither digitalSignature nor "
                        "nonRepudiation) (서명용 인증서가 아닙니다)");
    }
    const auto now = clock_->now();
    const auto skew =
        signed_by.signed_at > now ? signed_by.signed_at - now : now - signed_by.signed_at;
    if (skew > max_skew) {
        return fail(ErrorKind::invalid_request,
                    "REQUEST_STALE",
                    "the request was signed at " + to_rfc3339(signed_by.signed_at) +
                        ", more than 10 minutes from now: check the device's clock and sign it "
                        "again (요청의 서명 시각이 현재와 10분 넘게 차이 납니다. 기기의 시계를 "
                        "확인하고 다시 요청하십시오)");
    }
    return renewal_->holder_certificate(signed_by.signer);
}

Result<ca::Issued> HolderActions::renew(const SignedByHolder& signed_by,
                                        const SerialNumber& current,
                                        const pkix::Csr& request) const {
    auto record = authorise(signed_by, current);
    DOJANG_TRY(record);
    if (!request.has_valid_signature()) {
        return fail(ErrorKind::invalid_request,
                    "BAD_PROOF_OF_POSSESSION",
                    "the new request's signature does not verify with its key (새 키의 요청 "
                    "서명이 올바르지 않습니다)");
    }
    auto public_key = request.public_key_der();
    DOJANG_TRY(public_key);
    auto current_key = signed_by.signer.public_key_der();
    DOJANG_TRY(current_key);
    if (*public_key == *current_key) {
        return fail(ErrorKind::invalid_request,
                    "KEY_NOT_NEW",
                    "a renewal needs a new key pair, not the certificate's current key (갱신에는 "
                    "새 키가 필요합니다)");
    }
    return renewal_->renew(signed_by.signer, *public_key);
}

Result<SerialNumber> HolderActions::confirm_renewal(const SignedByHolder& signed_by,
                                                    const SerialNumber& renewed) const {
    auto record = authorise(signed_by, renewed);
    DOJANG_TRY(record);
    auto old_serial = renewal_->pending_renewal_of(renewed);
    DOJANG_TRY(old_serial);
    if (!*old_serial) {
        return fail(ErrorKind::conflict,
                    "RENEWAL_NOT_PENDING",
                    "certificate " + renewed.hex() +
                        " is not a renewal waiting for its confirmation (확인을 기다리는 갱신 "
                        "인증서가 아닙니다)");
    }
    auto confirmed = renewal_->confirm(**old_serial, renewed);
    DOJANG_TRY(confirmed);
    return **old_serial;
}

Result<void> HolderActions::revoke(const SignedByHolder& signed_by,
                                   const SerialNumber& serial,
                                   domain::RevocationReason reason) const {
    auto record = authorise(signed_by, serial);
    DOJANG_TRY(record);
    return renewal_->revoke(signed_by.signer, reason);
}

}  // namespace dojang::ra
