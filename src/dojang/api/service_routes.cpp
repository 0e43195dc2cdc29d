// SPDX-License-Identifier: Apache-2.0
#include "dojang/api/service_routes.hpp"

#include "dojang/dto/dto.hpp"
#include "dojang/http/problem.hpp"

namespace dojang::api {

namespace {

http::Response ca_file(std::string content_type, std::string body) {
    auto response = http::Response::bytes(200, std::move(content_type), std::move(body));
    response.headers.emplace_back("Cache-Control", "max-age=3600, public");
    return response;
}

Result<http::Response> find_ca_file(const std::vector<const ca::Authority*>& authorities,
                                    const pkix::Certificate& vid_certificate,
                                    std::string_view file) {
    if (file == "vid.pem") {
        auto pem = vid_certificate.pem();
        DOJANG_TRY(pem);
        return ca_file("application/x-pem-file", std::move(*pem));
    }
    for (const ca::Authority* authority : authorities) {
        if (file == authority->name + ".pem") {
            // The CA's certificate followed by its issuers: what a relying party needs.
            auto pem = authority->certificate.pem();
            DOJANG_TRY(pem);
            for (const auto& issuer : authority->chain) {
                auto issuer_pem = issuer.pem();
                DOJANG_TRY(issuer_pem);
                *pem += *issuer_pem;
            }
            return ca_file("application/x-pem-file", std::move(*pem));
        }
        if (file == authority->name + ".crt") {
            auto der = authority->certificate.der();
            DOJANG_TRY(der);
            return ca_file("application/pkix-cert", std::string(der->begin(), der->end()));
        }
    }
    return fail(ErrorKind::not_found,
                "CA_NOT_FOUND",
                "no CA certificate called " + std::string(file) + "; try /ca/issuing.pem");
}

std::string text_index(const std::string& base) {
    return "dojangd — 도장 인증서 발급 서버 (certificate authority)\n\n"
           "  " +
           base +
           "/ca/issuing.pem   발급 CA 인증서 체인 (issuing CA chain, PEM)\n"
           "  " +
           base +
           "/ca/root.pem      최상위 인증서 (root certificate)\n"
           "  " +
           base +
           "/ca/vid.pem       VID 암호화용 인증서 (EncryptedVID recipient, PEM)\n"
           "  " +
           base +
           "/crl/issuing.crl  인증서 폐지 목록 (CRL, DER)\n"
           "  " +
           base +
           "/ocsp             OCSP (POST, or GET /ocsp/<base64>)\n"
           "  " +
           base +
           "/healthz          상태 (health)\n"
           "  " +
           base + "/metrics          Prometheus metrics\n";
}

}  // namespace

void add_ca_routes(http::Router& router,
                   std::vector<const ca::Authority*> authorities,
                   const pkix::Certificate& vid_certificate) {
    router.add_prefix(
        "GET",
        "/ca/",
        [authorities = std::move(authorities), &vid_certificate](const http::Request& request) {
            constexpr std::string_view prefix = "/ca/";
            auto found = find_ca_file(
                authorities, vid_certificate, std::string_view(request.path).substr(prefix.size()));
            return found ? std::move(*found) : http::problem(found.error());
        },
        http::RouteClass::status);
}

void add_service_routes(http::Router& router,
                        std::function<Health()> health,
                        const http::Metrics& metrics,
                        const std::string& base_url) {
    router.add(
        "GET",
        "/healthz",
        [health = std::move(health)](const http::Request&) {
            const Health now = health();
            if (!now.unwritable.empty()) {
                return http::problem(Error{ErrorKind::unavailable,
                                           "STORE_NOT_WRITABLE",
                                           now.unwritable,
                                           {},
                                           {},
                                           std::chrono::seconds{30}});
            }
            if (!now.store_answers) {
                return http::problem(Error{ErrorKind::unavailable,
                                           "STORE_UNAVAILABLE",
                                           "the database does not answer",
                                           {},
                                           {}});
            }
            return http::Response::bytes(
                200,
                "application/json",
                dto::to_json(dto::HealthReport{now.ocsp_cached_responses, now.crl_number}));
        },
        http::RouteClass::status);
    router.add("GET", "/", [index = text_index(base_url)](const http::Request& request) {
        // People arrive with a browser: they want the portal, not the operators' index.
        if (request.header("accept").find("text/html") != std::string::npos) {
            http::Response to_portal{303, {{"Location", "/portal/"}}, {}};
            to_portal.headers.emplace_back("Cache-Control", "no-store");
            return to_portal;
        }
        return http::Response::text(200, index);
    });
    router.add(
        "GET",
        "/metrics",
        [&metrics](const http::Request&) {
            return http::Response::bytes(200, "text/plain; version=0.0.4", metrics.render());
        },
        http::RouteClass::status);
    router.add(
        "GET",
        "/api/v1",
        [&router](const http::Request&) {
            std::vector<dto::RouteEntry> routes;
            for (const auto& route : router.routes()) {
                routes.push_back({route.method, route.pattern, route.is_prefix});
            }
            return http::Response::bytes(200, "application/json", dto::to_json(routes));
        },
        http::RouteClass::status);
}

}  // namespace dojang::api
