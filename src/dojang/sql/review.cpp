// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/review.hpp"

#include "dojang/sql/query.hpp"

#include <utility>

namespace dojang::sql {
namespace {

using store::DocumentRecord;
using store::OfficerRecord;
using store::OfficerSession;
using store::ReviewDecision;

std::int64_t epoch(Seconds at) {
    return at.time_since_epoch().count();
}
Seconds from_epoch(std::int64_t seconds) {
    return Seconds{std::chrono::seconds{seconds}};
}

Error corrupt(std::string_view what) {
    return Error{ErrorKind::internal,
                 "STORE_CORRUPT",
                 "stored " + std::string(what) + " is unreadable",
                 {},
                 {}};
}

constexpr std::string_view officer_columns =
    "username, display_name, password_hash, token_hash, created_at, disabled_at, locked_at";

Result<OfficerRecord> read_officer(const Statement& row) {
    OfficerRecord officer;
    officer.username = row.column_text(0);
    officer.display_name = row.column_text(1);
    officer.password_hash = row.column_text(2);
    if (!row.is_null(3)) {
        auto token = row.column_blob(3);
        if (!token) {
            return tl::unexpected(corrupt("officer"));
        }
        officer.token_hash = std::move(*token);
    }
    auto created = row.column_int64(4);
    if (!created) {
        return tl::unexpected(corrupt("officer"));
    }
    officer.created_at = from_epoch(*created);
    if (!row.is_null(5)) {
        auto disabled = row.column_int64(5);
        if (!disabled) {
            return tl::unexpected(corrupt("officer"));
        }
        officer.disabled_at = from_epoch(*disabled);
    }
    if (!row.is_null(6)) {
        auto locked = row.column_int64(6);
        if (!locked) {
            return tl::unexpected(corrupt("officer"));
        }
        officer.locked_at = from_epoch(*locked);
    }
    return officer;
}

Result<DocumentRecord> read_document(const Statement& row) {
    DocumentRecord document;
    document.application_id = row.column_text(0);
    document.kind = row.column_text(1);
    document.media_type = row.column_text(2);
    auto size = row.column_int64(3);
    auto digest = row.column_blob(4);
    auto uploaded = row.column_int64(6);
    if (!size || !digest || !uploaded) {
        return tl::unexpected(corrupt("document"));
    }
    document.size = *size;
    document.sha256 = std::move(*digest);
    document.stored_name = row.column_text(5);
    document.uploaded_at = from_epoch(*uploaded);
    return document;
}

Result<ReviewDecision> read_decision(const Statement& row) {
    auto sequence = row.column_int64(0);
    auto at = row.column_int64(6);
    if (!sequence || !at) {
        return tl::unexpected(corrupt("review decision"));
    }
    return ReviewDecision{*sequence,
                          row.column_text(1),
                          row.column_text(2),
                          row.column_text(3),
                          row.column_text(4),
                          row.column_text(5),
                          from_epoch(*at)};
}

Result<void> done(Result<std::int64_t> changed) {
    DOJANG_TRY(changed);
    return ok();
}

}  // namespace

Result<void> SqlReview::put_officer(const OfficerRecord& officer) {
    Query query(connection_,
                "INSERT INTO officers (" + std::string(officer_columns) +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
                    "display_name = excluded.display_name, password_hash = "
                    "excluded.password_hash, token_hash = excluded.token_hash, disabled_at = "
                    "excluded.disabled_at, locked_at = excluded.locked_at");
    query.text(officer.username)
        .text(officer.display_name)
        .text(officer.password_hash)
        .blob_or_null(officer.token_hash)
        .integer(epoch(officer.created_at))
        .optional_integer(officer.disabled_at
                              ? std::optional<std::int64_t>(epoch(*officer.disabled_at))
                              : std::nullopt)
        .optional_integer(officer.locked_at ? std::optional<std::int64_t>(epoch(*officer.locked_at))
                                            : std::nullopt);
    return done(query.execute());
}

Result<std::optional<OfficerRecord>> SqlReview::find_officer_where(std::string_view where,
                                                                   std::string_view text,
                                                                   const Bytes* blob) {
    Query query(
        connection_,
        "SELECT " + std::string(officer_columns) + " FROM officers WHERE " + std::string(where));
    if (blob != nullptr) {
        query.blob(*blob);
    } else {
        query.text(text);
    }
    return first_row<OfficerRecord>(query, read_officer);
}

Result<std::optional<OfficerRecord>> SqlReview::find_officer(const std::string& username) {
    return find_officer_where("username = ?", username, nullptr);
}

Result<std::optional<OfficerRecord>> SqlReview::find_officer_by_token(const Bytes& token_hash) {
    if (token_hash.empty()) {
        return std::optional<OfficerRecord>{};
    }
    return find_officer_where("token_hash = ?", {}, &token_hash);
}

Result<void> SqlReview::insert_session(const OfficerSession& session) {
    Query query(connection_,
                "INSERT INTO officer_sessions (token_hash, username, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)");
    query.blob(session.token_hash)
        .text(session.username)
        .integer(epoch(session.created_at))
        .integer(epoch(session.expires_at));
    return done(query.execute());
}

Result<std::optional<OfficerSession>> SqlReview::find_session(const Bytes& token_hash) {
    Query query(connection_,
                "SELECT token_hash, username, created_at, expires_at FROM officer_sessions WHERE "
                "token_hash = ?");
    query.blob(token_hash);
    return first_row<OfficerSession>(query, [](const Statement& row) -> Result<OfficerSession> {
        auto hash = row.column_blob(0);
        auto created = row.column_int64(2);
        auto expires = row.column_int64(3);
        if (!hash || !created || !expires) {
            return tl::unexpected(corrupt("session"));
        }
        return OfficerSession{
            std::move(*hash), row.column_text(1), from_epoch(*created), from_epoch(*expires)};
    });
}

Result<void> SqlReview::delete_session(const Bytes& token_hash) {
    Query query(connection_, "DELETE FROM officer_sessions WHERE token_hash = ?");
    query.blob(token_hash);
    return done(query.execute());
}

Result<void> SqlReview::put_document(const DocumentRecord& document) {
    Query query(connection_,
                "INSERT INTO documents (application_id, kind, media_type, size, sha256, "
                "stored_name, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                "(application_id, kind) DO UPDATE SET media_type = excluded.media_type, size = "
                "excluded.size, sha256 = excluded.sha256, stored_name = excluded.stored_name, "
                "uploaded_at = excluded.uploaded_at");
    query.text(document.application_id)
        .text(document.kind)
        .text(document.media_type)
        .integer(document.size)
        .blob(document.sha256)
        .text(document.stored_name)
        .integer(epoch(document.uploaded_at));
    return done(query.execute());
}

Result<std::vector<DocumentRecord>> SqlReview::documents(const std::string& application_id) {
    Query query(connection_,
                "SELECT application_id, kind, media_type, size, sha256, stored_name, uploaded_at "
                "FROM documents WHERE application_id = ? ORDER BY kind");
    query.text(application_id);
    return collect_rows<DocumentRecord>(query, read_document);
}

Result<std::vector<DocumentRecord>> SqlReview::documents_decided_before(Seconds before,
                                                                        std::size_t limit) {
    Query query(connection_,
                "SELECT d.application_id, d.kind, d.media_type, d.size, d.sha256, d.stored_name, "
                "d.uploaded_at FROM documents d JOIN applications a ON a.id = d.application_id "
                "WHERE a.status NOT IN ('submitted', 'verified', 'in_review') AND a.updated_at < ? "
                "ORDER BY a.updated_at LIMIT ?");
    query.integer(epoch(before)).integer(static_cast<std::int64_t>(limit));
    return collect_rows<DocumentRecord>(query, read_document);
}

Result<void> SqlReview::delete_document(const std::string& application_id,
                                        const std::string& kind) {
    Query query(connection_, "DELETE FROM documents WHERE application_id = ? AND kind = ?");
    query.text(application_id).text(kind);
    return done(query.execute());
}

Result<void> SqlReview::add_decision(const ReviewDecision& decision) {
    Query query(connection_,
                "INSERT INTO review_decisions (application_id, officer, decision, reason, text, "
                "at) VALUES (?, ?, ?, ?, ?, ?)");
    query.text(decision.application_id)
        .text(decision.officer)
        .text(decision.decision)
        .text(decision.reason)
        .text(decision.text)
        .integer(epoch(decision.at));
    return done(query.execute());
}

Result<std::vector<ReviewDecision>> SqlReview::decisions(const std::string& application_id) {
    Query query(connection_,
                "SELECT sequence, application_id, officer, decision, reason, text, at FROM "
                "review_decisions WHERE application_id = ? ORDER BY sequence");
    query.text(application_id);
    return collect_rows<ReviewDecision>(query, read_decision);
}

Result<void> SqlReview::add_sign_in_failure(const std::string& subject, Seconds at) {
    Query query(connection_, "INSERT INTO sign_in_failures (subject, at) VALUES (?, ?)");
    query.text(subject).integer(epoch(at));
    return done(query.execute());
}

Result<std::vector<Seconds>> SqlReview::sign_in_failures(const std::string& subject,
                                                         Seconds since) {
    Query query(connection_,
                "SELECT at FROM sign_in_failures WHERE subject = ? AND at >= ? ORDER BY at");
    query.text(subject).integer(epoch(since));
    std::vector<Seconds> times;
    for (;;) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return times;
        }
        auto at = query.row().column_int64(0);
        if (!at) {
            return tl::unexpected(corrupt("sign-in failure"));
        }
        times.push_back(from_epoch(*at));
    }
}

Result<void> SqlReview::clear_sign_in_failures(const std::string& subject) {
    Query query(connection_, "DELETE FROM sign_in_failures WHERE subject = ?");
    query.text(subject);
    return done(query.execute());
}

Result<void> SqlReview::prune_sign_in_failures(Seconds before) {
    Query query(connection_, "DELETE FROM sign_in_failures WHERE at < ?");
    query.integer(epoch(before));
    return done(query.execute());
}

}  // namespace dojang::sql
