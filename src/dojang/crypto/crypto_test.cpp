// SPDX-License-Identifier: Apache-2.0
#include "dojang/crypto/openssl.hpp"

#include <gtest/gtest.h>

namespace dojang::crypto {
namespace {

TEST(Digest, Sha256MatchesFips180Vector) {
    EXPECT_EQ(to_hex(sha256(to_bytes("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Random, ReturnsRequestedLengthAndDiffers) {
    auto a = random_bytes(32);
    auto b = random_bytes(32);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->size(), 32U);
    EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace dojang::crypto
