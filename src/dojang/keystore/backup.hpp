// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/keystore/npki_store.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace dojang::keystore {

/// Name of the manifest in a backup folder: one "<sha256 hex>  <CA>/USER/<DN>/<file>" line per
/// file after a "# dojang-npki-backup 1 <created>" header.
inline constexpr const char* backup_manifest_name = "MANIFEST.sha256";

/// When and where the last backup of a store went.
struct BackupRecord {
    Seconds at;
    std::string folder;
};

/// Copies every NPKI file of the store (certificates and encrypted key files only: a key file
/// that is not an EncryptedPrivateKeyInfo is refused) into `folder`, writes the manifest last
/// and records the backup in the store. conflict BACKUP_EXISTS when `folder` holds a manifest.
/// Returns the number of files copied.
Result<std::size_t> backup_store(const NpkiStore& store,
                                 const std::filesystem::path& folder,
                                 Seconds now);

/// Checks every file of a backup against its manifest, then (only when all match) copies them
/// into the store. invalid_request BACKUP_TAMPERED lists every file that is missing, changed
/// or named outside the NPKI layout; BACKUP_MALFORMED for a bad manifest.
/// Returns the number of files restored.
Result<std::size_t> restore_store(const NpkiStore& store, const std::filesystem::path& folder);

/// The last backup recorded by backup_store(), if any.
std::optional<BackupRecord> last_backup(const NpkiStore& store);

}  // namespace dojang::keystore
