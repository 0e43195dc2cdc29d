// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/migrations.hpp"

#include <array>

namespace dojang::sql {
namespace {

// Never edit a migration that has shipped: add the next number instead.
constexpr std::string_view v1_initial = R"sql(
CREATE TABLE certificates (
    serial      TEXT PRIMARY KEY,
    ca          TEXT NOT NULL,
    profile     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    not_before  INTEGER NOT NULL,
    not_after   INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('intended', 'issued', 'revoked')),
    tbs         BLOB NOT NULL,
    der         BLOB,
    created_at  INTEGER NOT NULL,
    issued_at   INTEGER,
    revoked_at  INTEGER,
    reason      INTEGER
);
CREATE INDEX certificates_ca_status ON certificates (ca, status);
CREATE INDEX certificates_created_at ON certificates (created_at);

CREATE TABLE audit_log (
    sequence       INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    details        TEXT NOT NULL,
    previous_hash  TEXT NOT NULL,
    hash           TEXT NOT NULL
);

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
)sql";

// The customer register (ra). Identification numbers only as a keyed hash (unique: one
// customer per number) and AES-256-GCM ciphertext; the key lives outside the database.
constexpr std::string_view v3_customers = R"sql(
CREATE TABLE customers (
    customer_id       TEXT PRIMARY KEY,
    holder_type       TEXT NOT NULL CHECK (holder_type IN ('individual', 'corporate')),
    name              TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    idn_hash          BLOB NOT NULL,
    idn_ciphertext    BLOB NOT NULL,
    business_number   TEXT NOT NULL,
    corporate_number  TEXT NOT NULL,
    representative    TEXT NOT NULL,
    phone             TEXT NOT NULL,
    email             TEXT NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX customers_idn_hash ON customers (idn_hash);

CREATE TABLE customer_certificates (
    customer_id  TEXT NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    serial       TEXT NOT NULL,
    PRIMARY KEY (customer_id, serial)
);
CREATE INDEX customer_certificates_serial ON customer_certificates (serial);
)sql";

// The transactional outbox: notifications written with the change they announce (notify).
constexpr std::string_view v2_outbox = R"sql(
CREATE TABLE outbox_messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key       TEXT NOT NULL UNIQUE,
    channel          TEXT NOT NULL,
    destination      TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    application_id   TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at);
CREATE INDEX outbox_messages_application ON outbox_messages (application_id);
)sql";

// Reissue applications (ra): one-time codes kept sealed, and each application's timeline.
constexpr std::string_view v4_applications = R"sql(
CREATE TABLE applications (
    id                         TEXT PRIMARY KEY,
    holder_type                TEXT NOT NULL CHECK (holder_type IN ('individual', 'corporate')),
    reason                     TEXT NOT NULL,
    status                     TEXT NOT NULL,
    customer_id                TEXT NOT NULL,
    origin                     TEXT NOT NULL,
    old_serial                 TEXT NOT NULL,
    reference_number           TEXT UNIQUE,
    authorization_code_sealed  BLOB,
    codes_expire_at            INTEGER,
    codes_used_at              INTEGER,
    new_serial                 TEXT NOT NULL,
    confirmation_token_hash    BLOB,
    issued_at                  INTEGER,
    confirmed_at               INTEGER,
    created_at                 INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL
);
CREATE INDEX applications_status_issued ON applications (status, issued_at);
CREATE INDEX applications_new_serial ON applications (new_serial);

CREATE TABLE application_events (
    sequence        INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  TEXT NOT NULL REFERENCES applications (id),
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    detail          TEXT NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id, sequence);
)sql";

// Online applications (ra): what the applicant gave, and one-time codes kept only as a keyed
// hash, each bound to one application and one channel.
constexpr std::string_view v5_otp = R"sql(
CREATE TABLE online_applications (
    application_id     TEXT PRIMARY KEY REFERENCES applications (id),
    idempotency_key    TEXT UNIQUE,
    request_hash       BLOB NOT NULL,
    status_token_hash  BLOB NOT NULL,
    channel            TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    phone              TEXT NOT NULL,
    email              TEXT NOT NULL,
    matched            INTEGER NOT NULL,
    locked_at          INTEGER,
    created_at         INTEGER NOT NULL
);

CREATE TABLE otp_challenges (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id   TEXT NOT NULL REFERENCES applications (id),
    channel          TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    destination      TEXT NOT NULL,
    code_hash        BLOB NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('active', 'used', 'killed', 'superseded')),
    failed_attempts  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);
CREATE INDEX otp_challenges_application ON otp_challenges (application_id, id);
CREATE INDEX otp_challenges_destination ON otp_challenges (destination, created_at);
)sql";

// Keys whose certificate was revoked for keyCompromise never get another certificate.
constexpr std::string_view v6_blocked_keys = R"sql(
CREATE TABLE blocked_keys (
    spki_sha256  BLOB PRIMARY KEY,
    serial       TEXT NOT NULL,
    blocked_at   INTEGER NOT NULL
);
)sql";

// Review of company and proxy applications (ra): officers and their sessions, uploaded
// documents (the files live outside the database), decisions; proxies on online applications.
constexpr std::string_view v7_review = R"sql(
CREATE TABLE officers (
    username       TEXT PRIMARY KEY,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    token_hash     BLOB UNIQUE,
    created_at     INTEGER NOT NULL,
    disabled_at    INTEGER
);

CREATE TABLE officer_sessions (
    token_hash  BLOB PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES officers (username),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE documents (
    application_id  TEXT NOT NULL REFERENCES applications (id),
    kind            TEXT NOT NULL,
    media_type      TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size            INTEGER NOT NULL,
    sha256          BLOB NOT NULL,
    stored_name     TEXT NOT NULL,
    uploaded_at     INTEGER NOT NULL,
    PRIMARY KEY (application_id, kind)
);

CREATE TABLE review_decisions (
    sequence        INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  TEXT NOT NULL REFERENCES applications (id),
    officer         TEXT NOT NULL,
    decision        TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    reason          TEXT NOT NULL,
    text            TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX review_decisions_application ON review_decisions (application_id, sequence);
CREATE INDEX applications_status_created ON applications (status, created_at);
CREATE INDEX applications_old_serial ON applications (old_serial);
CREATE INDEX certificates_status_not_after ON certificates (status, not_after);

ALTER TABLE online_applications ADD COLUMN proxy_name TEXT NOT NULL DEFAULT '';
ALTER TABLE online_applications ADD COLUMN proxy_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE online_applications ADD COLUMN codes_shown_at INTEGER;
)sql";

// The CRL reads every unexpired revoked certificate of a CA in serial order: a partial index
// that holds exactly what it reads lets that be one index scan, without table lookups or a
// sort (1,000,000 entries: the query took ~1.8 s).
constexpr std::string_view v8_crl_index = R"sql(
CREATE INDEX certificates_revoked ON certificates (ca, serial, not_after, revoked_at, reason, status)
    WHERE status = 'revoked';
)sql";

// Online applications keep no phone number or e-mail address (codes go to the register's),
// only keyed hashes: of the applicant's typed identity (the send limits count per identity and
// channel) and of the client address (applications per address). The plain values the earlier
// columns held are cleared.
constexpr std::string_view v9_keyed_limits = R"sql(
ALTER TABLE online_applications RENAME COLUMN phone TO identity_key;
ALTER TABLE online_applications RENAME COLUMN email TO client_key;
UPDATE online_applications SET identity_key = '', client_key = '';
CREATE INDEX online_applications_client ON online_applications (client_key, created_at);
DROP INDEX otp_challenges_destination;
ALTER TABLE otp_challenges RENAME COLUMN destination TO limit_key;
UPDATE otp_challenges SET limit_key = '';
CREATE INDEX otp_challenges_limit_key ON otp_challenges (limit_key, created_at);
CREATE INDEX applications_customer ON applications (customer_id);

ALTER TABLE officers ADD COLUMN locked_at INTEGER;
CREATE TABLE sign_in_failures (
    subject  TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, at);
)sql";

// CMP transactions between an answer and the message that ends it live in the database, so
// that certConf and pollReq work on any node and after a restart (ADR 0004).
constexpr std::string_view v10_cmp_transactions = R"sql(
CREATE TABLE cmp_transactions (
    transaction_id  TEXT PRIMARY KEY,
    state           TEXT NOT NULL,
    request_sealed  BLOB NOT NULL,
    sender_nonce    BLOB NOT NULL,
    serial          TEXT NOT NULL,
    renewed_from    TEXT NOT NULL,
    token_sealed    BLOB NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX cmp_transactions_expires ON cmp_transactions (expires_at);
)sql";

constexpr std::array<Migration, 10> all{{
    {1, "initial", v1_initial},
    {2, "outbox", v2_outbox},
    {3, "customers", v3_customers},
    {4, "applications", v4_applications},
    {5, "otp", v5_otp},
    {6, "blocked_keys", v6_blocked_keys},
    {7, "review", v7_review},
    {8, "crl_index", v8_crl_index},
    {9, "keyed_limits", v9_keyed_limits},
    {10, "cmp_transactions", v10_cmp_transactions},
}};

}  // namespace

std::span<const Migration> sqlite_migrations() {
    return all;
}

}  // namespace dojang::sql
