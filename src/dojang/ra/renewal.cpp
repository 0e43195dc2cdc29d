// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/renewal.hpp"

#include "dojang/core/text.hpp"
#include "dojang/crypto/digest.hpp"

namespace dojang::ra {
namespace {

/// The day (KST, as holders read it) of an instant: "2026-05-02".
std::string kst_day(Seconds at) {
    return to_rfc3339(at + std::chrono::hours{9}).substr(0, 10);
}

Error expired(Seconds not_after) {
    return Error{ErrorKind::forbidden,
                 "CERTIFICATE_EXPIRED",
                 "the certificate expired on " + kst_day(not_after) +
                     "; apply for a new certificate (인증서가 만료되었습니다. 신규 발급을 "
                     "신청하십시오)",
                 {},
                 {}};
}

}  // namespace

Seconds renewal_opens(Seconds not_after, std::chrono::days window) {
    return not_after - window;
}

Seconds renewed_not_after(Seconds old_not_after) {
    const auto day = std::chrono::floor<std::chrono::days>(old_not_after);
    const std::chrono::year_month_day date{day};
    auto next = date + std::chrono::years{1};
    if (!next.ok()) {  // 29 February of a leap year
        next = next.year() / next.month() / std::chrono::last;
    }
    return Seconds{std::chrono::sys_days{next} + (old_not_after - day)};
}

RenewalService::RenewalService(store::Database& database,
                               const ca::Issuer& issuer,
                               const ca::Authority& issuing,
                               const Clock& clock,
                               RenewalSettings settings)
    : database_(&database),
      issuer_(&issuer),
      issuing_(&issuing),
      clock_(&clock),
      settings_(settings) {}

Result<store::CertificateRecord> RenewalService::holder_certificate(
    const pkix::Certificate& certificate) const {
    auto serial = certificate.serial();
    auto der = certificate.der();
    if (!serial || !der) {
        return fail(
            ErrorKind::invalid_request, "CERTIFICATE_MALFORMED", "the certificate cannot be read");
    }
    std::optional<store::CertificateRecord> record;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.certificates().find(*serial);
        DOJANG_TRY(found);
        record = std::move(*found);
        return ok();
    });
    DOJANG_TRY(read);
    // Only what this CA signed and recorded counts: same serial is not enough, the bytes must
    // be the ones we stored.
    if (!record || record->ca != issuing_->name || record->der.empty() || record->der != *der) {
        return fail(ErrorKind::not_found,
                    "CERTIFICATE_UNKNOWN",
                    "this certificate was not issued by this CA (이 인증기관이 발급한 인증서가 "
                    "아닙니다)");
    }
    if (record->status == domain::CertificateStatus::revoked) {
        return fail(ErrorKind::forbidden,
                    "CERTIFICATE_REVOKED",
                    "the certificate is revoked (폐지된 인증서입니다)");
    }
    const Seconds now = clock_->now();
    if (now > record->not_after) {
        return tl::unexpected(expired(record->not_after));
    }
    if (now < record->not_before) {
        return fail(ErrorKind::forbidden,
                    "CERTIFICATE_NOT_YET_VALID",
                    "the certificate is not valid yet (아직 유효하지 않은 인증서입니다)");
    }
    return std::move(*record);
}

Result<void> RenewalService::check_window(const store::CertificateRecord& current) const {
    const Seconds now = clock_->now();
    if (now > current.not_after) {
        return tl::unexpected(expired(current.not_after));
    }
    const Seconds opens = renewal_opens(current.not_after, settings_.window);
    if (now < opens) {
        const std::string days = std::to_string(settings_.window.count());
        return fail(ErrorKind::forbidden,
                    "RENEWAL_TOO_EARLY",
                    "renewal opens on " + kst_day(opens) + ", " + days +
                        " days before the certificate expires on " + kst_day(current.not_after) +
                        " (갱신은 " + kst_day(opens) + "부터 만료일(" + kst_day(current.not_after) +
                        ")까지 가능합니다)");
    }
    return ok();
}

Result<ca::Issued> RenewalService::renew(const pkix::Certificate& current,
                                         const Bytes& public_key) const {
    // 1. Authorise: the certificate is ours, valid, and in its renewal window.
    auto record = holder_certificate(current);
    DOJANG_TRY(record);
    auto open = check_window(*record);
    DOJANG_TRY(open);
    // 2.-7. The issuer checks the key, records, signs and audits.
    ca::IssueRequest request;
    request.public_key = public_key;
    request.profile = record->profile;
    request.renews = record->der;
    request.keep_not_after = renewed_not_after(record->not_after);
    request.actor = "renewal:" + record->serial.hex();
    // 8. Remember the renewal until certConf, in the store and in the transaction that records
    //    the certificate: a restart between ip and certConf must not leave two valid
    //    certificates (ReissueService::revoke_unconfirmed ends it).
    auto id = crypto::random_bytes(10);
    DOJANG_TRY(id);
    ca::IssueHooks hooks;
    hooks.with_issued = [&](store::Transaction& tx, const SerialNumber& serial, const Bytes&) {
        return track(tx, *record, serial.hex(), "r" + to_hex(*id));
    };
    return issuer_->issue(request, hooks);
}

Result<void> RenewalService::track(store::Transaction& tx,
                                   const store::CertificateRecord& old_record,
                                   const std::string& new_serial,
                                   const std::string& id) const {
    const Seconds now = clock_->now();
    {
        auto holder = tx.customers().find_by_certificate(old_record.serial.hex());
        DOJANG_TRY(holder);
        store::ApplicationRecord renewal;
        renewal.id = id;
        renewal.holder_type = old_record.profile == "corporate" ? domain::HolderType::corporate
                                                                : domain::HolderType::individual;
        renewal.reason = domain::ReissueReason::expired;
        renewal.status = domain::ApplicationStatus::issued;
        renewal.customer_id = *holder ? (*holder)->customer_id : std::string();
        renewal.origin = "renewal";
        renewal.old_serial = old_record.serial.hex();
        renewal.new_serial = new_serial;
        renewal.issued_at = now;
        renewal.created_at = now;
        renewal.updated_at = now;
        auto inserted = tx.applications().insert(renewal);
        if (!inserted) {
            return inserted;
        }
        return tx.applications().add_event(
            {0, renewal.id, now, "issued", "renewal (갱신) of " + renewal.old_serial});
    }
}

Result<void> RenewalService::settle(const SerialNumber& new_serial,
                                    domain::ApplicationStatus status,
                                    const std::string& detail) const {
    const Seconds now = clock_->now();
    return database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find_by_new_serial(new_serial.hex());
        DOJANG_TRY(found);
        if (!*found || (*found)->origin != "renewal" ||
            (*found)->status != domain::ApplicationStatus::issued) {
            return ok();
        }
        (*found)->status = status;
        (*found)->updated_at = now;
        if (status == domain::ApplicationStatus::confirmed) {
            (*found)->confirmed_at = now;
        }
        auto updated = tx.applications().update(**found);
        if (!updated) {
            return updated;
        }
        return tx.applications().add_event(
            {0, (*found)->id, now, std::string(domain::to_string(status)), detail});
    });
}

Result<void> RenewalService::confirm(const SerialNumber& old_serial,
                                     const SerialNumber& new_serial) const {
    auto pending = pending_renewal_of(new_serial);
    DOJANG_TRY(pending);
    if (!*pending) {
        return ok();  // confirmed before (idempotent), or no renewal
    }
    auto revoked = ca::revoke(*database_,
                              *clock_,
                              old_serial,
                              domain::RevocationReason::superseded,
                              "renewal:" + new_serial.hex());
    if (!revoked && revoked.error().kind != ErrorKind::conflict) {
        return revoked;
    }
    if (!revoked) {
        // The certificate that authorised the renewal was revoked before the renewal was
        // confirmed (by its holder, an officer or the CA): what its key asked for falls with it.
        auto abandoned = abandon(new_serial);
        DOJANG_TRY(abandoned);
        return fail(ErrorKind::forbidden,
                    "CERTIFICATE_REVOKED",
                    "certificate " + old_serial.hex() +
                        " was revoked before its renewal was confirmed; the renewed certificate " +
                        new_serial.hex() +
                        " is revoked too (갱신 확인 전에 기존 인증서가 폐지되어 갱신된 인증서도 "
                        "폐지했습니다)");
    }
    return settle(new_serial, domain::ApplicationStatus::confirmed, "certConf: installed");
}

Result<std::optional<SerialNumber>> RenewalService::pending_renewal_of(
    const SerialNumber& new_serial) const {
    return store::read_in_transaction<std::optional<SerialNumber>>(
        *database_, [&](store::Transaction& tx) -> Result<std::optional<SerialNumber>> {
            auto found = tx.applications().find_by_new_serial(new_serial.hex());
            DOJANG_TRY(found);
            if (!*found || (*found)->origin != "renewal" ||
                (*found)->status != domain::ApplicationStatus::issued) {
                return std::optional<SerialNumber>{};
            }
            auto old_serial = SerialNumber::from_hex((*found)->old_serial);
            DOJANG_TRY(old_serial);
            return std::optional<SerialNumber>{*old_serial};
        });
}

Result<void> RenewalService::abandon(const SerialNumber& new_serial) const {
    // Only a renewal still waiting for its certConf: a confirmed one keeps its certificate.
    bool waiting = false;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find_by_new_serial(new_serial.hex());
        DOJANG_TRY(found);
        waiting = *found && (*found)->origin == "renewal" &&
                  (*found)->status == domain::ApplicationStatus::issued;
        return ok();
    });
    if (!read) {
        return read;
    }
    if (!waiting) {
        return ok();
    }
    auto revoked = ca::revoke(*database_,
                              *clock_,
                              new_serial,
                              domain::RevocationReason::cessation_of_operation,
                              "renewal:" + new_serial.hex());
    if (!revoked && revoked.error().kind != ErrorKind::conflict) {
        return revoked;
    }
    return settle(
        new_serial, domain::ApplicationStatus::rejected, "certConf: refused by the holder");
}

Result<void> RenewalService::revoke(const pkix::Certificate& certificate,
                                    domain::RevocationReason reason) const {
    // A hold is lifted only by the CA, so a holder cannot place one either.
    if (reason == domain::RevocationReason::ca_compromise ||
        reason == domain::RevocationReason::privilege_withdrawn ||
        reason == domain::RevocationReason::certificate_hold) {
        return fail(ErrorKind::forbidden,
                    "REVOCATION_REASON_NOT_ALLOWED",
                    "only the CA may revoke for " + std::string(domain::to_string(reason)) +
                        " (이 사유로는 인증기관만 폐지할 수 있습니다)");
    }
    auto record = holder_certificate(certificate);
    DOJANG_TRY(record);
    auto revoked =
        ca::revoke(*database_, *clock_, record->serial, reason, "holder:" + record->serial.hex());
    DOJANG_TRY(revoked);
    // A renewal this certificate's key asked for and nobody confirmed yet goes too: after a
    // stolen key renewed to a key of the thief's, revoking the old certificate must end both.
    auto pending = store::read_in_transaction<std::vector<store::ApplicationRecord>>(
        *database_,
        [&](store::Transaction& tx) { return tx.applications().replacing(record->serial.hex()); });
    DOJANG_TRY(pending);
    for (const auto& application : *pending) {
        if (application.origin != "renewal" ||
            application.status != domain::ApplicationStatus::issued ||
            application.new_serial.empty()) {
            continue;
        }
        auto renewed = SerialNumber::from_hex(application.new_serial);
        DOJANG_TRY(renewed);
        auto abandoned = abandon(*renewed);
        DOJANG_TRY(abandoned);
    }
    return ok();
}

}  // namespace dojang::ra
