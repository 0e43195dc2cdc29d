// SPDX-License-Identifier: Apache-2.0
// `dojang reissue`: the guided reissue journey over the REST API (docs/openapi.yaml): apply,
// verify the one-time code, upload documents and wait for the officer (companies and proxies),
// then fetch the certificate over CMP with the codes (run_issue()).
#include "dojang/cmpclient/endpoint.hpp"
#include "dojang/cmpclient/rest.hpp"
#include "dojang/core/bytes.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/dto/dto.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <tuple>
#include <vector>

#include "cli_errors.hpp"
#include "holder.hpp"
#include "network_commands.hpp"

namespace dojang::holder {
namespace {

using namespace std::chrono_literals;

Seconds now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

struct ReissueOptions {
    std::string server;
    std::string holder_type;
    std::string reason;
    std::string name;
    std::string resident_number_file;
    std::string business_number;
    std::string representative;
    std::string phone;
    std::string email;
    std::string channel;
    std::string old_serial;
    std::string otp_command;
    std::vector<std::string> documents;
    std::string password_file;
    int poll_seconds = 10;
    int wait_minutes = 24 * 60;
};

/// The REST API of one server, with 503 + Retry-After waited out visibly.
class Api {
public:
    Api(const Say& say, std::string base) : say_(say), base_(std::move(base)) {}

    Result<cmpclient::HttpResponse> send(std::string method,
                                         const std::string& path,
                                         std::string body,
                                         const std::string& content_type = "application/json",
                                         const std::string& token = {}) const {
        cmpclient::HttpRequest request{std::move(method), base_ + path, {}, std::move(body)};
        request.headers.emplace_back("Accept", "application/json");
        if (!request.body.empty() || request.method != "GET") {
            request.headers.emplace_back("Content-Type", content_type);
        }
        if (!token.empty()) {
            request.headers.emplace_back("Authorization", "Bearer " + token);
        }
        if (!idempotency_key_.empty() && request.method == "POST" &&
            path == "/api/v1/applications") {
            request.headers.emplace_back("Idempotency-Key", idempotency_key_);
        }
        return cmpclient::send_with_retry(transport_, request, policy_, busy_countdown(say_), now);
    }

    void set_idempotency_key(std::string key) { idempotency_key_ = std::move(key); }

private:
    const Say& say_;
    std::string base_;
    std::string idempotency_key_;
    cmpclient::Transport transport_ = cmpclient::curl_transport();
    cmpclient::RetryPolicy policy_;
};

/// Asks for a field a flag did not give; without a terminal that is an error naming the flag.
Result<void> ask(const Say& say, std::string& value, std::string_view prompt, const char* flag) {
    if (!value.empty()) {
        return ok();
    }
    if (isatty(STDIN_FILENO) == 0) {
        return fail(
            ErrorKind::invalid_request,
            "FIELD_MISSING",
            std::string(flag) + " is required without a terminal (" + flag + " 옵션이 필요합니다)");
    }
    std::cerr << prompt << std::flush;
    std::getline(std::cin, value);
    if (value.empty()) {
        return fail(ErrorKind::invalid_request,
                    "FIELD_MISSING",
                    std::string(say("값을 입력하지 않았습니다: ", "no value for ")) + flag);
    }
    return ok();
}

/// Runs `--otp-command` and returns the digits it printed; tries a few times while it prints
/// nothing (the message may not have arrived yet).
Result<std::string> code_from_command(const std::string& command) {
    for (int attempt = 0; attempt < 30; ++attempt) {
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
        if (!pipe) {
            return fail(ErrorKind::internal, "OTP_COMMAND_FAILED", "cannot run --otp-command");
        }
        std::string output;
        std::array<char, 256> buffer{};
        while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe.get()) != nullptr) {
            output += buffer.data();
        }
        std::string digits;
        for (const char c : output) {
            if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
                digits.push_back(c);
            } else if (!digits.empty()) {
                break;
            }
        }
        if (!digits.empty()) {
            return digits;
        }
        std::this_thread::sleep_for(1s);
    }
    return fail(ErrorKind::unavailable,
                "OTP_COMMAND_EMPTY",
                "--otp-command printed no code (인증번호를 받지 못했습니다)");
}

/// One answer of the holder at the code prompt: a code, or "r" (resend) / "s" / "e" (switch
/// the channel to SMS / e-mail).
Result<std::string> code_from_terminal(const Say& say) {
    if (isatty(STDIN_FILENO) == 0) {
        return fail(ErrorKind::invalid_request,
                    "FIELD_MISSING",
                    "no terminal to ask for the one-time code; use --otp-command");
    }
    std::cerr << say("인증번호 6자리 (다시 받기 r, 문자로 s, 이메일로 e): ",
                     "one-time code (resend: r, by SMS: s, by e-mail: e): ")
              << std::flush;
    std::string line;
    std::getline(std::cin, line);
    return line;
}

Result<void> resend(const Say& say,
                    const Api& api,
                    const std::string& id,
                    const std::string& channel) {
    dto::OtpRequest body;
    if (!channel.empty()) {
        body.channel = channel;
    }
    auto response =
        api.send("POST", "/api/v1/applications/" + id + "/otp/resend", dto::to_json(body));
    DOJANG_TRY(response);
    if (response->status / 100 != 2) {
        // Too soon (429 + Retry-After) or another refusal: the server's own words.
        app::print_error(std::cerr, cmpclient::error_of(*response));
        return ok();
    }
    std::cout << say("인증번호를 다시 보냈습니다", "sent a new code")
              << (channel.empty() ? "" : " (" + channel + ")") << "\n";
    return ok();
}

/// What the verification step leaves: codes now (individuals) or after review.
struct Verified {
    std::string status;
    std::string reference;
    std::string authorization;
    std::vector<std::string> required_documents;
};

Verified verified_of(const dto::OtpVerifyResponse& answer) {
    if (answer.codes) {
        return {
            answer.status, answer.codes->reference_number, answer.codes->authorization_code, {}};
    }
    return {answer.status, "", "", answer.required_documents};
}

/// The one-time code loop: wrong codes are retried with the server's text, an expired code is
/// resent, a locked application ends the journey.
Result<Verified> verify_code(const Say& say,
                             const Api& api,
                             const std::string& id,
                             const ReissueOptions& options) {
    constexpr int max_attempts = 5;
    int attempts = 0;
    bool resent = false;
    while (attempts < max_attempts) {
        auto code = options.otp_command.empty() ? code_from_terminal(say)
                                                : code_from_command(options.otp_command);
        DOJANG_TRY(code);
        if (*code == "r" || *code == "s" || *code == "e") {
            auto sent = resend(say, api, id, *code == "r" ? "" : (*code == "s" ? "sms" : "email"));
            DOJANG_TRY(sent);
            continue;
        }
        ++attempts;
        // The code as typed, even empty: the server counts that as a wrong code.
        const dto::OtpRequest body{*code, std::nullopt};
        auto response =
            api.send("POST", "/api/v1/applications/" + id + "/otp/verify", dto::to_json(body));
        DOJANG_TRY(response);
        if (response->status == 200) {
            auto answer = dto::parse_otp_verify_response(response->body);
            DOJANG_TRY(answer);
            return verified_of(*answer);
        }
        const Error error = cmpclient::error_of(*response);
        if (error.code == "OTP_LOCKED" || error.code == "APPLICATION_LOCKED" ||
            (error.kind != ErrorKind::unauthenticated && error.code != "OTP_EXPIRED")) {
            return tl::unexpected(error);
        }
        app::print_error(std::cerr, error);
        if (error.code == "OTP_EXPIRED") {
            if (!options.otp_command.empty() && resent) {
                return tl::unexpected(error);
            }
            if (!options.otp_command.empty()) {
                resent = true;
                auto sent = resend(say, api, id, "");
                DOJANG_TRY(sent);
            } else {
                std::cerr << say("r 을 입력하면 새 인증번호를 보냅니다\n",
                                 "type r to get a new code\n");
            }
        }
    }
    return fail(ErrorKind::unauthenticated,
                "OTP_INVALID",
                "the one-time code was not accepted (인증번호가 맞지 않습니다)");
}

/// The media type of a document by its first bytes (the server judges by content too).
std::string media_type_of(const Bytes& content) {
    const auto starts = [&](std::string_view magic) {
        return content.size() >= magic.size() &&
               std::equal(magic.begin(), magic.end(), content.begin(), [](char a, std::uint8_t b) {
                   return static_cast<std::uint8_t>(a) == b;
               });
    };
    if (starts("%PDF-")) {
        return "application/pdf";
    }
    if (starts("\x89PNG\r\n\x1a\n")) {
        return "image/png";
    }
    if (starts("\xff\xd8\xff")) {
        return "image/jpeg";
    }
    return "application/octet-stream";
}

Result<void> upload_documents(const Say& say,
                              const Api& api,
                              const std::string& id,
                              const std::string& token,
                              const ReissueOptions& options,
                              const std::vector<std::string>& required) {
    std::vector<std::string> given;
    for (const auto& document : options.documents) {
        const auto equals = document.find('=');
        if (equals == std::string::npos || equals == 0) {
            return fail(ErrorKind::invalid_request,
                        "DOCUMENT_OPTION_INVALID",
                        "--document takes kind=FILE, e.g. business_registration=reg.pdf");
        }
        const std::string kind = document.substr(0, equals);
        auto content = read_file(document.substr(equals + 1));
        DOJANG_TRY(content);
        auto response = api.send("PUT",
                                 "/api/v1/applications/" + id + "/documents/" + kind,
                                 std::string(content->begin(), content->end()),
                                 media_type_of(*content),
                                 token);
        DOJANG_TRY(response);
        if (response->status / 100 != 2) {
            return tl::unexpected(cmpclient::error_of(*response));
        }
        std::cout << say("서류를 올렸습니다: ", "uploaded: ") << kind << "\n";
        given.push_back(kind);
    }
    Error missing{ErrorKind::invalid_request,
                  "DOCUMENTS_REQUIRED",
                  "these documents are required; give each with --document kind=FILE (필요한 "
                  "서류를 --document 로 지정하십시오)",
                  {},
                  {}};
    for (const auto& kind : required) {
        if (std::find(given.begin(), given.end(), kind) == given.end()) {
            missing.violations.push_back({kind, "required"});
        }
    }
    if (!missing.violations.empty()) {
        return tl::unexpected(std::move(missing));
    }
    return ok();
}

/// Polls the status page until the officer decides; returns the codes of an approval.
Result<Verified> wait_for_review(const Say& say,
                                 const Api& api,
                                 const std::string& id,
                                 const std::string& token,
                                 const ReissueOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const auto limit = std::chrono::minutes{options.wait_minutes};
    for (;;) {
        auto response = api.send("GET", "/api/v1/applications/" + id, "", "", token);
        DOJANG_TRY(response);
        if (response->status != 200) {
            return tl::unexpected(cmpclient::error_of(*response));
        }
        auto answer = dto::parse_application_status_response(response->body);
        DOJANG_TRY(answer);
        const std::string& status = answer->status;
        if (answer->codes) {
            std::cerr << "\n";
            return Verified{
                status, answer->codes->reference_number, answer->codes->authorization_code, {}};
        }
        if (status == "rejected") {
            std::string why;
            if (answer->review) {
                why = answer->review->reason;
                if (!answer->review->text.empty()) {
                    why += ": " + answer->review->text;
                }
            }
            std::cerr << "\n";
            return fail(ErrorKind::forbidden,
                        "APPLICATION_REJECTED",
                        "the application was rejected (신청이 반려되었습니다): " + why);
        }
        if (status != "in_review" && status != "submitted" && status != "verified") {
            std::cerr << "\n";
            return fail(ErrorKind::conflict,
                        "APPLICATION_STATE",
                        "the application is " + status +
                            " and has no codes to show (이미 "
                            "처리된 신청입니다)");
        }
        const auto waited = std::chrono::steady_clock::now() - started;
        if (waited > limit) {
            std::cerr << "\n";
            return fail(ErrorKind::unavailable,
                        "REVIEW_PENDING",
                        "still under review; run dojang reissue again later with the same "
                        "application (심사가 끝나지 않았습니다)");
        }
        std::cerr << "\r" << say("심사를 기다리는 중입니다 (", "waiting for the review (")
                  << std::chrono::duration_cast<std::chrono::minutes>(waited).count()
                  << say("분 경과, 상태 ", " min, status ") << status << ")   " << std::flush;
        std::this_thread::sleep_for(std::chrono::seconds{options.poll_seconds});
    }
}

Result<void> reissue(const GlobalOptions& globals, ReissueOptions options) {
    const Say say = say_for(globals);
    auto endpoint = cmpclient::parse_endpoint(options.server);
    DOJANG_TRY(endpoint);
    // 1. Who applies and why.
    for (auto [value, prompt, flag] :
         {std::tuple{&options.holder_type,
                     say("보유자 유형 (개인 individual / 법인 corporate): ",
                         "holder type (individual / corporate): "),
                     "--holder-type"},
          std::tuple{&options.reason,
                     say("사유 (expired, forgot_password, lost_device, key_compromise, "
                         "info_changed, algorithm_upgrade, new_device): ",
                         "reason (expired, forgot_password, lost_device, key_compromise, "
                         "info_changed, algorithm_upgrade, new_device): "),
                     "--reason"},
          std::tuple{&options.name, say("이름 (법인명): ", "name (company name): "), "--name"},
          std::tuple{&options.phone, say("휴대폰 번호: ", "mobile phone: "), "--phone"},
          std::tuple{&options.email, say("이메일: ", "e-mail: "), "--email"},
          std::tuple{&options.channel,
                     say("인증번호 받을 곳 (sms / email): ", "send the code by (sms / email): "),
                     "--channel"}}) {
        auto asked = ask(say, *value, prompt, flag);
        if (!asked) {
            return asked;
        }
    }
    dto::ApplicationRequest body;
    body.holder_type = options.holder_type;
    body.reason = options.reason;
    body.name = options.name;
    body.phone = options.phone;
    body.email = options.email;
    body.channel = options.channel;
    std::string idn_file;
    if (options.holder_type == "corporate") {
        auto asked = ask(say,
                         options.business_number,
                         say("사업자등록번호: ", "business number: "),
                         "--business-number");
        if (!asked) {
            return asked;
        }
        body.business_number = options.business_number;
        body.representative_name = options.representative;
    } else {
        auto number =
            read_secret(options.resident_number_file,
                        std::string(say("주민등록번호: ", "resident registration number: ")));
        DOJANG_TRY(number);
        body.resident_number.assign(number->chars(), number->size());
        idn_file = options.resident_number_file;
    }
    body.old_serial = options.old_serial;
    // 2. The application; one Idempotency-Key for all its retries, so a 503 never makes two.
    Api api(say, endpoint->url());
    auto key = crypto::random_bytes(16);
    DOJANG_TRY(key);
    api.set_idempotency_key(to_hex(*key));
    // Empty optional members (no representative, no old serial) are left out of the body.
    auto created = api.send("POST", "/api/v1/applications", dto::to_json(body));
    body = {};  // the resident number is not kept longer than the request needs it
    DOJANG_TRY(created);
    if (created->status != 201 && created->status != 200) {
        return tl::unexpected(cmpclient::error_of(*created));
    }
    auto application = dto::parse_application_response(created->body);
    DOJANG_TRY(application);
    const std::string id = application->application_id;
    const std::string token = application->status_token;
    std::cout << say("신청했습니다: ", "applied: ") << id << "\n";
    // The server's message in the holder's language.
    if (const std::string& message =
            say.lang() == Lang::ko ? application->message_ko : application->message_en;
        !message.empty()) {
        std::cout << message << "\n";
    }
    // 3. The one-time code.
    auto verified = verify_code(say, api, id, options);
    DOJANG_TRY(verified);
    // 4. Documents and the officer's decision, when the server asks for them.
    if (verified->reference.empty()) {
        std::cout << say("서류 심사가 필요합니다: ", "documents are reviewed by an officer: ");
        for (const auto& kind : verified->required_documents) {
            std::cout << kind << " ";
        }
        std::cout << "\n";
        auto uploaded =
            upload_documents(say, api, id, token, options, verified->required_documents);
        if (!uploaded) {
            return uploaded;
        }
        verified = wait_for_review(say, api, id, token, options);
        DOJANG_TRY(verified);
    }
    if (verified->reference.empty() || verified->authorization.empty()) {
        return fail(ErrorKind::internal, "CODES_MISSING", "the server gave no codes");
    }
    std::cout << say("본인 확인이 끝났습니다. 참조번호 ", "identity verified. reference number ")
              << verified->reference << "\n";
    // 5. The certificate, over CMP with the codes.
    return run_issue(globals,
                     IssueInput{options.server,
                                verified->reference,
                                SecretBytes(verified->authorization),
                                options.password_file,
                                idn_file});
}

}  // namespace

void add_reissue_command(CLI::App& app, const GlobalOptions& globals, int& status) {
    auto options = std::make_shared<ReissueOptions>();
    auto* command = app.add_subcommand(
        "reissue", "apply for a reissue, verify, and install the new certificate (재발급)");
    command->add_option("--server", options->server, "dojangd URL, http://host:port")->required();
    command->add_option("--holder-type", options->holder_type, "individual | corporate")
        ->check(CLI::IsMember({"individual", "corporate"}));
    command->add_option("--reason",
                        options->reason,
                        "expired | forgot_password | lost_device | key_compromise | "
                        "info_changed | algorithm_upgrade | new_device");
    command->add_option("--name", options->name, "name (company name for corporate)");
    command->add_option("--resident-number-file",
                        options->resident_number_file,
                        "file with the resident registration number");
    command->add_option("--business-number", options->business_number, "사업자등록번호");
    command->add_option("--representative", options->representative, "representative's name");
    command->add_option("--phone", options->phone, "mobile phone number");
    command->add_option("--email", options->email, "e-mail address");
    command->add_option("--channel", options->channel, "sms | email")
        ->check(CLI::IsMember({"sms", "email"}));
    command->add_option("--old-serial", options->old_serial, "serial of the certificate replaced");
    command->add_option("--otp-command",
                        options->otp_command,
                        "a command that prints the one-time code (tests, SMS gateways)");
    command->add_option("--document", options->documents, "kind=FILE, for companies and proxies");
    command->add_option(
        "--password-file", options->password_file, "read the new key password from a file");
    command->add_option("--poll-seconds", options->poll_seconds, "status poll interval")
        ->check(CLI::Range(1, 3600));
    command->add_option("--wait-minutes", options->wait_minutes, "how long to wait for review")
        ->check(CLI::Range(1, 7 * 24 * 60));
    command->callback([&, options] { status = report(reissue(globals, *options)); });
}

}  // namespace dojang::holder
