// SPDX-License-Identifier: Apache-2.0
#include "dojang/api/routes.hpp"

#include "dojang/api/answers.hpp"
#include "dojang/api/holder_routes.hpp"
#include "dojang/core/text.hpp"
#include "dojang/dto/catalog.hpp"
#include "dojang/dto/dto.hpp"
#include "dojang/http/problem.hpp"

namespace dojang::api {

using http::problem;

namespace {

/// POST /api/v1/certificates: read → validate → authorise and act (ra) → render.
http::Response issue_certificate(ra::ReissueService& reissue, const http::Request& request) {
    auto body = dto::parse_certificate_request(request.body);
    if (!body) {
        return problem(body.error());
    }
    ra::CertificateRequest call;
    call.reference_number = body->reference_number;
    call.authorization_code = body->authorization_code;
    call.csr = to_bytes(body->csr);
    if (body->random_num) {
        auto random_num = from_hex(*body->random_num);
        if (!random_num || random_num->size() != 20) {
            return problem(Error{ErrorKind::invalid_request,
                                 "BODY_INVALID",
                                 "random_num must be 40 hexadecimal digits",
                                 {},
                                 {{"FIELD_INVALID", "random_num must be 40 hexadecimal digits"}}});
        }
        call.random_num = std::move(*random_num);
    }
    auto issued = reissue.issue(call);
    if (!issued) {
        return problem(issued.error());
    }
    dto::CertificateResponse response;
    response.application_id = issued->application_id;
    response.serial = issued->certificate.serial()->hex();
    response.certificate = *issued->certificate.pem();
    response.chain = issued->chain_pem;
    response.not_after = to_rfc3339(issued->certificate.not_after());
    response.confirmation_token = issued->confirmation_token;
    response.confirm_by = to_rfc3339(issued->confirm_by);
    return json(201, dto::to_json(response));
}

/// POST /api/v1/certificates/{serial}/confirm
http::Response confirm_certificate(ra::ReissueService& reissue,
                                   const http::Request& request,
                                   const SerialNumber& serial) {
    auto body = dto::parse_confirm_request(request.body);
    if (!body) {
        return problem(body.error());
    }
    auto confirmed = reissue.confirm(serial, body->confirmation_token);
    if (!confirmed) {
        return problem(confirmed.error());
    }
    return json(200, dto::to_json(dto::ConfirmResponse{serial.hex()}));
}

/// POST /api/v1/applications
http::Response create_application(ra::OnlineApplications& online, const http::Request& request) {
    auto body = dto::parse_application_request(request.body);
    if (!body) {
        return problem(body.error());
    }
    std::vector<Violation> violations;
    ra::OnlineRequest call;
    auto holder = domain::holder_type_from_string(body->holder_type);
    auto reason = domain::reissue_reason_from_string(body->reason);
    if (!holder) {
        violations.push_back({holder.error().code, holder.error().detail});
    }
    if (!reason) {
        violations.push_back({reason.error().code, reason.error().detail});
    }
    if (!violations.empty()) {
        return problem(Error{ErrorKind::invalid_request,
                             "APPLICATION_INVALID",
                             "the application has mistakes (입력 내용을 확인하십시오)",
                             {},
                             std::move(violations)});
    }
    call.holder_type = *holder;
    call.reason = *reason;
    call.name = body->name;
    call.birth_date = body->birth_date;
    call.resident_number = body->resident_number;
    call.phone = body->phone;
    call.email = body->email;
    call.channel = body->channel;
    call.old_serial = body->old_serial;
    call.business_number = body->business_number;
    call.representative_name = body->representative_name;
    call.proxy_name = body->proxy_name;
    call.proxy_phone = body->proxy_phone;
    call.idempotency_key = request.header("idempotency-key");
    call.body = request.body;
    call.client = request.client.empty() ? request.remote_address : request.client;
    auto created = online.apply(call);
    if (!created) {
        return problem(created.error());
    }
    const bool sms = created->channel == "sms";
    dto::ApplicationResponse answer;
    answer.application_id = created->application_id;
    answer.status_token = created->status_token;
    answer.channel = created->channel;
    answer.code_expires_at = to_rfc3339(created->code_expires_at);
    answer.message_en =
        std::string("If the details you gave match our records, a 6-digit code was sent by ") +
        (sms ? "SMS to the mobile number" : "e-mail to the address") +
        " on file, and nowhere else. It is valid for " +
        std::to_string(created->code_valid_minutes) +
        (created->code_valid_minutes == 1 ? " minute. " : " minutes. ") +
        "If it does not arrive or is not accepted, check the phone number first (the most "
        "common mistake), then your name and resident registration number; you may ask for a "
        "new code by SMS or e-mail.";
    answer.message_ko = std::string("입력하신 정보가 등록 정보와 같으면 등록된 ") +
                        (sms ? "휴대폰 번호" : "이메일 주소") +
                        "로만 6자리 인증번호가 발송됩니다 (" +
                        std::to_string(created->code_valid_minutes) +
                        "분간 유효). 받지 못했거나 맞지 않으면 먼저 휴대폰 번호를, 다음으로 "
                        "성명과 주민등록번호를 확인하십시오. 문자나 이메일로 다시 받을 "
                        "수 있습니다.";
    return json(201, dto::to_json(answer));
}

/// The application id in /api/v1/applications/{id}[suffix]; empty when the path is not that.
std::string application_id_of(std::string_view path, std::string_view suffix) {
    constexpr std::string_view prefix = "/api/v1/applications/";
    if (!path.starts_with(prefix) || !path.ends_with(suffix) ||
        path.size() <= prefix.size() + suffix.size()) {
        return {};
    }
    const std::string_view id =
        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (id.find('/') != std::string_view::npos) {
        return {};
    }
    return std::string(id);
}

/// The token of an `Authorization: Bearer` header, or empty.
std::string bearer_token(const http::Request& request) {
    const std::string authorization = request.header("authorization");
    constexpr std::string_view bearer = "Bearer ";
    return authorization.starts_with(bearer) ? authorization.substr(bearer.size()) : std::string();
}

dto::CodesEntry codes_entry(const ra::Codes& codes) {
    return {codes.reference_number, codes.authorization_code, to_rfc3339(codes.expires_at)};
}

http::Response application_status(ra::OnlineApplications& online, const http::Request& request) {
    const std::string id = application_id_of(request.path, "");
    if (id.empty()) {
        return problem(no_such_route());
    }
    auto status = online.status(id, bearer_token(request));
    if (!status) {
        auto response = problem(status.error());
        response.headers.emplace_back("WWW-Authenticate", "Bearer");
        return response;
    }
    dto::ApplicationStatusResponse answer;
    answer.application_id = id;
    answer.status = domain::to_string(status->application.status);
    answer.holder_type = domain::to_string(status->application.holder_type);
    answer.reason = domain::to_string(status->application.reason);
    for (const auto& event : status->events) {
        answer.events.push_back({to_rfc3339(event.at), event.kind, event.detail});
    }
    for (const auto& message : status->messages) {
        answer.messages.push_back(
            {message.channel,
             std::string(store::to_string(message.status)),
             message.attempts,
             to_rfc3339(message.created_at),
             message.sent_at ? std::optional(to_rfc3339(*message.sent_at)) : std::nullopt});
    }
    answer.required_documents = status->required_documents;
    for (const auto& document : status->documents) {
        answer.documents.push_back(document_entry(document));
    }
    if (status->rejection) {
        answer.review =
            dto::RejectionEntry{"rejected", status->rejection->reason, status->rejection->text};
    }
    if (status->codes) {
        answer.codes = codes_entry(*status->codes);
    }
    return json(200, dto::to_json(answer));
}

http::Response application_action(ra::OnlineApplications& online, const http::Request& request) {
    if (std::string id = application_id_of(request.path, "/otp/verify"); !id.empty()) {
        auto body = dto::parse_otp_request(request.body, true);
        if (!body) {
            return problem(body.error());
        }
        auto verified = online.verify(id, body->code.value_or(""));
        if (!verified) {
            return problem(verified.error());
        }
        dto::OtpVerifyResponse answer{
            id, verified->status, std::nullopt, {}, verified->status_token};
        if (verified->codes) {
            answer.codes = codes_entry(*verified->codes);
        } else {
            answer.required_documents = verified->required_documents;
        }
        return json(200, dto::to_json(answer));
    }
    if (std::string id = application_id_of(request.path, "/otp/resend"); !id.empty()) {
        auto body = dto::parse_otp_request(request.body, false);
        if (!body) {
            return problem(body.error());
        }
        auto sent = online.resend(id, body->channel);
        if (!sent) {
            return problem(sent.error());
        }
        return json(202,
                    dto::to_json(dto::OtpResendResponse{
                        id, sent->channel, to_rfc3339(sent->code_expires_at)}));
    }
    if (std::string id = application_id_of(request.path, "/resubmit"); !id.empty()) {
        auto resubmitted = online.resubmit(id, bearer_token(request));
        if (!resubmitted) {
            return problem(resubmitted.error());
        }
        auto status = online.status(id, bearer_token(request));
        if (!status) {
            return problem(status.error());
        }
        return json(200,
                    dto::to_json(dto::OtpVerifyResponse{
                        id,
                        std::string(domain::to_string(status->application.status)),
                        std::nullopt,
                        status->required_documents,
                        {}}));
    }
    return problem(no_such_route());
}

/// The application id and document kind of .../applications/{id}/documents/{kind}.
std::optional<std::pair<std::string, std::string>> upload_target(const std::string& path) {
    constexpr std::string_view marker = "/documents/";
    const auto at = path.rfind(marker);
    if (at == std::string::npos) {
        return std::nullopt;
    }
    std::string id = application_id_of(path.substr(0, at), "");
    std::string kind = path.substr(at + marker.size());
    if (id.empty() || kind.empty()) {
        return std::nullopt;
    }
    return std::pair{std::move(id), std::move(kind)};
}

/// The upload's header alone: the status token, the application's state and the kind are
/// judged before a byte of the file is read.
std::optional<http::Response> check_upload(ra::OnlineApplications& online,
                                           const http::Request& request) {
    const auto target = upload_target(request.path);
    if (!target) {
        return std::nullopt;  // the handler answers 404
    }
    auto allowed = online.may_upload(target->first, bearer_token(request), target->second);
    if (!allowed) {
        return problem(allowed.error());
    }
    return std::nullopt;
}

/// PUT /api/v1/applications/{id}/documents/{kind}: the raw file, Bearer status token.
http::Response upload_document(ra::OnlineApplications& online, const http::Request& request) {
    const auto target = upload_target(request.path);
    if (!target) {
        return problem(no_such_route());
    }
    const auto& [id, kind] = *target;
    auto stored = online.upload_document(
        id, bearer_token(request), kind, request.header("content-type"), to_bytes(request.body));
    if (!stored) {
        return problem(stored.error());
    }
    return json(201, dto::to_json(document_entry(*stored)));
}

/// POST /api/v1/certificates/{serial}/<action>: the confirmation of a reissue (codes and a
/// token), and what the holder signs with a certificate's key (holder_routes.hpp).
http::Response certificate_action(ra::ReissueService& reissue,
                                  const ra::HolderActions* holder,
                                  const http::Request& request) {
    constexpr std::string_view prefix = "/api/v1/certificates/";
    const std::string_view rest = std::string_view(request.path).substr(prefix.size());
    const auto slash = rest.find('/');
    const std::string_view action =
        slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    const bool known = action == "confirm" ||
                       (holder != nullptr && (action == "renewal" || action == "renewal/confirm" ||
                                              action == "revocation"));
    if (!known) {
        return problem(no_such_route());
    }
    auto serial = SerialNumber::from_hex(rest.substr(0, slash));
    if (!serial) {
        return problem(
            Error{ErrorKind::not_found, "CERTIFICATE_NOT_FOUND", "no such certificate", {}, {}});
    }
    if (action == "confirm") {
        return confirm_certificate(reissue, request, *serial);
    }
    if (action == "renewal") {
        return renew_certificate(*holder, request, *serial);
    }
    if (action == "renewal/confirm") {
        return confirm_renewal(*holder, request, *serial);
    }
    return revoke_certificate(*holder, request, *serial);
}

}  // namespace

void add_routes(http::Router& router,
                ra::ReissueService& reissue,
                const ra::HolderActions* holder) {
    router.add(
        "POST",
        "/api/v1/certificates",
        [&reissue](const http::Request& request) { return issue_certificate(reissue, request); },
        http::RouteClass::issuance);
    router.add_prefix(
        "POST",
        "/api/v1/certificates/",
        [&reissue, holder](const http::Request& request) {
            return certificate_action(reissue, holder, request);
        },
        http::RouteClass::issuance);
    router.add(
        "GET",
        "/api/v1/errors",
        [](const http::Request&) { return json(200, dto::to_json(dto::error_catalog())); },
        http::RouteClass::status);
}

void add_application_routes(http::Router& router, ra::OnlineApplications& online) {
    router.add(
        "POST",
        "/api/v1/applications",
        [&online](const http::Request& request) { return create_application(online, request); },
        http::RouteClass::issuance);
    router.add_prefix(
        "GET",
        "/api/v1/applications/",
        [&online](const http::Request& request) { return application_status(online, request); },
        http::RouteClass::status);
    router.add_prefix(
        "POST",
        "/api/v1/applications/",
        [&online](const http::Request& request) { return application_action(online, request); },
        http::RouteClass::issuance);
    router.add_prefix(
        "PUT",
        "/api/v1/applications/",
        [&online](const http::Request& request) { return upload_document(online, request); },
        http::RouteClass::general,
        ra::max_document_bytes);
    router.check_header("PUT", "/api/v1/applications/", [&online](const http::Request& request) {
        return check_upload(online, request);
    });
}

}  // namespace dojang::api
