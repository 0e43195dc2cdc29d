// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/otp.hpp"

#include "dojang/sql/query.hpp"

namespace dojang::sql {
namespace {

using store::OnlineApplication;
using store::OtpChallenge;

constexpr std::string_view application_columns =
    "application_id, idempotency_key, request_hash, status_token_hash, channel, identity_key, "
    "client_key, "
    "matched, locked_at, created_at, proxy_name, proxy_phone, codes_shown_at";

std::int64_t epoch(Seconds at) {
    return at.time_since_epoch().count();
}
Seconds from_epoch(std::int64_t seconds) {
    return Seconds{std::chrono::seconds{seconds}};
}
std::optional<std::int64_t> optional_epoch(const std::optional<Seconds>& at) {
    return at ? std::optional<std::int64_t>(epoch(*at)) : std::nullopt;
}

Error corrupt() {
    return Error{
        ErrorKind::internal, "STORE_CORRUPT", "stored one-time code data is unreadable", {}, {}};
}

Result<OnlineApplication> read_application(const Statement& row) {
    OnlineApplication record;
    record.application_id = row.column_text(0);
    record.idempotency_key = row.is_null(1) ? std::string() : row.column_text(1);
    auto request_hash = row.column_blob(2);
    auto token_hash = row.column_blob(3);
    auto matched = row.column_int64(7);
    auto created = row.column_int64(9);
    if (!request_hash || !token_hash || !matched || !created) {
        return tl::unexpected(corrupt());
    }
    record.request_hash = std::move(*request_hash);
    record.status_token_hash = std::move(*token_hash);
    record.channel = row.column_text(4);
    record.identity_key = row.column_text(5);
    record.client_key = row.column_text(6);
    record.matched = *matched != 0;
    if (!row.is_null(8)) {
        auto locked = row.column_int64(8);
        if (!locked) {
            return tl::unexpected(corrupt());
        }
        record.locked_at = from_epoch(*locked);
    }
    record.created_at = from_epoch(*created);
    record.proxy_name = row.column_text(10);
    record.proxy_phone = row.column_text(11);
    if (!row.is_null(12)) {
        auto shown = row.column_int64(12);
        if (!shown) {
            return tl::unexpected(corrupt());
        }
        record.codes_shown_at = from_epoch(*shown);
    }
    return record;
}

}  // namespace

Result<void> SqlOtp::insert_application(const OnlineApplication& application) {
    // An empty idempotency key is stored as NULL so that the unique index ignores it.
    Query query(connection_,
                "INSERT INTO online_applications (" + std::string(application_columns) +
                    ") VALUES (?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    query.text(application.application_id)
        .text(application.idempotency_key)
        .blob(application.request_hash)
        .blob(application.status_token_hash)
        .text(application.channel)
        .text(application.identity_key)
        .text(application.client_key)
        .integer(application.matched ? 1 : 0)
        .optional_integer(application.locked_at
                              ? std::optional<std::int64_t>(epoch(*application.locked_at))
                              : std::nullopt)
        .integer(epoch(application.created_at))
        .text(application.proxy_name)
        .text(application.proxy_phone)
        .optional_integer(optional_epoch(application.codes_shown_at));
    auto done = query.execute();
    if (!done) {
        if (done.error().kind == ErrorKind::conflict) {
            return fail(ErrorKind::conflict,
                        "IDEMPOTENCY_KEY_TAKEN",
                        "another application was made with this idempotency key");
        }
        return tl::unexpected(done.error());
    }
    return ok();
}

Result<void> SqlOtp::update_application(const OnlineApplication& application) {
    Query query(connection_,
                "UPDATE online_applications SET channel = ?, identity_key = ?, client_key = ?, "
                "matched = ?, "
                "locked_at = ?, proxy_name = ?, proxy_phone = ?, codes_shown_at = ? WHERE "
                "application_id = ?");
    query.text(application.channel)
        .text(application.identity_key)
        .text(application.client_key)
        .integer(application.matched ? 1 : 0)
        .optional_integer(application.locked_at
                              ? std::optional<std::int64_t>(epoch(*application.locked_at))
                              : std::nullopt)
        .text(application.proxy_name)
        .text(application.proxy_phone)
        .optional_integer(optional_epoch(application.codes_shown_at))
        .text(application.application_id);
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 0) {
        return fail(ErrorKind::not_found, "APPLICATION_NOT_FOUND", "no such application");
    }
    return ok();
}

Result<std::optional<OnlineApplication>> SqlOtp::find_one(std::string_view column,
                                                          const std::string& value) {
    if (value.empty()) {
        return std::optional<OnlineApplication>{};
    }
    Query query(connection_,
                "SELECT " + std::string(application_columns) + " FROM online_applications WHERE " +
                    std::string(column) + " = ?");
    query.text(value);
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return std::optional<OnlineApplication>{};
    }
    auto record = read_application(query.row());
    DOJANG_TRY(record);
    return std::optional<OnlineApplication>(std::move(*record));
}

Result<std::optional<OnlineApplication>> SqlOtp::find_application(
    const std::string& application_id) {
    return find_one("application_id", application_id);
}

Result<std::optional<OnlineApplication>> SqlOtp::find_by_idempotency_key(const std::string& key) {
    return find_one("idempotency_key", key);
}

Result<std::int64_t> SqlOtp::insert_challenge(const OtpChallenge& challenge) {
    Query query(connection_,
                "INSERT INTO otp_challenges (application_id, channel, limit_key, code_hash, "
                "state, failed_attempts, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id");
    query.text(challenge.application_id)
        .text(challenge.channel)
        .text(challenge.limit_key)
        .blob(challenge.code_hash)
        .text(store::to_string(challenge.state))
        .integer(challenge.failed_attempts)
        .integer(epoch(challenge.created_at))
        .integer(epoch(challenge.expires_at));
    auto row = query.next_row();
    DOJANG_TRY(row);
    if (!*row) {
        return fail(ErrorKind::internal, "STORE_FAILED", "inserted challenge has no id");
    }
    auto id = query.row().column_int64(0);
    DOJANG_TRY(id);
    auto rest = query.next_row();  // run the statement to its end
    DOJANG_TRY(rest);
    return *id;
}

Result<void> SqlOtp::update_challenge(const OtpChallenge& challenge) {
    Query query(connection_,
                "UPDATE otp_challenges SET state = ?, failed_attempts = ? WHERE id = ?");
    query.text(store::to_string(challenge.state))
        .integer(challenge.failed_attempts)
        .integer(challenge.id);
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 0) {
        return fail(ErrorKind::not_found, "OTP_NOT_FOUND", "no such one-time code");
    }
    return ok();
}

Result<std::optional<OtpChallenge>> SqlOtp::latest_challenge(const std::string& application_id) {
    Query query(connection_,
                "SELECT id, application_id, channel, limit_key, code_hash, state, "
                "failed_attempts, created_at, expires_at FROM otp_challenges WHERE "
                "application_id = ? ORDER BY id DESC LIMIT 1");
    query.text(application_id);
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return std::optional<OtpChallenge>{};
    }
    const Statement& row = query.row();
    auto id = row.column_int64(0);
    auto hash = row.column_blob(4);
    auto state = store::otp_state_from_string(row.column_text(5));
    auto failed = row.column_int64(6);
    auto created = row.column_int64(7);
    auto expires = row.column_int64(8);
    if (!id || !hash || !state || !failed || !created || !expires) {
        return tl::unexpected(corrupt());
    }
    OtpChallenge challenge;
    challenge.id = *id;
    challenge.application_id = row.column_text(1);
    challenge.channel = row.column_text(2);
    challenge.limit_key = row.column_text(3);
    challenge.code_hash = std::move(*hash);
    challenge.state = *state;
    challenge.failed_attempts = static_cast<int>(*failed);
    challenge.created_at = from_epoch(*created);
    challenge.expires_at = from_epoch(*expires);
    return std::optional<OtpChallenge>(std::move(challenge));
}

Result<std::size_t> SqlOtp::killed_challenges(const std::string& application_id) {
    Query query(connection_,
                "SELECT COUNT(*) FROM otp_challenges WHERE application_id = ? AND state = "
                "'killed'");
    query.text(application_id);
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return tl::unexpected(corrupt());
    }
    auto count = query.row().column_int64(0);
    DOJANG_TRY(count);
    return static_cast<std::size_t>(*count);
}

namespace {

/// The created_at column of `sql`'s rows, with `key` and `since` bound, oldest first.
Result<std::vector<Seconds>> times_of(Connection& connection,
                                      std::string_view sql,
                                      const std::string& key,
                                      Seconds since) {
    Query query(connection, std::string(sql));
    query.text(key).integer(epoch(since));
    std::vector<Seconds> times;
    for (;;) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return times;
        }
        auto at = query.row().column_int64(0);
        DOJANG_TRY(at);
        times.push_back(from_epoch(*at));
    }
}

}  // namespace

Result<std::vector<Seconds>> SqlOtp::sent_since(const std::string& limit_key, Seconds since) {
    return times_of(connection_,
                    "SELECT created_at FROM otp_challenges WHERE limit_key = ? AND created_at >= ? "
                    "ORDER BY created_at, id",
                    limit_key,
                    since);
}

Result<std::vector<Seconds>> SqlOtp::applications_since(const std::string& client_key,
                                                        Seconds since) {
    return times_of(connection_,
                    "SELECT created_at FROM online_applications WHERE client_key = ? AND "
                    "created_at >= ? ORDER BY created_at",
                    client_key,
                    since);
}

}  // namespace dojang::sql
