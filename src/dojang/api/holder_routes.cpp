// SPDX-License-Identifier: Apache-2.0
// What a holder does with a certificate's own key, over REST (for the portal, where CMP is not
// practical): POST /api/v1/certificates/{serial}/renewal, .../renewal/confirm and
// .../revocation. The body is {"signed": base64 of a CMS SignedData (RFC 5652, DER)} made with
// the key of the certificate the path names; its content is a dto::HolderAction naming the
// action and the serial. read → open the signature (pkix) → decide (ra::HolderActions) → render.
#include "dojang/api/holder_routes.hpp"

#include "dojang/api/answers.hpp"
#include "dojang/core/text.hpp"
#include "dojang/dto/dto.hpp"
#include "dojang/http/problem.hpp"
#include "dojang/pkix/signed_data.hpp"

namespace dojang::api {

namespace {

using http::problem;

Error body_invalid(const std::string& text) {
    return Error{ErrorKind::invalid_request, "BODY_INVALID", text, {}, {{"FIELD_INVALID", text}}};
}

/// The signed request of the body, opened: who signed, when, and what (the HolderAction),
/// which must be `action` on `serial`.
struct Opened {
    ra::SignedByHolder signed_by;
    dto::HolderAction action;
};

Result<Opened> open_request(const http::Request& request,
                            std::string_view action,
                            const SerialNumber& serial) {
    auto body = dto::parse_holder_signed_request(request.body);
    DOJANG_TRY(body);
    auto der = from_base64(body->signed_data);
    if (!der) {
        return tl::unexpected(body_invalid("signed must be base64 of a CMS SignedData (DER)"));
    }
    auto opened = pkix::open_signed_data(*der);
    DOJANG_TRY(opened);
    auto content = dto::parse_holder_action(std::string_view(
        reinterpret_cast<const char*>(opened->content.data()), opened->content.size()));
    DOJANG_TRY(content);
    auto named = SerialNumber::from_hex(content->serial);
    if (content->action != action || !named || *named != serial) {
        return fail(ErrorKind::invalid_request,
                    "SIGNED_DATA_MALFORMED",
                    "the signed content must say {\"action\":\"" + std::string(action) +
                        "\",\"serial\":\"" + serial.hex() +
                        "\"} for this route (서명된 내용이 이 요청과 맞지 않습니다)");
    }
    return Opened{ra::SignedByHolder{std::move(opened->signer), opened->signing_time},
                  std::move(*content)};
}

}  // namespace

http::Response renew_certificate(const ra::HolderActions& holder,
                                 const http::Request& request,
                                 const SerialNumber& serial) {
    auto opened = open_request(request, "renew", serial);
    if (!opened) {
        return problem(opened.error());
    }
    if (!opened->action.csr) {
        return problem(body_invalid("a renewal's signed content carries csr (PEM)"));
    }
    auto csr = pkix::Csr::parse(to_bytes(*opened->action.csr));
    if (!csr) {
        return problem(csr.error());
    }
    auto renewed = holder.renew(opened->signed_by, serial, *csr);
    if (!renewed) {
        return problem(renewed.error());
    }
    auto pem = renewed->certificate.pem();
    if (!pem) {
        return problem(pem.error());
    }
    return json(201,
                dto::to_json(dto::RenewalResponse{renewed->serial.hex(),
                                                  *pem,
                                                  to_rfc3339(renewed->certificate.not_after()),
                                                  serial.hex()}));
}

http::Response confirm_renewal(const ra::HolderActions& holder,
                               const http::Request& request,
                               const SerialNumber& serial) {
    auto opened = open_request(request, "confirm_renewal", serial);
    if (!opened) {
        return problem(opened.error());
    }
    auto revoked = holder.confirm_renewal(opened->signed_by, serial);
    if (!revoked) {
        return problem(revoked.error());
    }
    return json(200, dto::to_json(dto::RenewalConfirmResponse{serial.hex(), revoked->hex()}));
}

http::Response revoke_certificate(const ra::HolderActions& holder,
                                  const http::Request& request,
                                  const SerialNumber& serial) {
    auto opened = open_request(request, "revoke", serial);
    if (!opened) {
        return problem(opened.error());
    }
    auto reason =
        domain::revocation_reason_from_string(opened->action.reason.value_or("unspecified"));
    if (!reason) {
        return problem(body_invalid(reason.error().detail));
    }
    auto revoked = holder.revoke(opened->signed_by, serial, *reason);
    if (!revoked) {
        return problem(revoked.error());
    }
    return json(200,
                dto::to_json(dto::RevocationResponse{
                    serial.hex(), "revoked", std::string(domain::to_string(*reason))}));
}

}  // namespace dojang::api
