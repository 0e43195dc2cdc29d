// SPDX-License-Identifier: Apache-2.0
#include "dojang/store/store.hpp"

#include "dojang/crypto/openssl.hpp"

#include <array>
#include <utility>

namespace dojang::store {
namespace {

constexpr std::array<std::pair<RevocationReason, std::string_view>, 8> reason_names{{
    {RevocationReason::unspecified, "unspecified"},
    {RevocationReason::key_compromise, "key_compromise"},
    {RevocationReason::ca_compromise, "ca_compromise"},
    {RevocationReason::affiliation_changed, "affiliation_changed"},
    {RevocationReason::superseded, "superseded"},
    {RevocationReason::cessation_of_operation, "cessation_of_operation"},
    {RevocationReason::certificate_hold, "certificate_hold"},
    {RevocationReason::privilege_withdrawn, "privilege_withdrawn"},
}};

std::string snake_case(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back('_');
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (c == '-') {
            out.push_back('_');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

void append_field(std::string& text, std::string_view field) {
    // Length-prefixed so that no two different entries hash the same text.
    text += std::to_string(field.size());
    text += ':';
    text += field;
}

}  // namespace

std::string_view to_string(CertificateStatus status) {
    switch (status) {
        case CertificateStatus::intended:
            return "intended";
        case CertificateStatus::issued:
            return "issued";
        case CertificateStatus::revoked:
            return "revoked";
    }
    return "intended";
}

Result<CertificateStatus> certificate_status_from_string(std::string_view text) {
    for (const auto status :
         {CertificateStatus::intended, CertificateStatus::issued, CertificateStatus::revoked}) {
        if (to_string(status) == text) {
            return status;
        }
    }
    return fail(ErrorKind::invalid_request,
                "STATUS_UNKNOWN",
                "unknown certificate status '" + std::string(text) + "'");
}

std::string_view to_string(RevocationReason reason) {
    for (const auto& [value, name] : reason_names) {
        if (value == reason) {
            return name;
        }
    }
    return "unspecified";
}

Result<RevocationReason> revocation_reason_from_string(std::string_view text) {
    const std::string name = snake_case(text);
    for (const auto& [value, known] : reason_names) {
        if (known == name) {
            return value;
        }
    }
    return fail(ErrorKind::invalid_request,
                "REASON_UNKNOWN",
                "unknown revocation reason '" + std::string(text) +
                    "'; use key_compromise, ca_compromise, affiliation_changed, superseded, "
                    "cessation_of_operation, certificate_hold, privilege_withdrawn or unspecified");
}

Result<RevocationReason> revocation_reason_from_code(int code) {
    for (const auto& [value, name] : reason_names) {
        if (static_cast<int>(value) == code) {
            return value;
        }
    }
    return fail(ErrorKind::invalid_request, "REASON_UNKNOWN", "unknown revocation reason code");
}

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
