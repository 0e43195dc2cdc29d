// SPDX-License-Identifier: Apache-2.0
#include "dojang/store/store.hpp"

#include <gtest/gtest.h>

namespace dojang::store {
namespace {

TEST(AuditHash, ChangesWhenAnyFieldChanges) {
    AuditEntry entry;
    entry.sequence = 1;
    entry.actor = "operator";
    entry.action = "certificate.issue";
    entry.subject = "0a";
    entry.details = "{}";
    const std::string zeros(64, '0');
    const std::string base = audit_hash(zeros, entry);
    EXPECT_EQ(base.size(), 64U);
    EXPECT_EQ(audit_hash(zeros, entry), base);
    AuditEntry changed = entry;
    changed.subject = "0b";
    EXPECT_NE(audit_hash(zeros, changed), base);
    // Moving text between fields must not collide.
    AuditEntry shifted = entry;
    shifted.actor = "operatorcertificate.issue";
    shifted.action = "";
    EXPECT_NE(audit_hash(zeros, shifted), base);
    EXPECT_NE(audit_hash(std::string(64, '1'), entry), base);
}

}  // namespace
}  // namespace dojang::store
