// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/retention.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/core/text.hpp"

#include <vector>

namespace dojang::ra {

Result<Purged> purge_expired(store::Database& database,
                             const DocumentFiles& files,
                             const Clock& clock,
                             const RetentionSettings& settings,
                             std::size_t batch) {
    const Seconds now = clock.now();
    Purged purged;
    // 1. Applications that never verified: nothing of them is kept.
    for (;;) {
        std::size_t erased = 0;
        auto done = database.transact([&](store::Transaction& tx) -> Result<void> {
            erased = 0;
            auto ids = tx.applications().unverified_before(now - settings.unverified, batch);
            DOJANG_TRY(ids);
            for (const auto& id : *ids) {
                auto gone = tx.applications().erase(id);
                if (!gone) {
                    return gone;
                }
                auto audited = store::record_audit(
                    tx, now, "retention", "application.erase", id, "{\"reason\":\"unverified\"}");
                if (!audited) {
                    return audited;
                }
                ++erased;
            }
            return ok();
        });
        DOJANG_TRY(done);
        purged.applications += erased;
        if (erased < batch) {
            break;
        }
    }
    // 2. Documents of closed applications past the retention period.
    for (;;) {
        std::vector<store::DocumentRecord> deleted;
        auto done = database.transact([&](store::Transaction& tx) -> Result<void> {
            deleted.clear();
            auto due = tx.review().documents_decided_before(now - settings.documents, batch);
            DOJANG_TRY(due);
            for (const auto& document : *due) {
                auto gone = tx.review().delete_document(document.application_id, document.kind);
                if (!gone) {
                    return gone;
                }
                auto audited = store::record_audit(
                    tx,
                    now,
                    "retention",
                    "document.delete",
                    document.application_id,
                    "{\"kind\":" + json_quote(document.kind) +
                        ",\"sha256\":" + json_quote(to_hex(document.sha256)) + "}");
                if (!audited) {
                    return audited;
                }
                deleted.push_back(document);
            }
            return ok();
        });
        DOJANG_TRY(done);
        for (const auto& document : deleted) {
            if (!files.remove(document)) {
                ++purged.files_left;
            }
        }
        purged.documents += deleted.size();
        if (deleted.size() < batch) {
            break;
        }
    }
    return purged;
}

}  // namespace dojang::ra
