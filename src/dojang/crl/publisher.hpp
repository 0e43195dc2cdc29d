// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/store/store.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace dojang::crl {

/// When CRLs are published and how long they are valid.
struct Settings {
    std::chrono::days validity{7};           ///< nextUpdate − thisUpdate (quality bar: ≤ 7 d)
    std::chrono::hours republish_every{24};  ///< a fresh CRL at least this often
    /// Upper bound between a revocation and the CRL that lists it; the server checks for
    /// revocations at least this often (and every few seconds by default).
    std::chrono::seconds after_revocation{300};
};

/// A published CRL and its times.
struct Published {
    std::shared_ptr<const Bytes> der;
    std::int64_t number = 0;
    Seconds this_update;
    Seconds next_update;
};

/// Publishes full CRLs for one CA: the CRL number comes from a database counter (strictly
/// increasing across restarts and nodes), the file is written atomically, and the latest bytes
/// are kept in memory for serving. Thread-safe.
class Publisher {
public:
    Publisher(const ca::Authority& authority,
              store::Database& database,
              const Clock& clock,
              std::string path,
              Settings settings);

    /// Builds, signs, writes and audits a new CRL.
    Result<Published> publish(const std::string& actor = "system");
    /// Loads the CRL file written earlier, if any (start-up); publishes if there is none.
    Result<void> load_or_publish();
    /// Serves a CRL that another process (`dojangd admin crl`) wrote with a higher number.
    /// Returns whether it did.
    bool adopt_newer_file();
    /// The latest CRL (empty `der` before the first publish).
    [[nodiscard]] Published current() const;
    /// Publishes when due: the CRL is older than republish_every, past half its validity, or
    /// `revocation_counter` differs from the "revocations" counter the current CRL was built
    /// at (unknown for a CRL loaded from the file). Returns whether it published.
    Result<bool> publish_if_due(std::int64_t revocation_counter);

private:
    const ca::Authority* authority_;
    store::Database* database_;
    const Clock* clock_;
    std::string path_;
    Settings settings_;
    mutable std::mutex mutex_;
    Published current_;
    std::int64_t published_counter_ = -1;
};

}  // namespace dojang::crl
