// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/caching.hpp"

#include <gtest/gtest.h>

namespace dojang::http {
namespace {

using namespace std::chrono_literals;

// RFC 9110 section 5.6.7's own example.
TEST(Caching, HttpDateIsTheImfFixdate) {
    EXPECT_EQ(http_date(Seconds{784111777s}), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(Caching, PercentDecodeKeepsWhatIsNotAnEscape) {
    EXPECT_EQ(percent_decode("MEow%2BAb%3D%3d"), "MEow+Ab==");
    EXPECT_EQ(percent_decode("100%"), "100%");
    EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

TEST(Caching, MaxAgeEndsBeforeNextUpdateAndTheEtagAnswers304) {
    const Bytes body{1, 2, 3};
    const Seconds now{1000000s};
    Request request;
    const auto fresh =
        cacheable(request, "application/pkix-crl", body, {now - 10s, now + 1h}, now, 24h);
    EXPECT_EQ(fresh.status, 200U);
    EXPECT_EQ(fresh.body, std::string("\x01\x02\x03", 3));
    EXPECT_EQ(fresh.header("cache-control"), "max-age=3540, public, no-transform, must-revalidate");
    EXPECT_EQ(fresh.header("expires"), http_date(now + 1h));
    const std::string etag = fresh.header("etag");
    EXPECT_EQ(etag.size(), 34U);
    // Capped by at_most; never negative past nextUpdate.
    EXPECT_EQ(cacheable(request, "x", body, {now, now + 1h}, now, 60s).header("cache-control"),
              "max-age=60, public, no-transform, must-revalidate");
    EXPECT_EQ(cacheable(request, "x", body, {now - 2h, now - 1h}, now, 24h).header("cache-control"),
              "max-age=0, public, no-transform, must-revalidate");
    request.headers.emplace_back("if-none-match", etag);
    const auto same =
        cacheable(request, "application/pkix-crl", body, {now - 10s, now + 1h}, now, 24h);
    EXPECT_EQ(same.status, 304U);
    EXPECT_TRUE(same.body.empty());
    EXPECT_EQ(same.header("etag"), etag);
    const auto other =
        cacheable(request, "application/pkix-crl", Bytes{9}, {now, now + 1h}, now, 24h);
    EXPECT_EQ(other.status, 200U);
}

}  // namespace
}  // namespace dojang::http
