// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmp/routes.hpp"

#include "dojang/http/form.hpp"
#include "dojang/http/problem.hpp"

#include <algorithm>

namespace dojang::cmp {
namespace {

/// What the gateway form answers when a message cannot be handled at all: text the Korean
/// clients recognise by "[ERROR" (an error PKIMessage is answered as any other message).
http::Response gateway_error(const std::string& what) {
    return http::Response::text(200, "[ERROR] " + what + "\n");
}

/// POST /cmp/gateway: the form a bank's web page posts for Korean clients (korea.md): `msg`
/// (genm), and with the issuance also `msg2` (ir, kur or krr) and `msg3` (the confirmation),
/// each a base64 PKIMessage. Each goes through the same handler as POST /cmp, in order; the
/// answer is the base64 of msg2's answer when there is one, else msg's. `ip` and `port` (where
/// a bank gateway would relay) are ignored: this server is the CA.
http::Response gateway(Server& server, const http::Request& request) {
    const auto fields = http::form_fields(request.body);
    std::optional<Bytes> reply;
    bool any = false;
    for (const char* name : {"msg", "msg2", "msg3"}) {
        const auto field = fields.find(name);
        if (field == fields.end() || field->second.empty()) {
            continue;
        }
        any = true;
        // Standard base64; a '+' posted without its %2B escape arrives as a space.
        std::string text = field->second;
        std::replace(text.begin(), text.end(), ' ', '+');
        auto der = from_base64(text);
        if (!der) {
            return gateway_error(std::string(name) + " is not base64 (base64 형식이 아닙니다)");
        }
        auto answer = server.handle(*der);
        if (!answer) {
            return gateway_error(answer.error().detail);
        }
        if (!reply || std::string_view(name) == "msg2") {
            reply = std::move(*answer);
        }
    }
    if (!any) {
        return gateway_error("no msg field (msg 항목이 없습니다)");
    }
    return http::Response::text(200, to_base64(*reply));
}

}  // namespace

void add_routes(http::Router& router, Server& server) {
    router.add(
        "POST",
        "/cmp",
        [&server](const http::Request& request) {
            auto answer = server.handle(to_bytes(request.body));
            if (!answer) {
                return http::problem(answer.error());
            }
            return http::Response::bytes(
                200, "application/pkixcmp", std::string(answer->begin(), answer->end()));
        },
        http::RouteClass::issuance);
    router.add(
        "POST",
        "/cmp/gateway",
        [&server](const http::Request& request) { return gateway(server, request); },
        http::RouteClass::issuance);
}

}  // namespace dojang::cmp
