// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/online.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crypto/digest.hpp"
#include "dojang/notify/notification.hpp"
#include "dojang/ra/review.hpp"
#include "dojang/ra/sealed_register.hpp"

#include <algorithm>
#include <array>
#include <tuple>

namespace dojang::ra {
namespace {

constexpr std::string_view otp_context = "dojang-otp-v1";
constexpr std::string_view status_token_context = "dojang-status-token-v1";
constexpr std::string_view request_context = "dojang-request-v1";
constexpr std::string_view identity_context = "dojang-otp-identity-v1";
constexpr std::string_view client_context = "dojang-client-v1";

/// quality-bar.md: no more than once a minute, 5 an hour, 10 a day per destination. Counted
/// per typed identity and channel: codes go only to the register's phone or e-mail, so for a
/// match that is one destination, and a stranger typing other details has limits of their own.
struct SendLimit {
    std::chrono::seconds window;
    std::size_t most;
};
constexpr std::array<SendLimit, 3> send_limits{{
    {std::chrono::seconds{60}, 1},
    {std::chrono::seconds{3600}, 5},
    {std::chrono::seconds{86400}, 10},
}};

Error locked() {
    return Error{
        ErrorKind::forbidden,
        "APPLICATION_LOCKED",
        "too many wrong codes: this application is locked. Visit a branch with your ID "
        "card for a walk-in registration (인증번호 오류가 많아 신청이 잠겼습니다. 신분증을 "
        "지참하고 영업점을 방문하여 창구 등록을 하십시오)",
        {},
        {}};
}

Error expired() {
    return Error{ErrorKind::forbidden,
                 "OTP_EXPIRED",
                 "this code has expired or was already used; ask for a new one (인증번호가 "
                 "만료되었습니다. 다시 요청하십시오)",
                 {},
                 {}};
}

Error token_invalid() {
    return Error{ErrorKind::unauthenticated,
                 "STATUS_TOKEN_INVALID",
                 "the status token does not open this application (조회 토큰이 올바르지 않습니다)",
                 {},
                 {}};
}

Error cancelled() {
    return Error{ErrorKind::forbidden,
                 "APPLICATION_CANCELLED",
                 "a newer application of the same holder replaced this one (새 신청이 접수되어 "
                 "이 신청은 취소되었습니다)",
                 {},
                 {}};
}

/// Whether a rejected application may take documents again: the officer's last word was a
/// rejection for a document, which the applicant can put right without starting over.
Result<bool> rejected_for_document(store::Transaction& tx,
                                   const store::ApplicationRecord& application) {
    if (application.status != domain::ApplicationStatus::rejected) {
        return false;
    }
    auto decisions = tx.review().decisions(application.id);
    DOJANG_TRY(decisions);
    if (decisions->empty() || decisions->back().decision != "reject") {
        return false;
    }
    const std::string& reason = decisions->back().reason;
    return reason == "missing_document" || reason == "unreadable_document";
}

Error closed() {
    return Error{ErrorKind::conflict,
                 "APPLICATION_CLOSED",
                 "this application takes no documents now (이 신청에는 지금 서류를 제출할 수 "
                 "없습니다)",
                 {},
                 {}};
}

Error not_found() {
    return Error{ErrorKind::not_found, "APPLICATION_NOT_FOUND", "no such application", {}, {}};
}

}  // namespace

OnlineApplications::OnlineApplications(store::Database& database,
                                       ReissueService& reissue,
                                       RegisterKeys keys,
                                       const Clock& clock,
                                       OtpSettings settings,
                                       std::optional<DocumentFiles> files)
    : database_(&database),
      reissue_(&reissue),
      keys_(std::move(keys)),
      clock_(&clock),
      settings_(settings),
      files_(std::move(files)) {}

Result<std::string> OnlineApplications::status_token_for(const std::string& application_id) const {
    // Derived, not stored: the database keeps only its SHA-256, yet a repeated request (same
    // Idempotency-Key) gets the same token back. The key lives outside the database.
    auto mac = crypto::hmac_sha256(
        keys_.hash_key(), to_bytes(std::string(status_token_context) + ":" + application_id));
    DOJANG_TRY(mac);
    return to_hex(*mac);
}

Result<Bytes> OnlineApplications::code_hash(const store::OtpChallenge& challenge,
                                            std::string_view code) const {
    // Bound to one application and one channel: the same digits hash differently elsewhere.
    return crypto::hmac_sha256(keys_.hash_key(),
                               to_bytes(std::string(otp_context) + ":" + challenge.application_id +
                                        ":" + challenge.channel + ":" + std::string(code)));
}

Result<std::string> OnlineApplications::keyed_hex(std::string_view context,
                                                  std::string_view text) const {
    auto mac = crypto::hmac_sha256(keys_.hash_key(),
                                   to_bytes(std::string(context) + ":" + std::string(text)));
    DOJANG_TRY(mac);
    return to_hex(*mac);
}

Result<store::OtpChallenge> OnlineApplications::send_code(
    store::Transaction& tx,
    const store::OnlineApplication& online,
    const std::string& channel,
    const std::optional<store::CustomerRecord>& holder) {
    const Seconds now = clock_->now();
    const std::string limit_key = online.identity_key + "/" + channel;
    // 1. The send limits, per typed identity and channel.
    auto sent = tx.otp().sent_since(limit_key, now - send_limits.back().window);
    DOJANG_TRY(sent);
    std::chrono::seconds retry_after{0};
    for (const auto& limit : send_limits) {
        std::vector<Seconds> inside;
        std::copy_if(sent->begin(), sent->end(), std::back_inserter(inside), [&](Seconds at) {
            return at > now - limit.window;
        });
        if (inside.size() >= limit.most) {
            const Seconds free_at = inside[inside.size() - limit.most] + limit.window;
            retry_after = std::max(retry_after,
                                   std::chrono::duration_cast<std::chrono::seconds>(free_at - now));
        }
    }
    if (retry_after.count() > 0) {
        const std::string seconds = std::to_string(retry_after.count());
        const auto wait = retry_after.count();
        return tl::unexpected(Error{ErrorKind::forbidden,
                                    "RESEND_TOO_SOON",
                                    "a code was requested for these details too recently; try "
                                    "again in " +
                                        seconds + " seconds (" + seconds +
                                        "초 후에 다시 요청하십시오)",
                                    {},
                                    {},
                                    std::chrono::seconds{wait}});
    }
    // 2. The code: shadows get one that is never stored, so it can never verify.
    auto code = crypto::random_digits(6);
    auto decoy = crypto::random_digits(6);
    if (!code || !decoy) {
        return tl::unexpected(!code ? code.error() : decoy.error());
    }
    store::OtpChallenge challenge;
    challenge.application_id = online.application_id;
    challenge.channel = channel;
    challenge.limit_key = limit_key;
    challenge.created_at = now;
    challenge.expires_at = now + settings_.valid_for;
    auto hash = code_hash(challenge, online.matched ? *code : *decoy);
    DOJANG_TRY(hash);
    challenge.code_hash = std::move(*hash);
    auto id = tx.otp().insert_challenge(challenge);
    DOJANG_TRY(id);
    challenge.id = *id;
    // 3. The message, in the same transaction (transactional outbox), only to the phone or
    //    e-mail on file for a register entry the typed details matched: a mismatch sends
    //    nothing, so nobody can make dojang message a number of their choosing.
    if (online.matched && holder) {
        notify::Notification notification;
        notification.kind = notify::TemplateKind::otp;
        notification.language = notify::Language::ko;
        notification.channel = channel;
        notification.destination = channel == "sms" ? holder->phone : holder->email;
        notification.dedupe_key = "otp:" + online.application_id + ":" + std::to_string(*id);
        notification.application_id = online.application_id;
        notification.vars = {{"code", *code},
                             {"minutes", std::to_string(settings_.valid_for.count())}};
        auto enqueued = notify::enqueue_notification(tx, notification, now);
        DOJANG_TRY(enqueued);
    }
    // The same timeline entry either way: the applicant learns nothing of the register.
    auto added = tx.applications().add_event(
        {0,
         online.application_id,
         now,
         "code_sent",
         "one-time code requested by " + channel + "; it goes to the " +
             (channel == "sms" ? "phone number" : "e-mail address") +
             " on file when the details match the register (등록된 연락처로 발송)"});
    DOJANG_TRY(added);
    return challenge;
}

Result<OnlineCreated> OnlineApplications::replay(const store::OnlineApplication& existing,
                                                 const Bytes& request_hash) {
    if (!crypto::constant_time_equal(existing.request_hash, request_hash)) {
        return fail(ErrorKind::policy_rejected,
                    "IDEMPOTENCY_KEY_REUSED",
                    "this Idempotency-Key was used for a different request (같은 Idempotency-Key "
                    "로 다른 요청을 보냈습니다)");
    }
    auto token = status_token_for(existing.application_id);
    DOJANG_TRY(token);
    return OnlineCreated{existing.application_id,
                         *token,
                         existing.channel,
                         existing.created_at + settings_.valid_for,
                         settings_.valid_for.count()};
}

Result<OnlineCreated> OnlineApplications::apply(const OnlineRequest& request) {
    const Seconds now = clock_->now();
    // Keyed: the body holds a resident number, and an unkeyed hash of it could be searched.
    auto keyed_request = crypto::hmac_sha256(
        keys_.hash_key(), to_bytes(std::string(request_context) + ":" + request.body));
    DOJANG_TRY(keyed_request);
    const Bytes request_hash = std::move(*keyed_request);
    // 1. Check the form of every field at once; nothing here depends on the register.
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
    std::string birth_date;
    std::string proxy_phone;
    const bool corporate = request.holder_type == domain::HolderType::corporate;
    if (request.name.empty()) {
        violations.push_back({"NAME_MISSING",
                              corporate ? "the company's name is required (상호를 입력하십시오)"
                                        : "the holder's name is required (성명을 입력하십시오)"});
    }
    keep(normalize_mobile_phone(request.phone), phone);
    keep(normalize_email(request.email), email);
    if (corporate) {
        // A company is identified by its business registration number (check digit included).
        if (request.business_number.empty()) {
            violations.push_back({"BUSINESS_NUMBER_MISSING",
                                  "the business registration number is required "
                                  "(사업자등록번호를 입력하십시오)"});
        } else {
            keep(normalize_business_number(request.business_number), idn);
        }
    } else {
        // The register is matched by the resident number's keyed hash: a birth date alone
        // identifies nobody, so it is refused here rather than failing at the code.
        if (request.resident_number.empty()) {
            violations.push_back({"RESIDENT_NUMBER_MISSING",
                                  "the resident registration number is required; a birth date "
                                  "alone cannot be matched with the register (주민등록번호를 "
                                  "입력하십시오. 생년월일만으로는 본인 확인을 할 수 없습니다)"});
        } else {
            keep(normalize_resident_number(request.resident_number, now), idn);
        }
        if (!request.birth_date.empty()) {
            keep(normalize_birth_date(request.birth_date, now), birth_date);
        }
    }
    if (!request.proxy_name.empty() || !request.proxy_phone.empty()) {
        if (request.proxy_name.empty()) {
            violations.push_back({"PROXY_NAME_MISSING",
                                  "the proxy's name is required (대리인 성명을 입력하십시오)"});
        }
        // The proxy's own number: its violation names the proxy's field, not the holder's.
        auto normalized = normalize_mobile_phone(request.proxy_phone);
        if (normalized) {
            proxy_phone = *normalized;
        } else {
            violations.push_back(
                {"PROXY_PHONE_INVALID",
                 "proxy.phone: not a Korean mobile number such as 010-1234-5678 (대리인 휴대폰 "
                 "번호가 올바르지 않습니다)"});
        }
    }
    // Lengths, checked before anything is stored (a 1 MB proxy name was).
    for (const auto& [field, value, most] :
         {std::tuple{"name", &request.name, std::size_t{100}},
          std::tuple{"representative_name", &request.representative_name, std::size_t{100}},
          std::tuple{"proxy.name", &request.proxy_name, std::size_t{100}},
          std::tuple{"email", &request.email, std::size_t{254}},
          std::tuple{"phone", &request.phone, std::size_t{32}},
          std::tuple{"proxy.phone", &request.proxy_phone, std::size_t{32}},
          std::tuple{"resident_number", &request.resident_number, std::size_t{32}},
          std::tuple{"business_number", &request.business_number, std::size_t{32}},
          std::tuple{"birth_date", &request.birth_date, std::size_t{32}},
          std::tuple{"old_serial", &request.old_serial, std::size_t{64}},
          std::tuple{"Idempotency-Key", &request.idempotency_key, std::size_t{128}}}) {
        const auto characters =
            static_cast<std::size_t>(std::count_if(value->begin(), value->end(), [](char c) {
                return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;  // UTF-8 lead bytes
            }));
        if (characters > most) {
            violations.push_back({"FIELD_TOO_LONG",
                                  std::string(field) + ": at most " + std::to_string(most) +
                                      " characters (" + field + ": 최대 " + std::to_string(most) +
                                      "자)"});
        }
    }
    if (request.channel != "sms" && request.channel != "email") {
        violations.push_back({"CHANNEL_INVALID", "channel must be sms or email"});
    }
    if (!request.old_serial.empty()) {
        auto serial = SerialNumber::from_hex(request.old_serial);
        if (!serial) {
            violations.push_back({serial.error().code, serial.error().detail});
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
    // 2. The same request again: the same answer, no second application.
    if (!request.idempotency_key.empty()) {
        std::optional<store::OnlineApplication> existing;
        auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto found = tx.otp().find_by_idempotency_key(request.idempotency_key);
            DOJANG_TRY(found);
            existing = std::move(*found);
            return ok();
        });
        DOJANG_TRY(read);
        if (existing) {
            return replay(*existing, request_hash);
        }
    }
    // 3. Match the register. Every path does the same work: the hash (of a number that never
    //    matches when none was given), one lookup, the same comparisons and the same writes.
    auto hash = idn_hash(keys_, idn.empty() ? std::string_view("0000000000000") : idn);
    DOJANG_TRY(hash);
    auto id_bytes = crypto::random_bytes(10);
    DOJANG_TRY(id_bytes);
    const std::string application_id = "a" + to_hex(*id_bytes);
    auto token = status_token_for(application_id);
    DOJANG_TRY(token);
    // What the send limits count: the identity as typed (for a match, the register entry).
    auto identity_key = keyed_hex(identity_context,
                                  std::string(domain::to_string(request.holder_type)) + "\n" + idn +
                                      "\n" + request.name + "\n" + request.representative_name +
                                      "\n" + birth_date + "\n" + phone + "\n" + email);
    auto client_key = keyed_hex(client_context, request.client);
    if (!identity_key || !client_key) {
        return tl::unexpected(!identity_key ? identity_key.error() : client_key.error());
    }
    std::optional<store::OtpChallenge> sent;
    auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
        // Applications per client address: an hour's and a day's worth, whatever was typed.
        auto from_client = tx.otp().applications_since(*client_key, now - std::chrono::hours{24});
        DOJANG_TRY(from_client);
        const auto in_hour =
            std::count_if(from_client->begin(), from_client->end(), [&](Seconds at) {
                return at > now - std::chrono::hours{1};
            });
        std::optional<Seconds> free_at;
        if (from_client->size() >= settings_.applications_per_client_day &&
            settings_.applications_per_client_day > 0) {
            free_at = (*from_client)[from_client->size() - settings_.applications_per_client_day] +
                      std::chrono::hours{24};
        } else if (static_cast<std::size_t>(in_hour) >= settings_.applications_per_client_hour &&
                   settings_.applications_per_client_hour > 0) {
            free_at = (*from_client)[from_client->size() - settings_.applications_per_client_hour] +
                      std::chrono::hours{1};
        }
        if (free_at) {
            const auto wait = std::max<std::int64_t>(
                1, std::chrono::duration_cast<std::chrono::seconds>(*free_at - now).count());
            const std::string seconds = std::to_string(wait);
            return tl::unexpected(Error{ErrorKind::forbidden,
                                        "APPLICATIONS_TOO_MANY",
                                        "too many applications from this address; try again in " +
                                            seconds +
                                            " seconds (이 주소에서 신청이 너무 많습니다. " +
                                            seconds + "초 후에 다시 시도하십시오)",
                                        {},
                                        {},
                                        std::chrono::seconds{wait}});
        }
        auto found = SealedRegister(tx, keys_).find_by_idn_hash(*hash);
        DOJANG_TRY(found);
        const store::CustomerRecord customer = found->value_or(store::CustomerRecord{});
        const std::string serial_hex = request.old_serial.empty()
                                           ? std::string()
                                           : SerialNumber::from_hex(request.old_serial)->hex();
        bool matched = found->has_value() && !idn.empty();
        matched = (customer.holder_type == request.holder_type) && matched;
        matched = (customer.name == request.name) && matched;
        matched = (request.representative_name.empty() || customer.representative.empty() ||
                   customer.representative == request.representative_name) &&
                  matched;
        matched = (customer.phone == phone) && matched;
        matched = (customer.email == email) && matched;
        matched = (birth_date.empty() || customer.birth_date == birth_date) && matched;
        matched =
            (serial_hex.empty() || std::find(customer.certificate_serials.begin(),
                                             customer.certificate_serials.end(),
                                             serial_hex) != customer.certificate_serials.end()) &&
            matched;
        store::ApplicationRecord application;
        application.id = application_id;
        application.holder_type = request.holder_type;
        application.reason = request.reason;
        application.status = domain::ApplicationStatus::submitted;
        application.customer_id = matched ? customer.customer_id : std::string();
        application.origin = "online";
        application.old_serial = serial_hex;
        application.created_at = now;
        application.updated_at = now;
        auto inserted = tx.applications().insert(application);
        if (!inserted) {
            return inserted;
        }
        store::OnlineApplication online;
        online.application_id = application_id;
        online.idempotency_key = request.idempotency_key;
        online.request_hash = request_hash;
        online.status_token_hash = crypto::sha256(to_bytes(*token));
        online.channel = request.channel;
        online.identity_key = *identity_key;
        online.client_key = *client_key;
        online.matched = matched;
        online.created_at = now;
        auto sealed_name = seal_field(keys_, application_id, "proxy_name", request.proxy_name);
        auto sealed_phone = seal_field(keys_, application_id, "proxy_phone", proxy_phone);
        if (!sealed_name || !sealed_phone) {
            return tl::unexpected(!sealed_name ? sealed_name.error() : sealed_phone.error());
        }
        online.proxy_name = std::move(*sealed_name);
        online.proxy_phone = std::move(*sealed_phone);
        auto saved = tx.otp().insert_application(online);
        if (!saved) {
            return saved;
        }
        auto added = tx.applications().add_event(
            {0, application_id, now, "submitted", "online application (온라인 신청)"});
        if (!added) {
            return added;
        }
        if (matched) {  // one open application per holder: earlier ones and their codes end
            auto cancelled = reissue_->cancel_unfinished(
                tx, customer, application_id, "application:" + application_id);
            DOJANG_TRY(cancelled);
        }
        auto challenge = send_code(
            tx, online, request.channel, matched ? std::optional(customer) : std::nullopt);
        DOJANG_TRY(challenge);
        sent = std::move(*challenge);
        return ok();
    });
    if (!stored) {
        if (stored.error().code == "IDEMPOTENCY_KEY_TAKEN") {
            // A concurrent request with the same key won: answer as it did.
            std::optional<store::OnlineApplication> existing;
            auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
                auto found = tx.otp().find_by_idempotency_key(request.idempotency_key);
                DOJANG_TRY(found);
                existing = std::move(*found);
                return ok();
            });
            if (read && existing) {
                return replay(*existing, request_hash);
            }
        }
        return tl::unexpected(stored.error());
    }
    return OnlineCreated{
        application_id, *token, request.channel, sent->expires_at, settings_.valid_for.count()};
}

Result<Verified> OnlineApplications::verify(const std::string& application_id,
                                            std::string_view code) {
    const Seconds now = clock_->now();
    std::optional<Error> refusal;
    std::optional<store::ApplicationRecord> application;
    std::optional<store::CustomerRecord> customer;
    std::optional<Verified> in_review;
    std::optional<Verified> opened;
    auto token = status_token_for(application_id);
    DOJANG_TRY(token);
    auto checked = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto online = tx.otp().find_application(application_id);
        DOJANG_TRY(online);
        auto found = tx.applications().find(application_id);
        DOJANG_TRY(found);
        if (!*online || !*found) {
            refusal = not_found();
            return ok();
        }
        if ((*online)->locked_at) {
            refusal = locked();
            return ok();
        }
        if ((*found)->status == domain::ApplicationStatus::cancelled) {
            refusal = cancelled();
            return ok();
        }
        // A code for an application past its first verification opens it on this device.
        const bool opening = (*found)->status != domain::ApplicationStatus::submitted;
        auto latest = tx.otp().latest_challenge(application_id);
        DOJANG_TRY(latest);
        if (!*latest) {
            refusal = expired();
            return ok();
        }
        store::OtpChallenge& challenge = **latest;
        if (challenge.state == store::OtpState::killed) {
            refusal = Error{ErrorKind::forbidden,
                            "OTP_LOCKED",
                            "this code was entered wrongly too often and no longer works; ask "
                            "for a new one (인증번호 입력 오류 횟수를 초과했습니다. 새 인증번호를 "
                            "요청하십시오)",
                            {},
                            {}};
            return ok();
        }
        if (challenge.state != store::OtpState::active || challenge.expires_at <= now) {
            refusal = expired();
            return ok();
        }
        auto presented = code_hash(challenge, code);
        DOJANG_TRY(presented);
        const bool right = crypto::constant_time_equal(*presented, challenge.code_hash);
        if (!right || !(*online)->matched) {
            ++challenge.failed_attempts;
            const int left = settings_.wrong_entries_kill - challenge.failed_attempts;
            if (left <= 0) {
                challenge.state = store::OtpState::killed;
            }
            auto updated = tx.otp().update_challenge(challenge);
            if (!updated) {
                return updated;
            }
            auto audited = store::record_audit(
                tx,
                now,
                "applicant",
                "otp.verify_failed",
                application_id,
                "{\"channel\":" + json_quote(challenge.channel) +
                    ",\"attempts_left\":" + std::to_string(std::max(left, 0)) + "}");
            if (!audited) {
                return audited;
            }
            if (left > 0) {
                refusal = Error{ErrorKind::unauthenticated,
                                "OTP_INVALID",
                                "the code is not correct; " + std::to_string(left) +
                                    " attempt(s) left (인증번호가 올바르지 않습니다. 남은 횟수: " +
                                    std::to_string(left) + ")",
                                {},
                                {{"ATTEMPTS_LEFT", std::to_string(left)}}};
                return ok();
            }
            auto killed = tx.otp().killed_challenges(application_id);
            DOJANG_TRY(killed);
            if (*killed >= settings_.kills_to_lock) {
                (*online)->locked_at = now;
                auto saved = tx.otp().update_application(**online);
                if (!saved) {
                    return saved;
                }
                auto added = tx.applications().add_event(
                    {0, application_id, now, "locked", "too many wrong codes; visit a branch"});
                if (!added) {
                    return added;
                }
                refusal = locked();
                return ok();
            }
            refusal = Error{ErrorKind::forbidden,
                            "OTP_LOCKED",
                            "five wrong entries: this code no longer works; ask for a new one "
                            "(인증번호를 5회 잘못 입력했습니다. 새 인증번호를 요청하십시오)",
                            {},
                            {}};
            return ok();
        }
        // The right code, once: it is used and the application verified in one unit.
        challenge.state = store::OtpState::used;
        auto used = tx.otp().update_challenge(challenge);
        if (!used) {
            return used;
        }
        if (opening) {
            auto added =
                tx.applications().add_event({0,
                                             application_id,
                                             now,
                                             "opened",
                                             "application opened with a one-time code (" +
                                                 challenge.channel + ") (인증번호로 신청 조회)"});
            DOJANG_TRY(added);
            auto audited =
                store::record_audit(tx,
                                    now,
                                    "applicant",
                                    "otp.open",
                                    application_id,
                                    "{\"channel\":" + json_quote(challenge.channel) + "}");
            DOJANG_TRY(audited);
            opened = Verified{std::string(domain::to_string((*found)->status)),
                              std::nullopt,
                              required_documents(**found, **online),
                              {}};
            application = std::move(*found);
            return ok();
        }
        // Companies and proxies go on to an officer; individuals are approved below.
        const bool review = needs_review(**found, **online);
        (*found)->status =
            review ? domain::ApplicationStatus::in_review : domain::ApplicationStatus::verified;
        (*found)->updated_at = now;
        auto updated = tx.applications().update(**found);
        if (!updated) {
            return updated;
        }
        auto added =
            tx.applications().add_event({0,
                                         application_id,
                                         now,
                                         "verified",
                                         "one-time code verified (" + challenge.channel + ")"});
        if (!added) {
            return added;
        }
        auto audited = store::record_audit(tx,
                                           now,
                                           "applicant",
                                           "otp.verify",
                                           application_id,
                                           "{\"channel\":" + json_quote(challenge.channel) + "}");
        if (!audited) {
            return audited;
        }
        if (review) {
            in_review =
                Verified{"in_review", std::nullopt, required_documents(**found, **online), *token};
            return tx.applications().add_event(
                {0,
                 application_id,
                 now,
                 "in_review",
                 "waiting for an officer to review the documents (서류 심사 대기)"});
        }
        auto holder = SealedRegister(tx, keys_).find((*found)->customer_id);
        DOJANG_TRY(holder);
        if (!*holder) {
            return fail(ErrorKind::internal, "CUSTOMER_MISSING", "matched customer disappeared");
        }
        application = std::move(*found);
        customer = std::move(*holder);
        return ok();
    });
    DOJANG_TRY(checked);
    if (refusal) {
        return tl::unexpected(std::move(*refusal));
    }
    if (in_review) {
        return std::move(*in_review);
    }
    if (opened) {
        // Codes not used yet are shown again to whoever proved the phone or e-mail on file.
        if (application->status == domain::ApplicationStatus::approved) {
            auto codes = reissue_->reveal_codes(*application);
            DOJANG_TRY(codes);
            opened->codes = std::move(*codes);
        }
        opened->status_token = *token;
        return std::move(*opened);
    }
    // Approved and given codes exactly as at the counter (reason rules included).
    auto codes = reissue_->approve(std::move(*application),
                                   *customer,
                                   {{"approved", "identity verified with a one-time code"}},
                                   "application:" + application_id,
                                   false);
    DOJANG_TRY(codes);
    if (codes->is_revocation()) {
        return Verified{"revoked", std::nullopt, {}, *token};
    }
    auto sent = send_code_other_channel(
        *database_, keys_, reissue_->settings(), application_id, *codes, now);
    DOJANG_TRY(sent);
    return Verified{"approved", std::move(*codes), {}, *token};
}

Result<void> OnlineApplications::may_upload(const std::string& application_id,
                                            std::string_view status_token,
                                            const std::string& kind) {
    if (!files_) {
        return fail(ErrorKind::unavailable,
                    "DOCUMENTS_UNAVAILABLE",
                    "this server does not accept documents");
    }
    // Authenticate first: a stranger learns nothing, not even whether the file was valid.
    std::optional<domain::ApplicationStatus> status_now;
    std::vector<std::string> required;
    bool reopenable = false;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto online = tx.otp().find_application(application_id);
        auto found = tx.applications().find(application_id);
        if (!online || !found) {
            return tl::unexpected(!online ? online.error() : found.error());
        }
        if (*online && *found &&
            crypto::constant_time_equal(crypto::sha256(to_bytes(status_token)),
                                        (*online)->status_token_hash)) {
            status_now = (*found)->status;
            required = required_documents(**found, **online);
            auto rejected = rejected_for_document(tx, **found);
            DOJANG_TRY(rejected);
            reopenable = *rejected;
        }
        return ok();
    });
    DOJANG_TRY(read);
    if (!status_now) {
        return tl::unexpected(token_invalid());
    }
    // Only an application whose code was verified stores files, only the kinds it needs: an
    // anonymous client could otherwise fill the disk through applications that never verify.
    if (*status_now == domain::ApplicationStatus::submitted) {
        return fail(ErrorKind::forbidden,
                    "DOCUMENTS_BEFORE_VERIFICATION",
                    "enter the one-time code first; documents are accepted after it (인증번호 "
                    "확인 후에 서류를 제출할 수 있습니다)");
    }
    if (*status_now != domain::ApplicationStatus::in_review && !reopenable) {
        return tl::unexpected(closed());
    }
    if (std::find(required.begin(), required.end(), kind) == required.end()) {
        return fail(ErrorKind::policy_rejected,
                    "DOCUMENT_NOT_REQUIRED",
                    "this application does not need a document of kind '" + kind +
                        "' (이 신청에 필요한 서류가 아닙니다)");
    }
    return ok();
}

Result<store::DocumentRecord> OnlineApplications::upload_document(
    const std::string& application_id,
    std::string_view status_token,
    const std::string& kind,
    std::string_view declared_type,
    std::span<const std::uint8_t> content) {
    auto allowed = may_upload(application_id, status_token, kind);
    DOJANG_TRY(allowed);
    const Seconds now = clock_->now();
    auto record = files_->write(application_id, kind, declared_type, content, now);
    DOJANG_TRY(record);
    // The upload replaces an earlier one of the same kind: its file goes once the new record
    // is stored (personal data is not kept longer than it is needed).
    std::optional<store::DocumentRecord> replaced;
    std::optional<Error> refusal;
    auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
        replaced.reset();
        refusal.reset();
        auto earlier = tx.review().documents(application_id);
        DOJANG_TRY(earlier);
        std::int64_t total = record->size;
        for (const auto& document : *earlier) {
            if (document.kind == kind) {
                replaced = document;
            } else {
                total += document.size;
            }
        }
        auto events = tx.applications().events(application_id);
        DOJANG_TRY(events);
        const auto uploads = std::count_if(events->begin(), events->end(), [](const auto& event) {
            return event.kind == "document_uploaded";
        });
        if (static_cast<std::size_t>(uploads) >= max_application_uploads) {
            refusal = Error{ErrorKind::forbidden,
                            "DOCUMENT_UPLOADS_EXHAUSTED",
                            "this application has had " + std::to_string(max_application_uploads) +
                                " uploads; ask the help desk (서류 제출 횟수를 초과했습니다. "
                                "고객센터에 문의하십시오)",
                            {},
                            {}};
            return ok();
        }
        if (static_cast<std::size_t>(total) > max_application_document_bytes) {
            refusal = Error{ErrorKind::invalid_request,
                            "DOCUMENTS_TOO_LARGE_IN_TOTAL",
                            "the documents of one application may take at most 16 MiB together "
                            "(한 신청의 서류는 모두 합쳐 16MiB 까지입니다)",
                            {},
                            {}};
            return ok();
        }
        auto put = tx.review().put_document(*record);
        if (!put) {
            return put;
        }
        return tx.applications().add_event(
            {0, application_id, now, "document_uploaded", kind + " (" + record->media_type + ")"});
    });
    if (!stored || refusal) {
        (void)files_->remove(*record);
        return tl::unexpected(refusal ? *refusal : stored.error());
    }
    if (replaced && replaced->stored_name != record->stored_name) {
        (void)files_->remove(*replaced);
    }
    return std::move(*record);
}

Result<CodeSent> OnlineApplications::resend(const std::string& application_id,
                                            const std::optional<std::string>& channel) {
    if (channel && *channel != "sms" && *channel != "email") {
        return tl::unexpected(Error{ErrorKind::invalid_request,
                                    "BODY_INVALID",
                                    "channel must be sms or email",
                                    {},
                                    {{"FIELD_INVALID", "channel must be sms or email"}}});
    }
    std::optional<store::OtpChallenge> sent;
    auto done = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto online = tx.otp().find_application(application_id);
        DOJANG_TRY(online);
        auto found = tx.applications().find(application_id);
        DOJANG_TRY(found);
        if (!*online || !*found) {
            return tl::unexpected(not_found());
        }
        if ((*online)->locked_at) {
            return tl::unexpected(locked());
        }
        if ((*found)->status == domain::ApplicationStatus::cancelled) {
            return tl::unexpected(cancelled());
        }
        const std::string to = channel.value_or((*online)->channel);
        auto latest = tx.otp().latest_challenge(application_id);
        DOJANG_TRY(latest);
        if (*latest && (*latest)->state == store::OtpState::active) {
            (*latest)->state = store::OtpState::superseded;
            auto updated = tx.otp().update_challenge(**latest);
            if (!updated) {
                return updated;
            }
        }
        if (to != (*online)->channel) {
            (*online)->channel = to;
            auto saved = tx.otp().update_application(**online);
            if (!saved) {
                return saved;
            }
        }
        std::optional<store::CustomerRecord> holder;
        if ((*online)->matched) {
            auto on_file = SealedRegister(tx, keys_).find((*found)->customer_id);
            DOJANG_TRY(on_file);
            holder = std::move(*on_file);
        }
        auto challenge = send_code(tx, **online, to, holder);
        DOJANG_TRY(challenge);
        sent = std::move(*challenge);
        return ok();
    });
    DOJANG_TRY(done);
    return CodeSent{sent->channel, sent->expires_at};
}

Result<OnlineStatus> OnlineApplications::status(const std::string& application_id,
                                                std::string_view status_token) {
    OnlineStatus status;
    bool allowed = false;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto online = tx.otp().find_application(application_id);
        DOJANG_TRY(online);
        const Bytes presented = crypto::sha256(to_bytes(status_token));
        if (!*online || !crypto::constant_time_equal(presented, (*online)->status_token_hash)) {
            return ok();
        }
        auto found = tx.applications().find(application_id);
        auto events = tx.applications().events(application_id);
        auto messages = tx.outbox().for_application(application_id);
        auto documents = tx.review().documents(application_id);
        auto decisions = tx.review().decisions(application_id);
        if (!found || !events || !messages || !documents || !decisions) {
            return fail(
                ErrorKind::unavailable, "STORE_UNAVAILABLE", "could not read the application");
        }
        if (!*found) {
            return ok();
        }
        status.application = std::move(**found);
        status.events = std::move(*events);
        status.messages = std::move(*messages);
        status.documents = std::move(*documents);
        status.required_documents = required_documents(status.application, **online);
        for (const auto& decision : *decisions) {
            if (decision.decision == "reject") {
                status.rejection = decision;
            }
        }
        allowed = true;
        // Codes of an application approved by an officer: shown on the first read after.
        if (status.application.status == domain::ApplicationStatus::approved &&
            needs_review(status.application, **online) && !(*online)->codes_shown_at) {
            auto codes = reissue_->reveal_codes(status.application);
            DOJANG_TRY(codes);
            (*online)->codes_shown_at = clock_->now();
            auto saved = tx.otp().update_application(**online);
            if (!saved) {
                return saved;
            }
            status.codes = std::move(*codes);
        }
        return ok();
    });
    DOJANG_TRY(read);
    if (!allowed) {
        return tl::unexpected(token_invalid());
    }
    if (status.application.status == domain::ApplicationStatus::submitted) {
        // Before the code is verified nobody has shown they are the holder, and whether a
        // message was queued would tell whether the details matched the register.
        status.messages.clear();
    }
    for (auto& message : status.messages) {
        message.body.clear();
        message.subject.clear();
    }
    return status;
}

Result<void> OnlineApplications::resubmit(const std::string& application_id,
                                          std::string_view status_token) {
    const Seconds now = clock_->now();
    std::optional<Error> refusal;
    auto done = database_->transact([&](store::Transaction& tx) -> Result<void> {
        refusal.reset();
        auto online = tx.otp().find_application(application_id);
        DOJANG_TRY(online);
        auto found = tx.applications().find(application_id);
        DOJANG_TRY(found);
        if (!*online || !*found ||
            !crypto::constant_time_equal(crypto::sha256(to_bytes(status_token)),
                                         (*online)->status_token_hash)) {
            refusal = token_invalid();
            return ok();
        }
        auto rejected = rejected_for_document(tx, **found);
        DOJANG_TRY(rejected);
        if (!*rejected) {
            refusal = closed();
            return ok();
        }
        // Every document the application needs, uploaded after the rejection or before it.
        auto documents = tx.review().documents(application_id);
        DOJANG_TRY(documents);
        std::vector<Violation> missing;
        for (const auto& kind : required_documents(**found, **online)) {
            if (std::none_of(documents->begin(), documents->end(), [&](const auto& document) {
                    return document.kind == kind;
                })) {
                missing.push_back({"DOCUMENT_MISSING", kind});
            }
        }
        if (!missing.empty()) {
            refusal = Error{ErrorKind::conflict,
                            "DOCUMENT_MISSING",
                            "required documents are missing (필수 서류가 없습니다)",
                            {},
                            std::move(missing)};
            return ok();
        }
        (*found)->status = domain::ApplicationStatus::in_review;
        (*found)->updated_at = now;
        auto updated = tx.applications().update(**found);
        DOJANG_TRY(updated);
        auto added = tx.applications().add_event(
            {0,
             application_id,
             now,
             "resubmitted",
             "documents added after the rejection; back in review (서류 보완 후 재심사 요청)"});
        DOJANG_TRY(added);
        return store::record_audit(tx, now, "applicant", "review.resubmit", application_id, "{}");
    });
    DOJANG_TRY(done);
    if (refusal) {
        return tl::unexpected(std::move(*refusal));
    }
    return ok();
}

}  // namespace dojang::ra
