// SPDX-License-Identifier: Apache-2.0
#include "dojang/keystore/backup.hpp"

#include "dojang/core/text.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/keystore/key_file.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <sstream>
#include <system_error>
#include <vector>

namespace dojang::keystore {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view manifest_header = "# dojang-npki-backup 1 ";
constexpr const char* record_folder = ".dojang";
constexpr const char* record_file = "last-backup";
constexpr std::size_t max_manifest_bytes = 1 << 20;

struct ManifestLine {
    std::string digest;
    fs::path relative;
};

bool is_key_name(const std::string& name) {
    return name == sign_key_file || name == km_key_file;
}

/// A manifest path must be exactly <CA>/USER/<DN>/<NPKI file>, with no "." or "..": a hostile
/// manifest must not write outside the store.
bool is_npki_path(const fs::path& relative) {
    if (relative.is_absolute()) {
        return false;
    }
    std::vector<std::string> parts;
    for (const auto& part : relative) {
        parts.push_back(part.string());
    }
    if (parts.size() != 4 || parts[1] != "USER") {
        return false;
    }
    for (const auto& part : parts) {
        if (part.empty() || part == "." || part == "..") {
            return false;
        }
    }
    return std::find_if(npki_files.begin(), npki_files.end(), [&](const char* name) {
               return parts[3] == name;
           }) != npki_files.end();
}

Result<std::vector<ManifestLine>> read_manifest(const fs::path& folder) {
    auto bytes = read_file((folder / backup_manifest_name).string());
    DOJANG_TRY(bytes);
    if (bytes->size() > max_manifest_bytes) {
        return fail(ErrorKind::invalid_request, "BACKUP_MALFORMED", "the manifest is too large");
    }
    std::istringstream in(std::string(bytes->begin(), bytes->end()));
    std::string line;
    std::vector<ManifestLine> lines;
    bool header = false;
    while (std::getline(in, line)) {
        if (line.rfind(manifest_header, 0) == 0) {
            header = true;
            continue;
        }
        if (line.empty()) {
            continue;
        }
        // sha256sum format: 64 hex digits, two spaces, the path.
        if (line.size() < 67 || line[64] != ' ' || line[65] != ' ') {
            return fail(ErrorKind::invalid_request,
                        "BACKUP_MALFORMED",
                        "the backup manifest has a malformed line (백업 목록이 손상되었습니다)");
        }
        lines.push_back({line.substr(0, 64), fs::path(line.substr(66))});
    }
    if (!header) {
        return fail(ErrorKind::invalid_request,
                    "BACKUP_MALFORMED",
                    "not a dojang backup manifest (dojang 백업이 아닙니다)");
    }
    return lines;
}

}  // namespace

Result<std::size_t> backup_store(const NpkiStore& store, const fs::path& folder, Seconds now) {
    std::error_code error;
    if (fs::exists(folder / backup_manifest_name, error)) {
        return fail(ErrorKind::conflict,
                    "BACKUP_EXISTS",
                    folder.string() +
                        " already holds a backup; choose an empty folder (이미 "
                        "백업이 있는 폴더입니다)");
    }
    auto entries = store.list();
    DOJANG_TRY(entries);
    if (entries->empty()) {
        return fail(ErrorKind::not_found,
                    "CERTIFICATE_NOT_FOUND",
                    "no certificate to back up in " + store.home().string() +
                        " (백업할 인증서가 없습니다)");
    }
    std::string manifest = std::string(manifest_header) + to_rfc3339(now) + "\n";
    std::size_t copied = 0;
    for (const auto& entry : *entries) {
        const fs::path relative = fs::path(entry.ca_folder) / "USER" / entry.dn_folder;
        for (const char* name : npki_files) {
            const fs::path source = entry.folder / name;
            if (!fs::is_regular_file(source, error)) {
                continue;
            }
            auto content = read_file(source.string());
            DOJANG_TRY(content);
            // Encrypted files only: a plaintext key must never land on a backup medium.
            if (is_key_name(name)) {
                auto header = inspect_key_file(*content);
                if (!header && header.error().code == "KEY_FILE_MALFORMED") {
                    return fail(
                        ErrorKind::invalid_request,
                        "BACKUP_UNENCRYPTED_KEY",
                        source.string() +
                            " is not an encrypted key file; it was not backed up (암호화되지 "
                            "않은 키 파일은 백업하지 않습니다)");
                }
            }
            const fs::path target = folder / relative;
            fs::create_directories(target, error);
            if (error) {
                return fail(ErrorKind::internal,
                            "BACKUP_WRITE_FAILED",
                            "cannot create " + target.string(),
                            error.message());
            }
            auto written = write_file_atomic((target / name).string(), *content, 0600);
            DOJANG_TRY(written);
            manifest += to_hex(crypto::sha256(*content)) + "  " + (relative / name).string() + "\n";
            ++copied;
        }
    }
    // The manifest last: a backup without one is visibly incomplete.
    auto written =
        write_file_atomic((folder / backup_manifest_name).string(), to_bytes(manifest), 0600);
    DOJANG_TRY(written);
    const fs::path records = store.home() / record_folder;
    fs::create_directories(records, error);
    // "<epoch seconds> <RFC 3339> <folder>": the number is read back, the text is for people.
    written =
        write_file_atomic((records / record_file).string(),
                          to_bytes(std::to_string(now.time_since_epoch().count()) + " " +
                                   to_rfc3339(now) + " " + fs::absolute(folder).string() + "\n"),
                          0600);
    DOJANG_TRY(written);
    return copied;
}

Result<std::size_t> restore_store(const NpkiStore& store, const fs::path& folder) {
    auto lines = read_manifest(folder);
    DOJANG_TRY(lines);
    // 1. Verify everything before touching the store: a tampered backup restores nothing.
    Error tampered{ErrorKind::invalid_request,
                   "BACKUP_TAMPERED",
                   "the backup does not match its manifest; nothing was restored (백업 파일이 "
                   "변조되었거나 손상되었습니다. 복원하지 않았습니다)",
                   {},
                   {}};
    std::vector<Bytes> contents;
    for (const auto& line : *lines) {
        if (!is_npki_path(line.relative)) {
            tampered.violations.push_back(
                {"BACKUP_PATH_INVALID", line.relative.string() + " is not an NPKI file path"});
            contents.emplace_back();
            continue;
        }
        auto content = read_file((folder / line.relative).string());
        if (!content) {
            tampered.violations.push_back({"BACKUP_FILE_MISSING", line.relative.string()});
            contents.emplace_back();
            continue;
        }
        auto expected = from_hex(line.digest);
        if (!expected || !crypto::constant_time_equal(*expected, crypto::sha256(*content))) {
            tampered.violations.push_back({"BACKUP_CHECKSUM_MISMATCH", line.relative.string()});
        }
        contents.push_back(std::move(*content));
    }
    if (lines->empty()) {
        tampered.violations.push_back({"BACKUP_EMPTY", "the manifest lists no file"});
    }
    if (!tampered.violations.empty()) {
        return tl::unexpected(std::move(tampered));
    }
    // 2. Copy: keys before certificates in each folder, as NpkiStore::add() does.
    std::vector<std::size_t> order(lines->size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return is_key_name((*lines)[a].relative.filename().string()) &&
               !is_key_name((*lines)[b].relative.filename().string());
    });
    std::error_code error;
    for (const std::size_t i : order) {
        const fs::path target = store.home() / (*lines)[i].relative;
        fs::create_directories(target.parent_path(), error);
        fs::permissions(
            target.parent_path(), fs::perms::owner_all, fs::perm_options::replace, error);
        const bool key = is_key_name(target.filename().string());
        auto written = write_file_atomic(target.string(), contents[i], key ? 0600 : 0644);
        DOJANG_TRY(written);
    }
    return lines->size();
}

std::optional<BackupRecord> last_backup(const NpkiStore& store) {
    auto bytes = read_file((store.home() / record_folder / record_file).string());
    if (!bytes) {
        return std::nullopt;
    }
    const std::string text(bytes->begin(), bytes->end());
    long long epoch = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), epoch);
    if (status != std::errc{} || epoch <= 0) {
        return std::nullopt;
    }
    const Seconds at{std::chrono::seconds{epoch}};
    std::string where(end, text.data() + text.size());
    // Drop " <RFC 3339> " before the folder, and the line end.
    const auto space = where.find(' ', 1);
    where = space == std::string::npos ? std::string{} : where.substr(space + 1);
    while (!where.empty() && (where.back() == '\n' || where.back() == '\r')) {
        where.pop_back();
    }
    return BackupRecord{at, where};
}

}  // namespace dojang::keystore
