// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/roles.hpp"

#include "dojang/sql/dialect.hpp"
#include "dojang/sql/query.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace dojang::sql {
namespace {

using domain::CertificateStatus;
using domain::RevocationReason;
using store::AuditEntry;
using store::CertificateRecord;
using store::RevokedEntry;

constexpr std::string_view certificate_columns =
    "serial, ca, profile, subject, not_before, not_after, status, tbs, der, created_at, "
    "issued_at, revoked_at, reason";

constexpr int hold_code = static_cast<int>(RevocationReason::certificate_hold);

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

Error corrupt(std::string cause) {
    return Error{
        ErrorKind::internal, "STORE_CORRUPT", "stored data is unreadable", std::move(cause), {}};
}

Result<std::optional<Seconds>> optional_seconds(const Statement& row, int column) {
    if (row.is_null(column)) {
        return std::optional<Seconds>{};
    }
    auto value = row.column_int64(column);
    DOJANG_TRY(value);
    return std::optional<Seconds>{from_epoch(*value)};
}

Result<Seconds> required_seconds(const Statement& row, int column) {
    auto value = row.column_int64(column);
    DOJANG_TRY(value);
    return from_epoch(*value);
}

Result<SerialNumber> serial_column(const Statement& row, int column) {
    auto serial = SerialNumber::from_hex(row.column_text(column));
    if (!serial) {
        return tl::unexpected(corrupt("bad serial '" + row.column_text(column) + "'"));
    }
    return serial;
}

Result<RevocationReason> reason_column(const Statement& row, int column) {
    auto code = row.column_int64(column);
    DOJANG_TRY(code);
    if (*code < 0 || *code > 10) {
        return tl::unexpected(corrupt("bad reason code " + std::to_string(*code)));
    }
    auto reason = domain::revocation_reason_from_code(static_cast<int>(*code));
    if (!reason) {
        return tl::unexpected(corrupt("bad reason code " + std::to_string(*code)));
    }
    return reason;
}

/// Reads a row selected with `certificate_columns`.
Result<CertificateRecord> read_certificate(const Statement& row) {
    auto serial = serial_column(row, 0);
    DOJANG_TRY(serial);
    auto not_before = required_seconds(row, 4);
    DOJANG_TRY(not_before);
    auto not_after = required_seconds(row, 5);
    DOJANG_TRY(not_after);
    auto status = domain::certificate_status_from_string(row.column_text(6));
    if (!status) {
        return tl::unexpected(corrupt("bad status '" + row.column_text(6) + "'"));
    }
    auto tbs = row.column_blob(7);
    DOJANG_TRY(tbs);
    auto der = row.column_blob(8);
    DOJANG_TRY(der);
    auto created_at = required_seconds(row, 9);
    DOJANG_TRY(created_at);
    auto issued_at = optional_seconds(row, 10);
    DOJANG_TRY(issued_at);
    auto revoked_at = optional_seconds(row, 11);
    DOJANG_TRY(revoked_at);
    std::optional<RevocationReason> reason;
    if (!row.is_null(12)) {
        auto code = reason_column(row, 12);
        DOJANG_TRY(code);
        reason = *code;
    }
    return CertificateRecord{
        .serial = std::move(*serial),
        .ca = row.column_text(1),
        .profile = row.column_text(2),
        .subject = row.column_text(3),
        .not_before = *not_before,
        .not_after = *not_after,
        .status = *status,
        .tbs = std::move(*tbs),
        .der = std::move(*der),
        .created_at = *created_at,
        .issued_at = *issued_at,
        .revoked_at = *revoked_at,
        .reason = reason,
    };
}

Result<std::vector<CertificateRecord>> read_certificates(Query& query) {
    std::vector<CertificateRecord> records;
    while (true) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return records;
        }
        auto record = read_certificate(query.row());
        DOJANG_TRY(record);
        records.push_back(std::move(*record));
    }
}

}  // namespace

Result<void> SqlCertificateRepository::insert_intent(const CertificateRecord& record) {
    // The primary key decides: a second node drawing the same serial inserts nothing and the
    // issuer draws a new serial instead of signing a duplicate. DO NOTHING (rather than a
    // failed INSERT) keeps a PostgreSQL transaction usable for that retry, as SQLite's is.
    Query query(connection_,
                "INSERT INTO certificates (serial, ca, profile, subject, not_before, not_after, "
                "status, tbs, der, created_at, issued_at, revoked_at, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL) "
                "ON CONFLICT (serial) DO NOTHING");
    query.text(record.serial.hex())
        .text(record.ca)
        .text(record.profile)
        .text(record.subject)
        .integer(epoch(record.not_before))
        .integer(epoch(record.not_after))
        .text(domain::to_string(CertificateStatus::intended))
        .blob(record.tbs)
        .integer(epoch(record.created_at));
    auto inserted = query.execute();
    if (!inserted && inserted.error().kind != ErrorKind::conflict) {
        return tl::unexpected(inserted.error());
    }
    if (!inserted || *inserted == 0) {
        return fail(ErrorKind::conflict,
                    "SERIAL_COLLISION",
                    "serial number " + record.serial.hex() + " is already recorded");
    }
    return ok();
}

Result<void> SqlCertificateRepository::explain_unchanged(const SerialNumber& serial,
                                                         std::string code,
                                                         std::string detail) {
    Query query(connection_, "SELECT status FROM certificates WHERE serial = ?");
    query.text(serial.hex());
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return fail(ErrorKind::not_found,
                    "CERTIFICATE_NOT_FOUND",
                    "no certificate with serial number " + serial.hex());
    }
    return fail(ErrorKind::conflict,
                std::move(code),
                std::move(detail),
                "status is " + query.row().column_text(0));
}

Result<void> SqlCertificateRepository::mark_issued(const SerialNumber& serial,
                                                   const Bytes& der,
                                                   Seconds at) {
    Query query(connection_,
                "UPDATE certificates SET status = 'issued', der = ?, issued_at = ? "
                "WHERE serial = ? AND status = 'intended'");
    query.blob(der).integer(epoch(at)).text(serial.hex());
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 0) {
        return explain_unchanged(serial,
                                 "CERTIFICATE_NOT_INTENDED",
                                 "certificate " + serial.hex() + " is not awaiting issuance");
    }
    return ok();
}

Result<void> SqlCertificateRepository::revoke(const SerialNumber& serial,
                                              RevocationReason reason,
                                              Seconds at) {
    // RFC 5280 section 5.3.1: a certificateHold may later be made permanent with another
    // reason; any other revocation is final.
    Query query(connection_,
                "UPDATE certificates SET status = 'revoked', revoked_at = ?, reason = ? "
                "WHERE serial = ? AND (status = 'issued' OR "
                "(status = 'revoked' AND reason = ? AND ? <> ?))");
    const auto code = static_cast<std::int64_t>(reason);
    query.integer(epoch(at))
        .integer(code)
        .text(serial.hex())
        .integer(hold_code)
        .integer(code)
        .integer(hold_code);
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 0) {
        auto current = find(serial);
        DOJANG_TRY(current);
        if (*current && (*current)->status == CertificateStatus::intended) {
            return fail(ErrorKind::conflict,
                        "CERTIFICATE_NOT_ISSUED",
                        "certificate " + serial.hex() + " has not been issued");
        }
        return explain_unchanged(
            serial, "ALREADY_REVOKED", "certificate " + serial.hex() + " is already revoked");
    }
    return ok();
}

Result<void> SqlCertificateRepository::release_hold(const SerialNumber& serial) {
    Query query(connection_,
                "UPDATE certificates SET status = 'issued', revoked_at = NULL, reason = NULL "
                "WHERE serial = ? AND status = 'revoked' AND reason = ?");
    query.text(serial.hex()).integer(hold_code);
    auto changed = query.execute();
    DOJANG_TRY(changed);
    if (*changed == 0) {
        return explain_unchanged(
            serial, "CERTIFICATE_NOT_ON_HOLD", "certificate " + serial.hex() + " is not on hold");
    }
    return ok();
}

Result<std::optional<CertificateRecord>> SqlCertificateRepository::find(
    const SerialNumber& serial) {
    Query query(
        connection_,
        "SELECT " + std::string(certificate_columns) + " FROM certificates WHERE serial = ?");
    query.text(serial.hex());
    auto records = read_certificates(query);
    DOJANG_TRY(records);
    if (records->empty()) {
        return std::optional<CertificateRecord>{};
    }
    return std::optional<CertificateRecord>{std::move(records->front())};
}

Result<std::vector<CertificateRecord>> SqlCertificateRepository::list(
    std::optional<CertificateStatus> status, std::size_t limit, std::size_t offset) {
    // Newest first; the serial breaks ties so that paging never repeats or skips a row.
    const std::string select = "SELECT " + std::string(certificate_columns) + " FROM certificates ";
    const std::string order = "ORDER BY created_at DESC, serial DESC LIMIT ? OFFSET ?";
    Query query(connection_, status ? select + "WHERE status = ? " + order : select + order);
    if (status) {
        query.text(domain::to_string(*status));
    }
    query.integer(clamp_to_int64(limit)).integer(clamp_to_int64(offset));
    return read_certificates(query);
}

Result<std::vector<CertificateRecord>> SqlCertificateRepository::expiring(Seconds from,
                                                                          Seconds to,
                                                                          std::size_t limit) {
    Query query(connection_,
                "SELECT " + std::string(certificate_columns) +
                    " FROM certificates WHERE status = 'issued' AND not_after > ? AND not_after <= "
                    "? ORDER BY not_after, serial LIMIT ?");
    query.integer(from.time_since_epoch().count())
        .integer(to.time_since_epoch().count())
        .integer(clamp_to_int64(limit));
    return read_certificates(query);
}

Result<std::vector<RevokedEntry>> SqlCertificateRepository::revoked_unexpired(const std::string& ca,
                                                                              Seconds now) {
    Query query(connection_,
                "SELECT serial, revoked_at, reason, not_after FROM certificates "
                "WHERE ca = ? AND status = 'revoked' AND not_after >= ? ORDER BY serial");
    query.text(ca).integer(epoch(now));
    std::vector<RevokedEntry> entries;
    while (true) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return entries;
        }
        const Statement& row = query.row();
        auto serial = serial_column(row, 0);
        DOJANG_TRY(serial);
        auto revoked_at = required_seconds(row, 1);
        DOJANG_TRY(revoked_at);
        auto reason = reason_column(row, 2);
        DOJANG_TRY(reason);
        auto not_after = required_seconds(row, 3);
        DOJANG_TRY(not_after);
        entries.push_back(RevokedEntry{*serial, *revoked_at, *reason, *not_after});
    }
}

Result<std::vector<CertificateRecord>> SqlCertificateRepository::all_signed(const std::string& ca,
                                                                            std::size_t limit) {
    Query query(connection_,
                "SELECT " + std::string(certificate_columns) +
                    " FROM certificates WHERE ca = ? AND status IN ('issued', 'revoked') "
                    "ORDER BY serial LIMIT ?");
    query.text(ca).integer(static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
    return read_certificates(query);
}

Result<AuditEntry> SqlAuditLog::append(AuditEntry entry) {
    // 1. Order concurrent appenders (PostgreSQL; SQLite's BEGIN IMMEDIATE already did).
    const std::string_view lock = connection_.dialect().lock_audit_log;
    if (!lock.empty()) {
        auto locked = connection_.execute_script(lock);
        DOJANG_TRY(locked);
    }
    // 2. Chain to the last entry, inside this transaction.
    Query last(connection_, "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
    auto found = last.next_row();
    DOJANG_TRY(found);
    entry.sequence = 1;
    entry.previous_hash = std::string(64, '0');
    if (*found) {
        auto sequence = last.row().column_int64(0);
        DOJANG_TRY(sequence);
        entry.sequence = *sequence + 1;
        entry.previous_hash = last.row().column_text(1);
    }
    entry.hash = store::audit_hash(entry.previous_hash, entry);
    // 3. Store it; a failure here fails the caller's whole transaction.
    Query insert(connection_,
                 "INSERT INTO audit_log (sequence, at, actor, action, subject, details, "
                 "previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.integer(entry.sequence)
        .integer(epoch(entry.at))
        .text(entry.actor)
        .text(entry.action)
        .text(entry.subject)
        .text(entry.details)
        .text(entry.previous_hash)
        .text(entry.hash);
    auto inserted = insert.execute();
    DOJANG_TRY(inserted);
    return entry;
}

namespace {

constexpr std::string_view audit_columns =
    "sequence, at, actor, action, subject, details, previous_hash, hash";

Result<AuditEntry> read_audit_entry(const Statement& row) {
    auto sequence = row.column_int64(0);
    DOJANG_TRY(sequence);
    auto at = required_seconds(row, 1);
    DOJANG_TRY(at);
    return AuditEntry{.sequence = *sequence,
                      .at = *at,
                      .actor = row.column_text(2),
                      .action = row.column_text(3),
                      .subject = row.column_text(4),
                      .details = row.column_text(5),
                      .previous_hash = row.column_text(6),
                      .hash = row.column_text(7)};
}

}  // namespace

Result<std::vector<AuditEntry>> SqlAuditLog::entries() {
    Query query(connection_,
                "SELECT " + std::string(audit_columns) + " FROM audit_log ORDER BY sequence");
    return collect_rows<AuditEntry>(query, read_audit_entry);
}

Result<std::optional<AuditEntry>> SqlAuditLog::last() {
    Query query(
        connection_,
        "SELECT " + std::string(audit_columns) + " FROM audit_log ORDER BY sequence DESC LIMIT 1");
    return first_row<AuditEntry>(query, read_audit_entry);
}

Result<std::int64_t> SqlCounters::next(const std::string& name) {
    // One statement, so two nodes can never both see the same value: the row lock (PostgreSQL)
    // or the write lock (SQLite) orders them.
    Query query(connection_,
                "INSERT INTO counters (name, value) VALUES (?, 1) "
                "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value");
    query.text(name);
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return fail(ErrorKind::internal, "STORE_FAILED", "counter update returned no row");
    }
    return query.row().column_int64(0);
}

Result<std::int64_t> SqlCounters::current(const std::string& name) {
    Query query(connection_, "SELECT value FROM counters WHERE name = ?");
    query.text(name);
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return 0;
    }
    return query.row().column_int64(0);
}

Result<void> SqlCertificateRepository::block_key(const Bytes& spki_sha256,
                                                 const SerialNumber& serial,
                                                 Seconds at) {
    Query query(connection_,
                "INSERT INTO blocked_keys (spki_sha256, serial, blocked_at) VALUES (?, ?, ?) "
                "ON CONFLICT (spki_sha256) DO NOTHING");
    query.blob(spki_sha256).text(serial.hex()).integer(at.time_since_epoch().count());
    auto done = query.execute();
    DOJANG_TRY(done);
    return ok();
}

Result<bool> SqlCertificateRepository::is_key_blocked(const Bytes& spki_sha256) {
    Query query(connection_, "SELECT 1 FROM blocked_keys WHERE spki_sha256 = ?");
    query.blob(spki_sha256);
    return query.next_row();
}

Result<void> SqlCmpTransactions::put(const store::CmpTransactionRecord& record) {
    Query query(connection_,
                "INSERT INTO cmp_transactions (transaction_id, state, request_sealed, "
                "sender_nonce, serial, renewed_from, token_sealed, expires_at) VALUES (?, ?, ?, ?, "
                "?, ?, ?, ?) ON CONFLICT (transaction_id) DO UPDATE SET state = excluded.state, "
                "request_sealed = excluded.request_sealed, sender_nonce = excluded.sender_nonce, "
                "serial = excluded.serial, renewed_from = excluded.renewed_from, token_sealed = "
                "excluded.token_sealed, expires_at = excluded.expires_at");
    query.text(record.transaction_id)
        .text(record.state)
        .blob(record.request_sealed)
        .blob(record.sender_nonce)
        .text(record.serial)
        .text(record.renewed_from)
        .blob(record.token_sealed)
        .integer(epoch(record.expires_at));
    auto done = query.execute();
    DOJANG_TRY(done);
    return ok();
}

namespace {

constexpr std::string_view cmp_columns =
    "transaction_id, state, request_sealed, sender_nonce, serial, renewed_from, token_sealed, "
    "expires_at";

Result<store::CmpTransactionRecord> read_cmp_transaction(const Statement& row) {
    auto request = row.column_blob(2);
    DOJANG_TRY(request);
    auto nonce = row.column_blob(3);
    DOJANG_TRY(nonce);
    auto token = row.column_blob(6);
    DOJANG_TRY(token);
    auto expires = required_seconds(row, 7);
    DOJANG_TRY(expires);
    return store::CmpTransactionRecord{.transaction_id = row.column_text(0),
                                       .state = row.column_text(1),
                                       .request_sealed = std::move(*request),
                                       .sender_nonce = std::move(*nonce),
                                       .serial = row.column_text(4),
                                       .renewed_from = row.column_text(5),
                                       .token_sealed = std::move(*token),
                                       .expires_at = *expires};
}

}  // namespace

Result<std::optional<store::CmpTransactionRecord>> SqlCmpTransactions::find(
    const std::string& transaction_id) {
    Query query(
        connection_,
        "SELECT " + std::string(cmp_columns) + " FROM cmp_transactions WHERE transaction_id = ?");
    query.text(transaction_id);
    return first_row<store::CmpTransactionRecord>(query, read_cmp_transaction);
}

Result<void> SqlCmpTransactions::erase(const std::string& transaction_id) {
    Query query(connection_, "DELETE FROM cmp_transactions WHERE transaction_id = ?");
    query.text(transaction_id);
    auto done = query.execute();
    DOJANG_TRY(done);
    return ok();
}

Result<std::vector<store::CmpTransactionRecord>> SqlCmpTransactions::expired(Seconds now) {
    Query query(
        connection_,
        "SELECT " + std::string(cmp_columns) + " FROM cmp_transactions WHERE expires_at < ?");
    query.integer(epoch(now));
    return collect_rows<store::CmpTransactionRecord>(query, read_cmp_transaction);
}

}  // namespace dojang::sql
