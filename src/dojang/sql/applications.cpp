// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/applications.hpp"

#include "dojang/sql/query.hpp"

#include <array>
#include <utility>

namespace dojang::sql {
namespace {

using store::ApplicationRecord;

constexpr std::string_view columns =
    "id, holder_type, reason, status, customer_id, origin, old_serial, reference_number, "
    "authorization_code_sealed, codes_expire_at, codes_used_at, new_serial, "
    "confirmation_token_hash, issued_at, confirmed_at, created_at, updated_at";

std::int64_t epoch(Seconds at) {
    return at.time_since_epoch().count();
}
Seconds from_epoch(std::int64_t seconds) {
    return Seconds{std::chrono::seconds{seconds}};
}
std::optional<std::int64_t> epoch(const std::optional<Seconds>& at) {
    return at ? std::optional<std::int64_t>(epoch(*at)) : std::nullopt;
}

Result<std::optional<Seconds>> optional_time(const Statement& row, int column) {
    if (row.is_null(column)) {
        return std::optional<Seconds>{};
    }
    auto value = row.column_int64(column);
    DOJANG_TRY(value);
    return std::optional<Seconds>(from_epoch(*value));
}

Result<ApplicationRecord> read(const Statement& row) {
    ApplicationRecord record;
    record.id = row.column_text(0);
    auto holder = domain::holder_type_from_string(row.column_text(1));
    auto reason = domain::reissue_reason_from_string(row.column_text(2));
    auto status = domain::application_status_from_string(row.column_text(3));
    if (!holder || !reason || !status) {
        return fail(ErrorKind::internal, "STORE_CORRUPT", "stored application is unreadable");
    }
    record.holder_type = *holder;
    record.reason = *reason;
    record.status = *status;
    record.customer_id = row.column_text(4);
    record.origin = row.column_text(5);
    record.old_serial = row.column_text(6);
    record.reference_number = row.column_text(7);
    auto sealed = row.column_blob(8);
    auto expires = optional_time(row, 9);
    auto used = optional_time(row, 10);
    auto token = row.column_blob(12);
    auto issued = optional_time(row, 13);
    auto confirmed = optional_time(row, 14);
    auto created = row.column_int64(15);
    auto updated = row.column_int64(16);
    if (!sealed || !expires || !used || !token || !issued || !confirmed || !created || !updated) {
        return fail(ErrorKind::internal, "STORE_CORRUPT", "stored application is unreadable");
    }
    record.authorization_code_sealed = std::move(*sealed);
    record.codes_expire_at = *expires;
    record.codes_used_at = *used;
    record.new_serial = row.column_text(11);
    record.confirmation_token_hash = std::move(*token);
    record.issued_at = *issued;
    record.confirmed_at = *confirmed;
    record.created_at = from_epoch(*created);
    record.updated_at = from_epoch(*updated);
    return record;
}

/// Binds every column but id, in `columns` order, for INSERT and UPDATE.
Query& bind_fields(Query& query, const ApplicationRecord& record) {
    return query.text(domain::to_string(record.holder_type))
        .text(domain::to_string(record.reason))
        .text(domain::to_string(record.status))
        .text(record.customer_id)
        .text(record.origin)
        .text(record.old_serial)
        .text(record.reference_number)
        .blob(record.authorization_code_sealed)
        .optional_integer(epoch(record.codes_expire_at))
        .optional_integer(epoch(record.codes_used_at))
        .text(record.new_serial)
        .blob(record.confirmation_token_hash)
        .optional_integer(epoch(record.issued_at))
        .optional_integer(epoch(record.confirmed_at))
        .integer(epoch(record.created_at))
        .integer(epoch(record.updated_at));
}

}  // namespace

Result<void> SqlApplications::insert(const ApplicationRecord& record) {
    // An empty reference number is stored as NULL so that the unique index ignores it.
    Query query(
        connection_,
        "INSERT INTO applications (holder_type, reason, status, customer_id, origin, "
        "old_serial, reference_number, authorization_code_sealed, codes_expire_at, "
        "codes_used_at, new_serial, confirmation_token_hash, issued_at, confirmed_at, "
        "created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?)");
    bind_fields(query, record).text(record.id);
    auto done = query.execute();
    if (!done) {
        if (done.error().kind == ErrorKind::conflict) {
            return fail(
                ErrorKind::conflict, "REFERENCE_COLLISION", "reference number already in use");
        }
        return tl::unexpected(done.error());
    }
    return ok();
}

Result<void> SqlApplications::update(const ApplicationRecord& record) {
    Query query(
        connection_,
        "UPDATE applications SET holder_type = ?, reason = ?, status = ?, customer_id = ?, "
        "origin = ?, old_serial = ?, reference_number = NULLIF(?, ''), "
        "authorization_code_sealed = ?, codes_expire_at = ?, codes_used_at = ?, new_serial = ?, "
        "confirmation_token_hash = ?, issued_at = ?, confirmed_at = ?, created_at = ?, "
        "updated_at = ? WHERE id = ?");
    bind_fields(query, record).text(record.id);
    auto changed = query.execute();
    if (!changed) {
        if (changed.error().kind == ErrorKind::conflict) {
            return fail(
                ErrorKind::conflict, "REFERENCE_COLLISION", "reference number already in use");
        }
        return tl::unexpected(changed.error());
    }
    if (*changed == 0) {
        return fail(ErrorKind::not_found, "APPLICATION_NOT_FOUND", "no such application");
    }
    return ok();
}

Result<std::vector<ApplicationRecord>> SqlApplications::select(std::string_view where,
                                                               std::string_view text,
                                                               std::int64_t number) {
    Query query(connection_,
                "SELECT " + std::string(columns) + " FROM applications WHERE " +
                    std::string(where) + " ORDER BY created_at, id");
    if (!text.empty()) {
        query.text(text);
    } else {
        query.integer(number);
    }
    return collect_rows<ApplicationRecord>(query, read);
}

namespace {

Result<std::optional<ApplicationRecord>> first(Result<std::vector<ApplicationRecord>> records) {
    DOJANG_TRY(records);
    if (records->empty()) {
        return std::optional<ApplicationRecord>{};
    }
    return std::optional<ApplicationRecord>(std::move(records->front()));
}

}  // namespace

Result<std::optional<ApplicationRecord>> SqlApplications::find(const std::string& id) {
    if (id.empty()) {
        return std::optional<ApplicationRecord>{};
    }
    return first(select("id = ?", id, 0));
}

Result<std::optional<ApplicationRecord>> SqlApplications::find_by_reference(
    const std::string& reference) {
    if (reference.empty()) {
        return std::optional<ApplicationRecord>{};
    }
    return first(select("reference_number = ?", reference, 0));
}

Result<std::optional<ApplicationRecord>> SqlApplications::find_by_new_serial(
    const std::string& serial) {
    if (serial.empty()) {
        return std::optional<ApplicationRecord>{};
    }
    return first(select("new_serial = ?", serial, 0));
}

Result<std::vector<ApplicationRecord>> SqlApplications::replacing(const std::string& serial) {
    if (serial.empty()) {
        return std::vector<ApplicationRecord>{};
    }
    return select("old_serial = ?", serial, 0);
}

Result<std::vector<std::string>> SqlApplications::unverified_before(Seconds before,
                                                                    std::size_t limit) {
    Query query(connection_,
                "SELECT id FROM applications WHERE status = 'submitted' AND created_at < ? "
                "ORDER BY created_at LIMIT ?");
    query.integer(epoch(before)).integer(static_cast<std::int64_t>(limit));
    std::vector<std::string> ids;
    for (;;) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return ids;
        }
        ids.push_back(query.row().column_text(0));
    }
}

Result<void> SqlApplications::erase(const std::string& id) {
    for (const char* sql : {"DELETE FROM otp_challenges WHERE application_id = ?",
                            "DELETE FROM online_applications WHERE application_id = ?",
                            "DELETE FROM application_events WHERE application_id = ?",
                            "DELETE FROM outbox_messages WHERE application_id = ?",
                            "DELETE FROM documents WHERE application_id = ?",
                            "DELETE FROM review_decisions WHERE application_id = ?",
                            "DELETE FROM applications WHERE id = ?"}) {
        Query query(connection_, sql);
        query.text(id);
        auto done = query.execute();
        DOJANG_TRY(done);
    }
    return ok();
}

Result<std::vector<ApplicationRecord>> SqlApplications::of_customer(
    const std::string& customer_id) {
    if (customer_id.empty()) {
        return std::vector<ApplicationRecord>{};
    }
    return select("customer_id = ?", customer_id, 0);
}

Result<bool> SqlApplications::claim_codes(const std::string& id, Seconds now) {
    // One UPDATE decides: of two concurrent requests with the same code, one changes the row.
    Query query(connection_,
                "UPDATE applications SET codes_used_at = ?, updated_at = ? WHERE id = ? AND "
                "codes_used_at IS NULL AND codes_expire_at > ? AND status = 'approved'");
    query.integer(epoch(now)).integer(epoch(now)).text(id).integer(epoch(now));
    auto changed = query.execute();
    DOJANG_TRY(changed);
    return *changed == 1;
}

Result<std::vector<ApplicationRecord>> SqlApplications::unconfirmed(Seconds before) {
    return select("status = 'issued' AND issued_at < ?", {}, epoch(before));
}

Result<std::vector<ApplicationRecord>> SqlApplications::stranded_claims(Seconds before) {
    return select("status = 'approved' AND codes_used_at IS NOT NULL AND codes_used_at < ?",
                  {},
                  epoch(before));
}

Result<std::vector<ApplicationRecord>> SqlApplications::list(
    std::optional<domain::ApplicationStatus> status,
    std::optional<domain::HolderType> holder_type,
    std::size_t limit) {
    // Empty text matches any value, so one statement serves every filter.
    Query query(connection_,
                "SELECT " + std::string(columns) +
                    " FROM applications WHERE (? = '' OR status = ?) AND (? = '' OR holder_type "
                    "= ?) ORDER BY created_at DESC, id LIMIT ?");
    const std::string status_text = status ? std::string(domain::to_string(*status)) : "";
    const std::string holder_text = holder_type ? std::string(domain::to_string(*holder_type)) : "";
    query.text(status_text)
        .text(status_text)
        .text(holder_text)
        .text(holder_text)
        .integer(static_cast<std::int64_t>(limit));
    return collect_rows<ApplicationRecord>(query, read);
}

Result<void> SqlApplications::add_event(const store::ApplicationEvent& event) {
    Query query(
        connection_,
        "INSERT INTO application_events (application_id, at, kind, detail) VALUES (?, ?, ?, ?)");
    query.text(event.application_id).integer(epoch(event.at)).text(event.kind).text(event.detail);
    auto done = query.execute();
    DOJANG_TRY(done);
    return ok();
}

Result<std::vector<store::ApplicationEvent>> SqlApplications::events(
    const std::string& application_id) {
    Query query(connection_,
                "SELECT sequence, application_id, at, kind, detail FROM application_events WHERE "
                "application_id = ? ORDER BY sequence");
    query.text(application_id);
    std::vector<store::ApplicationEvent> events;
    for (;;) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return events;
        }
        const Statement& row = query.row();
        auto sequence = row.column_int64(0);
        auto at = row.column_int64(2);
        if (!sequence || !at) {
            return fail(ErrorKind::internal, "STORE_CORRUPT", "stored event is unreadable");
        }
        events.push_back({*sequence,
                          row.column_text(1),
                          from_epoch(*at),
                          row.column_text(3),
                          row.column_text(4)});
    }
}

}  // namespace dojang::sql
