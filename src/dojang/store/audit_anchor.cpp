// SPDX-License-Identifier: Apache-2.0
#include "dojang/store/audit_anchor.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/crypto/openssl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

namespace dojang::store {
namespace {

constexpr std::size_t key_size = 32;

std::int64_t epoch(Seconds at) {
    return at.time_since_epoch().count();
}

/// What the MAC covers: a fixed label, so a MAC of anything else never passes for one.
std::string mac_message(std::int64_t sequence, const std::string& head, Seconds at) {
    return "dojang-audit-checkpoint-v1|" + std::to_string(sequence) + "|" + head + "|" +
           std::to_string(epoch(at));
}

/// The one form a checkpoint is written in, in the log's details and in the file.
std::string to_line(const AuditCheckpoint& checkpoint) {
    return R"({"sequence":)" + std::to_string(checkpoint.sequence) + R"(,"head":")" +
           checkpoint.head + R"(","at":)" + std::to_string(epoch(checkpoint.at)) + R"(,"mac":")" +
           checkpoint.mac + R"("})";
}

std::optional<AuditCheckpoint> parse_line(const std::string& line) {
    static const std::regex form(
        R"re(^\{"sequence":([0-9]{1,18}),"head":"([0-9a-f]{64})","at":(-?[0-9]{1,18}),"mac":"([0-9a-f]{64})"\}$)re");
    std::smatch match;
    if (!std::regex_match(line, match, form)) {
        return std::nullopt;
    }
    AuditCheckpoint checkpoint;
    checkpoint.sequence = std::stoll(match[1].str());
    checkpoint.head = match[2].str();
    checkpoint.at = Seconds{std::chrono::seconds{std::stoll(match[3].str())}};
    checkpoint.mac = match[4].str();
    return checkpoint;
}

/// Appends one line and flushes it to the disk.
Result<void> append_line(const std::string& path, const std::string& line) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(ErrorKind::unavailable,
                    "AUDIT_CHECKPOINT_FILE",
                    "cannot open the audit checkpoint file " + path,
                    std::strerror(errno));
    }
    const std::string text = line + "\n";
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            return fail(ErrorKind::unavailable,
                        "AUDIT_CHECKPOINT_FILE",
                        "cannot write the audit checkpoint file " + path,
                        std::strerror(saved));
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!synced) {
        return fail(ErrorKind::unavailable,
                    "AUDIT_CHECKPOINT_FILE",
                    "cannot flush the audit checkpoint file " + path,
                    std::strerror(saved));
    }
    return ok();
}

}  // namespace

Result<FileCheckpointKey> FileCheckpointKey::load(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        return fail(ErrorKind::not_found,
                    "AUDIT_KEY_MISSING",
                    "the audit checkpoint key " + path +
                        " does not exist (감사 기록 검증 키 파일이 없습니다)");
    }
    auto bytes = read_file(path);
    DOJANG_TRY(bytes);
    if (bytes->size() != key_size) {
        return fail(ErrorKind::invalid_request,
                    "AUDIT_KEY_INVALID",
                    "the audit checkpoint key " + path + " is not " + std::to_string(key_size) +
                        " bytes (감사 기록 검증 키가 올바르지 않습니다)");
    }
    return FileCheckpointKey(SecretBytes(std::move(*bytes)));
}

Result<bool> FileCheckpointKey::create_if_missing(const std::string& path) {
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
        return false;
    }
    auto random = crypto::random_bytes(key_size);
    DOJANG_TRY(random);
    const SecretBytes key(std::move(*random));
    auto written = write_file_atomic(path, key.bytes(), 0600);
    DOJANG_TRY(written);
    return true;
}

Result<std::string> FileCheckpointKey::mac(std::string_view message) const {
    const auto* data = reinterpret_cast<const std::uint8_t*>(message.data());
    auto tag = crypto::hmac_sha256(key_.bytes(), std::span(data, message.size()));
    DOJANG_TRY(tag);
    return to_hex(*tag);
}

Result<std::optional<AuditCheckpoint>> write_audit_checkpoint(Database& database,
                                                              const CheckpointKey& key,
                                                              const std::string& file,
                                                              Seconds now) {
    std::optional<AuditCheckpoint> written;
    auto committed = database.transact([&](Transaction& tx) -> Result<void> {
        written.reset();
        auto last = tx.audit().last();
        DOJANG_TRY(last);
        if (!*last || (*last)->action == checkpoint_action) {
            return ok();
        }
        AuditCheckpoint checkpoint;
        checkpoint.sequence = (*last)->sequence;
        checkpoint.head = (*last)->hash;
        checkpoint.at = now;
        auto mac = key.mac(mac_message(checkpoint.sequence, checkpoint.head, now));
        DOJANG_TRY(mac);
        checkpoint.mac = std::move(*mac);
        auto recorded = record_audit(
            tx, now, "system", std::string(checkpoint_action), "audit-log", to_line(checkpoint));
        if (!recorded) {
            return recorded;
        }
        written = std::move(checkpoint);
        return ok();
    });
    DOJANG_TRY(committed);
    if (written) {
        auto appended = append_line(file, to_line(*written));
        DOJANG_TRY(appended);
    }
    return written;
}

Result<AuditReport> verify_audit_log(Database& database,
                                     const CheckpointKey& key,
                                     const std::string& file) {
    std::vector<AuditEntry> entries;
    auto read = database.transact([&](Transaction& tx) -> Result<void> {
        auto all = tx.audit().entries();
        DOJANG_TRY(all);
        entries = std::move(*all);
        return ok();
    });
    DOJANG_TRY(read);
    AuditReport report;
    report.entries = static_cast<std::int64_t>(entries.size());
    const std::int64_t last_sequence = entries.empty() ? 0 : entries.back().sequence;

    // 1. The chain itself.
    if (const auto broken = first_broken_link(entries)) {
        report.problems.push_back("the hash chain breaks at entry " + std::to_string(*broken) +
                                  ": it or an earlier entry was changed, removed or inserted");
    }
    std::map<std::int64_t, std::string> stored_hash;
    for (const auto& entry : entries) {
        stored_hash[entry.sequence] = entry.hash;
    }

    // 2. A checkpoint, from the log or the file: its MAC, and the chain at its entry.
    const auto check = [&](const AuditCheckpoint& checkpoint, const std::string& where) -> bool {
        auto mac = key.mac(mac_message(checkpoint.sequence, checkpoint.head, checkpoint.at));
        if (!mac || *mac != checkpoint.mac) {
            report.problems.push_back(where +
                                      " has a MAC that the audit key does not vouch for: it was "
                                      "forged or altered, or the key was replaced");
            return false;
        }
        const auto found = stored_hash.find(checkpoint.sequence);
        if (found == stored_hash.end()) {
            report.problems.push_back(
                where + " vouches for entry " + std::to_string(checkpoint.sequence) +
                ", but the log ends at entry " + std::to_string(last_sequence) +
                ": entries were removed (truncated)");
            return false;
        }
        if (found->second != checkpoint.head) {
            report.problems.push_back("entry " + std::to_string(checkpoint.sequence) +
                                      " is not what " + where + " recorded: the log was rewritten");
            return false;
        }
        if (!report.latest || report.latest->sequence < checkpoint.sequence) {
            report.latest = checkpoint;
        }
        return true;
    };
    for (const auto& entry : entries) {
        if (entry.action != checkpoint_action) {
            continue;
        }
        ++report.checkpoints_in_log;
        const auto checkpoint = parse_line(entry.details);
        if (!checkpoint) {
            report.problems.push_back("the checkpoint at entry " + std::to_string(entry.sequence) +
                                      " is not in the checkpoint form");
            continue;
        }
        check(*checkpoint, "the checkpoint at entry " + std::to_string(entry.sequence));
    }

    // 3. The copy outside the database.
    std::error_code missing;
    if (std::filesystem::exists(file, missing)) {
        std::ifstream in(file);
        std::string line;
        std::size_t number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (line.empty()) {
                continue;
            }
            ++report.checkpoints_in_file;
            const std::string where = "line " + std::to_string(number) + " of " + file;
            const auto checkpoint = parse_line(line);
            if (!checkpoint) {
                report.problems.push_back(where + " is not a checkpoint");
                continue;
            }
            check(*checkpoint, where);
        }
    } else if (report.checkpoints_in_log > 0) {
        report.problems.push_back("the checkpoint file " + file + " is missing, but the log has " +
                                  std::to_string(report.checkpoints_in_log) + " checkpoint(s)");
    }
    const std::int64_t anchored_up_to = report.latest ? report.latest->sequence : 0;
    report.unanchored = std::count_if(entries.begin(), entries.end(), [&](const AuditEntry& e) {
        return e.sequence > anchored_up_to && e.action != checkpoint_action;
    });
    return report;
}

}  // namespace dojang::store
