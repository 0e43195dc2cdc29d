// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/store/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::store {

/// Anchors the hash-chained audit log outside the database. Anyone who can write the database
/// can rewrite the chain and recompute its hashes; they cannot compute a checkpoint's MAC
/// without the checkpoint key (kept in secrets/, not in the database), nor reach the copy of
/// the checkpoints appended to a file the operator ships elsewhere.
///
/// A checkpoint states: "entry `sequence` of the log had chain hash `head` at `at`". It is
/// stored twice: as an audit entry of its own (action audit.checkpoint) and as one line of the
/// checkpoint file.
struct AuditCheckpoint {
    std::int64_t sequence = 0;
    std::string head;  ///< hex hash of entry `sequence`
    Seconds at;
    std::string mac;  ///< hex MAC of the above under the checkpoint key
};

/// The key that vouches for checkpoints. HMAC-SHA256 under a file key today; a key in an HSM
/// would implement the same interface (a PKCS#11 C_Sign with CKM_SHA256_HMAC).
class CheckpointKey {
public:
    virtual ~CheckpointKey() = default;
    /// Hex MAC of `message`.
    [[nodiscard]] virtual Result<std::string> mac(std::string_view message) const = 0;
};

/// HMAC-SHA256 under 32 bytes read from a file.
class FileCheckpointKey final : public CheckpointKey {
public:
    /// not_found AUDIT_KEY_MISSING when the file does not exist; invalid_request
    /// AUDIT_KEY_INVALID when it does not hold 32 bytes.
    static Result<FileCheckpointKey> load(const std::string& path);
    /// Makes a fresh key file (mode 0600) unless one exists; true when it made one.
    static Result<bool> create_if_missing(const std::string& path);
    [[nodiscard]] Result<std::string> mac(std::string_view message) const override;

private:
    explicit FileCheckpointKey(SecretBytes key) : key_(std::move(key)) {}
    SecretBytes key_;
};

/// Writes a checkpoint of the log's newest entry, unless that entry is itself a checkpoint
/// (nothing happened since). The audit entry is committed first, then the line is appended to
/// `file` and flushed. Returns the checkpoint written, or nullopt.
Result<std::optional<AuditCheckpoint>> write_audit_checkpoint(Database& database,
                                                              const CheckpointKey& key,
                                                              const std::string& file,
                                                              Seconds now);

/// What `audit verify` found.
struct AuditReport {
    std::int64_t entries = 0;
    std::size_t checkpoints_in_log = 0;
    std::size_t checkpoints_in_file = 0;
    std::optional<AuditCheckpoint> latest;  ///< the newest valid checkpoint seen
    /// Entries after the newest checkpoint: not yet anchored, so their removal cannot be seen.
    std::int64_t unanchored = 0;
    /// Every problem found, each a sentence; empty when the log is intact.
    std::vector<std::string> problems;
};

/// Verifies the chain, every checkpoint entry in the log and every line of `file` (which may
/// be missing: no checkpoint was written yet). Reports truncation (a checkpoint names an
/// entry the log no longer has) and rewriting (a checkpoint's head differs from the chain, or
/// its MAC is wrong).
Result<AuditReport> verify_audit_log(Database& database,
                                     const CheckpointKey& key,
                                     const std::string& file);

/// The action of checkpoint entries.
inline constexpr std::string_view checkpoint_action = "audit.checkpoint";

}  // namespace dojang::store
