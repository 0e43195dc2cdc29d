// SPDX-License-Identifier: Apache-2.0
#include "dojang/store/store.hpp"

#include "dojang/crypto/openssl.hpp"

#include <array>
#include <utility>

namespace dojang::store {
namespace {

void append_field(std::string& text, std::string_view field) {
    // Length-prefixed so that no two different entries hash the same text.
    text += std::to_string(field.size());
    text += ':';
    text += field;
}

}  // namespace

std::string audit_hash(const std::string& previous_hash, const AuditEntry& entry) {
    std::string text;
    append_field(text, previous_hash);
    append_field(text, std::to_string(entry.sequence));
    append_field(text, std::to_string(entry.at.time_since_epoch().count()));
    append_field(text, entry.actor);
    append_field(text, entry.action);
    append_field(text, entry.subject);
    append_field(text, entry.details);
    return to_hex(crypto::sha256(to_bytes(text)));
}

Result<void> record_audit(Transaction& tx,
                          Seconds at,
                          std::string actor,
                          std::string action,
                          std::string subject,
                          std::string details) {
    AuditEntry entry;
    entry.at = at;
    entry.actor = std::move(actor);
    entry.action = std::move(action);
    entry.subject = std::move(subject);
    entry.details = std::move(details);
    auto appended = tx.audit().append(std::move(entry));
    DOJANG_TRY(appended);
    return ok();
}

std::optional<std::int64_t> first_broken_link(const std::vector<AuditEntry>& entries) {
    std::string previous(64, '0');
    std::int64_t expected_sequence = 1;
    for (const auto& entry : entries) {
        if (entry.sequence != expected_sequence || entry.previous_hash != previous ||
            audit_hash(previous, entry) != entry.hash) {
            return entry.sequence;
        }
        previous = entry.hash;
        ++expected_sequence;
    }
    return std::nullopt;
}

Result<std::optional<std::int64_t>> verify_audit_chain(Database& database) {
    std::optional<std::int64_t> broken;
    auto result = database.transact([&](Transaction& tx) -> Result<void> {
        auto entries = tx.audit().entries();
        DOJANG_TRY(entries);
        broken = first_broken_link(*entries);
        return ok();
    });
    DOJANG_TRY(result);
    return broken;
}

}  // namespace dojang::store
