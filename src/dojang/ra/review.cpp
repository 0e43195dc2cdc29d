// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/review.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crypto/digest.hpp"
#include "dojang/crypto/password.hpp"
#include "dojang/notify/notification.hpp"
#include "dojang/ra/sealed_register.hpp"

#include <algorithm>
#include <set>

namespace dojang::ra {
namespace {

constexpr std::string_view csrf_context = "dojang-officer-csrf-v1";
constexpr std::size_t min_password_length = 12;

/// The hash of a presented token, as stored.
Bytes token_hash(std::string_view token) {
    return crypto::sha256(to_bytes(std::string(token)));
}

Error not_found() {
    return Error{ErrorKind::not_found, "APPLICATION_NOT_FOUND", "no such application", {}, {}};
}

Error not_in_review() {
    return Error{ErrorKind::conflict,
                 "APPLICATION_NOT_IN_REVIEW",
                 "this application is not waiting for review (심사 대기 중인 신청이 아닙니다)",
                 {},
                 {}};
}

bool valid_username(const std::string& username) {
    return !username.empty() && username.size() <= 64 &&
           std::all_of(username.begin(), username.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                      c == '_';
           });
}

/// A PHC hash of a random password: signing in as an unknown officer costs the same.
const std::string& decoy_hash() {
    static const std::string hash = [] {
        auto random = crypto::random_bytes(16);
        auto hashed = crypto::hash_password(random ? to_hex(*random) : "decoy");
        return hashed ? *hashed : std::string();
    }();
    return hash;
}

/// The online part of an application and the register entry it matched; std::nullopt for a
/// walk-in or an application that never matched (nothing is ever sent to a typed number).
struct Applicant {
    store::OnlineApplication online;
    store::CustomerRecord holder;

    [[nodiscard]] const std::string& contact(const std::string& channel) const {
        return channel == "sms" ? holder.phone : holder.email;
    }
};

Result<std::optional<Applicant>> find_applicant(store::Transaction& tx,
                                                const RegisterKeys& keys,
                                                const std::string& application_id) {
    auto online = tx.otp().find_application(application_id);
    DOJANG_TRY(online);
    if (!*online || !(*online)->matched) {
        return std::optional<Applicant>();
    }
    auto application = tx.applications().find(application_id);
    DOJANG_TRY(application);
    if (!*application) {
        return std::optional<Applicant>();
    }
    auto holder = SealedRegister(tx, keys).find((*application)->customer_id);
    DOJANG_TRY(holder);
    if (!*holder) {
        return std::optional<Applicant>();
    }
    return std::optional<Applicant>(Applicant{std::move(**online), std::move(**holder)});
}

/// Enqueues `kind` to the applicant of an online application over the channel they chose, at
/// the register's phone or e-mail.
/// Where the applicant opens the application again on any device (the portal asks for a
/// fresh one-time code there): the link in the approval and rejection messages.
std::string status_url(const std::string& portal_url, const std::string& application_id) {
    return portal_url + "#/continue/" + application_id;
}

Result<void> notify_applicant(store::Transaction& tx,
                              const RegisterKeys& keys,
                              const std::string& application_id,
                              notify::TemplateKind kind,
                              std::map<std::string, std::string> vars,
                              Seconds now) {
    auto applicant = find_applicant(tx, keys, application_id);
    DOJANG_TRY(applicant);
    if (!*applicant) {
        return ok();  // walk-in: the officer at the branch tells the holder
    }
    notify::Notification notification;
    notification.kind = kind;
    notification.language = notify::Language::ko;
    notification.channel = (*applicant)->online.channel;
    notification.destination = (*applicant)->contact(notification.channel);
    notification.dedupe_key = std::string(notify::to_string(kind)) + ":" + application_id;
    notification.application_id = application_id;
    notification.vars = std::move(vars);
    auto enqueued = notify::enqueue_notification(tx, notification, now);
    DOJANG_TRY(enqueued);
    return ok();
}

}  // namespace

Result<void> send_code_other_channel(store::Database& database,
                                     const RegisterKeys& keys,
                                     const ReissueSettings& settings,
                                     const std::string& application_id,
                                     const Codes& codes,
                                     Seconds now) {
    if (!settings.code_by_other_channel) {
        return ok();
    }
    return database.transact([&](store::Transaction& tx) -> Result<void> {
        auto applicant = find_applicant(tx, keys, application_id);
        DOJANG_TRY(applicant);
        if (!*applicant) {
            return ok();
        }
        notify::Notification notification;
        notification.kind = notify::TemplateKind::authorization_code;
        notification.language = notify::Language::ko;
        notification.channel = (*applicant)->online.channel == "sms" ? "email" : "sms";
        notification.destination = (*applicant)->contact(notification.channel);
        if (notification.destination.empty()) {
            return ok();
        }
        notification.dedupe_key =
            "authorization_code:" + application_id + ":" + codes.reference_number;
        notification.application_id = application_id;
        notification.vars = {
            {"authorization_code", codes.authorization_code},
            {"reference_hint", codes.reference_number.substr(codes.reference_number.size() - 4)},
            {"expires_at", to_rfc3339(codes.expires_at)}};
        auto enqueued = notify::enqueue_notification(tx, notification, now);
        DOJANG_TRY(enqueued);
        return ok();
    });
}

const std::vector<std::string>& rejection_reasons() {
    static const std::vector<std::string> reasons{
        "info_mismatch", "certificate_status", "unreadable_document", "missing_document", "other"};
    return reasons;
}

namespace {

/// {"documents":[{"kind":..,"sha256":..},..]}: what the officer decided on, for the audit log.
std::string documents_json(const std::vector<store::DocumentRecord>& documents) {
    std::string json = "{\"documents\":[";
    for (std::size_t i = 0; i < documents.size(); ++i) {
        json += (i == 0 ? "" : ",") + std::string("{\"kind\":") + json_quote(documents[i].kind) +
                ",\"sha256\":\"" + to_hex(documents[i].sha256) + "\"}";
    }
    return json + "]}";
}

}  // namespace

std::vector<std::string> required_documents(const store::ApplicationRecord& application,
                                            const store::OnlineApplication& online) {
    std::vector<std::string> kinds;
    if (application.holder_type == domain::HolderType::corporate) {
        kinds = {"business_registration", "representative_id"};
    }
    if (!online.proxy_name.empty()) {
        kinds.insert(kinds.end(), {"power_of_attorney", "proxy_id"});
    }
    return kinds;
}

bool needs_review(const store::ApplicationRecord& application,
                  const store::OnlineApplication& online) {
    return application.holder_type == domain::HolderType::corporate || !online.proxy_name.empty();
}

ReviewService::ReviewService(store::Database& database,
                             ReissueService& reissue,
                             RegisterKeys keys,
                             DocumentFiles files,
                             const Clock& clock,
                             ReviewSettings settings)
    : database_(&database),
      reissue_(&reissue),
      keys_(std::move(keys)),
      files_(std::move(files)),
      clock_(&clock),
      settings_(std::move(settings)) {}

Result<std::optional<std::string>> add_officer(store::Database& database,
                                               const Clock& clock,
                                               const std::string& username,
                                               const std::string& display_name,
                                               std::string_view password,
                                               bool with_token) {
    std::vector<Violation> violations;
    if (!valid_username(username)) {
        violations.push_back({"USERNAME_INVALID",
                              "username: 1-64 of a-z 0-9 . - _ (사용자 이름 형식이 올바르지 "
                              "않습니다)"});
    }
    if (password.size() < min_password_length) {
        violations.push_back({"PASSWORD_TOO_SHORT",
                              "the password needs at least 12 characters (비밀번호는 12자 "
                              "이상이어야 합니다)"});
    }
    if (!violations.empty()) {
        return tl::unexpected(Error{ErrorKind::invalid_request,
                                    "OFFICER_INVALID",
                                    "the officer cannot be added (심사자를 추가할 수 없습니다)",
                                    {},
                                    std::move(violations)});
    }
    auto hashed = crypto::hash_password(password);
    DOJANG_TRY(hashed);
    std::optional<std::string> token;
    store::OfficerRecord officer;
    officer.username = username;
    officer.display_name = display_name.empty() ? username : display_name;
    officer.password_hash = *hashed;
    officer.created_at = clock.now();
    if (with_token) {
        auto random = crypto::random_bytes(32);
        DOJANG_TRY(random);
        token = "dso_" + to_hex(*random);
        officer.token_hash = token_hash(*token);
    }
    auto stored = database.transact([&](store::Transaction& tx) -> Result<void> {
        auto put = tx.review().put_officer(officer);
        if (!put) {
            return put;
        }
        return store::record_audit(
            tx,
            officer.created_at,
            "operator",
            "officer.add",
            username,
            "{\"api_token\":" + std::string(with_token ? "true" : "false") + "}");
    });
    DOJANG_TRY(stored);
    return token;
}

Result<OfficerSignIn> ReviewService::sign_in(const std::string& username,
                                             std::string_view password,
                                             const std::string& client) {
    const Seconds now = clock_->now();
    const std::string user_subject = "user:" + username;
    auto client_mac =
        crypto::hmac_sha256(keys_.hash_key(), to_bytes("dojang-sign-in-client-v1:" + client));
    DOJANG_TRY(client_mac);
    const std::string client_subject = "client:" + to_hex(*client_mac);
    const Seconds window_start = now - settings_.throttle_window;
    std::optional<store::OfficerRecord> officer;
    std::vector<Seconds> user_failures;
    std::vector<Seconds> client_failures;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto pruned = tx.review().prune_sign_in_failures(now - std::chrono::hours{24});
        if (!pruned) {
            return pruned;
        }
        auto found = tx.review().find_officer(username);
        auto by_user = tx.review().sign_in_failures(user_subject, now - std::chrono::hours{24});
        auto by_client = tx.review().sign_in_failures(client_subject, window_start);
        if (!found || !by_user || !by_client) {
            return tl::unexpected(!found ? found.error()
                                         : (!by_user ? by_user.error() : by_client.error()));
        }
        officer = std::move(*found);
        user_failures = std::move(*by_user);
        client_failures = std::move(*by_client);
        return ok();
    });
    DOJANG_TRY(read);
    // 1. Locked, throttled or busy: decided before any password is checked, and the same for a
    //    name that exists and one that does not.
    if ((officer && officer->locked_at) || user_failures.size() >= settings_.failures_to_lock) {
        return fail(ErrorKind::forbidden,
                    "OFFICER_LOCKED",
                    "this account is locked after too many failed sign-ins; another officer or "
                    "the operator can unlock it (로그인 실패가 반복되어 계정이 잠겼습니다. 다른 "
                    "심사자나 운영자에게 잠금 해제를 요청하십시오)");
    }
    std::optional<Seconds> free_at;
    const auto recent = static_cast<std::size_t>(
        std::count_if(user_failures.begin(), user_failures.end(), [&](Seconds at) {
            return at >= window_start;
        }));
    if (recent >= settings_.failures_per_account) {
        free_at = user_failures[user_failures.size() - settings_.failures_per_account] +
                  settings_.throttle_window;
    }
    if (client_failures.size() >= settings_.failures_per_client) {
        const Seconds at = client_failures[client_failures.size() - settings_.failures_per_client] +
                           settings_.throttle_window;
        free_at = free_at ? std::max(*free_at, at) : at;
    }
    if (free_at) {
        const auto wait = std::max<std::int64_t>(
            1, std::chrono::duration_cast<std::chrono::seconds>(*free_at - now).count());
        const std::string seconds = std::to_string(wait);
        return tl::unexpected(Error{ErrorKind::forbidden,
                                    "OFFICER_SIGN_IN_THROTTLED",
                                    "too many failed sign-ins; try again in " + seconds +
                                        " seconds (로그인 실패가 많습니다. " + seconds +
                                        "초 후에 다시 시도하십시오)",
                                    {},
                                    {},
                                    std::chrono::seconds{wait}});
    }
    {
        std::lock_guard lock(budget_->mutex);
        const std::int64_t second = now.time_since_epoch().count();
        if (budget_->second != second) {
            budget_->second = second;
            budget_->used = 0;
        }
        if (budget_->used >= settings_.password_checks_per_second) {
            return tl::unexpected(Error{ErrorKind::unavailable,
                                        "SIGN_IN_BUSY",
                                        "too many sign-ins at this moment; try again in a second "
                                        "(로그인 요청이 많습니다. 잠시 후 다시 시도하십시오)",
                                        {},
                                        {},
                                        std::chrono::seconds{1}});
        }
        ++budget_->used;
    }
    // 2. The same argon2id work whether or not the officer exists.
    const bool right =
        crypto::verify_password(officer ? officer->password_hash : decoy_hash(), password) &&
        officer && !officer->password_hash.empty() && !officer->disabled_at;
    if (!right) {
        const bool locks = user_failures.size() + 1 >= settings_.failures_to_lock;
        auto audited = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto counted = tx.review().add_sign_in_failure(user_subject, now);
            if (!counted) {
                return counted;
            }
            counted = tx.review().add_sign_in_failure(client_subject, now);
            if (!counted) {
                return counted;
            }
            if (locks && officer) {
                store::OfficerRecord locked = *officer;
                locked.locked_at = now;
                auto saved = tx.review().put_officer(locked);
                if (!saved) {
                    return saved;
                }
                auto noted =
                    store::record_audit(tx, now, username, "officer.locked", username, "{}");
                if (!noted) {
                    return noted;
                }
            }
            return store::record_audit(tx, now, username, "officer.sign_in_failed", username, "{}");
        });
        DOJANG_TRY(audited);
        return fail(ErrorKind::unauthenticated,
                    "OFFICER_SIGN_IN_FAILED",
                    "wrong username or password (사용자 이름 또는 비밀번호가 올바르지 않습니다)");
    }
    auto random = crypto::random_bytes(32);
    DOJANG_TRY(random);
    OfficerSignIn session{to_hex(*random), {}, username, now + settings_.session_lifetime};
    session.csrf_token = csrf_token(session.token);
    auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto cleared = tx.review().clear_sign_in_failures(user_subject);
        if (!cleared) {
            return cleared;
        }
        auto inserted = tx.review().insert_session(
            {token_hash(session.token), username, now, session.expires_at});
        if (!inserted) {
            return inserted;
        }
        return store::record_audit(tx, now, username, "officer.sign_in", username, "{}");
    });
    DOJANG_TRY(stored);
    return session;
}

Result<void> unlock_officer(store::Database& database,
                            const Clock& clock,
                            const std::string& actor,
                            const std::string& username) {
    const Seconds now = clock.now();
    return database.transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.review().find_officer(username);
        DOJANG_TRY(found);
        if (!*found) {
            return fail(ErrorKind::not_found, "OFFICER_NOT_FOUND", "no officer " + username);
        }
        (*found)->locked_at.reset();
        auto saved = tx.review().put_officer(**found);
        if (!saved) {
            return saved;
        }
        auto cleared = tx.review().clear_sign_in_failures("user:" + username);
        if (!cleared) {
            return cleared;
        }
        return store::record_audit(tx, now, actor, "officer.unlock", username, "{}");
    });
}

Result<void> ReviewService::unlock(const std::string& actor, const std::string& username) {
    return unlock_officer(*database_, *clock_, actor, username);
}

Result<void> ReviewService::sign_out(std::string_view session_token) {
    return database_->transact([&](store::Transaction& tx) {
        return tx.review().delete_session(token_hash(session_token));
    });
}

Result<std::string> ReviewService::authenticate(std::string_view token, bool is_session) {
    const Seconds now = clock_->now();
    std::optional<std::string> officer;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        std::optional<store::OfficerRecord> record;
        if (is_session) {
            auto session = tx.review().find_session(token_hash(token));
            DOJANG_TRY(session);
            if (!*session || (*session)->expires_at <= now) {
                return ok();
            }
            auto found = tx.review().find_officer((*session)->username);
            DOJANG_TRY(found);
            record = std::move(*found);
        } else {
            auto found = tx.review().find_officer_by_token(token_hash(token));
            DOJANG_TRY(found);
            record = std::move(*found);
        }
        if (record && !record->disabled_at) {
            officer = record->username;
        }
        return ok();
    });
    DOJANG_TRY(read);
    if (!officer || token.empty()) {
        return fail(ErrorKind::unauthenticated,
                    "OFFICER_UNAUTHENTICATED",
                    "sign in as an officer first (심사자로 로그인하십시오)");
    }
    return *officer;
}

std::string ReviewService::csrf_token(std::string_view session_token) const {
    auto mac = crypto::hmac_sha256(
        keys_.hash_key(), to_bytes(std::string(csrf_context) + ":" + std::string(session_token)));
    return mac ? to_hex(*mac) : std::string();
}

Result<std::vector<ReviewItem>> ReviewService::queue(
    std::optional<domain::ApplicationStatus> status,
    std::optional<domain::HolderType> holder_type) {
    std::vector<ReviewItem> items;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto applications = tx.applications().list(status, holder_type, 200);
        DOJANG_TRY(applications);
        for (auto& application : *applications) {
            auto online = tx.otp().find_application(application.id);
            auto customer = SealedRegister(tx, keys_).find(application.customer_id);
            auto documents = tx.review().documents(application.id);
            auto decisions = tx.review().decisions(application.id);
            if (!online || !customer || !documents || !decisions) {
                return tl::unexpected(!online      ? online.error()
                                      : !customer  ? customer.error()
                                      : !documents ? documents.error()
                                                   : decisions.error());
            }
            // Only what an officer reviews: companies and proxies past their code, and
            // walk-ins whose documents the counter passed to the back office.
            const bool reviewed_walk_in =
                application.origin == "walk_in" &&
                (application.status == domain::ApplicationStatus::in_review || !decisions->empty());
            const bool reviewed_online = application.origin == "online" && *online &&
                                         needs_review(application, **online) &&
                                         application.status != domain::ApplicationStatus::submitted;
            if (!*customer || (!reviewed_walk_in && !reviewed_online)) {
                continue;
            }
            items.push_back({std::move(application), (*customer)->name, std::move(*documents)});
        }
        return ok();
    });
    DOJANG_TRY(read);
    return items;
}

Result<ReviewDetail> ReviewService::detail(const std::string& application_id) {
    ReviewDetail detail;
    bool found_it = false;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto application = tx.applications().find(application_id);
        DOJANG_TRY(application);
        if (!*application || (*application)->status == domain::ApplicationStatus::submitted) {
            return ok();
        }
        auto customer = SealedRegister(tx, keys_).find((*application)->customer_id);
        auto online = tx.otp().find_application(application_id);
        auto documents = tx.review().documents(application_id);
        auto events = tx.applications().events(application_id);
        auto decisions = tx.review().decisions(application_id);
        if (!customer || !online || !documents || !events || !decisions) {
            return fail(
                ErrorKind::unavailable, "STORE_UNAVAILABLE", "could not read the application");
        }
        if (!*customer) {
            return ok();
        }
        detail.application = std::move(**application);
        detail.customer = std::move(**customer);
        detail.customer.idn_ciphertext.clear();
        detail.customer.idn_hash.clear();
        detail.online = std::move(*online);
        if (detail.online) {
            detail.required_documents = required_documents(detail.application, *detail.online);
            for (auto [field, value] : {std::pair{"proxy_name", &detail.online->proxy_name},
                                        std::pair{"proxy_phone", &detail.online->proxy_phone}}) {
                auto opened = open_field(keys_, application_id, field, *value);
                DOJANG_TRY(opened);
                *value = std::move(*opened);
            }
        }
        detail.documents = std::move(*documents);
        detail.events = std::move(*events);
        detail.decisions = std::move(*decisions);
        for (const auto& hex : detail.customer.certificate_serials) {
            auto serial = SerialNumber::from_hex(hex);
            std::optional<store::CertificateRecord> record;
            if (serial) {
                auto found = tx.certificates().find(*serial);
                DOJANG_TRY(found);
                record = std::move(*found);
            }
            if (!record) {
                detail.unknown_serials.push_back(hex);
                continue;
            }
            record->der.clear();
            record->tbs.clear();
            detail.certificates.push_back(std::move(*record));
        }
        found_it = true;
        return ok();
    });
    DOJANG_TRY(read);
    if (!found_it) {
        return tl::unexpected(not_found());
    }
    return detail;
}

Result<std::pair<Bytes, std::string>> ReviewService::document(const std::string& application_id,
                                                              const std::string& kind) {
    std::optional<store::DocumentRecord> record;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto documents = tx.review().documents(application_id);
        DOJANG_TRY(documents);
        for (auto& document : *documents) {
            if (document.kind == kind) {
                record = std::move(document);
            }
        }
        return ok();
    });
    DOJANG_TRY(read);
    if (!record) {
        return fail(ErrorKind::not_found, "DOCUMENT_NOT_FOUND", "no such document");
    }
    auto content = files_.read(*record);
    DOJANG_TRY(content);
    return std::make_pair(std::move(*content), record->media_type);
}

Result<std::string> ReviewService::approve(const std::string& officer,
                                           const std::string& application_id) {
    const Seconds now = clock_->now();
    std::optional<Error> refusal;
    std::optional<store::ApplicationRecord> application;
    std::optional<store::CustomerRecord> customer;
    std::size_t approvals = 0;
    auto decided = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find(application_id);
        auto online = tx.otp().find_application(application_id);
        if (!found || !online) {
            return tl::unexpected(!found ? found.error() : online.error());
        }
        // A walk-in has no online record: the counter checked its documents.
        if (!*found || (!*online && (*found)->origin != "walk_in")) {
            refusal = not_found();
            return ok();
        }
        if ((*found)->status != domain::ApplicationStatus::in_review) {
            refusal = not_in_review();
            return ok();
        }
        auto documents = tx.review().documents(application_id);
        auto decisions = tx.review().decisions(application_id);
        if (!documents || !decisions) {
            return tl::unexpected(!documents ? documents.error() : decisions.error());
        }
        std::vector<std::string> missing;
        for (const auto& kind :
             *online ? required_documents(**found, **online) : std::vector<std::string>{}) {
            if (std::none_of(documents->begin(), documents->end(), [&](const auto& document) {
                    return document.kind == kind;
                })) {
                missing.push_back(kind);
            }
        }
        if (!missing.empty()) {
            std::vector<Violation> violations;
            for (const auto& kind : missing) {
                violations.push_back({"DOCUMENT_MISSING", kind});
            }
            refusal = Error{ErrorKind::conflict,
                            "DOCUMENT_MISSING",
                            "required documents are missing (필수 서류가 없습니다)",
                            {},
                            std::move(violations)};
            return ok();
        }
        // Approvals given before a rejection do not carry over to the resubmitted documents.
        std::set<std::string> approvers;
        for (const auto& decision : *decisions) {
            if (decision.decision == "approve") {
                approvers.insert(decision.officer);
            } else if (decision.decision == "reject") {
                approvers.clear();
            }
        }
        if (approvers.count(officer) == 0) {
            auto added =
                tx.review().add_decision({0, application_id, officer, "approve", "", "", now});
            if (!added) {
                return added;
            }
            auto audited = store::record_audit(
                tx, now, officer, "review.approve", application_id, documents_json(*documents));
            if (!audited) {
                return audited;
            }
            approvers.insert(officer);
        } else if (approvers.size() < settings_.approvals_required) {
            refusal = Error{ErrorKind::conflict,
                            "REVIEW_SAME_OFFICER",
                            "another officer must give the second approval (두 번째 승인은 다른 "
                            "심사자가 해야 합니다)",
                            {},
                            {}};
            return ok();
        }
        approvals = approvers.size();
        if (approvals < settings_.approvals_required) {
            return tx.applications().add_event(
                {0,
                 application_id,
                 now,
                 "first_approval",
                 "approved by one officer; a second approval is required"});
        }
        auto holder = SealedRegister(tx, keys_).find((*found)->customer_id);
        DOJANG_TRY(holder);
        if (!*holder) {
            return fail(
                ErrorKind::internal, "CUSTOMER_MISSING", "the applicant's register entry is gone");
        }
        application = std::move(*found);
        customer = std::move(*holder);
        return ok();
    });
    DOJANG_TRY(decided);
    if (refusal) {
        return tl::unexpected(std::move(*refusal));
    }
    if (!application) {
        return std::string("awaiting_second_approval");
    }
    // The codes, with the reason rules, exactly as for any approval.
    auto codes = reissue_->approve(std::move(*application),
                                   *customer,
                                   {{"approved", "approved after document review"}},
                                   officer,
                                   false);
    DOJANG_TRY(codes);
    if (codes->is_revocation()) {
        return std::string("revoked");  // the holder was told by the revocation notice
    }
    auto notified = database_->transact([&](store::Transaction& tx) {
        return notify_applicant(
            tx,
            keys_,
            application_id,
            notify::TemplateKind::approved,
            {{"reference_hint", codes->reference_number.substr(codes->reference_number.size() - 4)},
             {"status_url", status_url(settings_.portal_url, application_id)}},
            now);
    });
    DOJANG_TRY(notified);
    auto sent = send_code_other_channel(
        *database_, keys_, reissue_->settings(), application_id, *codes, now);
    DOJANG_TRY(sent);
    return std::string("approved");
}

Result<void> ReviewService::reject(const std::string& officer,
                                   const std::string& application_id,
                                   const std::string& reason,
                                   const std::string& text) {
    const auto& reasons = rejection_reasons();
    if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end() ||
        (reason == "other" && text.empty()) || text.size() > 2000) {
        return fail(ErrorKind::invalid_request,
                    "REJECTION_REASON_INVALID",
                    "give a reason: info_mismatch, certificate_status, unreadable_document, "
                    "missing_document, or other with a text (반려 사유를 선택하십시오)");
    }
    const Seconds now = clock_->now();
    std::optional<Error> refusal;
    auto decided = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.applications().find(application_id);
        DOJANG_TRY(found);
        if (!*found) {
            refusal = not_found();
            return ok();
        }
        if ((*found)->status != domain::ApplicationStatus::in_review) {
            refusal = not_in_review();
            return ok();
        }
        (*found)->status = domain::ApplicationStatus::rejected;
        (*found)->updated_at = now;
        auto updated = tx.applications().update(**found);
        if (!updated) {
            return updated;
        }
        auto added =
            tx.review().add_decision({0, application_id, officer, "reject", reason, text, now});
        if (!added) {
            return added;
        }
        auto event = tx.applications().add_event(
            {0, application_id, now, "rejected", reason + (text.empty() ? "" : ": " + text)});
        if (!event) {
            return event;
        }
        auto documents = tx.review().documents(application_id);
        DOJANG_TRY(documents);
        std::string details = documents_json(*documents);
        details.insert(1, "\"reason\":" + json_quote(reason) + ",");
        auto audited =
            store::record_audit(tx, now, officer, "review.reject", application_id, details);
        if (!audited) {
            return audited;
        }
        return notify_applicant(tx,
                                keys_,
                                application_id,
                                notify::TemplateKind::rejected,
                                {{"reason", reason + (text.empty() ? "" : " (" + text + ")")},
                                 {"status_url", status_url(settings_.portal_url, application_id)}},
                                now);
    });
    DOJANG_TRY(decided);
    if (refusal) {
        return tl::unexpected(std::move(*refusal));
    }
    return ok();
}

}  // namespace dojang::ra
