// SPDX-License-Identifier: Apache-2.0
// The customer register part of the store contract (see contract_test.hpp), and the order in
// which migrations run.
#include "dojang/sql/contract_test.hpp"
#include "dojang/sql/database.hpp"
#include "dojang/sql/dialect.hpp"
#include "dojang/sql/query.hpp"

#include <vector>

namespace dojang::sql::contract {
namespace {

using domain::HolderType;
using store::CustomerRecord;
using store::Transaction;

const Seconds t0{std::chrono::seconds{1'700'000'000}};

CustomerRecord customer(std::string id, std::uint8_t hash_byte) {
    return CustomerRecord{
        .customer_id = std::move(id),
        .holder_type = HolderType::individual,
        .name = "홍길동",
        .birth_date = "1990-01-01",
        .idn_hash = Bytes(32, hash_byte),
        .idn_ciphertext = Bytes{0x01, 0x02, 0x00, 0xff},
        .business_number = {},
        .corporate_number = {},
        .representative = {},
        .phone = "01012345678",
        .email = "hong@example.kr",
        .certificate_serials = {"0a1b", "7f"},
        .updated_at = t0,
    };
}

Result<bool> upsert(store::Database& database, const CustomerRecord& record) {
    bool inserted = false;
    auto result = database.transact([&](Transaction& tx) -> Result<void> {
        auto done = tx.customers().upsert(record);
        DOJANG_TRY(done);
        inserted = *done;
        return ok();
    });
    DOJANG_TRY(result);
    return inserted;
}

std::optional<CustomerRecord> find(store::Database& database, const std::string& id) {
    std::optional<CustomerRecord> found;
    auto result = database.transact([&](Transaction& tx) -> Result<void> {
        auto row = tx.customers().find(id);
        DOJANG_TRY(row);
        found = *row;
        return ok();
    });
    EXPECT_TRUE(result.has_value()) << result.error().describe();
    return found;
}

std::size_t count(store::Database& database) {
    std::size_t value = 0;
    auto result = database.transact([&](Transaction& tx) -> Result<void> {
        auto counted = tx.customers().count();
        DOJANG_TRY(counted);
        value = *counted;
        return ok();
    });
    EXPECT_TRUE(result.has_value()) << result.error().describe();
    return value;
}

/// A connection that speaks its dialect but with another list of migrations.
class OtherMigrations final : public Connection {
public:
    OtherMigrations(std::unique_ptr<Connection> inner, std::span<const Migration> migrations)
        : inner_(std::move(inner)), dialect_(inner_->dialect()) {
        dialect_.migrations = migrations;
    }
    [[nodiscard]] const Dialect& dialect() const override { return dialect_; }
    Result<std::unique_ptr<Statement>> prepare(std::string_view sql) override {
        return inner_->prepare(sql);
    }
    Result<void> execute_script(std::string_view sql) override {
        return inner_->execute_script(sql);
    }
    Result<void> begin() override { return inner_->begin(); }
    Result<void> commit() override { return inner_->commit(); }
    Result<void> rollback() override { return inner_->rollback(); }
    [[nodiscard]] bool is_broken() const override { return inner_->is_broken(); }

private:
    std::unique_ptr<Connection> inner_;
    Dialect dialect_;
};

}  // namespace

TEST_P(StoreContract, InsertsACustomerThenUpdatesItById) {
    auto inserted = upsert(database(), customer("C-1", 0x11));
    ASSERT_TRUE(inserted.has_value()) << inserted.error().describe();
    EXPECT_TRUE(*inserted);
    EXPECT_EQ(find(database(), "C-1"), customer("C-1", 0x11));

    CustomerRecord changed = customer("C-1", 0x12);
    changed.phone = "01099998888";
    changed.certificate_serials = {"0c"};
    changed.updated_at = t0 + std::chrono::seconds{60};
    auto updated = upsert(database(), changed);
    ASSERT_TRUE(updated.has_value()) << updated.error().describe();
    EXPECT_FALSE(*updated);
    EXPECT_EQ(find(database(), "C-1"), changed);
    EXPECT_EQ(count(database()), 1U);
}

TEST_P(StoreContract, ReadsSerialsSortedWithoutRepeats) {
    CustomerRecord record = customer("C-2", 0x21);
    record.certificate_serials = {"7f", "0a1b", "7f"};
    ASSERT_TRUE(upsert(database(), record).has_value());
    auto found = find(database(), "C-2");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->certificate_serials, (std::vector<std::string>{"0a1b", "7f"}));
}

TEST_P(StoreContract, FindsACustomerByIdnHash) {
    ASSERT_TRUE(upsert(database(), customer("C-3", 0x31)).has_value());
    ASSERT_TRUE(upsert(database(), customer("C-4", 0x41)).has_value());
    std::optional<CustomerRecord> by_hash;
    std::optional<CustomerRecord> unknown;
    auto result = database().transact([&](Transaction& tx) -> Result<void> {
        auto found = tx.customers().find_by_idn_hash(Bytes(32, 0x41));
        DOJANG_TRY(found);
        by_hash = *found;
        auto missing = tx.customers().find_by_idn_hash(Bytes(32, 0x99));
        DOJANG_TRY(missing);
        unknown = *missing;
        return ok();
    });
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    ASSERT_TRUE(by_hash.has_value());
    EXPECT_EQ(by_hash->customer_id, "C-4");
    EXPECT_FALSE(unknown.has_value());
    EXPECT_FALSE(find(database(), "C-404").has_value());
}

TEST_P(StoreContract, RefusesASecondCustomerWithTheSameIdnHashAndStaysUsable) {
    ASSERT_TRUE(upsert(database(), customer("C-5", 0x51)).has_value());
    std::string code;
    ErrorKind kind = ErrorKind::internal;
    auto result = database().transact([&](Transaction& tx) -> Result<void> {
        auto second = tx.customers().upsert(customer("C-6", 0x51));
        if (second) {
            return fail(ErrorKind::internal, "TEST", "duplicate number accepted");
        }
        code = second.error().code;
        kind = second.error().kind;
        // The import goes on with the next row in the same transaction.
        auto next = tx.customers().upsert(customer("C-7", 0x71));
        DOJANG_TRY(next);
        return ok();
    });
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    EXPECT_EQ(kind, ErrorKind::conflict);
    EXPECT_EQ(code, "CUSTOMER_IDN_CONFLICT");
    EXPECT_FALSE(find(database(), "C-6").has_value());
    EXPECT_TRUE(find(database(), "C-7").has_value());

    // Moving an existing customer onto another's number is refused the same way.
    auto moved = upsert(database(), customer("C-7", 0x51));
    ASSERT_FALSE(moved.has_value());
    EXPECT_EQ(moved.error().code, "CUSTOMER_IDN_CONFLICT");
    EXPECT_EQ(find(database(), "C-7")->idn_hash, Bytes(32, 0x71));
}

TEST_P(StoreContract, KeepsTheTransactionUsableAfterAFailedCustomerWrite) {
    // PostgreSQL refuses text that is not UTF-8 (SQLite stores it): either way the savepoint
    // must leave the transaction able to store the next customer.
    CustomerRecord bad = customer("C-10", 0xa1);
    bad.name = "\xff\xfe";
    auto result = database().transact([&](Transaction& tx) -> Result<void> {
        (void)tx.customers().upsert(bad);
        auto next = tx.customers().upsert(customer("C-11", 0xb1));
        DOJANG_TRY(next);
        return ok();
    });
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    EXPECT_TRUE(find(database(), "C-11").has_value());
}

TEST_P(StoreContract, RollsBackCustomersWithTheirTransaction) {
    ASSERT_TRUE(upsert(database(), customer("C-8", 0x81)).has_value());
    auto result = database().transact([&](Transaction& tx) -> Result<void> {
        CustomerRecord changed = customer("C-8", 0x81);
        changed.name = "김철수";
        changed.certificate_serials = {};
        auto updated = tx.customers().upsert(changed);
        DOJANG_TRY(updated);
        auto inserted = tx.customers().upsert(customer("C-9", 0x91));
        DOJANG_TRY(inserted);
        return fail(ErrorKind::internal, "TEST", "abort");
    });
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(find(database(), "C-8"), customer("C-8", 0x81));
    EXPECT_FALSE(find(database(), "C-9").has_value());
    EXPECT_EQ(count(database()), 1U);
}

TEST_P(StoreContract, AppliesMigrationsInVersionOrderWhateverTheListOrder) {
    // Version 103 needs the table version 102 creates; the list names 103 first, as when two
    // people each append a migration and the higher number lands first.
    static constexpr std::array<Migration, 2> out_of_order{{
        {103, "uses_probe", "INSERT INTO migration_probe (v) VALUES (103)"},
        {102, "creates_probe", "CREATE TABLE migration_probe (v INTEGER NOT NULL)"},
    }};
    auto raw = backend().connect();
    ASSERT_TRUE(raw.has_value()) << raw.error().describe();
    OtherMigrations connection(std::move(*raw), out_of_order);
    auto applied = migrate(connection);
    ASSERT_TRUE(applied.has_value()) << applied.error().describe();
    EXPECT_EQ(*applied, 2);
    Query probe(connection, "SELECT v FROM migration_probe");
    auto row = probe.next_row();
    ASSERT_TRUE(row.has_value() && *row);
    EXPECT_EQ(probe.row().column_int64(0).value(), 103);
}

}  // namespace dojang::sql::contract
