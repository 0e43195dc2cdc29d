// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/sealed_register.hpp"

#include "dojang/sqlite/sqlite.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

namespace dojang::ra {
namespace {

RegisterKeys keys_of(std::uint8_t fill) {
    return RegisterKeys::from_bytes(SecretBytes(std::vector<std::uint8_t>(64, fill))).value();
}

store::CustomerRecord hong(const std::string& id = "c1") {
    store::CustomerRecord record;
    record.customer_id = id;
    record.name = "홍길동";
    record.birth_date = "1990-01-01";
    record.idn_hash = Bytes(32, id.back() == '1' ? 1 : 2);
    record.idn_ciphertext = Bytes{9, 9};
    record.phone = "01012345678";
    record.email = "hong@example.com";
    record.certificate_serials = {"0a"};
    return record;
}

class SealedRegisterTest : public ::testing::Test {
protected:
    void SetUp() override {
        sqlite::SqliteOptions options;
        options.synchronous = sqlite::Synchronous::normal;
        database_ = std::move(*sqlite::open_sqlite(dir_.path() + "/test.db", options));
    }

    template <typename F>
    void in_tx(F&& body) {
        ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            body(tx);
            return ok();
        }));
    }

    testing::TempDir dir_;
    std::unique_ptr<store::Database> database_;
    RegisterKeys keys_ = keys_of(7);
};

TEST_F(SealedRegisterTest, StoresCiphertextAndReadsBackTheRecord) {
    in_tx([&](store::Transaction& tx) { ASSERT_TRUE(SealedRegister(tx, keys_).upsert(hong())); });
    in_tx([&](store::Transaction& tx) {
        auto raw = tx.customers().find("c1");
        ASSERT_TRUE(raw && *raw);
        for (const std::string* field :
             {&(*raw)->name, &(*raw)->birth_date, &(*raw)->phone, &(*raw)->email}) {
            EXPECT_TRUE(field->starts_with("s1:")) << *field;
        }
        EXPECT_TRUE((*raw)->representative.empty());  // empty stays empty
        EXPECT_TRUE(customer_is_sealed(**raw));
        auto opened = SealedRegister(tx, keys_).find("c1");
        ASSERT_TRUE(opened && *opened);
        EXPECT_EQ((*opened)->name, "홍길동");
        EXPECT_EQ((*opened)->phone, "01012345678");
        EXPECT_EQ((*opened)->email, "hong@example.com");
        EXPECT_EQ((*opened)->birth_date, "1990-01-01");
        auto by_hash = SealedRegister(tx, keys_).find_by_idn_hash(Bytes(32, 1));
        ASSERT_TRUE(by_hash && *by_hash);
        EXPECT_EQ((*by_hash)->email, "hong@example.com");
        auto by_certificate = SealedRegister(tx, keys_).find_by_certificate("0a");
        ASSERT_TRUE(by_certificate && *by_certificate);
        EXPECT_EQ((*by_certificate)->name, "홍길동");
    });
}

TEST_F(SealedRegisterTest, AFieldMovedToAnotherRowOrOpenedWithAnotherKeyFails) {
    in_tx([&](store::Transaction& tx) {
        ASSERT_TRUE(SealedRegister(tx, keys_).upsert(hong("c1")));
        auto other = hong("c2");
        other.phone = "01099998888";
        ASSERT_TRUE(SealedRegister(tx, keys_).upsert(other));
    });
    in_tx([&](store::Transaction& tx) {
        // c2's sealed phone copied onto c1: the AAD names c2, so it does not open as c1's.
        auto c1 = *tx.customers().find("c1");
        auto c2 = *tx.customers().find("c2");
        c1->phone = c2->phone;
        auto moved = open_customer(keys_, *c1);
        ASSERT_FALSE(moved.has_value());
        EXPECT_EQ(moved.error().code, "CUSTOMER_DECRYPT_FAILED");
        auto other_key = open_customer(keys_of(8), *c2);
        ASSERT_FALSE(other_key.has_value());
        EXPECT_EQ(other_key.error().code, "CUSTOMER_DECRYPT_FAILED");
    });
}

TEST_F(SealedRegisterTest, RowsWrittenBeforeSealingAreSealedOnce) {
    in_tx([&](store::Transaction& tx) {
        ASSERT_TRUE(tx.customers().upsert(hong("c1")));  // as an older version stored it
        ASSERT_TRUE(SealedRegister(tx, keys_).upsert(hong("c2")));
    });
    // Read as they are until then.
    in_tx([&](store::Transaction& tx) {
        auto legacy = SealedRegister(tx, keys_).find("c1");
        ASSERT_TRUE(legacy && *legacy);
        EXPECT_EQ((*legacy)->phone, "01012345678");
    });
    auto sealed = seal_legacy_customers(*database_, keys_, 1);  // one row per batch
    ASSERT_TRUE(sealed.has_value()) << sealed.error().describe();
    EXPECT_EQ(*sealed, 1U);
    in_tx([&](store::Transaction& tx) {
        auto raw = tx.customers().find("c1");
        ASSERT_TRUE(raw && *raw);
        EXPECT_TRUE(customer_is_sealed(**raw));
        EXPECT_EQ((*raw)->phone.find("01012345678"), std::string::npos);
        auto opened = SealedRegister(tx, keys_).find("c1");
        ASSERT_TRUE(opened && *opened);
        EXPECT_EQ(**opened, hong("c1"));
    });
    auto again = seal_legacy_customers(*database_, keys_);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0U);
}

}  // namespace
}  // namespace dojang::ra
