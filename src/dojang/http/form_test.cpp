// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/form.hpp"

#include <gtest/gtest.h>

namespace dojang::http {
namespace {

TEST(Form, ReadsUrlencodedFields) {
    const auto fields = form_fields("type=0&msg=MII%2Bab%3D%3D&msg2=&ip&port=4512&name=a+b&type=1");
    EXPECT_EQ(fields.at("type"), "0");  // the first of a repeated name
    EXPECT_EQ(fields.at("msg"), "MII+ab==");
    EXPECT_EQ(fields.at("msg2"), "");
    EXPECT_EQ(fields.at("ip"), "");
    EXPECT_EQ(fields.at("port"), "4512");
    EXPECT_EQ(fields.at("name"), "a b");
    EXPECT_TRUE(form_fields("").empty());
    EXPECT_TRUE(form_fields("&&").empty());
}

}  // namespace
}  // namespace dojang::http
