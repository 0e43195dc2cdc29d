// SPDX-License-Identifier: Apache-2.0
#include "dojang/portal/portal.hpp"

#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dojang::portal {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

http::Request get(std::string path) {
    http::Request request;
    request.method = "GET";
    request.path = std::move(path);
    request.target = request.path;
    return request;
}

class PortalTest : public ::testing::Test {
protected:
    PortalTest() {
        const fs::path root = fs::path(temp_.path()) / "dist";
        write(root / "index.html", "<!doctype html><title>apply</title>");
        write(root / "officer.html", "<!doctype html><title>officer</title>");
        write(root / "assets" / "app-AB12CD34.js", "console.log(1)");
        write(root / "assets" / "app-AB12CD34.css", "body{}");
        write(root / "assets" / "app-AB12CD34.js.gz", "gzip bytes of the script");
        write(root / "assets" / "logo.svg", "<svg/>");
        write(root / "assets" / "notes.exe", "MZ");
        write(fs::path(temp_.path()) / "secret.txt", "top secret");
        fs::create_symlink(fs::path(temp_.path()) / "secret.txt", root / "assets" / "link.txt");
        settings_.assets_dir = root.string();
        settings_.organisation = "도장 은행";
        settings_.contact = "1588-0000";
    }

    http::Response fetch(std::string path) {
        http::Router router;
        add_routes(router, settings_);
        return router.dispatch(get(std::move(path)));
    }

    testing::TempDir temp_;
    Settings settings_;
};

TEST_F(PortalTest, ServesTheApplicantShellWithStrictHeaders) {
    const auto response = fetch("/portal/");

    EXPECT_EQ(response.status, 200U);
    EXPECT_EQ(response.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(response.body, "<!doctype html><title>apply</title>");
    const std::string csp = response.header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("object-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(response.header("referrer-policy"), "no-referrer");
    EXPECT_EQ(response.header("cache-control"), "no-cache");
    EXPECT_FALSE(response.header("etag").empty());
}

TEST_F(PortalTest, RedirectsTheBarePathToTheShell) {
    const auto response = fetch("/portal");

    EXPECT_EQ(response.status, 308U);
    EXPECT_EQ(response.header("location"), "/portal/");
}

TEST_F(PortalTest, ServesTheOfficerShellForOfficerPages) {
    for (const char* path : {"/portal/officer", "/portal/officer/", "/portal/officer/queue"}) {
        const auto response = fetch(path);
        EXPECT_EQ(response.status, 200U) << path;
        EXPECT_EQ(response.body, "<!doctype html><title>officer</title>") << path;
        EXPECT_EQ(response.header("cache-control"), "no-cache") << path;
    }
}

TEST_F(PortalTest, HashedAssetsAreImmutableWithTheirContentTypes) {
    const auto script = fetch("/portal/assets/app-AB12CD34.js");
    const auto style = fetch("/portal/assets/app-AB12CD34.css");
    const auto image = fetch("/portal/assets/logo.svg");

    EXPECT_EQ(script.status, 200U);
    EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(script.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(style.header("content-type"), "text/css; charset=utf-8");
    EXPECT_EQ(image.header("content-type"), "image/svg+xml");
    EXPECT_EQ(image.header("cache-control"), "no-cache");
}

http::Response fetch_with(const Settings& settings, http::Request request) {
    http::Router router;
    add_routes(router, settings);
    return router.dispatch(request);
}

TEST_F(PortalTest, SendsTheGzipCopyToClientsThatTakeGzip) {
    auto request = get("/portal/assets/app-AB12CD34.js");
    request.headers.emplace_back("accept-encoding", "br, gzip;q=0.8, deflate");

    const auto packed = fetch_with(settings_, request);
    for (const char* accept : {"GZIP", "x-gzip", "gzip;x=y;q=0.5", "identity, gzip"}) {
        auto other = get("/portal/assets/app-AB12CD34.js");
        other.headers.emplace_back("accept-encoding", accept);
        EXPECT_EQ(fetch_with(settings_, other).header("content-encoding"), "gzip") << accept;
    }

    EXPECT_EQ(packed.status, 200U);
    EXPECT_EQ(packed.body, "gzip bytes of the script");
    EXPECT_EQ(packed.header("content-encoding"), "gzip");
    EXPECT_EQ(packed.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(packed.header("vary"), "Accept-Encoding");
    const auto plain = fetch("/portal/assets/app-AB12CD34.js");
    EXPECT_EQ(plain.body, "console.log(1)");
    EXPECT_EQ(plain.header("content-encoding"), "");
    EXPECT_EQ(plain.header("vary"), "Accept-Encoding");
    EXPECT_NE(plain.header("etag"), packed.header("etag"));
}

TEST_F(PortalTest, SendsThePlainFileWhenGzipIsRefusedOrMissing) {
    for (const char* accept : {"gzip;q=0",
                               "identity",
                               "gzip; q=0.0",
                               "deflate, br",
                               "gzip;Q=0",
                               "gzip;\tq=0",
                               "gzip;q=0;x=y",
                               "gzip;q=nope",
                               "*"}) {
        auto request = get("/portal/assets/app-AB12CD34.js");
        request.headers.emplace_back("accept-encoding", accept);
        const auto response = fetch_with(settings_, request);
        EXPECT_EQ(response.body, "console.log(1)") << accept;
        EXPECT_EQ(response.header("content-encoding"), "") << accept;
    }
    // No .gz beside the style sheet: the file itself, whatever the client takes.
    auto request = get("/portal/assets/app-AB12CD34.css");
    request.headers.emplace_back("accept-encoding", "gzip");
    const auto style = fetch_with(settings_, request);
    EXPECT_EQ(style.body, "body{}");
    EXPECT_EQ(style.header("content-encoding"), "");
}

TEST_F(PortalTest, ServesTheApplicantShellForTheCertificateManager) {
    for (const char* path : {"/portal/certificates", "/portal/certificates/"}) {
        const auto response = fetch(path);
        EXPECT_EQ(response.status, 200U) << path;
        EXPECT_EQ(response.body, "<!doctype html><title>apply</title>") << path;
    }
}

TEST_F(PortalTest, AnswersNotModifiedToAMatchingETag) {
    const auto first = fetch("/portal/assets/app-AB12CD34.js");
    http::Router router;
    add_routes(router, settings_);
    auto request = get("/portal/assets/app-AB12CD34.js");
    request.headers.emplace_back("if-none-match", first.header("etag"));

    const auto again = router.dispatch(request);

    EXPECT_EQ(again.status, 304U);
    EXPECT_TRUE(again.body.empty());
}

TEST_F(PortalTest, RefusesTraversalAndFilesOutsideTheDirectory) {
    for (const char* path : {"/portal/../secret.txt",
                             "/portal/assets/../../secret.txt",
                             "/portal/assets/%2e%2e/%2e%2e/secret.txt",
                             "/portal/assets/..%2f..%2fsecret.txt",
                             "/portal/assets//app-AB12CD34.js",
                             "/portal/assets/.hidden.js",
                             "/portal/assets/link.txt",
                             "/portal/assets\\..\\..\\secret.txt",
                             "/portal/officer/../../secret.txt",
                             "/portal/officer/x.txt",
                             "/portal/assets/",
                             "/portal/assets"}) {
        const auto response = fetch(path);
        EXPECT_EQ(response.status, 404U) << path;
        EXPECT_EQ(response.body.find("top secret"), std::string::npos) << path;
        EXPECT_EQ(response.header("x-content-type-options"), "nosniff") << path;
    }
}

TEST_F(PortalTest, RefusesFilesOfUnknownTypes) {
    EXPECT_EQ(fetch("/portal/assets/notes.exe").status, 404U);
    EXPECT_EQ(fetch("/portal/assets/missing-AB12CD34.js").status, 404U);
    EXPECT_EQ(fetch("/portal/officer.html").status, 404U);
}

TEST_F(PortalTest, ConfigNamesTheOperator) {
    const auto response = fetch("/portal/config.json");

    EXPECT_EQ(response.status, 200U);
    EXPECT_EQ(response.header("content-type"), "application/json");
    EXPECT_EQ(response.body, R"({"organisation":"도장 은행","contact":"1588-0000"})");
    EXPECT_EQ(response.header("cache-control"), "no-cache");
}

TEST_F(PortalTest, AnswersServiceUnavailableWhenThePortalIsNotBuilt) {
    settings_.assets_dir = (fs::path(temp_.path()) / "nothing").string();

    const auto response = fetch("/portal/");

    EXPECT_EQ(response.status, 503U);
    EXPECT_EQ(response.header("content-type"), "text/plain; charset=utf-8");
    EXPECT_NE(response.body.find("not installed"), std::string::npos);
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
}

TEST(PortalDefaults, TheEnvironmentChoosesTheDirectory) {
    ::setenv("DOJANG_PORTAL_DIR", "/srv/portal", 1);
    EXPECT_EQ(default_assets_dir(), "/srv/portal");
    ::unsetenv("DOJANG_PORTAL_DIR");
    EXPECT_NE(default_assets_dir(), "/srv/portal");
}

}  // namespace
}  // namespace dojang::portal
