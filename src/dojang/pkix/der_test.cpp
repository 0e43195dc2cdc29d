// SPDX-License-Identifier: Apache-2.0
#include "dojang/pkix/der.hpp"

#include "dojang/core/bytes.hpp"

#include <gtest/gtest.h>

namespace dojang::pkix {
namespace {

// A PKIHeader as a Korean client sends it (RFC 4210 5.1.1): pvno 2, sender rfc822Name " "
// ([1] IMPLICIT, primitive), recipient an empty directoryName ([4] EXPLICIT), then
// protectionAlg [1] and transactionID [4], both EXPLICIT. The tagged fields share tag
// numbers with the GeneralName choices before them.
const Bytes header{0x30, 0x19,                                            //
                   0x02, 0x01, 0x02,                                      // pvno
                   0x81, 0x01, 0x20,                                      // sender
                   0xA4, 0x02, 0x30, 0x00,                                // recipient
                   0xA1, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2A, 0x03, 0x04,  // protectionAlg
                   0xA4, 0x04, 0x04, 0x02, 0xAB, 0xCD};                   // transactionID

TEST(Der, ExplicitFieldsAreNotTakenFromTheChoicesBeforeThem) {
    const auto protection = explicit_field(header, 1, 3);
    ASSERT_TRUE(protection.has_value());
    EXPECT_EQ(protection->encoding.front(), 0xA1);
    const auto algorithm = explicit_inner(*protection);
    ASSERT_TRUE(algorithm.has_value());
    EXPECT_TRUE(algorithm->is_universal(der_sequence));

    const auto transaction = explicit_field(header, 4, 3);
    ASSERT_TRUE(transaction.has_value());
    const auto id = explicit_inner(*transaction);
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(id->is_universal(der_octet_string));
    EXPECT_EQ(Bytes(id->contents.begin(), id->contents.end()), (Bytes{0xAB, 0xCD}));

    // Without skipping the sender and recipient, [4] is the recipient's directoryName.
    const auto recipient = explicit_field(header, 4, 0);
    ASSERT_TRUE(recipient.has_value());
    EXPECT_EQ(recipient->encoding.size(), 4U);
    // A primitive [1] (the rfc822Name) is never an EXPLICIT field.
    EXPECT_EQ(explicit_field(header, 1, 0)->encoding.front(), 0xA1);
    EXPECT_FALSE(explicit_field(header, 2, 3).has_value());
}

TEST(Der, ReadsTagsAndLengthsAndRefusesWhatIsNotDer) {
    const Bytes integer{0x02, 0x01, 0x05, 0xFF};
    const auto value = read_der_value(integer);
    ASSERT_TRUE(value.has_value());
    EXPECT_TRUE(value->is_universal(der_integer));
    EXPECT_FALSE(value->constructed);
    EXPECT_EQ(value->encoding.size(), 3U);
    EXPECT_EQ(value->rest.size(), 1U);

    EXPECT_FALSE(read_der_value(Bytes{0x30, 0x80, 0x00, 0x00}));  // indefinite length
    EXPECT_FALSE(read_der_value(Bytes{0x04, 0x81, 0x01, 0x00}));  // long form for 1
    EXPECT_FALSE(read_der_value(Bytes{0x24, 0x00}));              // constructed OCTET STRING
    EXPECT_FALSE(read_der_value(Bytes{0x30, 0x03, 0x02, 0x01}));  // runs past the end
    EXPECT_FALSE(read_der_value(Bytes{}));

    Bytes long_form{0x04, 0x81, 0x80};
    long_form.resize(3 + 0x80, 0x00);
    const auto octets = read_der_value(long_form);
    ASSERT_TRUE(octets.has_value());
    EXPECT_EQ(octets->contents.size(), 0x80U);
}

TEST(Der, MembersOfASequenceInOrder) {
    const auto outer = read_der_value(header);
    ASSERT_TRUE(outer.has_value());
    const auto members = der_members(*outer);
    ASSERT_TRUE(members.has_value());
    ASSERT_EQ(members->size(), 5U);
    EXPECT_EQ((*members)[1].tag_class, TagClass::context_specific);
    EXPECT_EQ((*members)[1].tag, 1U);
    EXPECT_FALSE((*members)[1].constructed);
    // A member that does not read spoils the whole list.
    EXPECT_FALSE(der_members(*read_der_value(Bytes{0x30, 0x02, 0x04, 0x05})));
}

}  // namespace
}  // namespace dojang::pkix
