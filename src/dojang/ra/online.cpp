// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/online.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/notify/notification.hpp"

#include <algorithm>
#include <array>

namespace dojang::ra {
namespace {

constexpr std::string_view otp_context = "dojang-otp-v1";
constexpr std::string_view status_token_context = "dojang-status-token-v1";

/// quality-bar.md: no more than once a minute, 5 an hour, 10 a day per destination.
struct SendLimit {
    std::chrono::seconds window;
    std::size_t most;
};
constexpr std::array<SendLimit, 3> send_limits{{
    {std::chrono::seconds{60}, 1},
    {std::chrono::seconds{3600}, 5},
    {std::chrono::seconds{86400}, 10},
}};

/// Six decimal digits from the CSPRNG, uniformly (bytes ≥ 250 are drawn again).
Result<std::string> six_digits() {
    std::string digits;
    while (digits.size() < 6) {
        auto bytes = crypto::random_bytes(12);
        if (!bytes) {
            return tl::unexpected(bytes.error());
        }
        for (const auto byte : *bytes) {
            if (byte < 250 && digits.size() < 6) {
                digits.push_back(static_cast<char>('0' + byte % 10));
            }
        }
    }
    return digits;
}

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

Error not_found() {
    return Error{ErrorKind::not_found, "APPLICATION_NOT_FOUND", "no such application", {}, {}};
}

std::string masked(const std::string& channel, const std::string& destination) {
    if (channel == "sms") {
        return destination.size() > 4 ? std::string(destination.size() - 4, '*') +
                                            destination.substr(destination.size() - 4)
                                      : destination;
    }
    const auto at = destination.find('@');
    return at == std::string::npos ? destination
                                   : destination.substr(0, 1) + "***" + destination.substr(at);
}

}  // namespace

OnlineApplications::OnlineApplications(store::Database& database,
                                       ReissueService& reissue,
                                       RegisterKeys keys,
                                       const Clock& clock,
                                       OtpSettings settings)
    : database_(&database),
      reissue_(&reissue),
      keys_(std::move(keys)),
      clock_(&clock),
      settings_(settings) {}

Result<std::string> OnlineApplications::status_token_for(const std::string& application_id) const {
    // Derived, not stored: the database keeps only its SHA-256, yet a repeated request (same
    // Idempotency-Key) gets the same token back. The key lives outside the database.
    auto mac = crypto::hmac_sha256(
        keys_.hash_key(), to_bytes(std::string(status_token_context) + ":" + application_id));
    if (!mac) {
        return tl::unexpected(mac.error());
    }
    return to_hex(*mac);
}

Result<Bytes> OnlineApplications::code_hash(const store::OtpChallenge& challenge,
                                            std::string_view code) const {
    // Bound to one application and one channel: the same digits hash differently elsewhere.
    return crypto::hmac_sha256(keys_.hash_key(),
                               to_bytes(std::string(otp_context) + ":" + challenge.application_id +
                                        ":" + challenge.channel + ":" + std::string(code)));
}

Result<store::OtpChallenge> OnlineApplications::send_code(store::Transaction& tx,
                                                          const store::OnlineApplication& online,
                                                          const std::string& channel) {
    const Seconds now = clock_->now();
    const std::string destination = channel == "sms" ? online.phone : online.email;
    // 1. The send limits, per destination.
    auto sent = tx.otp().sent_since(destination, now - send_limits.back().window);
    if (!sent) {
        return tl::unexpected(sent.error());
    }
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
        return tl::unexpected(Error{ErrorKind::forbidden,
                                    "RESEND_TOO_SOON",
                                    "a code was sent to this destination too recently; try again "
                                    "in " +
                                        seconds + " seconds (" + seconds +
                                        "초 후에 다시 요청하십시오)",
                                    {},
                                    {{"RETRY_AFTER", seconds}}});
    }
    // 2. The code: shadows get one that is never stored, so it can never verify.
    auto code = six_digits();
    auto decoy = six_digits();
    if (!code || !decoy) {
        return tl::unexpected(!code ? code.error() : decoy.error());
    }
    store::OtpChallenge challenge;
    challenge.application_id = online.application_id;
    challenge.channel = channel;
    challenge.destination = destination;
    challenge.created_at = now;
    challenge.expires_at = now + settings_.valid_for;
    auto hash = code_hash(challenge, online.matched ? *code : *decoy);
    if (!hash) {
        return tl::unexpected(hash.error());
    }
    challenge.code_hash = std::move(*hash);
    auto id = tx.otp().insert_challenge(challenge);
    if (!id) {
        return tl::unexpected(id.error());
    }
    challenge.id = *id;
    // 3. The message, in the same transaction (transactional outbox).
    notify::Notification notification;
    notification.kind = notify::TemplateKind::otp;
    notification.language = notify::Language::ko;
    notification.channel = channel;
    notification.destination = destination;
    notification.dedupe_key = "otp:" + online.application_id + ":" + std::to_string(*id);
    notification.application_id = online.application_id;
    notification.vars = {{"code", *code}, {"minutes", std::to_string(settings_.valid_for.count())}};
    auto enqueued = notify::enqueue_notification(tx, notification, now);
    if (!enqueued) {
        return tl::unexpected(enqueued.error());
    }
    auto added = tx.applications().add_event(
        {0,
         online.application_id,
         now,
         "code_sent",
         "one-time code sent by " + channel + " to " + masked(channel, destination)});
    if (!added) {
        return tl::unexpected(added.error());
    }
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
    if (!token) {
        return tl::unexpected(token.error());
    }
    return OnlineCreated{existing.application_id,
                         *token,
                         existing.channel,
                         existing.created_at + settings_.valid_for};
}

Result<OnlineCreated> OnlineApplications::apply(const OnlineRequest& request) {
    const Seconds now = clock_->now();
    const Bytes request_hash = crypto::sha256(to_bytes(request.body));
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
    if (request.holder_type != store::HolderType::individual) {
        violations.push_back({"HOLDER_TYPE_INVALID",
                              "online self-service is for individuals; companies apply with "
                              "documents (법인은 서류를 제출하여 신청하십시오)"});
    }
    if (request.name.empty()) {
        violations.push_back(
            {"NAME_MISSING", "the holder's name is required (성명을 입력하십시오)"});
    }
    keep(normalize_mobile_phone(request.phone), phone);
    keep(normalize_email(request.email), email);
    if (!request.resident_number.empty()) {
        keep(normalize_resident_number(request.resident_number, now), idn);
    }
    if (!request.birth_date.empty()) {
        keep(normalize_birth_date(request.birth_date, now), birth_date);
    }
    if (request.resident_number.empty() && request.birth_date.empty()) {
        violations.push_back({"BIRTH_DATE_MISSING",
                              "give your resident registration number or your birth date "
                              "(주민등록번호 또는 생년월일을 입력하십시오)"});
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
            if (!found) {
                return tl::unexpected(found.error());
            }
            existing = std::move(*found);
            return ok();
        });
        if (!read) {
            return tl::unexpected(read.error());
        }
        if (existing) {
            return replay(*existing, request_hash);
        }
    }
    // 3. Match the register. Every path does the same work: the hash (of a number that never
    //    matches when none was given), one lookup, the same comparisons and the same writes.
    auto hash = idn_hash(keys_, idn.empty() ? std::string_view("0000000000000") : idn);
    if (!hash) {
        return tl::unexpected(hash.error());
    }
    auto id_bytes = crypto::random_bytes(10);
    if (!id_bytes) {
        return tl::unexpected(id_bytes.error());
    }
    const std::string application_id = "a" + to_hex(*id_bytes);
    auto token = status_token_for(application_id);
    if (!token) {
        return tl::unexpected(token.error());
    }
    std::optional<store::OtpChallenge> sent;
    auto stored = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto found = tx.customers().find_by_idn_hash(*hash);
        if (!found) {
            return tl::unexpected(found.error());
        }
        const store::CustomerRecord customer = found->value_or(store::CustomerRecord{});
        const std::string serial_hex = request.old_serial.empty()
                                           ? std::string()
                                           : SerialNumber::from_hex(request.old_serial)->hex();
        bool matched = found->has_value() && !idn.empty();
        matched = (customer.holder_type == store::HolderType::individual) && matched;
        matched = (customer.name == request.name) && matched;
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
        application.holder_type = store::HolderType::individual;
        application.reason = request.reason;
        application.status = store::ApplicationStatus::submitted;
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
        online.phone = phone;
        online.email = email;
        online.matched = matched;
        online.created_at = now;
        auto saved = tx.otp().insert_application(online);
        if (!saved) {
            return saved;
        }
        auto added = tx.applications().add_event(
            {0, application_id, now, "submitted", "online application (온라인 신청)"});
        if (!added) {
            return added;
        }
        auto challenge = send_code(tx, online, request.channel);
        if (!challenge) {
            return tl::unexpected(challenge.error());
        }
        sent = std::move(*challenge);
        return ok();
    });
    if (!stored) {
        if (stored.error().code == "IDEMPOTENCY_KEY_TAKEN") {
            // A concurrent request with the same key won: answer as it did.
            std::optional<store::OnlineApplication> existing;
            auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
                auto found = tx.otp().find_by_idempotency_key(request.idempotency_key);
                if (!found) {
                    return tl::unexpected(found.error());
                }
                existing = std::move(*found);
                return ok();
            });
            if (read && existing) {
                return replay(*existing, request_hash);
            }
        }
        return tl::unexpected(stored.error());
    }
    return OnlineCreated{application_id, *token, request.channel, sent->expires_at};
}

Result<Codes> OnlineApplications::verify(const std::string& application_id, std::string_view code) {
    const Seconds now = clock_->now();
    std::optional<Error> refusal;
    std::optional<store::ApplicationRecord> application;
    std::optional<store::CustomerRecord> customer;
    auto checked = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto online = tx.otp().find_application(application_id);
        if (!online) {
            return tl::unexpected(online.error());
        }
        auto found = tx.applications().find(application_id);
        if (!found) {
            return tl::unexpected(found.error());
        }
        if (!*online || !*found) {
            refusal = not_found();
            return ok();
        }
        if ((*online)->locked_at) {
            refusal = locked();
            return ok();
        }
        if ((*found)->status != store::ApplicationStatus::submitted) {
            refusal = expired();
            return ok();
        }
        auto latest = tx.otp().latest_challenge(application_id);
        if (!latest) {
            return tl::unexpected(latest.error());
        }
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
        if (!presented) {
            return tl::unexpected(presented.error());
        }
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
            if (!killed) {
                return tl::unexpected(killed.error());
            }
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
        (*found)->status = store::ApplicationStatus::verified;
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
        auto holder = tx.customers().find((*found)->customer_id);
        if (!holder) {
            return tl::unexpected(holder.error());
        }
        if (!*holder) {
            return fail(ErrorKind::internal, "CUSTOMER_MISSING", "matched customer disappeared");
        }
        application = std::move(*found);
        customer = std::move(*holder);
        return ok();
    });
    if (!checked) {
        return tl::unexpected(checked.error());
    }
    if (refusal) {
        return tl::unexpected(std::move(*refusal));
    }
    // Approved and given codes exactly as at the counter (reason rules included).
    return reissue_->approve(std::move(*application),
                             *customer,
                             {{"approved", "identity verified with a one-time code"}},
                             "application:" + application_id,
                             false);
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
        if (!online) {
            return tl::unexpected(online.error());
        }
        auto found = tx.applications().find(application_id);
        if (!found) {
            return tl::unexpected(found.error());
        }
        if (!*online || !*found) {
            return tl::unexpected(not_found());
        }
        if ((*online)->locked_at) {
            return tl::unexpected(locked());
        }
        if ((*found)->status != store::ApplicationStatus::submitted) {
            return fail(ErrorKind::conflict,
                        "APPLICATION_ALREADY_VERIFIED",
                        "this application is already verified; no new code is needed");
        }
        const std::string to = channel.value_or((*online)->channel);
        auto latest = tx.otp().latest_challenge(application_id);
        if (!latest) {
            return tl::unexpected(latest.error());
        }
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
        auto challenge = send_code(tx, **online, to);
        if (!challenge) {
            return tl::unexpected(challenge.error());
        }
        sent = std::move(*challenge);
        return ok();
    });
    if (!done) {
        return tl::unexpected(done.error());
    }
    return CodeSent{sent->channel, sent->expires_at};
}

Result<OnlineStatus> OnlineApplications::status(const std::string& application_id,
                                                std::string_view status_token) {
    OnlineStatus status;
    bool allowed = false;
    auto read = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto online = tx.otp().find_application(application_id);
        if (!online) {
            return tl::unexpected(online.error());
        }
        const Bytes presented = crypto::sha256(to_bytes(status_token));
        if (!*online || !crypto::constant_time_equal(presented, (*online)->status_token_hash)) {
            return ok();
        }
        auto found = tx.applications().find(application_id);
        auto events = tx.applications().events(application_id);
        auto messages = tx.outbox().for_application(application_id);
        if (!found || !events || !messages) {
            return tl::unexpected(!found    ? found.error()
                                  : !events ? events.error()
                                            : messages.error());
        }
        if (!*found) {
            return ok();
        }
        status.application = std::move(**found);
        status.events = std::move(*events);
        status.messages = std::move(*messages);
        allowed = true;
        return ok();
    });
    if (!read) {
        return tl::unexpected(read.error());
    }
    if (!allowed) {
        return fail(ErrorKind::unauthenticated,
                    "STATUS_TOKEN_INVALID",
                    "the status token does not open this application (조회 토큰이 올바르지 "
                    "않습니다)");
    }
    for (auto& message : status.messages) {
        message.body.clear();
        message.subject.clear();
    }
    return status;
}

}  // namespace dojang::ra
