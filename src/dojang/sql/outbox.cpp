// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/outbox.hpp"

#include "dojang/sql/query.hpp"

#include <limits>
#include <utility>

namespace dojang::sql {
namespace {

using store::OutboxMessage;
using store::OutboxStatus;

constexpr std::string_view outbox_columns =
    "id, dedupe_key, channel, destination, subject, body, application_id, status, attempts, "
    "next_attempt_at, last_error, created_at, sent_at";

/// Longest last_error kept; transport errors can be long and the status page needs one line.
constexpr std::size_t max_error_length = 500;

std::int64_t epoch(Seconds at) {
    return at.time_since_epoch().count();
}

Seconds from_epoch(std::int64_t seconds) {
    return Seconds{std::chrono::seconds{seconds}};
}

std::int64_t clamp_to_int64(std::size_t value) {
    constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    return static_cast<std::int64_t>(value < max ? value : max);
}

std::string shorten(const std::string& error) {
    if (error.size() <= max_error_length) {
        return error;
    }
    // Cut on a UTF-8 character boundary: never leave half a Korean syllable behind.
    std::size_t end = max_error_length;
    while (end > 0 && (static_cast<unsigned char>(error[end]) & 0xC0U) == 0x80U) {
        --end;
    }
    return error.substr(0, end);
}

Error corrupt(std::string cause) {
    return Error{
        ErrorKind::internal, "STORE_CORRUPT", "stored data is unreadable", std::move(cause), {}};
}

/// Reads a row selected with `outbox_columns`.
Result<OutboxMessage> read_message(const Statement& row) {
    auto id = row.column_int64(0);
    DOJANG_TRY(id);
    auto status = store::outbox_status_from_string(row.column_text(7));
    if (!status) {
        return tl::unexpected(corrupt("bad outbox status '" + row.column_text(7) + "'"));
    }
    auto attempts = row.column_int64(8);
    DOJANG_TRY(attempts);
    if (*attempts < 0 || *attempts > std::numeric_limits<int>::max()) {
        return tl::unexpected(corrupt("bad attempt count " + std::to_string(*attempts)));
    }
    auto next_attempt_at = row.column_int64(9);
    DOJANG_TRY(next_attempt_at);
    auto created_at = row.column_int64(11);
    DOJANG_TRY(created_at);
    std::optional<Seconds> sent_at;
    if (!row.is_null(12)) {
        auto sent = row.column_int64(12);
        DOJANG_TRY(sent);
        sent_at = from_epoch(*sent);
    }
    return OutboxMessage{
        .id = *id,
        .dedupe_key = row.column_text(1),
        .channel = row.column_text(2),
        .destination = row.column_text(3),
        .subject = row.column_text(4),
        .body = row.column_text(5),
        .application_id = row.column_text(6),
        .status = *status,
        .attempts = static_cast<int>(*attempts),
        .next_attempt_at = from_epoch(*next_attempt_at),
        .last_error = row.column_text(10),
        .created_at = from_epoch(*created_at),
        .sent_at = sent_at,
    };
}

Result<std::vector<OutboxMessage>> read_messages(Query& query) {
    std::vector<OutboxMessage> messages;
    while (true) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return messages;
        }
        auto message = read_message(query.row());
        DOJANG_TRY(message);
        messages.push_back(std::move(*message));
    }
}

}  // namespace

Result<std::int64_t> SqlOutbox::enqueue(const OutboxMessage& message) {
    if (message.dedupe_key.empty()) {
        return fail(ErrorKind::invalid_request,
                    "OUTBOX_DEDUPE_KEY_MISSING",
                    "an outbox message needs a dedupe key");
    }
    // 1. Insert unless the key is known. The unique index decides, also between nodes: on
    //    PostgreSQL a concurrent insert of the same key waits for the first to commit and then
    //    does nothing. DO NOTHING (not a failed INSERT) keeps the transaction usable.
    Query insert(connection_,
                 "INSERT INTO outbox_messages (dedupe_key, channel, destination, subject, body, "
                 "application_id, status, attempts, next_attempt_at, last_error, created_at, "
                 "sent_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, '', ?, NULL) "
                 "ON CONFLICT (dedupe_key) DO NOTHING");
    insert.text(message.dedupe_key)
        .text(message.channel)
        .text(message.destination)
        .text(message.subject)
        .text(message.body)
        .text(message.application_id)
        .integer(epoch(message.next_attempt_at))
        .integer(epoch(message.created_at));
    auto inserted = insert.execute();
    DOJANG_TRY(inserted);
    // 2. Whoever inserted it, the row with this key is the one message.
    Query select(connection_, "SELECT id FROM outbox_messages WHERE dedupe_key = ?");
    select.text(message.dedupe_key);
    auto found = select.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return fail(ErrorKind::internal, "STORE_FAILED", "enqueued outbox message not found");
    }
    return select.row().column_int64(0);
}

Result<std::vector<OutboxMessage>> SqlOutbox::due(Seconds now, std::size_t limit) {
    Query query(connection_,
                "SELECT " + std::string(outbox_columns) +
                    " FROM outbox_messages WHERE status = 'pending' AND next_attempt_at <= ? "
                    "ORDER BY next_attempt_at, id LIMIT ?");
    query.integer(epoch(now)).integer(clamp_to_int64(limit));
    return read_messages(query);
}

Result<bool> SqlOutbox::claim(std::int64_t id, Seconds now, Seconds until) {
    // One conditional UPDATE: on PostgreSQL a second claimer waits for the first one's row lock,
    // re-checks the condition against the new next_attempt_at and changes nothing.
    Query query(connection_,
                "UPDATE outbox_messages SET next_attempt_at = ? "
                "WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?");
    query.integer(epoch(until)).integer(id).integer(epoch(now));
    auto changed = query.execute();
    DOJANG_TRY(changed);
    return *changed == 1;
}

Result<void> SqlOutbox::explain_unchanged(std::int64_t id, std::string_view wanted) {
    Query query(connection_, "SELECT status FROM outbox_messages WHERE id = ?");
    query.integer(id);
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return fail(ErrorKind::not_found,
                    "OUTBOX_MESSAGE_NOT_FOUND",
                    "no outbox message " + std::to_string(id));
    }
    return fail(ErrorKind::conflict,
                "OUTBOX_MESSAGE_NOT_PENDING",
                "outbox message " + std::to_string(id) + " cannot be " + std::string(wanted),
                "status is " + query.row().column_text(0));
}

Result<void> SqlOutbox::mark_sent(std::int64_t id, Seconds at) {
    Query query(connection_,
                "UPDATE outbox_messages SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                "last_error = '', body = '', destination = '' WHERE id = ? AND status = 'pending'");
    query.integer(epoch(at)).integer(id);
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 1) {
        return ok();
    }
    auto current = find(id);
    DOJANG_TRY(current);
    if (*current && (*current)->status == OutboxStatus::sent) {
        // A second dispatcher finished the same message (its lease ran out): keep the first.
        return ok();
    }
    return explain_unchanged(id, "marked sent");
}

Result<void> SqlOutbox::mark_attempt_failed(std::int64_t id,
                                            const std::string& error,
                                            Seconds next_attempt_at) {
    Query query(connection_,
                "UPDATE outbox_messages SET attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ? WHERE id = ? AND status = 'pending'");
    query.text(shorten(error)).integer(epoch(next_attempt_at)).integer(id);
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 0) {
        return explain_unchanged(id, "retried");
    }
    return ok();
}

Result<void> SqlOutbox::mark_failed(std::int64_t id, const std::string& error) {
    Query query(connection_,
                "UPDATE outbox_messages SET status = 'failed', attempts = attempts + 1, "
                "last_error = ?, body = '', destination = '' WHERE id = ? AND status = 'pending'");
    query.text(shorten(error)).integer(id);
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 0) {
        return explain_unchanged(id, "given up");
    }
    return ok();
}

Result<std::vector<OutboxMessage>> SqlOutbox::for_application(const std::string& application_id) {
    if (application_id.empty()) {
        return std::vector<OutboxMessage>{};  // messages of no application are nobody's status
    }
    Query query(connection_,
                "SELECT " + std::string(outbox_columns) +
                    " FROM outbox_messages WHERE application_id = ? ORDER BY created_at, id");
    query.text(application_id);
    return read_messages(query);
}

Result<std::optional<OutboxMessage>> SqlOutbox::find(std::int64_t id) {
    Query query(connection_,
                "SELECT " + std::string(outbox_columns) + " FROM outbox_messages WHERE id = ?");
    query.integer(id);
    auto messages = read_messages(query);
    DOJANG_TRY(messages);
    if (messages->empty()) {
        return std::optional<OutboxMessage>{};
    }
    return std::optional<OutboxMessage>{std::move(messages->front())};
}

}  // namespace dojang::sql
