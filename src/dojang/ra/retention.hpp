// SPDX-License-Identifier: Apache-2.0
// How long the RA keeps what applicants gave it.
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/ra/documents.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <cstddef>

namespace dojang::ra {

struct RetentionSettings {
    /// An online application whose one-time code was never verified is erased after this,
    /// with everything it stored (its typed data sealed or hashed, its challenges, messages).
    std::chrono::hours unverified{24};
    /// Documents of an application that is no longer open (decided, issued, cancelled) are
    /// deleted this long after its last change ([ra] document_retention_days).
    std::chrono::days documents{90};
};

/// What one purge did.
struct Purged {
    std::size_t applications = 0;
    std::size_t documents = 0;
    std::size_t files_left = 0;  ///< document files whose record went but could not be removed
};

/// Erases unverified applications past their time and deletes documents past the retention
/// period, each audited (the documents with their SHA-256), in batches of `batch` per
/// transaction. A document file is removed after its record; one that cannot be removed is
/// counted in files_left (nothing refers to it any more).
Result<Purged> purge_expired(store::Database& database,
                             const DocumentFiles& files,
                             const Clock& clock,
                             const RetentionSettings& settings,
                             std::size_t batch = 200);

}  // namespace dojang::ra
