// SPDX-License-Identifier: Apache-2.0
#include "dojang/domain/application.hpp"
#include "dojang/domain/certificate.hpp"

#include <gtest/gtest.h>

namespace dojang::domain {
namespace {

TEST(RevocationReason, ParsesSnakeAndCamelCase) {
    EXPECT_EQ(*revocation_reason_from_string("key_compromise"), RevocationReason::key_compromise);
    EXPECT_EQ(*revocation_reason_from_string("keyCompromise"), RevocationReason::key_compromise);
    EXPECT_EQ(*revocation_reason_from_string("certificateHold"),
              RevocationReason::certificate_hold);
    EXPECT_FALSE(revocation_reason_from_string("removeFromCRL").has_value());
    EXPECT_FALSE(revocation_reason_from_code(7).has_value());
    EXPECT_EQ(*revocation_reason_from_code(9), RevocationReason::privilege_withdrawn);
}

TEST(ReissueReason, NamesRoundTripAndUnknownOnesAreRefused) {
    for (const auto reason : {ReissueReason::expired,
                              ReissueReason::forgot_password,
                              ReissueReason::lost_device,
                              ReissueReason::key_compromise,
                              ReissueReason::info_changed,
                              ReissueReason::algorithm_upgrade,
                              ReissueReason::new_device,
                              ReissueReason::revocation}) {
        EXPECT_EQ(*reissue_reason_from_string(to_string(reason)), reason);
    }
    EXPECT_EQ(reissue_reason_from_string("bored").error().code, "REASON_INVALID");
    EXPECT_EQ(*holder_type_from_string("corporate"), HolderType::corporate);
    EXPECT_EQ(holder_type_from_string("company").error().code, "HOLDER_TYPE_INVALID");
}

}  // namespace
}  // namespace dojang::domain
