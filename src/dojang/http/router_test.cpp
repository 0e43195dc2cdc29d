// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/router.hpp"

#include <gtest/gtest.h>

namespace dojang::http {
namespace {

Request make_request(std::string method, std::string path) {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.target = request.path;
    return request;
}

Handler answer(std::string text) {
    return [text = std::move(text)](const Request&) { return Response::text(200, text); };
}

TEST(Router, RunsTheHandlerOfAnExactPath) {
    Router router;
    router.add("GET", "/health", answer("ok"));

    const Response response = router.dispatch(make_request("GET", "/health"));

    EXPECT_EQ(response.status, 200U);
    EXPECT_EQ(response.body, "ok");
}

TEST(Router, PrefersExactPathsAndLongerPrefixes) {
    Router router;
    router.add_prefix("GET", "/ocsp/", answer("short"));
    router.add_prefix("GET", "/ocsp/v2/", answer("long"));
    router.add("GET", "/ocsp/v2/exact", answer("exact"));

    EXPECT_EQ(router.dispatch(make_request("GET", "/ocsp/abc")).body, "short");
    EXPECT_EQ(router.dispatch(make_request("GET", "/ocsp/v2/abc")).body, "long");
    EXPECT_EQ(router.dispatch(make_request("GET", "/ocsp/v2/exact")).body, "exact");
}

TEST(Router, AnswersUnknownPathsWith404Problem) {
    Router router;
    router.add("GET", "/health", answer("ok"));

    const Response response = router.dispatch(make_request("GET", "/nothing"));

    EXPECT_EQ(response.status, 404U);
    EXPECT_EQ(response.header("content-type"), "application/problem+json");
    EXPECT_NE(response.body.find(R"("status":404)"), std::string::npos);
}

TEST(Router, AnswersWrongMethodWith405AndAllow) {
    Router router;
    router.add("GET", "/certs", answer("list"));
    router.add("POST", "/certs", answer("made"));

    const Response response = router.dispatch(make_request("DELETE", "/certs"));

    EXPECT_EQ(response.status, 405U);
    EXPECT_EQ(response.header("Allow"), "GET, HEAD, POST");
}

TEST(Router, AnswersHeadWithTheGetRoute) {
    Router router;
    router.add("GET", "/crl", answer("crl"));

    const Route* route = router.match(make_request("HEAD", "/crl"), nullptr);

    ASSERT_NE(route, nullptr);
    EXPECT_EQ(route->pattern, "/crl");
}

TEST(Router, LaterRouteReplacesTheSameMethodAndPath) {
    Router router;
    router.add("GET", "/x", answer("first"));
    router.add("GET", "/x", answer("second"));

    EXPECT_EQ(router.dispatch(make_request("GET", "/x")).body, "second");
}

}  // namespace
}  // namespace dojang::http
