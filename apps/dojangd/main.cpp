// SPDX-License-Identifier: Apache-2.0
// dojangd: the dojang certificate authority server and its operator commands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "applications_command.hpp"
#include "cli_errors.hpp"
#include "commands.hpp"
#include "customers_command.hpp"
#include "data_dir.hpp"
#include "officers_command.hpp"

namespace {

int report(const dojang::Result<void>& result) {
    if (result) {
        return 0;
    }
    dojang::app::print_error(std::cerr, result.error());
    return dojang::app::exit_code(result.error().kind);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace dojang;
    CLI::App app{
        "dojangd — 도장 certificate authority: CA, CRL and OCSP for Korean joint certificates"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "dojangd 0.1.0");
    SystemClock clock;
    int status = 0;

    std::string data = "var/dev";
    auto* init = app.add_subcommand(
        "init", "create a data directory: config, database, CA keys and certificates");
    app::InitOptions init_options;
    init->add_option("--data", data, "data directory to create")->required();
    init->add_option("--listen", init_options.listen, "HOST:PORT the server will listen on");
    init->add_option(
        "--base-url", init_options.base_url, "URL certificates point at (default http://LISTEN)");
    init->add_option(
        "--key-algorithm", init_options.key_algorithm, "rsa2048 | rsa3072 | rsa4096 | p256 | p384");
    init->add_option(
        "--policy-arc", init_options.policy_arc, "OID arc of the certificate policies");
    std::string passphrase_file;
    std::string passphrase_env;
    init->add_option("--passphrase-file",
                     passphrase_file,
                     "file holding the passphrase that encrypts the CA keys");
    init->add_option(
        "--passphrase-env", passphrase_env, "environment variable holding that passphrase");
    init->callback([&] {
        if (!passphrase_file.empty()) {
            init_options.passphrase_file = passphrase_file;
        }
        if (!passphrase_env.empty()) {
            init_options.passphrase_env = passphrase_env;
        }
        std::cout << "creating a dojang CA in " << data << " (generating keys) ...\n" << std::flush;
        auto made = app::init(data, init_options, clock);
        if (made) {
            std::cout << "created " << data << "\n  root CA     " << made->root_subject
                      << "\n  issuing CA  " << made->issuing_subject << "\n";
            if (made->generated_passphrase) {
                std::cout
                    << "\n"
                    << "  !!! DEVELOPMENT MODE: the CA key passphrase was generated and stored in\n"
                    << "  !!!   " << data << "/secrets/ca-passphrase (mode 0600).\n"
                    << "  !!! Anyone who can read that file can use the CA keys. For production, "
                       "run\n"
                    << "  !!! init with --passphrase-env or --passphrase-file and keep the secret "
                       "elsewhere.\n"
                    << "  !!! 개발용 모드: CA 키 암호가 데이터 폴더 안에 저장되었습니다. 운영 "
                       "환경에서는\n"
                    << "  !!! --passphrase-env 또는 --passphrase-file 로 암호를 따로 "
                       "보관하십시오.\n";
            }
            for (const auto& warning : made->warnings) {
                std::cout << "\n  warning: " << warning << "\n";
            }
            std::cout << "\nnext: dojangd serve --data " << data << "\n";
        }
        status = report(made ? Result<void>{} : Result<void>(tl::unexpected(made.error())));
    });

    auto* serve =
        app.add_subcommand("serve", "run the server: OCSP, CRL and CA certificates over HTTP");
    std::string listen;
    serve->add_option("--data", data, "data directory")->required();
    serve->add_option("--listen", listen, "HOST:PORT (overrides the config; port 0 picks one)");
    serve->callback([&] {
        status = report(app::serve(
            data, listen.empty() ? std::nullopt : std::optional<std::string>(listen), clock));
    });

    auto* admin = app.add_subcommand("admin", "operator commands");
    admin->require_subcommand(1);

    auto* issue = admin->add_subcommand("issue", "issue a certificate for a PKCS#10 request");
    app::IssueOptions issue_options;
    std::string subject, idn, random_hex, real_name, keep_not_after;
    issue->add_option("--data", issue_options.data, "data directory")->required();
    issue->add_option("--csr", issue_options.csr_file, "PKCS#10 request (PEM or DER)")->required();
    issue->add_option(
        "--profile", issue_options.profile, "certificate profile (individual, corporate, ...)");
    issue->add_option(
        "--subject",
        subject,
        "subject DN to certify instead of the request's, e.g. 'C=KR,O=dojang,CN=홍길동'");
    issue->add_option(
        "--idn",
        idn,
        "resident (13 digits) or business (10 digits) registration number for the VID "
        "(visible to other users in the process list: prefer --idn-file)");
    std::string idn_file;
    issue->add_option("--idn-file", idn_file, "file holding that number (first line)");
    issue->add_option(
        "--random-hex", random_hex, "R from the holder's key file (40 hex digits), with --idn");
    issue->add_option(
        "--real-name", real_name, "identifyData realName (default: the subject's CN)");
    issue->add_option(
        "--keep-not-after", keep_not_after, "reissue: keep this notAfter (2027-03-25T14:59:59Z)");
    issue->add_option("--out", issue_options.out, "where to write the certificate (PEM)")
        ->required();
    issue->callback([&] {
        auto optional = [](const std::string& text) {
            return text.empty() ? std::nullopt : std::optional<std::string>(text);
        };
        issue_options.subject = optional(subject);
        issue_options.idn = optional(idn);
        if (!idn_file.empty()) {
            auto bytes = read_file(idn_file);
            if (!bytes) {
                status = report(tl::unexpected(bytes.error()));
                return;
            }
            std::string number(bytes->begin(), bytes->end());
            number = number.substr(0, number.find_first_of("\r\n"));
            issue_options.idn = number;
        }
        issue_options.random_hex = optional(random_hex);
        issue_options.real_name = optional(real_name);
        issue_options.keep_not_after = optional(keep_not_after);
        status = report(app::issue(issue_options, clock, std::cout));
    });

    auto* revoke = admin->add_subcommand("revoke", "revoke a certificate");
    std::string serial, reason = "unspecified";
    revoke->add_option("--data", data, "data directory")->required();
    revoke->add_option("--serial", serial, "serial number (hex)")->required();
    revoke->add_option(
        "--reason",
        reason,
        "key_compromise | superseded | affiliation_changed | cessation_of_operation | "
        "certificate_hold | privilege_withdrawn | ca_compromise | unspecified");
    revoke->callback([&] { status = report(app::revoke(data, serial, reason, clock, std::cout)); });

    auto* release = admin->add_subcommand("release-hold", "lift a certificateHold");
    release->add_option("--data", data, "data directory")->required();
    release->add_option("--serial", serial, "serial number (hex)")->required();
    release->callback([&] { status = report(app::release_hold(data, serial, clock, std::cout)); });

    auto* crl = admin->add_subcommand("crl", "publish fresh CRLs now");
    crl->add_option("--data", data, "data directory")->required();
    crl->callback([&] { status = report(app::publish_crl(data, clock, std::cout)); });

    auto* certs = admin->add_subcommand("certs", "certificate records");
    certs->require_subcommand(1);
    auto* list = certs->add_subcommand("list", "list certificates, newest first");
    std::string list_status;
    std::size_t limit = 100;
    list->add_option("--data", data, "data directory")->required();
    list->add_option("--status", list_status, "intended | issued | revoked");
    list->add_option("--limit", limit, "at most this many rows");
    list->callback([&] {
        status = report(app::list_certificates(
            data,
            list_status.empty() ? std::nullopt : std::optional<std::string>(list_status),
            limit,
            std::cout));
    });

    auto* customers = admin->add_subcommand("customers", "the customer register (고객 등록부)");
    customers->require_subcommand(1);
    auto* customers_import = customers->add_subcommand(
        "import",
        "import or update customers from a CSV or JSON file (columns: docs/customers.md); "
        "exit 0 when every row was imported, 2 when some rows were rejected (listed by row)");
    app::CustomersImportOptions customers_options;
    customers_import->add_option("--data", customers_options.data, "data directory")->required();
    customers_import->add_option("FILE", customers_options.file, "customer file")->required();
    customers_import->add_option(
        "--format", customers_options.format, "csv | json | auto (by extension, then content)");
    customers_import->callback([&] {
        auto imported = app::import_customers(customers_options, clock, std::cout, std::cerr);
        status = imported ? (*imported ? 0 : 2) : report(tl::unexpected(imported.error()));
    });
    auto* customers_show = customers->add_subcommand(
        "show", "print one customer, the resident registration number masked");
    std::string customer_id;
    customers_show->add_option("--data", data, "data directory")->required();
    customers_show->add_option("--id", customer_id, "customer_id")->required();
    customers_show->callback(
        [&] { status = report(app::show_customer(data, customer_id, std::cout)); });

    auto* applications =
        admin->add_subcommand("applications", "reissue applications (재발급 신청)");
    applications->require_subcommand(1);
    auto* walk_in = applications->add_subcommand(
        "register",
        "register a holder verified in person (창구 등록): prints the reference number and the "
        "authorization code the holder fetches the certificate with");
    app::WalkInOptions walk_in_options;
    std::string walk_in_idn_file;
    walk_in->add_option("--data", walk_in_options.data, "data directory")->required();
    walk_in->add_option("--holder-type", walk_in_options.holder_type, "individual | corporate");
    walk_in->add_option("--name", walk_in_options.name, "the holder's name (성명 / 법인명)")
        ->required();
    walk_in->add_option("--phone", walk_in_options.phone, "mobile phone, e.g. 010-1234-5678")
        ->required();
    walk_in->add_option("--email", walk_in_options.email, "e-mail address")->required();
    walk_in->add_option(
        "--idn", walk_in_options.idn, "resident registration number (prefer --idn-file)");
    walk_in->add_option(
        "--idn-file", walk_in_idn_file, "file holding the resident registration number");
    walk_in->add_option(
        "--business-number", walk_in_options.business_number, "사업자등록번호 (corporate)");
    walk_in
        ->add_option("--reason",
                     walk_in_options.reason,
                     "expired | forgot_password | lost_device | key_compromise | info_changed | "
                     "algorithm_upgrade | new_device | revocation (폐지 신청: revoke the holder's "
                     "certificates, issue nothing)")
        ->required();
    walk_in->add_option(
        "--old-serial", walk_in_options.old_serial, "serial (hex) of the certificate replaced");
    walk_in->add_flag("--back-office-review",
                      walk_in_options.back_office_review,
                      "the documents go to the review console; the codes work after an officer "
                      "approves (창구 접수, 본사 승인)");
    walk_in->add_flag("--json", walk_in_options.json, "print JSON instead of lines");
    walk_in->callback([&] {
        if (!walk_in_idn_file.empty()) {
            auto bytes = read_file(walk_in_idn_file);
            if (!bytes) {
                status = report(tl::unexpected(bytes.error()));
                return;
            }
            const std::string text(bytes->begin(), bytes->end());
            walk_in_options.idn = text.substr(0, text.find_first_of("\r\n"));
        }
        status = report(app::register_walk_in(walk_in_options, clock, std::cout));
    });

    auto* officers = admin->add_subcommand(
        "officers", "review officers for company and proxy applications (심사자)");
    officers->require_subcommand(1);
    auto* officers_add = officers->add_subcommand(
        "add",
        "add an officer or reset their password (argon2id); --token also prints an API token");
    app::OfficerAddOptions officer_options;
    officers_add->add_option("--data", officer_options.data, "data directory")->required();
    officers_add->add_option("--username", officer_options.username, "a-z 0-9 . - _")->required();
    officers_add->add_option("--name", officer_options.display_name, "display name (표시 이름)");
    officers_add
        ->add_option("--password-file",
                     officer_options.password_file,
                     "file whose first line is the password (at least 12 characters)")
        ->required();
    officers_add->add_flag("--token", officer_options.token, "also make an API token (shown once)");
    officers_add->callback(
        [&] { status = report(app::add_officer(officer_options, clock, std::cout)); });
    auto* officers_unlock = officers->add_subcommand(
        "unlock", "lift the lock ten failed sign-ins put on an officer (잠금 해제)");
    std::string unlock_data;
    std::string unlock_username;
    officers_unlock->add_option("--data", unlock_data, "data directory")->required();
    officers_unlock->add_option("--username", unlock_username, "the officer")->required();
    officers_unlock->callback([&] {
        status = report(app::unlock_officer(unlock_data, unlock_username, clock, std::cout));
    });

    auto* audit = app.add_subcommand("audit", "the hash-chained audit log");
    audit->require_subcommand(1);
    auto* verify = audit->add_subcommand("verify", "check every link of the audit hash chain");
    verify->add_option("--data", data, "data directory")->required();
    verify->callback([&] { status = report(app::verify_audit(data, std::cout)); });
    auto* checkpoint = audit->add_subcommand(
        "checkpoint", "anchor the newest audit entry with a MACed checkpoint (감사 기록 고정)");
    checkpoint->add_option("--data", data, "data directory")->required();
    checkpoint->callback([&] { status = report(app::checkpoint_audit(data, clock, std::cout)); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : 2;
    }
    return status;
}
