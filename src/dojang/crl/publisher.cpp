// SPDX-License-Identifier: Apache-2.0
#include "dojang/crl/publisher.hpp"

#include "dojang/ca/issuer.hpp"
#include "dojang/core/text.hpp"

#include <openssl/x509.h>

#include <climits>

namespace dojang::crl {

Publisher::Publisher(const ca::Authority& authority,
                     store::Database& database,
                     const Clock& clock,
                     std::string path,
                     Settings settings)
    : authority_(&authority),
      database_(&database),
      clock_(&clock),
      path_(std::move(path)),
      settings_(settings) {}

Result<Published> Publisher::publish(const std::string& actor) {
    const Seconds now = clock_->now();
    Published published;
    std::int64_t covered = 0;
    published.this_update = now;
    published.next_update = now + settings_.validity;
    // The number, the entries and the audit event come from one transaction, so two nodes
    // never sign the same number and the number order matches the content order.
    auto done = database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto number = tx.counters().next("crl:" + authority_->name);
        DOJANG_TRY(number);
        // The revocation counter read with the entries tells publish_if_due() which
        // revocations this CRL already covers.
        auto counter = tx.counters().current("revocations");
        DOJANG_TRY(counter);
        covered = *counter;
        auto entries = tx.certificates().revoked_unexpired(authority_->name, now);
        DOJANG_TRY(entries);
        auto der = ca::sign_crl(*authority_, *number, now, published.next_update, *entries);
        DOJANG_TRY(der);
        published.number = *number;
        published.der = std::make_shared<const Bytes>(std::move(*der));
        store::AuditEntry entry;
        entry.at = now;
        entry.actor = actor;
        entry.action = "crl.publish";
        entry.subject = authority_->name;
        entry.details = "{\"number\":" + std::to_string(*number) +
                        ",\"entries\":" + std::to_string(entries->size()) +
                        ",\"next_update\":" + json_quote(to_rfc3339(published.next_update)) + "}";
        auto appended = tx.audit().append(std::move(entry));
        DOJANG_TRY(appended);
        return ok();
    });
    DOJANG_TRY(done);
    {
        std::lock_guard lock(mutex_);
        current_ = published;
        published_counter_ = covered;
    }
    // The file follows the commit: a CRL whose number was not committed is never published,
    // so a number never names two different CRLs. A failed write loses nothing: the committed
    // CRL is served from memory and the next one rewrites the file.
    auto written = write_file_atomic(path_, *published.der);
    DOJANG_TRY(written);
    return published;
}

namespace {

/// The CRL at `path` with its number and times, when the file exists and parses.
std::optional<Published> read_published(const std::string& path) {
    auto bytes = read_file(path);
    if (!bytes || bytes->size() > LONG_MAX) {
        return std::nullopt;
    }
    const unsigned char* cursor = bytes->data();
    crypto::X509CrlPtr crl(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(bytes->size())));
    if (!crl || X509_CRL_get0_nextUpdate(crl.get()) == nullptr) {
        return std::nullopt;
    }
    crypto::Owned<ASN1_INTEGER, ASN1_INTEGER_free> number(static_cast<ASN1_INTEGER*>(
        X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
    Published published;
    if (number) {
        ASN1_INTEGER_get_int64(&published.number, number.get());
    }
    published.this_update = pkix::from_asn1_time(X509_CRL_get0_lastUpdate(crl.get()));
    published.next_update = pkix::from_asn1_time(X509_CRL_get0_nextUpdate(crl.get()));
    published.der = std::make_shared<const Bytes>(std::move(*bytes));
    return published;
}

}  // namespace

Result<void> Publisher::load_or_publish() {
    if (auto existing = read_published(path_)) {
        std::lock_guard lock(mutex_);
        current_ = std::move(*existing);
        return ok();
    }
    auto published = publish();
    DOJANG_TRY(published);
    return ok();
}

bool Publisher::adopt_newer_file() {
    auto existing = read_published(path_);
    std::lock_guard lock(mutex_);
    if (!existing || existing->number <= current_.number) {
        return false;
    }
    current_ = std::move(*existing);
    return true;
}

Published Publisher::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

Result<bool> Publisher::publish_if_due(std::int64_t revocation_counter) {
    const Seconds now = clock_->now();
    bool due = false;
    {
        std::lock_guard lock(mutex_);
        // A CRL loaded from the file may predate revocations: published_counter_ is then
        // unknown (-1) and the CRL is published afresh.
        const bool stale = !current_.der ||
                           now - current_.this_update >= settings_.republish_every ||
                           current_.next_update - now < settings_.validity / 2;
        due = stale || revocation_counter != published_counter_;
    }
    if (!due) {
        return false;
    }
    auto published = publish();
    DOJANG_TRY(published);
    return true;
}

}  // namespace dojang::crl
