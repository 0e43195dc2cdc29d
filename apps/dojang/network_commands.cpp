// SPDX-License-Identifier: Apache-2.0
#include "network_commands.hpp"

#include "dojang/cmpclient/cmp_client.hpp"
#include "dojang/cmpclient/ocsp_client.hpp"
#include "dojang/cmpclient/trust.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/holder/enrolment.hpp"
#include "dojang/keystore/backup.hpp"
#include "dojang/keystore/key_file.hpp"
#include "dojang/keystore/npki_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>

#include "holder.hpp"

namespace dojang::holder {
namespace {

namespace fs = std::filesystem;
using keystore::NpkiStore;

constexpr auto ocsp_timeout = std::chrono::seconds{20};

std::string serial_hex(const pkix::Certificate& certificate) {
    auto serial = certificate.serial();
    return serial ? serial->hex() : std::string("?");
}

/// Establishes (or checks) the pinned trust of a server and tells the holder about it.
Result<cmpclient::ServerTrust> trust_server(const Say& say,
                                            const fs::path& home,
                                            const cmpclient::Endpoint& endpoint) {
    auto trusted = cmpclient::establish_trust(home, endpoint);
    DOJANG_TRY(trusted);
    auto& [trust, state] = *trusted;
    if (state == cmpclient::PinState::first_use) {
        std::cout << say("이 서버의 최상위 인증서를 처음 받아 고정했습니다 (다음부터 바뀌면 "
                         "거부합니다).\n  인증기관이 알려 준 지문과 같은지 확인하십시오:\n",
                         "pinned this server's root certificate on first use (a different "
                         "root will be refused).\n  Check it against the fingerprint your CA "
                         "publishes:\n")
                  << "  root        " << trust.root.subject() << "\n"
                  << "  SHA-256     " << cmpclient::fingerprint(trust.root) << "\n";
    } else {
        std::cout << say("최상위 인증서가 고정된 것과 같습니다: ",
                         "the root certificate matches the pin: ")
                  << cmpclient::fingerprint(trust.root) << "\n";
    }
    return std::move(trust);
}

/// The trust of the server that issued `certificate`: the named server, else the pinned one.
Result<cmpclient::ServerTrust> trust_of(const Say& say,
                                        const fs::path& home,
                                        const std::string& server,
                                        const pkix::Certificate& certificate) {
    if (!server.empty()) {
        auto endpoint = cmpclient::parse_endpoint(server);
        DOJANG_TRY(endpoint);
        auto stored = cmpclient::load_trust(cmpclient::trust_folder(home, *endpoint));
        if (stored) {
            return stored;
        }
        return trust_server(say, home, *endpoint);
    }
    return cmpclient::trust_for(home, certificate.get());
}

void print_checklist(const Say& say, const fs::path& folder, const NpkiStore& store) {
    const bool backed_up = keystore::last_backup(store).has_value();
    std::cout << "\n"
              << say("재발급 후 확인 목록", "post-reissue checklist") << "\n"
              << "  [✓] " << say("인증서 설치됨: ", "installed: ") << folder.string() << "\n"
              << "  [✓] "
              << say("인증서 암호 설정됨 (PBES2/AES-256, 600,000회)",
                     "password set (PBES2/AES-256, 600,000 iterations)")
              << "\n"
              << "  [" << (backed_up ? "✓" : " ") << "] "
              << say("백업: USB 등 다른 매체에 복사하십시오 — dojang backup <폴더>",
                     "backup: copy it to another medium — dojang backup <folder>")
              << (backed_up ? say(" (이전 백업 있음: 새 인증서로 다시 백업하십시오)",
                                  " (an older backup exists: back up the new certificate)")
                            : "")
              << "\n"
              << "  [ ] "
              << say("다른 기기: 휴대폰·다른 PC 에는 dojang export --pfx 로 옮기십시오 (이전 "
                     "인증서는 더 이상 쓸 수 없습니다)",
                     "other devices: move it with dojang export --pfx (the old certificate no "
                     "longer works)")
              << "\n"
              << "  [ ] "
              << say("새 인증서 등록: 인터넷뱅킹, 홈택스, 정부24, 보험·증권사 등 이용하는 "
                     "곳마다 새 인증서를 등록하십시오",
                     "register the new certificate with every service you use: internet "
                     "banking, Hometax, Government24, insurers, brokers")
              << "\n";
}

/// The identity binding the use case found; its error (VID_MISMATCH) is the command's.
void print_vid(const Say& say, VidCheck vid) {
    std::string_view text;
    switch (vid) {
        case VidCheck::absent:
            text =
                say("없음 — 서버가 R(randomNum)을 반영하지 않았습니다. R 은 개인키 파일에 "
                    "보관했습니다",
                    "none — the server did not use R (randomNum); R is kept in the key file");
            break;
        case VidCheck::unchecked:
            text =
                say("인증기관이 등록부의 식별번호와 R 로 설정했습니다 (확인: dojang "
                    "vid-check --idn-file)",
                    "set by the CA from its register and R (check it with dojang vid-check "
                    "--idn-file)");
            break;
        case VidCheck::matches:
            text = say("식별번호와 일치합니다 (본인 확인 가능)",
                       "matches the identification number and R");
            break;
    }
    std::cout << "VID         " << text << "\n";
}

/// Shows the steps of the issue and renew use cases on stderr, and remembers where the former
/// certificate and key were kept in case the exchange with the CA fails.
class ShownSteps final : public EnrolmentListener {
public:
    ShownSteps(const Say& say, std::string_view requesting) : say_(say), requesting_(requesting) {}

    void generating_key() override {
        std::cerr << say_("이 기기에서 새 키를 만드는 중입니다 (RSA-2048)…",
                          "generating the new key on this device (RSA-2048)…")
                  << std::endl;
    }
    void encrypting_key(int iterations) override { progress(say_, iterations); }
    void requesting() override { std::cerr << requesting_ << std::endl; }
    void kept_previous(const fs::path& folder) override { kept_ = folder; }

    /// After a failed exchange: where the *.old files wait for the holder.
    void show_kept() const {
        if (kept_) {
            std::cerr << say_("이전 인증서와 개인키는 *.old 파일로 남겨 두었습니다: ",
                              "the previous certificate and key are kept as *.old files in ")
                      << kept_->string() << "\n";
        }
    }

private:
    const Say& say_;
    std::string_view requesting_;
    std::optional<fs::path> kept_;
};

}  // namespace

Result<SecretBytes> read_secret(const std::string& file, const std::string& prompt) {
    return read_password(file, prompt);
}

Result<void> run_issue(const GlobalOptions& globals, const IssueInput& input) {
    const Say say = say_for(globals);
    auto endpoint = cmpclient::parse_endpoint(input.server);
    DOJANG_TRY(endpoint);
    // A mistyped reference number never reaches the server (nor pins its root).
    auto reference = check_reference(input.reference);
    DOJANG_TRY(reference);
    IssueRequest request;
    request.reference = input.reference;
    request.code = input.code;
    request.home = keystore::npki_home(globals.home);
    if (!input.idn_file.empty()) {
        auto number = read_password(input.idn_file, "");
        DOJANG_TRY(number);
        request.identification_number = std::move(*number);
    }
    // The CA's root, pinned on first use, is shown before the holder chooses the key password.
    auto trust = trust_server(say, request.home, *endpoint);
    DOJANG_TRY(trust);
    auto password = new_password(say, input.password_file);
    DOJANG_TRY(password);
    request.password = std::move(*password);
    cmpclient::Session session;
    session.trust = &*trust;
    session.busy_wait = busy_countdown(say);
    ShownSteps steps(say,
                     say("인증서를 요청하는 중입니다 (CMP p10cr, R 포함)…",
                         "requesting the certificate (CMP p10cr, with R)…"));
    auto issued = issue_certificate(request, *trust, cmp_enrol(session), steps);
    if (!issued) {
        steps.show_kept();
        return tl::unexpected(issued.error());
    }
    std::cout << say("새 인증서를 발급받아 저장했습니다", "issued and stored the new certificate")
              << "\n"
              << "subject     " << issued->certificate.subject() << "\n"
              << "serial      " << serial_hex(issued->certificate) << "\n"
              << "valid until " << to_rfc3339(issued->certificate.not_after()) << "\n"
              << "R           " << to_hex(issued->random_num) << "\n";
    for (const auto& published : issued->unpinned_ca_pubs) {
        std::cerr << say("경고: 서버가 보낸 caPubs 의 인증서가 고정된 최상위 인증서와 "
                         "다릅니다: ",
                         "warning: a caPubs certificate differs from the pinned root: ")
                  << cmpclient::fingerprint(published) << "\n";
    }
    if (issued->vid) {
        print_vid(say, *issued->vid);
    }
    print_checklist(say, issued->folder, NpkiStore(request.home));
    if (!issued->vid) {
        return tl::unexpected(issued->vid.error());
    }
    return ok();
}

namespace {

struct IssueOptions {
    std::string server;
    std::string reference;
    std::string code_file;
    std::string idn_file;
    std::string password_file;
};

Result<void> issue(const GlobalOptions& globals, const IssueOptions& options) {
    const Say say = say_for(globals);
    auto code = read_secret(options.code_file,
                            std::string(say("인가코드 (16자리): ", "authorization code: ")));
    DOJANG_TRY(code);
    return run_issue(globals,
                     IssueInput{options.server,
                                options.reference,
                                std::move(*code),
                                options.password_file,
                                options.idn_file});
}

struct StoredKey {
    keystore::StoredCertificate entry;
    keystore::DecryptedKey key;
    crypto::PkeyPtr private_key;
};

Result<StoredKey> open_stored(const Say& say,
                              const NpkiStore& store,
                              const std::string& selector,
                              const std::string& password_file,
                              SecretBytes* password_out) {
    auto entry = store.find(selector);
    DOJANG_TRY(entry);
    auto key_file = read_file(entry->key_path().string());
    DOJANG_TRY(key_file);
    auto password =
        read_password(password_file, std::string(say("인증서 암호: ", "certificate password: ")));
    DOJANG_TRY(password);
    auto key = open_key(say, *key_file, *password);
    DOJANG_TRY(key);
    if (!keystore::key_matches_certificate(key->info.get(), entry->certificate.get())) {
        return fail(ErrorKind::invalid_request,
                    "KEY_CERTIFICATE_MISMATCH",
                    "signPri.key is not the key of signCert.der (개인키와 인증서가 맞지 않습니다)");
    }
    auto private_key = keystore::private_key_of(key->info.get());
    DOJANG_TRY(private_key);
    if (password_out != nullptr) {
        *password_out = std::move(*password);
    }
    return StoredKey{std::move(*entry), std::move(*key), std::move(*private_key)};
}

struct RenewOptions {
    std::string serial;
    std::string server;
    std::string password_file;
};

Result<void> renew(const GlobalOptions& globals, const RenewOptions& options) {
    const Say say = say_for(globals);
    const NpkiStore store(keystore::npki_home(globals.home));
    RenewRequest request;
    auto current =
        open_stored(say, store, options.serial, options.password_file, &request.password);
    DOJANG_TRY(current);
    const pkix::Certificate& old_certificate = current->entry.certificate;
    auto trust = trust_of(say, store.home(), options.server, old_certificate);
    DOJANG_TRY(trust);
    request.home = store.home();
    request.folder = current->entry.folder;
    cmpclient::Session session;
    session.trust = &*trust;
    session.busy_wait = busy_countdown(say);
    ShownSteps steps(say,
                     say("갱신을 요청하는 중입니다 (CMP kur, 현재 키로 서명)…",
                         "requesting the renewal (CMP kur, signed with the current key)…"));
    auto renewed =
        renew_certificate(request,
                          current->key.info.get(),
                          cmp_update_key(session, old_certificate, current->private_key.get()),
                          steps);
    if (!renewed) {
        steps.show_kept();
        return tl::unexpected(renewed.error());
    }
    std::cout << say("인증서를 갱신했습니다", "renewed the certificate") << "\n"
              << "old serial  " << serial_hex(old_certificate) << "\n"
              << "serial      " << serial_hex(renewed->certificate) << "\n"
              << "valid until " << to_rfc3339(renewed->certificate.not_after()) << "\n"
              << "folder      " << renewed->folder.string() << "\n";
    return ok();
}

struct RevokeOptions {
    std::string serial;
    std::string server;
    std::string reason;
    std::string password_file;
    bool yes = false;
};

Result<void> confirm(const Say& say, const std::string& question) {
    if (isatty(STDIN_FILENO) == 0) {
        return fail(ErrorKind::invalid_request,
                    "CONFIRMATION_REQUIRED",
                    "no terminal to confirm; add --yes (확인하려면 --yes 를 붙이십시오)");
    }
    std::cerr << question << say(" [예=y / 아니오=N]: ", " [y/N]: ") << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer == "y" || answer == "Y" || answer == "yes" || answer == "예") {
        return ok();
    }
    return fail(ErrorKind::conflict, "CANCELLED", "cancelled; nothing was changed (취소했습니다)");
}

Result<void> revoke(const GlobalOptions& globals, const RevokeOptions& options) {
    const Say say = say_for(globals);
    auto reason = cmpclient::parse_revocation_reason(options.reason);
    DOJANG_TRY(reason);
    const NpkiStore store(keystore::npki_home(globals.home));
    auto entry = store.find(options.serial);
    DOJANG_TRY(entry);
    if (!options.yes) {
        auto confirmed =
            confirm(say,
                    std::string(say("이 인증서를 폐지합니다. 되돌릴 수 없습니다: ",
                                    "revoke this certificate? This is final: ")) +
                        entry->certificate.subject() + " [" + serial_hex(entry->certificate) + "]");
        if (!confirmed) {
            return confirmed;
        }
    }
    auto current = open_stored(say, store, options.serial, options.password_file, nullptr);
    DOJANG_TRY(current);
    auto trust = trust_of(say, store.home(), options.server, current->entry.certificate);
    DOJANG_TRY(trust);
    cmpclient::Session session;
    session.trust = &*trust;
    session.busy_wait = busy_countdown(say);
    auto revoked =
        cmpclient::revoke(session, current->entry.certificate, current->private_key.get(), *reason);
    if (!revoked) {
        return revoked;
    }
    std::cout << say("인증서를 폐지했습니다", "revoked the certificate") << " (" << options.reason
              << ")\n"
              << "serial      " << serial_hex(current->entry.certificate) << "\n"
              << say("더 이상 이 인증서로 로그인·서명할 수 없습니다. 파일은 ",
                     "it no longer works for log-in or signing; its files stay in ")
              << current->entry.folder.string() << say(" 에 남아 있습니다.\n", ".\n");
    return ok();
}

struct StatusOptions {
    std::string server;
    std::string ocsp_url;
};

Result<void> status(const GlobalOptions& globals, const StatusOptions& options) {
    const Say say = say_for(globals);
    const NpkiStore store(keystore::npki_home(globals.home));
    auto entries = store.list();
    DOJANG_TRY(entries);
    if (entries->empty()) {
        std::cout << say("저장된 인증서가 없습니다: ", "no certificates in ")
                  << store.home().string() << "\n";
        return ok();
    }
    std::optional<Error> failure;
    int index = 0;
    for (const auto& entry : *entries) {
        std::cout << "[" << ++index << "] " << entry.certificate.subject() << "\n"
                  << "    serial    " << serial_hex(entry.certificate) << "\n";
        auto trust = trust_of(say, store.home(), options.server, entry.certificate);
        if (!trust) {
            std::cout << "    status    unknown "
                      << say("(발급 기관을 확인할 수 없습니다: ", "(cannot check: ")
                      << trust.error().detail << ")\n";
            continue;
        }
        const pkix::Certificate* issuer = cmpclient::issuer_of(*trust, entry.certificate.get());
        auto store_of = cmpclient::trust_store(*trust);
        if (issuer == nullptr || !store_of) {
            std::cout << "    status    unknown "
                      << say("(발급 기관 인증서가 없습니다)", "(issuer certificate not known)")
                      << "\n";
            continue;
        }
        // The certificate's own OCSP URL first, then the server it came from (a server that
        // listens on another address than its certificates name).
        std::vector<std::string> urls;
        if (!options.ocsp_url.empty()) {
            urls.push_back(options.ocsp_url);
        } else {
            urls = cmpclient::ocsp_urls_of(entry.certificate.get());
            const std::string fallback = trust->endpoint.url() + "/ocsp";
            if (std::find(urls.begin(), urls.end(), fallback) == urls.end()) {
                urls.push_back(fallback);
            }
        }
        Result<cmpclient::StatusAnswer> answer =
            fail(ErrorKind::not_found, "OCSP_URL_MISSING", "the certificate names no OCSP URL");
        for (const auto& url : urls) {
            answer = cmpclient::check_status(
                url, entry.certificate.get(), issuer->get(), store_of->get(), ocsp_timeout);
            if (answer) {
                break;
            }
        }
        if (!answer) {
            std::cout << "    status    " << say("확인 실패: ", "check failed: ")
                      << answer.error().detail << "\n";
            failure = answer.error();
            continue;
        }
        switch (answer->status) {
            case cmpclient::CertificateStatus::good:
                std::cout << "    status    good" << say(" (유효)", "") << "\n";
                break;
            case cmpclient::CertificateStatus::revoked:
                std::cout << "    status    revoked ("
                          << cmpclient::revocation_reason_name(answer->reason.value_or(0)) << ")"
                          << say(" (폐지됨)", "");
                if (answer->revoked_at) {
                    std::cout << " " << to_rfc3339(*answer->revoked_at);
                }
                std::cout << "\n";
                break;
            case cmpclient::CertificateStatus::unknown:
                std::cout << "    status    unknown" << say(" (알 수 없음)", "") << "\n";
                break;
        }
        std::cout << "    OCSP      " << answer->url << "\n";
    }
    if (failure) {
        return tl::unexpected(*failure);
    }
    return ok();
}

}  // namespace

void add_network_commands(CLI::App& app, const GlobalOptions& globals, int& status_out) {
    auto issue_options = std::make_shared<IssueOptions>();
    auto* issue_command = app.add_subcommand(
        "issue", "fetch a certificate with the reference number and authorization code (발급)");
    issue_command->add_option("--server", issue_options->server, "dojangd URL, http://host:port")
        ->required();
    issue_command->add_option("--ref", issue_options->reference, "reference number (참조번호)")
        ->required();
    issue_command->add_option(
        "--code-file", issue_options->code_file, "read the authorization code from a file");
    issue_command->add_option(
        "--idn-file",
        issue_options->idn_file,
        "file with the resident or business registration number, for the VID check");
    issue_command->add_option(
        "--password-file", issue_options->password_file, "read the new password from a file");
    issue_command->callback(
        [&, issue_options] { status_out = report(issue(globals, *issue_options)); });

    auto renew_options = std::make_shared<RenewOptions>();
    auto* renew_command = app.add_subcommand(
        "renew", "renew a certificate before it expires, signed with its key (갱신)");
    renew_command->add_option("--serial", renew_options->serial, "serial or subject");
    renew_command->add_option(
        "--server", renew_options->server, "dojangd URL (default: the server that issued it)");
    renew_command->add_option(
        "--password-file", renew_options->password_file, "read the key password from a file");
    renew_command->callback(
        [&, renew_options] { status_out = report(renew(globals, *renew_options)); });

    auto revoke_options = std::make_shared<RevokeOptions>();
    auto* revoke_command =
        app.add_subcommand("revoke", "revoke a certificate, signed with its key (폐지)");
    revoke_command->add_option("--serial", revoke_options->serial, "serial or subject");
    revoke_command
        ->add_option("--reason",
                     revoke_options->reason,
                     "keyCompromise | superseded | cessationOfOperation | affiliationChanged | "
                     "unspecified")
        ->required();
    revoke_command->add_option(
        "--server", revoke_options->server, "dojangd URL (default: the server that issued it)");
    revoke_command->add_option(
        "--password-file", revoke_options->password_file, "read the key password from a file");
    revoke_command->add_flag("--yes", revoke_options->yes, "do not ask for confirmation");
    revoke_command->callback(
        [&, revoke_options] { status_out = report(revoke(globals, *revoke_options)); });

    auto status_options = std::make_shared<StatusOptions>();
    auto* status_command =
        app.add_subcommand("status", "ask OCSP for the status of every stored certificate (상태)");
    status_command->add_option(
        "--server", status_options->server, "dojangd URL (default: the server that issued each)");
    status_command->add_option(
        "--ocsp-url", status_options->ocsp_url, "ask this OCSP responder instead");
    status_command->callback(
        [&, status_options] { status_out = report(status(globals, *status_options)); });
}

}  // namespace dojang::holder
