// SPDX-License-Identifier: Apache-2.0
#include "dojang/postgres/postgres.hpp"

#include "dojang/sql/contract_test.hpp"
#include "dojang/sql/query.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

// Every test here needs the server that scripts/with-postgres.sh starts; CTest always runs this
// binary under it. A missing DOJANG_TEST_POSTGRES is a failure, never a skip.
namespace dojang::postgres {
namespace {

std::string server() {
    const char* conninfo = std::getenv("DOJANG_TEST_POSTGRES");
    return conninfo != nullptr ? conninfo : "";
}

/// A fresh schema in the test database, dropped afterwards; every connection of the test
/// finds its tables there through search_path.
class PostgresBackend final : public sql::contract::Backend {
public:
    PostgresBackend() {
        static std::atomic<int> next{0};
        schema_ = "dojang_test_" + std::to_string(::getpid()) + "_" + std::to_string(++next);
        conninfo_ =
            server() + " application_name=" + schema_ + " options='-c search_path=" + schema_ + "'";
        auto admin = connect_postgres(server());
        if (admin) {
            created_ = (*admin)->execute_script("CREATE SCHEMA " + schema_).has_value();
        }
    }
    PostgresBackend(const PostgresBackend&) = delete;
    PostgresBackend& operator=(const PostgresBackend&) = delete;
    ~PostgresBackend() override {
        auto admin = connect_postgres(server());
        if (admin && created_) {
            (void)(*admin)->execute_script("DROP SCHEMA " + schema_ + " CASCADE");
        }
    }

    Result<std::unique_ptr<store::Database>> open() override {
        if (!created_) {
            return fail(ErrorKind::unavailable, "TEST", "no test schema (is the server up?)");
        }
        return open_postgres(conninfo_, {});
    }
    Result<std::unique_ptr<sql::Connection>> connect() override {
        return connect_postgres(conninfo_);
    }
    [[nodiscard]] const std::string& conninfo() const { return conninfo_; }
    [[nodiscard]] const std::string& name() const { return schema_; }

private:
    std::string schema_;
    std::string conninfo_;
    bool created_ = false;
};

sql::contract::BackendParam postgres_backend() {
    return {"postgres", []() -> std::unique_ptr<sql::contract::Backend> {
                if (server().empty()) {
                    ADD_FAILURE() << "DOJANG_TEST_POSTGRES is not set; run the tests under "
                                     "scripts/with-postgres.sh (ctest does)";
                    return nullptr;
                }
                return std::make_unique<PostgresBackend>();
            }};
}

Result<void> bump(store::Database& database) {
    return database.transact(
        [](store::Transaction& tx) { return tx.counters().next("crl").map([](auto) {}); });
}

TEST(Postgres, HasATestServer) {
    ASSERT_FALSE(server().empty()) << "DOJANG_TEST_POSTGRES is not set";
    auto connection = connect_postgres(server());
    ASSERT_TRUE(connection.has_value()) << connection.error().describe();
    sql::Query version(**connection, "SELECT current_setting('server_version_num')");
    auto row = version.next_row();
    ASSERT_TRUE(row.has_value() && *row);
    EXPECT_GE(std::stoi(version.row().column_text(0)), 150000);
}

TEST(Postgres, ReportsAnUnreachableServerAsUnavailable) {
    auto connection = connect_postgres("host=127.0.0.1 port=1 dbname=none connect_timeout=2");
    ASSERT_FALSE(connection.has_value());
    EXPECT_EQ(connection.error().kind, ErrorKind::unavailable);
    EXPECT_EQ(connection.error().code, sql::unreachable_code);
}

TEST(Postgres, ReplacesALostConnection) {
    ASSERT_FALSE(server().empty()) << "DOJANG_TEST_POSTGRES is not set";
    PostgresBackend backend;
    auto database = open_postgres(backend.conninfo(), {.pool_size = 1});
    ASSERT_TRUE(database.has_value()) << database.error().describe();
    ASSERT_TRUE(bump(**database).has_value());

    auto admin = connect_postgres(server());
    ASSERT_TRUE(admin.has_value());
    ASSERT_TRUE((*admin)
                    ->execute_script("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE application_name = '" +
                                     backend.name() + "'")
                    .has_value());
    auto lost = bump(**database);
    ASSERT_FALSE(lost.has_value());
    EXPECT_EQ(lost.error().kind, ErrorKind::unavailable);
    auto recovered = bump(**database);
    EXPECT_TRUE(recovered.has_value()) << recovered.error().describe();
}

TEST(Postgres, MapsAUniqueViolationToConflict) {
    ASSERT_FALSE(server().empty()) << "DOJANG_TEST_POSTGRES is not set";
    PostgresBackend backend;
    auto database = open_postgres(backend.conninfo(), {});
    ASSERT_TRUE(database.has_value()) << database.error().describe();
    auto connection = backend.connect();
    ASSERT_TRUE(connection.has_value());
    const std::string insert = "INSERT INTO counters (name, value) VALUES ('x', 1)";
    ASSERT_TRUE((*connection)->execute_script(insert).has_value());
    auto again = (*connection)->execute_script(insert);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, ErrorKind::conflict);
    EXPECT_EQ(again.error().code, sql::unique_violation_code);
}

}  // namespace
}  // namespace dojang::postgres

namespace dojang::sql::contract {
INSTANTIATE_TEST_SUITE_P(Postgres,
                         StoreContract,
                         ::testing::Values(dojang::postgres::postgres_backend()),
                         [](const auto& test) { return test.param.name; });
}  // namespace dojang::sql::contract
