// SPDX-License-Identifier: Apache-2.0
// The compromised-key blocklist part of the store contract (see contract_test.hpp).
#include "dojang/sql/contract_test.hpp"

namespace dojang::sql::contract {
namespace {

TEST_P(StoreContract, BlocksAKeyOnceAndRemembersIt) {
    const Bytes key(32, 0xab);
    const Bytes other(32, 0xcd);
    const SerialNumber serial = *SerialNumber::from_hex("0a");
    const Seconds at{std::chrono::seconds{1'700'000'000}};
    std::vector<bool> seen;
    ASSERT_TRUE(database().transact([&](store::Transaction& tx) -> Result<void> {
        seen.push_back(*tx.certificates().is_key_blocked(key));
        auto first = tx.certificates().block_key(key, serial, at);
        auto again = tx.certificates().block_key(key, serial, at);  // not an error
        if (!first || !again) {
            return fail(ErrorKind::internal, "X", "block_key failed");
        }
        seen.push_back(*tx.certificates().is_key_blocked(key));
        seen.push_back(*tx.certificates().is_key_blocked(other));
        return ok();
    }));
    EXPECT_EQ(seen, (std::vector<bool>{false, true, false}));
    // A rolled-back block leaves nothing behind.
    auto rolled_back = database().transact([&](store::Transaction& tx) -> Result<void> {
        (void)tx.certificates().block_key(other, serial, at);
        return fail(ErrorKind::conflict, "X", "roll back");
    });
    EXPECT_FALSE(rolled_back.has_value());
    bool blocked = true;
    ASSERT_TRUE(database().transact([&](store::Transaction& tx) -> Result<void> {
        blocked = *tx.certificates().is_key_blocked(other);
        return ok();
    }));
    EXPECT_FALSE(blocked);
}

}  // namespace
}  // namespace dojang::sql::contract
