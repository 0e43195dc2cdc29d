// SPDX-License-Identifier: Apache-2.0
// The REST handlers through the route table, without sockets: each case is a request and what
// the answer must be, checked against a real RA on SQLite.
#include "dojang/api/routes.hpp"

#include "dojang/api/reason_routes.hpp"
#include "dojang/api/service_routes.hpp"
#include "dojang/ca/test_fixtures.hpp"
#include "dojang/dto/catalog.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace dojang::api {
namespace {

namespace json = boost::json;

http::Request request(std::string method,
                      std::string path,
                      std::string body = {},
                      http::Headers headers = {}) {
    http::Request made;
    made.method = std::move(method);
    made.target = path;
    made.path = std::move(path);
    made.body = std::move(body);
    made.headers = std::move(headers);
    made.remote_address = "198.51.100.7";
    made.client = "198.51.100.7";
    made.request_id = "0000000000000001";
    return made;
}

class RoutesTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
        ASSERT_TRUE(ra::create_register_keys(dir_.path() + "/register.key"));
        auto keys = ra::load_register_keys(dir_.path() + "/register.key");
        ASSERT_TRUE(keys.has_value());
        reissue_.emplace(*database_, *issuer_, ca_.issuing, *keys, clock_, ra::ReissueSettings{});
        online_.emplace(*database_, *reissue_, *keys, clock_);
        review_.emplace(
            *database_, *reissue_, *keys, ra::DocumentFiles(dir_.path() + "/documents"), clock_);
        add_routes(router_, *reissue_);
        add_application_routes(router_, *online_);
        add_reason_routes(router_);
        add_review_routes(router_, *review_);
        add_ca_routes(router_, {&ca_.issuing, &ca_.root}, ca_.responder_certificate);
        add_service_routes(
            router_, [this] { return health_; }, metrics_, "http://ca.example");
    }

    /// A holder registered at the counter, whose codes fetch a certificate.
    ra::Codes walk_in() {
        ra::WalkInRequest walk_in;
        walk_in.name = "홍길동";
        walk_in.phone = "010-1234-5678";
        walk_in.email = "hong@example.com";
        walk_in.resident_number = "900101-1234567";
        walk_in.reason = domain::ReissueReason::forgot_password;
        auto codes = reissue_->register_walk_in(walk_in);
        EXPECT_TRUE(codes.has_value());
        return *codes;
    }

    http::Response dispatch(const http::Request& made) const { return router_.dispatch(made); }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
    std::optional<ra::ReissueService> reissue_;
    std::optional<ra::OnlineApplications> online_;
    std::optional<ra::ReviewService> review_;
    http::Metrics metrics_;
    Health health_;
    http::Router router_;
};

/// What an answer must be: its status and, for a problem, its code.
struct Case {
    std::string name;
    http::Request request;
    unsigned status;
    std::string code;  ///< the problem's code; empty for a success
};

TEST_F(RoutesTest, RefusalsAreCataloguedProblems) {
    const std::string codes_json =
        R"({"reference_number":"1234567890","authorization_code":"1234-5678-9012-3456",)"
        R"("csr":"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"})";
    const std::vector<Case> cases{
        {"not JSON", request("POST", "/api/v1/certificates", "{"), 400, "BODY_INVALID"},
        {"a field missing",
         request("POST", "/api/v1/certificates", R"({"reference_number":"1"})"),
         400,
         "BODY_INVALID"},
        {"random_num not 20 bytes",
         request("POST",
                 "/api/v1/certificates",
                 R"({"reference_number":"1234567890","authorization_code":"1","csr":"x",)"
                 R"("random_num":"abcd"})"),
         400,
         "BODY_INVALID"},
        {"codes nobody was given",
         request("POST", "/api/v1/certificates", codes_json),
         401,
         "AUTHORIZATION_INVALID"},
        {"confirm a serial that is not hex",
         request("POST", "/api/v1/certificates/xyz/confirm", R"({"confirmation_token":"t"})"),
         404,
         "CERTIFICATE_NOT_FOUND"},
        {"confirm on a path without /confirm",
         request("POST", "/api/v1/certificates/0a1b", R"({"confirmation_token":"t"})"),
         404,
         "NOT_FOUND"},
        {"an application that is not JSON",
         request("POST", "/api/v1/applications", "[]"),
         400,
         "BODY_INVALID"},
        {"an application with an unknown reason",
         request("POST",
                 "/api/v1/applications",
                 R"({"holder_type":"individual","reason":"bored","name":"홍길동",)"
                 R"("birth_date":"1990-01-01","phone":"010-1234-5678","email":"hong@example.com",)"
                 R"("channel":"sms"})"),
         400,
         "APPLICATION_INVALID"},
        {"an application's status without its token",
         request("GET", "/api/v1/applications/0123456789abcdef"),
         401,
         "STATUS_TOKEN_INVALID"},
        {"the review queue without a session",
         request("GET", "/api/v1/reviews"),
         401,
         "OFFICER_UNAUTHENTICATED"},
        {"a sign-in of nobody",
         request("POST",
                 "/api/v1/officer/sessions",
                 R"({"username":"nobody","password":"not the password"})"),
         401,
         "OFFICER_SIGN_IN_FAILED"},
        {"a CA file that does not exist", request("GET", "/ca/other.pem"), 404, "CA_NOT_FOUND"},
        {"a path nobody serves", request("GET", "/api/v2/certificates"), 404, "NOT_FOUND"},
        {"a method the route does not take",
         request("DELETE", "/api/v1/errors"),
         405,
         "METHOD_NOT_ALLOWED"},
    };
    for (const auto& test : cases) {
        SCOPED_TRACE(test.name);
        const http::Response response = dispatch(test.request);
        EXPECT_EQ(response.status, test.status) << response.body;
        SCOPED_TRACE(response.body);
        EXPECT_EQ(response.header("content-type"), "application/problem+json");
        EXPECT_EQ(response.header("cache-control"), "no-store");
        const json::value body = json::parse(response.body);
        EXPECT_EQ(body.at("code").as_string(), test.code);
        EXPECT_EQ(body.at("status").as_int64(), test.status);
        // Every code a handler answers is in the catalog, so it has Korean text.
        EXPECT_NE(dto::find_error(test.code), nullptr) << test.code << " is not catalogued";
        EXPECT_TRUE(body.as_object().contains("title_ko"));
    }
}

TEST_F(RoutesTest, CodesFetchACertificateOnceAndTheTokenConfirmsIt) {
    const ra::Codes codes = walk_in();
    const Bytes csr = ca::fixtures::openssl_csr();
    json::object asked{{"reference_number", codes.reference_number},
                       {"authorization_code", codes.authorization_code},
                       {"csr", std::string(csr.begin(), csr.end())}};
    const http::Response issued =
        dispatch(request("POST", "/api/v1/certificates", json::serialize(asked)));
    ASSERT_EQ(issued.status, 201U) << issued.body;
    const json::value certificate = json::parse(issued.body);
    const std::string serial(certificate.at("serial").as_string());
    EXPECT_NE(std::string(certificate.at("certificate").as_string()).find("BEGIN CERTIFICATE"),
              std::string::npos);
    EXPECT_EQ(certificate.at("application_id").as_string(), codes.application_id);

    const http::Response again =
        dispatch(request("POST", "/api/v1/certificates", json::serialize(asked)));
    EXPECT_EQ(again.status, 409U);
    EXPECT_EQ(json::parse(again.body).at("code").as_string(), "AUTHORIZATION_USED");

    const std::string confirm_path = "/api/v1/certificates/" + serial + "/confirm";
    const http::Response wrong =
        dispatch(request("POST", confirm_path, R"({"confirmation_token":"not it"})"));
    EXPECT_EQ(wrong.status, 401U);
    EXPECT_EQ(json::parse(wrong.body).at("code").as_string(), "CONFIRMATION_INVALID");
    const json::object token{{"confirmation_token", certificate.at("confirmation_token")}};
    const http::Response confirmed =
        dispatch(request("POST", confirm_path, json::serialize(token)));
    ASSERT_EQ(confirmed.status, 200U) << confirmed.body;
    EXPECT_EQ(json::parse(confirmed.body).at("status").as_string(), "confirmed");
}

TEST_F(RoutesTest, ServiceRoutesReportHealthAndListEveryRoute) {
    health_.ocsp_cached_responses = 3;
    health_.crl_number = 7;
    const http::Response ok = dispatch(request("GET", "/healthz"));
    EXPECT_EQ(ok.status, 200U);
    EXPECT_EQ(json::parse(ok.body),
              json::parse(R"({"status":"ok","ocsp_cached_responses":3,"crl_number":7})"));

    health_.store_answers = false;
    const http::Response down = dispatch(request("GET", "/healthz"));
    EXPECT_EQ(down.status, 503U);
    EXPECT_EQ(json::parse(down.body).at("code").as_string(), "STORE_UNAVAILABLE");
    health_.unwritable = "the disk of the data directory is full";
    const http::Response full = dispatch(request("GET", "/healthz"));
    EXPECT_EQ(full.status, 503U);
    EXPECT_EQ(json::parse(full.body).at("code").as_string(), "STORE_NOT_WRITABLE");
    EXPECT_EQ(full.header("retry-after"), "30");

    // A browser at / is sent to the portal; curl and scripts get the text index.
    const http::Response browser = dispatch(
        request("GET", "/", {}, {{"accept", "text/html,application/xhtml+xml,*/*;q=0.8"}}));
    EXPECT_EQ(browser.status, 303U);
    EXPECT_EQ(browser.header("location"), "/portal/");
    const http::Response text = dispatch(request("GET", "/", {}, {{"accept", "*/*"}}));
    EXPECT_EQ(text.status, 200U);
    EXPECT_NE(text.body.find("http://ca.example/ca/issuing.pem"), std::string::npos);

    const http::Response index = dispatch(request("GET", "/api/v1"));
    ASSERT_EQ(index.status, 200U);
    std::vector<std::string> listed;
    const json::value routes = json::parse(index.body);
    for (const auto& route : routes.at("routes").as_array()) {
        listed.push_back(std::string(route.at("method").as_string()) + " " +
                         std::string(route.at("path").as_string()));
    }
    EXPECT_EQ(listed.size(), router_.routes().size());
    for (const std::string expected : {"POST /api/v1/certificates",
                                       "GET /api/v1/errors",
                                       "POST /api/v1/applications",
                                       "GET /api/v1/reviews",
                                       "GET /ca/",
                                       "GET /healthz",
                                       "GET /api/v1"}) {
        EXPECT_NE(std::find(listed.begin(), listed.end(), expected), listed.end()) << expected;
    }
}

TEST_F(RoutesTest, ReasonsAreTheRasRulesInOrder) {
    const http::Response answer = dispatch(request("GET", "/api/v1/reasons"));
    ASSERT_EQ(answer.status, 200U);
    const json::value body = json::parse(answer.body);
    const auto& reasons = body.at("reasons").as_array();
    ASSERT_EQ(reasons.size(), ra::reason_rules().size());
    EXPECT_EQ(reasons.at(0),
              json::parse(R"({"code":"expired","old_certificates":"kept",)"
                          R"("issues_certificate":true})"));
    EXPECT_EQ(reasons.at(2),
              json::parse(R"({"code":"lost_device","old_certificates":"revoked_at_once",)"
                          R"("issues_certificate":true})"));
    EXPECT_EQ(reasons.back(),
              json::parse(R"({"code":"revocation","old_certificates":"revoked_at_once",)"
                          R"("issues_certificate":false})"));
}

TEST_F(RoutesTest, CaFilesAreTheChainAndTheDerCertificate) {
    const http::Response chain = dispatch(request("GET", "/ca/issuing.pem"));
    ASSERT_EQ(chain.status, 200U);
    EXPECT_EQ(chain.header("content-type"), "application/x-pem-file");
    EXPECT_EQ(chain.body, *ca_.issuing.certificate.pem() + *ca_.root.certificate.pem());
    const http::Response der = dispatch(request("GET", "/ca/root.crt"));
    ASSERT_EQ(der.status, 200U);
    EXPECT_EQ(to_bytes(der.body), *ca_.root.certificate.der());
    const http::Response vid = dispatch(request("GET", "/ca/vid.pem"));
    EXPECT_EQ(vid.body, *ca_.responder_certificate.pem());
}

}  // namespace
}  // namespace dojang::api
