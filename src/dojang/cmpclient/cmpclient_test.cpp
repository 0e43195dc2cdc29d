// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/cmp_client.hpp"
#include "dojang/cmpclient/endpoint.hpp"
#include "dojang/cmpclient/ocsp_client.hpp"
#include "dojang/cmpclient/rest.hpp"
#include "dojang/cmpclient/trust.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/cmp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>

namespace dojang::cmpclient {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(Endpoint, ParsesHostPortAndPath) {
    auto endpoint = parse_endpoint("http://127.0.0.1:8443/dojang/");
    ASSERT_TRUE(endpoint) << endpoint.error().detail;
    EXPECT_EQ(endpoint->host, "127.0.0.1");
    EXPECT_EQ(endpoint->port, 8443);
    EXPECT_EQ(endpoint->base_path, "/dojang");
    EXPECT_FALSE(endpoint->tls);
    EXPECT_EQ(endpoint->url(), "http://127.0.0.1:8443/dojang");
    EXPECT_EQ(endpoint->path("/cmp"), "/dojang/cmp");
    EXPECT_EQ(endpoint->key(), "127.0.0.1_8443");
}

TEST(Endpoint, DefaultsThePortOfTheScheme) {
    auto endpoint = parse_endpoint("https://ca.example");
    ASSERT_TRUE(endpoint);
    EXPECT_EQ(endpoint->port, 443);
    EXPECT_TRUE(endpoint->tls);
    EXPECT_EQ(endpoint->url(), "https://ca.example");
}

TEST(Endpoint, RefusesWhatIsNoServerUrl) {
    for (const char* url : {"127.0.0.1:8080",
                            "ftp://ca.example",
                            "http://user@ca.example",
                            "http://ca.example/?x=1",
                            "http://:80"}) {
        auto endpoint = parse_endpoint(url);
        ASSERT_FALSE(endpoint) << url;
        EXPECT_EQ(endpoint.error().code, "SERVER_URL_INVALID") << url;
    }
}

TEST(RetryAfter, ReadsDelaySecondsAndHttpDates) {
    const Seconds now{std::chrono::seconds{784111777}};  // Sun, 06 Nov 1994 08:49:37 GMT
    EXPECT_EQ(parse_retry_after("7", now), 7s);
    EXPECT_EQ(parse_retry_after(" 120 ", now), 120s);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30s);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0s);
    EXPECT_EQ(parse_retry_after("", now), std::nullopt);
    EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
    EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
}

struct ScriptedServer {
    std::vector<HttpResponse> answers;
    std::size_t calls = 0;
    Transport transport() {
        return [this](const HttpRequest&) -> Result<HttpResponse> {
            return answers.at(std::min(calls++, answers.size() - 1));
        };
    }
};

TEST(SendWithRetry, WaitsRetryAfterAndTriesAgainAfter503) {
    ScriptedServer server{{{503, "{}", "", "3"}, {503, "{}", "", ""}, {201, "{}", "", ""}}};
    std::vector<std::pair<std::chrono::seconds, int>> waits;
    auto response = send_with_retry(
        server.transport(),
        HttpRequest{},
        RetryPolicy{},
        [&](std::chrono::seconds wait, int attempt, int) { waits.emplace_back(wait, attempt); },
        [] { return Seconds{}; });
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 201);
    EXPECT_EQ(server.calls, 3U);
    ASSERT_EQ(waits.size(), 2U);
    EXPECT_EQ(waits[0], std::make_pair(3s, 2));
    EXPECT_EQ(waits[1], std::make_pair(RetryPolicy{}.default_wait, 3));
}

TEST(SendWithRetry, GivesUpAfterMaxAttemptsAndCapsTheWait) {
    ScriptedServer server{{{503, "{}", "", "86400"}}};
    std::vector<std::chrono::seconds> waits;
    RetryPolicy policy;
    policy.max_attempts = 3;
    policy.max_wait = 10s;
    auto response = send_with_retry(
        server.transport(),
        HttpRequest{},
        policy,
        [&](std::chrono::seconds wait, int, int) { waits.push_back(wait); },
        [] { return Seconds{}; });
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 503);
    EXPECT_EQ(server.calls, 3U);
    EXPECT_EQ(waits, (std::vector<std::chrono::seconds>{10s, 10s}));
}

TEST(SendWithRetry, DoesNotRetryOtherErrors) {
    ScriptedServer server{{{429, "{}", "", "1"}, {201, "{}", "", ""}}};
    int waits = 0;
    auto response = send_with_retry(
        server.transport(),
        HttpRequest{},
        RetryPolicy{},
        [&](std::chrono::seconds, int, int) { ++waits; },
        [] { return Seconds{}; });
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 429);
    EXPECT_EQ(waits, 0);
}

TEST(Problem, BecomesAnErrorWithBothLanguagesAndTheNextStep) {
    HttpResponse response{
        401,
        R"({"type":"/api/v1/errors#OTP_INVALID","title":"Wrong code","title_ko":"코드가 틀립니다",)"
        R"("status":401,"code":"OTP_INVALID","detail":"the code is wrong",)"
        R"("next_step":{"ko":"다시 입력하십시오","en":"type it again"},)"
        R"("violations":[{"code":"ATTEMPTS_LEFT","detail":"4"}]})",
        "application/problem+json",
        ""};
    const Error error = error_of(response);
    EXPECT_EQ(error.kind, ErrorKind::unauthenticated);
    EXPECT_EQ(error.code, "OTP_INVALID");
    EXPECT_NE(error.detail.find("the code is wrong"), std::string::npos);
    EXPECT_NE(error.detail.find("코드가 틀립니다"), std::string::npos);
    EXPECT_NE(error.detail.find("다시 입력하십시오"), std::string::npos);
    ASSERT_EQ(error.violations.size(), 1U);
    EXPECT_EQ(error.violations[0].code, "ATTEMPTS_LEFT");
}

TEST(Problem, MapsStatusesWithoutABodyToTheErrorTable) {
    EXPECT_EQ(error_of({503, "busy", "", "5"}).kind, ErrorKind::unavailable);
    EXPECT_EQ(error_of({503, "busy", "", "5"}).code, "HTTP_503");
    EXPECT_EQ(error_of({409, "", "", ""}).kind, ErrorKind::conflict);
    EXPECT_EQ(error_of({403, "", "", ""}).kind, ErrorKind::forbidden);
    EXPECT_EQ(error_of({422, "", "", ""}).kind, ErrorKind::policy_rejected);
    EXPECT_EQ(error_of({500, "", "", ""}).kind, ErrorKind::internal);
}

TEST(CmpErrors, MapFailureInfoToTheErrorTable) {
    const auto kind_of = [](int bit) {
        return detail::session_error(OSSL_CMP_PKISTATUS_rejection, 1 << bit, "text", "what").kind;
    };
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_badMessageCheck), ErrorKind::unauthenticated);
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_duplicateCertReq), ErrorKind::conflict);
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_notAuthorized), ErrorKind::forbidden);
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_badCertTemplate), ErrorKind::policy_rejected);
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_badPOP), ErrorKind::bad_proof_of_possession);
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_systemUnavail), ErrorKind::unavailable);
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_badRequest), ErrorKind::invalid_request);
    EXPECT_EQ(kind_of(OSSL_CMP_PKIFAILUREINFO_systemFailure), ErrorKind::internal);
}

TEST(CmpErrors, KeepTheCaTextAndCallNoAnswerUnavailable) {
    const Error refused = detail::session_error(OSSL_CMP_PKISTATUS_rejection,
                                                1 << OSSL_CMP_PKIFAILUREINFO_notAuthorized,
                                                "renewal opens on 2026-01-01",
                                                "refused");
    EXPECT_EQ(refused.detail, "refused: renewal opens on 2026-01-01");
    const Error silent = detail::session_error(-1, 0, "", "refused");
    EXPECT_EQ(silent.kind, ErrorKind::unavailable);
    EXPECT_EQ(silent.code, "CMP_TRANSFER_FAILED");
}

TEST(Revocation, ParsesTheReasonsAHolderMayGive) {
    EXPECT_EQ(parse_revocation_reason("keyCompromise"), RevocationReason::key_compromise);
    EXPECT_EQ(parse_revocation_reason("superseded"), RevocationReason::superseded);
    EXPECT_EQ(parse_revocation_reason("cessationOfOperation"),
              RevocationReason::cessation_of_operation);
    EXPECT_EQ(parse_revocation_reason("affiliationChanged"), RevocationReason::affiliation_changed);
    EXPECT_EQ(parse_revocation_reason("unspecified"), RevocationReason::unspecified);
    for (const char* text : {"cACompromise", "keycompromise", "1", ""}) {
        auto reason = parse_revocation_reason(text);
        ASSERT_FALSE(reason) << text;
        EXPECT_EQ(reason.error().code, "REVOCATION_REASON_INVALID");
    }
    EXPECT_EQ(revocation_reason_name(1), "keyCompromise");
    EXPECT_EQ(revocation_reason_name(4), "superseded");
    EXPECT_EQ(revocation_reason_name(7), "reason 7");
}

TEST(AuthorizationSecret, KeepsOnlyTheDigits) {
    const SecretBytes secret = authorization_secret(SecretBytes("1234-5678 9012-3456\n"));
    EXPECT_EQ(std::string(secret.chars(), secret.size()), "1234567890123456");
}

/// A root, an issuing CA under it, an end entity under that, and a stranger root, made by the
/// openssl command line.
class Pki : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string ext = dir_.path() + "/ca.ext";
        std::ofstream(ext) << "basicConstraints=critical,CA:TRUE\n"
                              "keyUsage=critical,keyCertSign,cRLSign\n"
                              "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
        const std::string ee_ext = dir_.path() + "/ee.ext";
        std::ofstream(ee_ext) << "keyUsage=critical,digitalSignature\n"
                                 "authorityInfoAccess=OCSP;URI:http://127.0.0.1:9/ocsp\n";
        const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
        std::string output;
        const std::string script =
            "cd " + dir_.path() + " && openssl req -x509" + key +
            "-keyout root.key -subj /CN=Root -days 30 -out root.pem "
            "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
            "&& openssl req -x509" +
            key +
            "-keyout other.key -subj /CN=Root -days 30 -out other.pem "
            "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
            "&& openssl req -new" +
            key +
            "-keyout ca.key -subj /CN=Issuing -out ca.csr "
            "&& openssl x509 -req -in ca.csr -CA root.pem -CAkey root.key -set_serial 2 "
            "-days 30 -extfile ca.ext -out ca.pem "
            "&& openssl req -new" +
            key +
            "-keyout ee.key -subj /CN=Holder -out ee.csr "
            "&& openssl x509 -req -in ee.csr -CA ca.pem -CAkey ca.key -set_serial 3 -days 30 "
            "-extfile ee.ext -out ee.pem";
        ASSERT_EQ(testing::run(script, &output), 0) << output;
    }

    pkix::Certificate load(const std::string& name) const {
        auto bytes = read_file(dir_.path() + "/" + name);
        EXPECT_TRUE(bytes);
        auto certificate = pkix::Certificate::parse(*bytes);
        EXPECT_TRUE(certificate);
        return std::move(*certificate);
    }

    std::vector<pkix::Certificate> chain() const {
        std::vector<pkix::Certificate> certificates;
        certificates.push_back(load("ca.pem"));
        return certificates;
    }

    Endpoint endpoint() const { return *parse_endpoint("http://127.0.0.1:8080"); }
    fs::path home() const { return fs::path(dir_.path()) / "NPKI"; }

    testing::TempDir dir_;
};

/// A CMP session whose server is busy `busy` times (503, Retry-After: 1) and then answers
/// bytes that are no CMP message; what the session sent and waited is recorded.
struct BusyServer {
    explicit BusyServer(int busy_answers) : busy(busy_answers) {}

    int busy;
    int requests = 0;
    std::vector<std::string> waits;
    std::string content_type;

    Session session(const ServerTrust& trust, bool wait_out) {
        Session made;
        made.trust = &trust;
        made.transport = [this](const HttpRequest& request) -> Result<HttpResponse> {
            ++requests;
            content_type.clear();
            for (const auto& [name, value] : request.headers) {
                if (name == "Content-Type") {
                    content_type = value;
                }
            }
            if (requests <= busy) {
                return HttpResponse{503,
                                    R"({"code":"SERVER_BUSY","title":"busy","detail":"busy"})",
                                    "application/problem+json",
                                    "1"};
            }
            return HttpResponse{200, "not a PKIMessage", "application/pkixcmp", ""};
        };
        if (wait_out) {
            made.busy_wait = [this](std::chrono::seconds wait, int attempt, int max_attempts) {
                waits.push_back(std::to_string(wait.count()) + "s " + std::to_string(attempt) +
                                "/" + std::to_string(max_attempts));
            };
        }
        return made;
    }
};

crypto::PkeyPtr private_key(const std::string& path) {
    auto pem = read_file(path);
    EXPECT_TRUE(pem);
    crypto::BioPtr bio = crypto::memory_bio(*pem);
    return crypto::PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

TEST_F(Pki, ACmpMessageAnswered503IsSentAgainAfterRetryAfter) {
    const ServerTrust trust{endpoint(), load("root.pem"), chain(), home()};
    BusyServer server(2);
    auto key = private_key(dir_.path() + "/ee.key");
    ASSERT_TRUE(key);
    auto revoked = revoke(
        server.session(trust, true), load("ee.pem"), key.get(), RevocationReason::unspecified);
    ASSERT_FALSE(revoked);
    EXPECT_EQ(server.requests, 3);
    EXPECT_EQ(server.waits, (std::vector<std::string>{"1s 2/4", "1s 3/4"}));
    EXPECT_EQ(server.content_type, "application/pkixcmp");
    EXPECT_EQ(revoked.error().code, "CMP_ANSWER_INVALID");  // the third answer was read
}

TEST_F(Pki, WithoutAWaiterABusyServerEndsTheCmpSessionWithItsProblem) {
    const ServerTrust trust{endpoint(), load("root.pem"), chain(), home()};
    BusyServer server(10);
    auto key = private_key(dir_.path() + "/ee.key");
    auto revoked = revoke(
        server.session(trust, false), load("ee.pem"), key.get(), RevocationReason::unspecified);
    ASSERT_FALSE(revoked);
    EXPECT_EQ(server.requests, 1);
    EXPECT_EQ(revoked.error().kind, ErrorKind::unavailable);
    EXPECT_EQ(revoked.error().code, "SERVER_BUSY");
}

TEST_F(Pki, PinsTheRootOnFirstUseAndMatchesItLater) {
    const fs::path folder = trust_folder(home(), endpoint());
    auto first = pin(folder, endpoint(), load("root.pem"), chain());
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_EQ(*first, PinState::first_use);
    auto again = pin(folder, endpoint(), load("root.pem"), chain());
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(*again, PinState::matched);
    auto loaded = load_trust(folder);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    EXPECT_EQ(X509_cmp(loaded->root.get(), load("root.pem").get()), 0);
    ASSERT_EQ(loaded->chain.size(), 1U);
    EXPECT_EQ(loaded->endpoint.url(), "http://127.0.0.1:8080");
}

TEST_F(Pki, RefusesAnotherRootAfterThePin) {
    const fs::path folder = trust_folder(home(), endpoint());
    ASSERT_TRUE(pin(folder, endpoint(), load("root.pem"), chain()));
    auto other = pin(folder, endpoint(), load("other.pem"), {});
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, "ROOT_CHANGED");
    EXPECT_NE(other.error().detail.find(fingerprint(load("root.pem"))), std::string::npos);
    EXPECT_NE(other.error().detail.find(fingerprint(load("other.pem"))), std::string::npos);
}

TEST_F(Pki, RefusesAChainThatDoesNotVerifyToTheRoot) {
    auto pinned = pin(trust_folder(home(), endpoint()), endpoint(), load("other.pem"), chain());
    ASSERT_FALSE(pinned);
    EXPECT_EQ(pinned.error().code, "CHAIN_UNTRUSTED");
    EXPECT_FALSE(fs::exists(trust_folder(home(), endpoint()) / "root.pem"));
}

TEST_F(Pki, FindsTheServerThatIssuedACertificate) {
    ASSERT_TRUE(pin(trust_folder(home(), endpoint()), endpoint(), load("root.pem"), chain()));
    const pkix::Certificate holder = load("ee.pem");
    auto trust = trust_for(home(), holder.get());
    ASSERT_TRUE(trust) << trust.error().describe();
    const pkix::Certificate* issuer = issuer_of(*trust, holder.get());
    ASSERT_NE(issuer, nullptr);
    EXPECT_EQ(issuer->subject(), "CN=Issuing");
    const pkix::Certificate stranger = load("other.pem");
    auto unknown = trust_for(home(), stranger.get());
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, "ISSUER_UNKNOWN");
}

TEST_F(Pki, FingerprintIsWhatOpensslPrints) {
    std::string output;
    ASSERT_EQ(
        testing::run("openssl x509 -in " + dir_.path() + "/root.pem -noout -fingerprint -sha256",
                     &output),
        0);
    EXPECT_NE(output.find(fingerprint(load("root.pem"))), std::string::npos) << output;
}

TEST_F(Pki, ReadsTheOcspUrlOfTheCertificate) {
    EXPECT_EQ(ocsp_urls_of(load("ee.pem").get()),
              std::vector<std::string>{"http://127.0.0.1:9/ocsp"});
    EXPECT_TRUE(ocsp_urls_of(load("root.pem").get()).empty());
}

TEST_F(Pki, ReportsAnUnreachableResponder) {
    auto store = trust_store(ServerTrust{endpoint(), load("root.pem"), chain(), {}});
    ASSERT_TRUE(store);
    // Port 9 (discard) on loopback: nothing listens in a test environment.
    auto answer = check_status(
        "http://127.0.0.1:9/ocsp", load("ee.pem").get(), load("ca.pem").get(), store->get(), 1s);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().kind, ErrorKind::unavailable);
}

}  // namespace
}  // namespace dojang::cmpclient
