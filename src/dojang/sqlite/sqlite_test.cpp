// SPDX-License-Identifier: Apache-2.0
#include "dojang/sqlite/sqlite.hpp"

#include "dojang/sql/contract_test.hpp"
#include "dojang/sql/query.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace dojang::sqlite {
namespace {

/// A fresh SQLite file in its own temporary folder.
class SqliteBackend final : public sql::contract::Backend {
public:
    Result<std::unique_ptr<store::Database>> open() override { return open_sqlite(path(), {}); }
    Result<std::unique_ptr<sql::Connection>> connect() override {
        return connect_sqlite(path(), {});
    }
    [[nodiscard]] std::string path() const { return dir_.path() + "/dojang.db"; }

private:
    testing::TempDir dir_;
};

sql::contract::BackendParam sqlite_backend() {
    return {"sqlite", [] { return std::make_unique<SqliteBackend>(); }};
}

std::string pragma(sql::Connection& connection, std::string_view text) {
    sql::Query query(connection, text);
    auto row = query.next_row();
    EXPECT_TRUE(row.has_value() && *row);
    return row && *row ? query.row().column_text(0) : std::string{};
}

TEST(Sqlite, OpensInWalWithDurableSyncByDefault) {
    SqliteBackend backend;
    auto connection = connect_sqlite(backend.path(), {});
    ASSERT_TRUE(connection.has_value()) << connection.error().describe();
    EXPECT_EQ(pragma(**connection, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(pragma(**connection, "PRAGMA synchronous"), "2");  // FULL
    EXPECT_EQ(pragma(**connection, "PRAGMA foreign_keys"), "1");
    EXPECT_EQ(pragma(**connection, "PRAGMA busy_timeout"), "5000");
}

unsigned mode_of(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 0777U;
}

TEST(Sqlite, TheDatabaseAndItsWalAreTheOwnersAlone) {
    SqliteBackend backend;
    {
        auto opened = open_sqlite(backend.path(), {});
        ASSERT_TRUE(opened.has_value()) << opened.error().describe();
        ASSERT_TRUE((*opened)->transact([](store::Transaction& tx) -> Result<void> {
            auto next = tx.counters().next("test");
            DOJANG_TRY(next);
            return ok();
        }));
        EXPECT_EQ(mode_of(backend.path()), 0600U);
        EXPECT_EQ(mode_of(backend.path() + "-wal"), 0600U);
    }
    // A file an older version left readable to others is tightened when opened.
    ASSERT_EQ(::chmod(backend.path().c_str(), 0644), 0);
    auto reopened = open_sqlite(backend.path(), {});
    ASSERT_TRUE(reopened.has_value()) << reopened.error().describe();
    EXPECT_EQ(mode_of(backend.path()), 0600U);
}

TEST(Sqlite, HonoursNormalSynchronousOption) {
    SqliteBackend backend;
    auto connection = connect_sqlite(backend.path(), {.synchronous = Synchronous::normal});
    ASSERT_TRUE(connection.has_value()) << connection.error().describe();
    EXPECT_EQ(pragma(**connection, "PRAGMA synchronous"), "1");  // NORMAL
}

TEST(Sqlite, ReportsAnUnopenableFileAsUnavailable) {
    auto opened = open_sqlite("/nonexistent-dir/for/dojang.db", {});
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().kind, ErrorKind::unavailable);
}

TEST(Sqlite, ReportsAHeldWriteLockAsUnavailable) {
    SqliteBackend backend;
    auto database = open_sqlite(backend.path(),
                                {.busy_timeout = std::chrono::milliseconds{50}, .max_attempts = 2});
    ASSERT_TRUE(database.has_value()) << database.error().describe();
    auto holder = connect_sqlite(backend.path(), {});
    ASSERT_TRUE(holder.has_value());
    ASSERT_TRUE((*holder)->begin().has_value());  // another process's writer, in effect
    auto blocked = (*database)->transact(
        [](store::Transaction& tx) { return tx.counters().next("crl").map([](auto) {}); });
    ASSERT_FALSE(blocked.has_value());
    EXPECT_EQ(blocked.error().kind, ErrorKind::unavailable);
    EXPECT_EQ(blocked.error().code, sql::busy_code);
    ASSERT_TRUE((*holder)->rollback().has_value());
    auto freed = (*database)->transact(
        [](store::Transaction& tx) { return tx.counters().next("crl").map([](auto) {}); });
    EXPECT_TRUE(freed.has_value());
}

TEST(Sqlite, SharesOneFileBetweenProcesses) {
    SqliteBackend backend;
    constexpr int children = 3;
    constexpr int per_child = 30;
    std::vector<pid_t> pids;
    for (int c = 0; c < children; ++c) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            // Child: its own open (and migration race), counters and audit appends.
            auto database = open_sqlite(backend.path(), {.max_attempts = 20});
            if (!database) {
                ::_exit(2);
            }
            for (int i = 0; i < per_child; ++i) {
                auto done = (*database)->transact([&](store::Transaction& tx) -> Result<void> {
                    auto next = tx.counters().next("crl:issuing");
                    DOJANG_TRY(next);
                    auto appended = tx.audit().append(store::AuditEntry{
                        .sequence = 0,
                        .at = Seconds{std::chrono::seconds{*next}},
                        .actor = "child-" + std::to_string(c),
                        .action = "crl.publish",
                        .subject = std::to_string(*next),
                        .details = "{}",
                        .previous_hash = {},
                        .hash = {},
                    });
                    DOJANG_TRY(appended);
                    return ok();
                });
                if (!done) {
                    ::_exit(3);
                }
            }
            ::_exit(0);
        }
        pids.push_back(pid);
    }
    for (const pid_t pid : pids) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    auto database = open_sqlite(backend.path(), {});
    ASSERT_TRUE(database.has_value()) << database.error().describe();
    std::int64_t last = 0;
    std::size_t entries = 0;
    auto read = (*database)->transact([&](store::Transaction& tx) -> Result<void> {
        auto current = tx.counters().current("crl:issuing");
        DOJANG_TRY(current);
        last = *current;
        auto all = tx.audit().entries();
        DOJANG_TRY(all);
        entries = all->size();
        return ok();
    });
    ASSERT_TRUE(read.has_value()) << read.error().describe();
    EXPECT_EQ(last, children * per_child);
    EXPECT_EQ(entries, static_cast<std::size_t>(children * per_child));
    auto verified = store::verify_audit_chain(**database);
    ASSERT_TRUE(verified.has_value());
    EXPECT_EQ(*verified, std::nullopt);
}

}  // namespace
}  // namespace dojang::sqlite

namespace dojang::sql::contract {
INSTANTIATE_TEST_SUITE_P(Sqlite,
                         StoreContract,
                         ::testing::Values(dojang::sqlite::sqlite_backend()),
                         [](const auto& test) { return test.param.name; });
}  // namespace dojang::sql::contract
