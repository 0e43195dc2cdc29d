// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/reissue.hpp"

#include "dojang/core/text.hpp"
#include "dojang/crypto/aead.hpp"
#include "dojang/crypto/digest.hpp"
#include "dojang/notify/notification.hpp"
#include "dojang/ra/sealed_register.hpp"

#include <algorithm>

namespace dojang::ra {
namespace {

constexpr std::string_view authorization_code_aad = "dojang-authcode-v1";
constexpr int max_reference_attempts = 3;

/// Digits only: what people type with dashes and spaces compares equal.
std::string digits_of(std::string_view text) {
    std::string digits;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c != '-' && c != ' ') {
            return {};  // anything else never matches
        }
    }
    return digits;
}

std::string grouped(const std::string& digits) {
    std::string text;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && i % 4 == 0) {
            text.push_back('-');
        }
        text.push_back(digits[i]);
    }
    return text;
}

bool revokes_at_once(domain::ReissueReason reason) {
    return reason == domain::ReissueReason::lost_device ||
           reason == domain::ReissueReason::key_compromise;
}

bool supersedes_on_confirm(domain::ReissueReason reason) {
    return reason != domain::ReissueReason::expired && !revokes_at_once(reason);
}

/// The holder's certificates an application replaces: the one it names and every one the
/// register entry lists (imported, and each this CA issued to it), except `except`; sorted,
/// without repeats.
std::vector<std::string> replaced_serials(const std::string& old_serial,
                                          const std::vector<std::string>& on_file,
                                          const std::string& except) {
    std::vector<std::string> serials = on_file;
    if (!old_serial.empty()) {
        serials.push_back(old_serial);
    }
    std::sort(serials.begin(), serials.end());
    serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
    serials.erase(std::remove(serials.begin(), serials.end(), except), serials.end());
    return serials;
}

/// Revokes each of `serials` this CA issued and has not revoked yet; a serial it never issued
/// (a certificate of another CA in the register) is skipped. Returns the serials revoked.
Result<std::vector<std::string>> revoke_each(store::Database& database,
                                             const Clock& clock,
                                             const std::vector<std::string>& serials,
                                             domain::RevocationReason reason,
                                             const std::string& actor) {
    std::vector<std::string> revoked;
    for (const auto& hex : serials) {
        auto serial = SerialNumber::from_hex(hex);
        if (!serial) {
            continue;  // the register keeps canonical hex; nothing else can be this CA's
        }
        auto done = ca::revoke(database, clock, *serial, reason, actor);
        if (done) {
            revoked.push_back(hex);
        } else if (done.error().kind != ErrorKind::conflict &&
                   done.error().kind != ErrorKind::not_found) {
            return tl::unexpected(done.error());
        }
    }
    return revoked;
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) {
        text += (text.empty() ? "" : ", ") + item;
    }
    return text;
}

Error cancelled_error() {
    return Error{ErrorKind::forbidden,
                 "APPLICATION_CANCELLED",
                 "a newer application of the same holder replaced this one; use the codes of the "
                 "newest application (새 신청이 접수되어 이 신청은 취소되었습니다)",
                 {},
                 {}};
}

Error wrong_codes() {
    // One answer for an unknown reference and a wrong code: nothing to learn from it.
    return Error{ErrorKind::unauthenticated,
                 "AUTHORIZATION_INVALID",
                 "the reference number or the authorization code is not correct "
                 "(참조번호 또는 인가코드가 올바르지 않습니다)",
                 {},
                 {}};
}

}  // namespace

const std::vector<ReasonRule>& reason_rules() {
    using domain::ReissueReason;
    static const std::vector<ReasonRule> rules{
        {ReissueReason::expired, OldCertificates::kept, true},
        {ReissueReason::forgot_password, OldCertificates::superseded_on_confirm, true},
        {ReissueReason::lost_device, OldCertificates::revoked_at_once, true},
        {ReissueReason::key_compromise, OldCertificates::revoked_at_once, true},
        {ReissueReason::info_changed, OldCertificates::superseded_on_confirm, true},
        {ReissueReason::algorithm_upgrade, OldCertificates::superseded_on_confirm, true},
        {ReissueReason::new_device, OldCertificates::superseded_on_confirm, true},
        {ReissueReason::revocation, OldCertificates::revoked_at_once, false},
    };
    return rules;
}

ReissueService::ReissueService(store::Database& database,
                               const ca::Issuer& issuer,
                               const ca::Authority& issuing,
                               RegisterKeys keys,
                               const Clock& clock,
                               ReissueSettings settings)
    : database_(&database),
      issuer_(&issuer),
      issuing_(&issuing),
      keys_(std::move(keys)),
      clock_(&clock),
      settings_(std::move(settings)) {}

Result<void> ReissueService::event(store::Transaction& tx,
                                   const std::string& id,
                                   std::string kind,
                                   std::string detail) {
    return tx.applications().add_event({0, id, clock_->now(), std::move(kind), std::move(detail)});
}

Result<std::size_t> ReissueService::cancel_unfinished(store::Transaction& tx,
                                                      const store::CustomerRecord& holder,
                                                      const std::string& keep,
                                                      const std::string& actor) {
    const Seconds now = clock_->now();
    auto applications = tx.applications().of_customer(holder.customer_id);
    DOJANG_TRY(applications);
    std::size_t cancelled = 0;
    std::string last;
    for (auto& application : *applications) {
        const bool unfinished = application.status == domain::ApplicationStatus::submitted ||
                                application.status == domain::ApplicationStatus::verified ||
                                application.status == domain::ApplicationStatus::in_review ||
                                (application.status == domain::ApplicationStatus::approved &&
                                 !application.codes_used_at);
        if (application.id == keep || !unfinished) {
            continue;
        }
        application.status = domain::ApplicationStatus::cancelled;
        application.updated_at = now;
        auto updated = tx.applications().update(application);
        DOJANG_TRY(updated);
        auto added = event(tx,
                           application.id,
                           "cancelled",
                           "replaced by a newer application (새 신청이 접수되어 취소되었습니다)");
        DOJANG_TRY(added);
        auto audited = store::record_audit(tx,
                                           now,
                                           actor,
                                           "application.cancel",
                                           application.id,
                                           "{\"replaced_by\":" + json_quote(keep) + "}");
        DOJANG_TRY(audited);
        ++cancelled;
        last = application.id;
    }
    if (cancelled == 0) {
        return cancelled;
    }
    notify::Notification notification;
    notification.kind = notify::TemplateKind::cancelled;
    notification.language = notify::Language::ko;
    notification.channel = holder.email.empty() ? "sms" : "email";
    notification.destination = holder.email.empty() ? holder.phone : holder.email;
    notification.dedupe_key = "cancelled:" + keep;
    notification.application_id = last;
    notification.vars = {{"contact", settings_.contact}};
    if (!notification.destination.empty()) {
        auto enqueued = notify::enqueue_notification(tx, notification, now);
        DOJANG_TRY(enqueued);
    }
    return cancelled;
}

std::string ReissueService::subject_for(const store::CustomerRecord& customer) const {
    // korea.md: personal certificates carry OU=personal, corporate ones the company's name.
    const std::string unit =
        customer.holder_type == domain::HolderType::individual ? "personal" : "corporation";
    auto escape = [](const std::string& value) {
        std::string out;
        for (const char c : value) {
            if (c == ',' || c == '\\' || c == '/') {
                out.push_back('\\');
            }
            out.push_back(c);
        }
        return out;
    };
    return "C=KR,O=" + escape(settings_.organisation) + ",OU=" + unit +
           ",CN=" + escape(customer.name);
}

Result<store::CustomerRecord> ReissueService::match_or_add_customer(
    const WalkInRequest& request, const std::string& idn, std::vector<Violation>& violations) {
    auto hash = idn_hash(keys_, idn);
    DOJANG_TRY(hash);
    std::optional<store::CustomerRecord> found;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto existing = SealedRegister(tx, keys_).find_by_idn_hash(*hash);
        DOJANG_TRY(existing);
        found = std::move(*existing);
        return ok();
    });
    DOJANG_TRY(read);
    if (found && found->holder_type != request.holder_type) {
        violations.push_back(
            {"HOLDER_TYPE_MISMATCH", "the register holds this number for another holder type"});
    }
    store::CustomerRecord customer;
    if (found) {
        customer = std::move(*found);
    } else {
        auto id = crypto::random_bytes(8);
        auto sealed = encrypt_idn(keys_, idn);
        if (!id || !sealed) {
            return tl::unexpected(!id ? id.error() : sealed.error());
        }
        customer.customer_id = "walkin-" + to_hex(*id);
        customer.holder_type = request.holder_type;
        customer.idn_hash = *hash;
        customer.idn_ciphertext = std::move(*sealed);
        if (request.holder_type == domain::HolderType::corporate) {
            customer.business_number = idn;
        }
    }
    // The officer saw the holder: the name and contact details given at the counter win.
    customer.name = request.name;
    return customer;
}

Result<Codes> ReissueService::register_walk_in(const WalkInRequest& request) {
    const Seconds now = clock_->now();
    // 1. Check every field, reporting all problems at once.
    std::vector<Violation> violations;
    auto keep = [&](auto result, std::string& out) {
        if (result) {
            out = *result;
        } else {
            violations.push_back({result.error().code, result.error().detail});
        }
    };
    std::string phone;
    std::string email;
    std::string idn;
    if (request.name.empty()) {
        violations.push_back(
            {"NAME_MISSING", "the holder's name is required (성명을 입력하십시오)"});
    }
    keep(normalize_mobile_phone(request.phone), phone);
    keep(normalize_email(request.email), email);
    if (request.holder_type == domain::HolderType::individual) {
        keep(normalize_resident_number(request.resident_number, now), idn);
    } else {
        keep(normalize_business_number(request.business_number), idn);
    }
    std::optional<SerialNumber> old_serial;
    std::optional<store::CertificateRecord> old_certificate;
    if (!request.old_serial.empty()) {
        auto serial = SerialNumber::from_hex(request.old_serial);
        if (!serial) {
            violations.push_back({serial.error().code, serial.error().detail});
        } else {
            old_serial = *serial;
            auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
                auto found = tx.certificates().find(*serial);
                DOJANG_TRY(found);
                old_certificate = std::move(*found);
                return ok();
            });
            DOJANG_TRY(read);
            if (!old_certificate ||
                old_certificate->status == domain::CertificateStatus::intended ||
                old_certificate->ca != issuing_->name) {
                return fail(ErrorKind::not_found,
                            "OLD_CERTIFICATE_UNKNOWN",
                            "this CA issued no certificate with serial " + serial->hex());
            }
        }
    }
    if (!violations.empty()) {
        return tl::unexpected(Error{ErrorKind::invalid_request,
                                    "APPLICATION_INVALID",
                                    "the application has " + std::to_string(violations.size()) +
                                        " problem(s) (입력 내용을 확인하십시오)",
                                    {},
                                    std::move(violations)});
    }
    auto customer = match_or_add_customer(request, idn, violations);
    DOJANG_TRY(customer);
    if (!violations.empty()) {
        return tl::unexpected(Error{
            ErrorKind::conflict, "REGISTER_MISMATCH", violations.front().detail, {}, violations});
    }
    customer->phone = phone;
    customer->email = email;
    customer->updated_at = now;
    if (old_serial && std::find(customer->certificate_serials.begin(),
                                customer->certificate_serials.end(),
                                old_serial->hex()) == customer->certificate_serials.end()) {
        customer->certificate_serials.push_back(old_serial->hex());
    }
    // 2. The application, approved, with fresh codes (shared with online applications).
    auto id_bytes = crypto::random_bytes(10);
    DOJANG_TRY(id_bytes);
    store::ApplicationRecord application{
        .id = "a" + to_hex(*id_bytes),
        .holder_type = request.holder_type,
        .reason = request.reason,
        .status = domain::ApplicationStatus::submitted,
        .customer_id = customer->customer_id,
        .origin = "walk_in",
        .old_serial = old_serial ? old_serial->hex() : std::string(),
        .reference_number = {},
        .authorization_code_sealed = {},
        .codes_expire_at = std::nullopt,
        .codes_used_at = std::nullopt,
        .new_serial = {},
        .confirmation_token_hash = {},
        .issued_at = std::nullopt,
        .confirmed_at = std::nullopt,
        .created_at = now,
        .updated_at = now,
    };
    if (request.back_office_review) {
        return approve(std::move(application),
                       *customer,
                       {{"submitted", "walk-in registration (창구 접수)"},
                        {"in_review",
                         "documents taken at the counter; the codes work after the back office "
                         "approves (본사 승인 후 사용 가능)"}},
                       request.officer,
                       true,
                       true);
    }
    return approve(std::move(application),
                   *customer,
                   {{"submitted", "walk-in registration (창구 등록)"},
                    {"approved", "identity verified in person"}},
                   request.officer,
                   true);
}

Result<bool> ReissueService::in_review(std::string_view reference_number) {
    const std::string reference = digits_of(reference_number);
    bool waiting = false;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find_by_reference(reference);
        DOJANG_TRY(found);
        waiting = *found && (*found)->status == domain::ApplicationStatus::in_review;
        return ok();
    });
    DOJANG_TRY(read);
    return waiting;
}

Result<Codes> ReissueService::release_codes(
    store::ApplicationRecord application,
    const std::vector<std::pair<std::string, std::string>>& events,
    const std::string& actor,
    Seconds now) {
    application.status = domain::ApplicationStatus::approved;
    application.updated_at = now;
    auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto written = tx.applications().update(application);
        if (!written) {
            return written;
        }
        for (const auto& [kind, detail] : events) {
            auto added = event(tx, application.id, kind, detail);
            if (!added) {
                return added;
            }
        }
        return store::record_audit(
            tx, now, actor, "application.approve", application.id, "{\"codes\":\"released\"}");
    });
    DOJANG_TRY(stored);
    return reveal_codes(application);
}

Result<Codes> ReissueService::approve(
    store::ApplicationRecord application,
    const store::CustomerRecord& customer,
    const std::vector<std::pair<std::string, std::string>>& events,
    const std::string& actor,
    bool insert,
    bool hold_for_review) {
    const Seconds now = clock_->now();
    // Revoking protects the holder: once the identity is verified it is never held back.
    if (application.reason == domain::ReissueReason::revocation) {
        return revoke_all(std::move(application), customer, events, actor, insert);
    }
    if (!insert && !application.reference_number.empty()) {
        return release_codes(std::move(application), events, actor, now);
    }
    if (!application.old_serial.empty()) {
        auto serial = SerialNumber::from_hex(application.old_serial);
        DOJANG_TRY(serial);
    }
    // 1. A lost or leaked key is revoked before anything else (korea.md, quality-bar.md): every
    //    certificate of the holder, not only one the applicant named; a device holds them all.
    std::vector<std::string> compromised;
    if (revokes_at_once(application.reason)) {
        auto revoked =
            revoke_each(*database_,
                        *clock_,
                        replaced_serials(application.old_serial, customer.certificate_serials, ""),
                        domain::RevocationReason::key_compromise,
                        actor);
        DOJANG_TRY(revoked);
        compromised = std::move(*revoked);
    }
    // 2. Fresh codes; the application and the register entry in the same unit.
    application.status = hold_for_review ? domain::ApplicationStatus::in_review
                                         : domain::ApplicationStatus::approved;
    application.codes_expire_at = now + settings_.codes_valid;
    application.updated_at = now;
    std::string code;
    for (int attempt = 0; attempt < max_reference_attempts; ++attempt) {
        auto reference = crypto::random_digits(10);
        auto code_digits = crypto::random_digits(16);
        if (!reference || !code_digits) {
            return tl::unexpected(!reference ? reference.error() : code_digits.error());
        }
        auto sealed = crypto::aead_seal(
            keys_.encryption_key(), to_bytes(*code_digits), authorization_code_aad);
        DOJANG_TRY(sealed);
        application.reference_number = *reference;
        application.authorization_code_sealed = std::move(*sealed);
        code = *code_digits;
        auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto saved = SealedRegister(tx, keys_).upsert(customer);
            DOJANG_TRY(saved);
            auto written = insert ? tx.applications().insert(application)
                                  : tx.applications().update(application);
            if (!written) {
                return written;
            }
            if (insert) {  // a walk-in: the holder's earlier unfinished applications end here
                auto cancelled = cancel_unfinished(tx, customer, application.id, actor);
                DOJANG_TRY(cancelled);
            }
            for (const auto& [kind, detail] : events) {
                auto added = event(tx, application.id, kind, detail);
                if (!added) {
                    return added;
                }
            }
            if (!compromised.empty()) {
                auto added = event(tx,
                                   application.id,
                                   "old_certificate_revoked",
                                   "keyCompromise: " + joined(compromised));
                if (!added) {
                    return added;
                }
            }
            return store::record_audit(
                tx,
                now,
                actor,
                application.origin == "walk_in" ? "application.register" : "application.approve",
                application.id,
                "{\"reason\":" + json_quote(domain::to_string(application.reason)) +
                    ",\"customer_id\":" + json_quote(customer.customer_id) +
                    ",\"old_serial\":" + json_quote(application.old_serial) + "}");
        });
        if (stored) {
            return Codes{application.id,
                         application.reference_number,
                         grouped(code),
                         *application.codes_expire_at,
                         {}};
        }
        if (stored.error().code != "REFERENCE_COLLISION") {
            return tl::unexpected(stored.error());
        }
    }
    return fail(
        ErrorKind::unavailable, "REFERENCE_COLLISION", "could not allocate a reference number");
}

Result<IssuedCertificate> ReissueService::issue(const CertificateRequest& request) {
    return issue_checked(request, std::nullopt);
}

Result<IssuedCertificate> ReissueService::issue_for_key(const KeyCertificateRequest& request) {
    return issue_checked(CertificateRequest{request.reference_number,
                                            request.authorization_code,
                                            {},
                                            request.random_num,
                                            request.claimed_vid,
                                            request.vid_algorithm},
                         request.public_key);
}

Result<SecretBytes> ReissueService::authorization_secret(std::string_view reference_number) {
    const std::string reference = digits_of(reference_number);
    std::optional<store::ApplicationRecord> application;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find_by_reference(reference);
        DOJANG_TRY(found);
        application = std::move(*found);
        return ok();
    });
    DOJANG_TRY(read);
    if (!application || reference.empty() || application->authorization_code_sealed.empty()) {
        return tl::unexpected(wrong_codes());
    }
    return crypto::aead_open(
        keys_.encryption_key(), application->authorization_code_sealed, authorization_code_aad);
}

Result<Codes> ReissueService::reveal_codes(const store::ApplicationRecord& application) const {
    if (application.reference_number.empty() || application.authorization_code_sealed.empty() ||
        !application.codes_expire_at) {
        return fail(
            ErrorKind::conflict, "CODES_UNAVAILABLE", "this application has no codes to show");
    }
    auto code = crypto::aead_open(
        keys_.encryption_key(), application.authorization_code_sealed, authorization_code_aad);
    DOJANG_TRY(code);
    const auto bytes = code->bytes();
    return Codes{application.id,
                 application.reference_number,
                 grouped(std::string(bytes.begin(), bytes.end())),
                 *application.codes_expire_at,
                 {}};
}

Result<IssuedCertificate> ReissueService::issue_checked(const CertificateRequest& request,
                                                        const std::optional<Bytes>& public_key) {
    const Seconds now = clock_->now();
    const std::string reference = digits_of(request.reference_number);
    const std::string code = digits_of(request.authorization_code);
    // 1. Authorise: the reference names an application whose sealed code matches.
    std::optional<store::ApplicationRecord> application;
    std::optional<store::CustomerRecord> customer;
    std::optional<store::CertificateRecord> old_certificate;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find_by_reference(reference);
        DOJANG_TRY(found);
        application = std::move(*found);
        if (application) {
            auto holder = SealedRegister(tx, keys_).find(application->customer_id);
            DOJANG_TRY(holder);
            customer = std::move(*holder);
            if (!application->old_serial.empty()) {
                auto old = tx.certificates().find(*SerialNumber::from_hex(application->old_serial));
                DOJANG_TRY(old);
                old_certificate = std::move(*old);
            }
        }
        return ok();
    });
    DOJANG_TRY(read);
    if (!application || reference.empty() || !customer) {
        return tl::unexpected(wrong_codes());
    }
    auto expected = crypto::aead_open(
        keys_.encryption_key(), application->authorization_code_sealed, authorization_code_aad);
    DOJANG_TRY(expected);
    if (!crypto::constant_time_equal(to_bytes(code), expected->bytes())) {
        return tl::unexpected(wrong_codes());
    }
    if (application->status == domain::ApplicationStatus::issued ||
        application->status == domain::ApplicationStatus::confirmed || application->codes_used_at) {
        return fail(
            ErrorKind::conflict,
            "AUTHORIZATION_USED",
            "these codes were already used to issue a certificate (이미 사용된 인가코드입니다)");
    }
    if (!application->codes_expire_at || *application->codes_expire_at <= now) {
        return fail(ErrorKind::forbidden,
                    "AUTHORIZATION_EXPIRED",
                    "the authorization code has expired; apply again (인가코드가 만료되었습니다. "
                    "다시 신청하십시오)");
    }
    if (application->status == domain::ApplicationStatus::in_review) {
        return fail(ErrorKind::forbidden,
                    "APPLICATION_IN_REVIEW",
                    "the codes are right, but an officer still reviews the application; try "
                    "again after the approval (서류 심사 중입니다. 승인 후 다시 시도하십시오)");
    }
    if (application->status == domain::ApplicationStatus::cancelled) {
        return tl::unexpected(cancelled_error());
    }
    if (application->status != domain::ApplicationStatus::approved) {
        return fail(ErrorKind::forbidden,
                    "APPLICATION_NOT_APPROVED",
                    "the application is not approved yet");
    }
    // 2. The confirmation token first: once the codes are claimed nothing may fail for want of
    //    randomness.
    auto token = crypto::random_bytes(24);
    DOJANG_TRY(token);
    const std::string token_text = to_hex(*token);
    // 3. Issue through the CA: the subject from the register, the old notAfter kept.
    ca::IssueRequest issue_request;
    issue_request.csr = request.csr;
    issue_request.public_key = public_key;
    issue_request.profile = std::string(domain::to_string(application->holder_type));
    issue_request.subject = subject_for(*customer);
    issue_request.actor = "application:" + application->id;
    if (old_certificate && old_certificate->status != domain::CertificateStatus::intended) {
        issue_request.keep_not_after = old_certificate->not_after;
    }
    if (request.random_num) {
        if (customer->idn_ciphertext.empty()) {
            return fail(ErrorKind::invalid_request,
                        "IDN_NOT_REGISTERED",
                        "the register holds no identification number for this holder, so the "
                        "certificate cannot carry a VID; send the request without randomNum or "
                        "ask the RA to complete the register (등록된 식별번호가 없어 본인확인 "
                        "정보(VID)를 넣을 수 없습니다)");
        }
        auto idn = decrypt_idn(keys_, customer->idn_ciphertext);
        DOJANG_TRY(idn);
        issue_request.identity = ca::Identity{customer->name,
                                              std::string(idn->chars(), idn->size()),
                                              *request.random_num,
                                              request.vid_algorithm,
                                              request.claimed_vid};
    }
    // 4. One unit with the issuer's two transactions (ADR 0004): T1 takes the codes (of two
    //    concurrent requests only one gets them) with the intent; T2 records the certificate on
    //    the application, the register and the outbox with the issued row and its audit entry.
    ca::IssueHooks hooks;
    bool claimed = false;
    hooks.with_intent = [&](store::Transaction& tx) -> Result<void> {
        auto taken = tx.applications().claim_codes(application->id, now);
        DOJANG_TRY(taken);
        if (!*taken) {
            return fail(ErrorKind::conflict,
                        "AUTHORIZATION_USED",
                        "these codes were already used to issue a certificate");
        }
        return ok();
    };
    // Only a committed claim is ours to give back: T1 may still roll back after claim_codes.
    hooks.intent_committed = [&] { claimed = true; };
    hooks.with_issued =
        [&](store::Transaction& tx, const SerialNumber& serial, const Bytes& der) -> Result<void> {
        // Our claim must still stand: if the codes were given back meanwhile (a signing slower
        // than release_claims_after), another request may own them now, and nothing is recorded.
        auto current = tx.applications().find(application->id);
        DOJANG_TRY(current);
        if (!*current || (*current)->status != domain::ApplicationStatus::approved ||
            (*current)->codes_used_at != now) {
            return fail(ErrorKind::conflict,
                        "AUTHORIZATION_RELEASED",
                        "the codes were released while the certificate was being signed; try "
                        "again (인가코드가 해제되었습니다. 다시 시도하십시오)");
        }
        store::ApplicationRecord issued_application = **current;
        issued_application.status = domain::ApplicationStatus::issued;
        issued_application.new_serial = serial.hex();
        issued_application.issued_at = now;
        issued_application.confirmation_token_hash = crypto::sha256(to_bytes(token_text));
        issued_application.codes_used_at = now;
        issued_application.updated_at = now;
        auto updated = tx.applications().update(issued_application);
        if (!updated) {
            return updated;
        }
        auto registered = SealedRegister(tx, keys_).find(customer->customer_id);
        DOJANG_TRY(registered);
        store::CustomerRecord holder = *registered ? **registered : *customer;
        holder.certificate_serials.push_back(serial.hex());
        holder.updated_at = now;
        auto saved = SealedRegister(tx, keys_).upsert(holder);
        DOJANG_TRY(saved);
        auto added = event(tx, application->id, "issued", "certificate " + serial.hex());
        if (!added) {
            return added;
        }
        // The security notice goes out with the change it announces (transactional outbox).
        if (holder.email.empty()) {
            return ok();
        }
        auto parsed = pkix::Certificate::parse(der);
        DOJANG_TRY(parsed);
        const std::string serial_hex = serial.hex();
        const std::string kst = to_rfc3339(now + std::chrono::hours{9}).substr(0, 16);
        for (const auto& [kind, key] :
             {std::pair{notify::TemplateKind::security_notice, std::string("security:")},
              std::pair{notify::TemplateKind::issued, std::string("issued:")}}) {
            notify::Notification notification;
            notification.kind = kind;
            notification.language = notify::Language::ko;
            notification.channel = "email";
            notification.destination = holder.email;
            notification.dedupe_key = key + application->id + ":" + serial_hex;
            notification.application_id = application->id;
            notification.vars = {
                {"reissued_at", kst + " KST"},
                {"origin",
                 application->origin == "walk_in" ? "창구 등록 후 온라인 발급" : "온라인"},
                {"contact", settings_.contact},
                {"serial", serial_hex},
                {"not_after", to_rfc3339(parsed->not_after()).substr(0, 10)}};
            auto enqueued = notify::enqueue_notification(tx, notification, now);
            DOJANG_TRY(enqueued);
        }
        return ok();
    };
    auto issued = issuer_->issue(issue_request, hooks);
    if (!issued) {
        if (claimed) {
            // T1 committed the claim, but no certificate was recorded: give the codes back. If
            // even that fails, release_stranded_claims() does it later.
            auto released = release_claim(application->id);
            if (!released) {
                Error failure = issued.error();
                failure.cause += (failure.cause.empty() ? "" : "; ") +
                                 std::string("the codes could not be released yet: ") +
                                 released.error().describe();
                return tl::unexpected(failure);
            }
        }
        return tl::unexpected(issued.error());
    }
    std::string chain = *issuing_->certificate.pem();
    for (const auto& above : issuing_->chain) {
        chain += *above.pem();
    }
    return IssuedCertificate{application->id,
                             std::move(issued->certificate),
                             std::move(chain),
                             token_text,
                             now + settings_.confirm_within};
}

Result<void> ReissueService::confirm(const SerialNumber& serial, std::string_view token) {
    const Seconds now = clock_->now();
    std::optional<store::ApplicationRecord> application;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find_by_new_serial(serial.hex());
        DOJANG_TRY(found);
        application = std::move(*found);
        return ok();
    });
    if (!read) {
        return read;
    }
    if (!application) {
        return fail(ErrorKind::not_found,
                    "CERTIFICATE_NOT_FOUND",
                    "no reissued certificate has this serial");
    }
    const Bytes presented = crypto::sha256(to_bytes(token));
    if (!crypto::constant_time_equal(presented, application->confirmation_token_hash)) {
        return fail(ErrorKind::unauthenticated,
                    "CONFIRMATION_INVALID",
                    "the confirmation token is not correct");
    }
    if (application->status == domain::ApplicationStatus::confirmed) {
        return ok();
    }
    // The old certificates go first: once confirmed, the holder relies on the new one only.
    std::vector<std::string> superseded;
    if (supersedes_on_confirm(application->reason)) {
        std::vector<std::string> on_file;
        if (!application->customer_id.empty()) {
            auto holder = database_->transact([&](store::Transaction& tx) -> Result<void> {
                auto found = tx.customers().find(application->customer_id);  // serials only
                DOJANG_TRY(found);
                on_file = *found ? (*found)->certificate_serials : std::vector<std::string>{};
                return ok();
            });
            if (!holder) {
                return holder;
            }
        }
        auto revoked =
            revoke_each(*database_,
                        *clock_,
                        replaced_serials(application->old_serial, on_file, application->new_serial),
                        domain::RevocationReason::superseded,
                        "application:" + application->id);
        DOJANG_TRY(revoked);
        superseded = std::move(*revoked);
    }
    application->status = domain::ApplicationStatus::confirmed;
    application->confirmed_at = now;
    application->updated_at = now;
    return database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto updated = tx.applications().update(*application);
        if (!updated) {
            return updated;
        }
        auto added = event(tx, application->id, "confirmed", "installation confirmed");
        if (!added) {
            return added;
        }
        if (!superseded.empty()) {
            return event(tx,
                         application->id,
                         "old_certificate_revoked",
                         "superseded: " + joined(superseded));
        }
        return ok();
    });
}

Result<Codes> ReissueService::revoke_all(
    store::ApplicationRecord application,
    const store::CustomerRecord& customer,
    const std::vector<std::pair<std::string, std::string>>& events,
    const std::string& actor,
    bool insert) {
    const Seconds now = clock_->now();
    // A lost device or a leaked key is the usual cause: keyCompromise, and the keys blocked.
    auto revoked =
        revoke_each(*database_,
                    *clock_,
                    replaced_serials(application.old_serial, customer.certificate_serials, ""),
                    domain::RevocationReason::key_compromise,
                    actor);
    DOJANG_TRY(revoked);
    application.status = domain::ApplicationStatus::revoked;
    application.updated_at = now;
    auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto saved = SealedRegister(tx, keys_).upsert(customer);
        DOJANG_TRY(saved);
        auto written =
            insert ? tx.applications().insert(application) : tx.applications().update(application);
        if (!written) {
            return written;
        }
        if (insert) {
            auto cancelled = cancel_unfinished(tx, customer, application.id, actor);
            DOJANG_TRY(cancelled);
        }
        for (const auto& [kind, detail] : events) {
            auto added = event(tx, application.id, kind, detail);
            if (!added) {
                return added;
            }
        }
        auto added = event(tx,
                           application.id,
                           "certificates_revoked",
                           revoked->empty() ? "no valid certificate was on file"
                                            : "keyCompromise: " + joined(*revoked));
        if (!added) {
            return added;
        }
        std::string serials = "[";
        for (const auto& serial : *revoked) {
            serials += (serials.size() > 1 ? "," : "") + json_quote(serial);
        }
        serials += "]";
        auto audited = store::record_audit(tx,
                                           now,
                                           actor,
                                           "application.revoke",
                                           application.id,
                                           "{\"customer_id\":" + json_quote(customer.customer_id) +
                                               ",\"revoked\":" + serials + "}");
        if (!audited) {
            return audited;
        }
        notify::Notification notification;
        notification.kind = notify::TemplateKind::revoked;
        notification.language = notify::Language::ko;
        notification.channel = customer.email.empty() ? "sms" : "email";
        notification.destination = customer.email.empty() ? customer.phone : customer.email;
        notification.dedupe_key = "revoked:" + application.id;
        notification.application_id = application.id;
        notification.vars = {{"serials", revoked->empty() ? "-" : joined(*revoked)},
                             {"contact", settings_.contact}};
        if (notification.destination.empty()) {
            return ok();
        }
        auto enqueued = notify::enqueue_notification(tx, notification, now);
        DOJANG_TRY(enqueued);
        return ok();
    });
    DOJANG_TRY(stored);
    return Codes{application.id, {}, {}, now, std::move(*revoked)};
}

Result<Bytes> ReissueService::seal(std::span<const std::uint8_t> plain,
                                   std::string_view label) const {
    return crypto::aead_seal(keys_.encryption_key(), plain, label);
}

Result<SecretBytes> ReissueService::open(std::span<const std::uint8_t> sealed,
                                         std::string_view label) const {
    return crypto::aead_open(keys_.encryption_key(), sealed, label);
}

Result<bool> ReissueService::release_claim(const std::string& application_id) {
    const Seconds now = clock_->now();
    bool released = false;
    auto done = database_->transact([&](store::Transaction& tx) -> Result<void> {
        released = false;
        auto found = tx.applications().find(application_id);
        DOJANG_TRY(found);
        if (!*found || (*found)->status != domain::ApplicationStatus::approved ||
            !(*found)->codes_used_at) {
            return ok();
        }
        (*found)->codes_used_at.reset();
        (*found)->updated_at = now;
        auto updated = tx.applications().update(**found);
        if (!updated) {
            return updated;
        }
        auto added = event(tx,
                           application_id,
                           "codes_released",
                           "no certificate was issued; the codes work again");
        if (!added) {
            return added;
        }
        released = true;
        return store::record_audit(
            tx, now, "system", "application.codes_released", application_id, "{}");
    });
    DOJANG_TRY(done);
    return released;
}

Result<std::size_t> ReissueService::release_stranded_claims() {
    const Seconds now = clock_->now();
    auto stranded = store::read_in_transaction<std::vector<store::ApplicationRecord>>(
        *database_, [&](store::Transaction& tx) {
            return tx.applications().stranded_claims(now - settings_.release_claims_after);
        });
    DOJANG_TRY(stranded);
    std::size_t count = 0;
    for (const auto& application : *stranded) {
        auto released = release_claim(application.id);
        DOJANG_TRY(released);
        count += *released ? 1U : 0U;
    }
    return count;
}

Result<std::size_t> ReissueService::revoke_unconfirmed() {
    const Seconds now = clock_->now();
    auto late = store::read_in_transaction<std::vector<store::ApplicationRecord>>(
        *database_, [&](store::Transaction& tx) {
            return tx.applications().unconfirmed(now - settings_.confirm_within);
        });
    DOJANG_TRY(late);
    for (auto& application : *late) {
        auto serial = SerialNumber::from_hex(application.new_serial);
        if (serial) {
            auto revoked = ca::revoke(*database_,
                                      *clock_,
                                      *serial,
                                      domain::RevocationReason::cessation_of_operation,
                                      "application:" + application.id);
            if (!revoked && revoked.error().kind != ErrorKind::conflict) {
                return tl::unexpected(revoked.error());
            }
        }
        const std::string abandoned = application.new_serial;
        if (application.origin == "renewal") {
            // A renewal never confirmed by certConf ends; the old certificate stays valid.
            application.status = domain::ApplicationStatus::rejected;
        } else {
            application.status = domain::ApplicationStatus::approved;
            application.codes_used_at.reset();
            application.new_serial.clear();
            application.issued_at.reset();
            application.confirmation_token_hash.clear();
        }
        application.updated_at = now;
        auto reopened = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto updated = tx.applications().update(application);
            if (!updated) {
                return updated;
            }
            return event(tx,
                         application.id,
                         "confirmation_timeout",
                         "certificate " + abandoned + " revoked: installation was not confirmed");
        });
        DOJANG_TRY(reopened);
    }
    return late->size();
}

Result<std::pair<store::ApplicationRecord, std::vector<store::ApplicationEvent>>>
ReissueService::status(const std::string& application_id) {
    std::optional<store::ApplicationRecord> application;
    std::vector<store::ApplicationEvent> events;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find(application_id);
        DOJANG_TRY(found);
        application = std::move(*found);
        auto timeline = tx.applications().events(application_id);
        DOJANG_TRY(timeline);
        events = std::move(*timeline);
        return ok();
    });
    DOJANG_TRY(read);
    if (!application) {
        return fail(ErrorKind::not_found, "APPLICATION_NOT_FOUND", "no such application");
    }
    return std::make_pair(std::move(*application), std::move(events));
}

}  // namespace dojang::ra
