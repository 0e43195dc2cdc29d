// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/database.hpp"
#include "dojang/sql/dialect.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace dojang::sql {
namespace {

TEST(Placeholders, NumbersQuestionMarksOutsideQuotesForPostgres) {
    EXPECT_EQ(placeholders_for(postgres_dialect(),
                               "SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)"),
              "SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)");
    EXPECT_EQ(placeholders_for(sqlite_dialect(), "SELECT ? WHERE '?' = ?"),
              "SELECT ? WHERE '?' = ?");
}

TEST(Migrations, HaveTheSameVersionsInEveryDialect) {
    const auto sqlite = sqlite_dialect().migrations;
    const auto postgres = postgres_dialect().migrations;
    ASSERT_EQ(sqlite.size(), postgres.size());
    ASSERT_FALSE(sqlite.empty());
    // Entries are appended as they land (3 may come before 2); migrate() sorts them. The
    // versions must still be 1..N, each once.
    std::vector<int> versions;
    for (std::size_t i = 0; i < sqlite.size(); ++i) {
        versions.push_back(sqlite[i].version);
        EXPECT_EQ(postgres[i].version, sqlite[i].version);
        EXPECT_EQ(postgres[i].name, sqlite[i].name);
    }
    std::sort(versions.begin(), versions.end());
    for (std::size_t i = 0; i < versions.size(); ++i) {
        EXPECT_EQ(versions[i], static_cast<int>(i) + 1);
    }
}

/// A connection that does nothing; counts how many exist.
class NullConnection final : public Connection {
public:
    explicit NullConnection(std::atomic<int>& alive) : alive_(alive) { ++alive_; }
    ~NullConnection() override { --alive_; }
    NullConnection(const NullConnection&) = delete;
    NullConnection& operator=(const NullConnection&) = delete;
    const Dialect& dialect() const override { return sqlite_dialect(); }
    Result<std::unique_ptr<Statement>> prepare(std::string_view /*sql*/) override {
        return fail(ErrorKind::internal, "TEST", "not supported");
    }
    Result<void> execute_script(std::string_view /*sql*/) override { return ok(); }
    Result<void> begin() override { return ok(); }
    Result<void> commit() override { return ok(); }
    Result<void> rollback() override { return ok(); }
    bool is_broken() const override { return false; }

private:
    std::atomic<int>& alive_;
};

TEST(ConnectionPool, ReusesConnectionsAndBoundsTheirNumber) {
    std::atomic<int> alive{0};
    std::atomic<int> made{0};
    ConnectionPool pool(
        [&]() -> Result<std::unique_ptr<Connection>> {
            ++made;
            return std::make_unique<NullConnection>(alive);
        },
        PoolOptions{.max_connections = 2,
                    .acquire_timeout = std::chrono::milliseconds{50},
                    .max_attempts = 1,
                    .retry_backoff = std::chrono::milliseconds{1}});
    {
        auto first = pool.acquire();
        auto second = pool.acquire();
        ASSERT_TRUE(first.has_value());
        ASSERT_TRUE(second.has_value());
        auto third = pool.acquire();
        ASSERT_FALSE(third.has_value());
        EXPECT_EQ(third.error().kind, ErrorKind::unavailable);
        second->discard();
    }
    EXPECT_EQ(alive.load(), 1);
    auto again = pool.acquire();
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(made.load(), 2);
}

}  // namespace
}  // namespace dojang::sql
