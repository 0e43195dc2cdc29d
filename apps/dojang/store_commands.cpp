// SPDX-License-Identifier: Apache-2.0
#include "store_commands.hpp"

#include "dojang/core/text.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/holder/identity.hpp"
#include "dojang/holder/password.hpp"
#include "dojang/keystore/backup.hpp"
#include "dojang/keystore/key_file.hpp"
#include "dojang/keystore/npki_store.hpp"
#include "dojang/keystore/pkcs12.hpp"
#include "dojang/npki/random_num.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "holder.hpp"

namespace dojang::holder {

Say say_for(const GlobalOptions& globals) {
    if (globals.lang == "en") {
        return Say(Lang::en);
    }
    if (globals.lang == "ko") {
        return Say(Lang::ko);
    }
    return Say(locale_lang());
}

namespace {

constexpr long slow_iterations = 100'000;

}  // namespace

void progress(const Say& say, long iterations) {
    if (iterations >= slow_iterations) {
        std::cerr << say("암호 키를 계산하는 중입니다 (PBKDF2 ", "deriving the key (PBKDF2, ")
                  << iterations << say("회)…", " iterations)…") << std::endl;
    }
}

Result<keystore::DecryptedKey> open_key(const Say& say,
                                        const Bytes& key_file,
                                        const SecretBytes& password) {
    auto header = keystore::inspect_key_file(key_file);
    DOJANG_TRY(header);
    progress(say, header->iterations);
    return keystore::read_key_file(key_file, password);
}

namespace {

namespace fs = std::filesystem;
using keystore::NpkiStore;
using keystore::StoredCertificate;

constexpr auto kst = std::chrono::hours{9};
constexpr int expiry_warning_days = 30;

Seconds now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

long days_left(const pkix::Certificate& certificate) {
    const auto left = certificate.not_after() - now();
    return static_cast<long>(std::chrono::floor<std::chrono::days>(left).count());
}

std::string serial_text(const pkix::Certificate& certificate) {
    auto serial = certificate.serial();
    return (serial ? serial->hex() : std::string("?")) + " (" +
           keystore::serial_decimal(certificate.get()) + ")";
}

std::string kst_text(Seconds at) {
    return to_rfc3339(at + kst).substr(0, 19) + " KST";
}

std::string random_num_text(const PKCS8_PRIV_KEY_INFO* info) {
    auto random_num = npki::random_num_of(info);
    if (!random_num || !*random_num) {
        return "-";
    }
    return to_hex(**random_num);
}

void print_certificate(const pkix::Certificate& certificate) {
    // Field labels stay as they are: scripts read this output.
    std::cout << "subject     " << certificate.subject() << "\n"
              << "issuer      " << pkix::name_to_string(X509_get_issuer_name(certificate.get()))
              << "\n"
              << "serial      " << serial_text(certificate) << "\n"
              << "valid from  " << to_rfc3339(certificate.not_before()) << "\n"
              << "valid until " << to_rfc3339(certificate.not_after()) << "  ("
              << kst_text(certificate.not_after()) << ")\n"
              << "days left   " << days_left(certificate) << "\n";
}

Result<void> print_identity(const pkix::Certificate& certificate) {
    auto identify = identify_data_of(certificate);
    DOJANG_TRY(identify);
    if (*identify) {
        std::cout << "real name   " << (*identify)->real_name << "\n"
                  << "VID         " << to_hex((*identify)->vid) << " (" << (*identify)->hash_name
                  << ")\n";
    }
    return ok();
}

bool is_pkcs12_name(const fs::path& path) {
    const std::string extension = path.extension().string();
    return extension == ".pfx" || extension == ".p12" || extension == ".PFX" || extension == ".P12";
}

struct ShowOptions {
    std::string target;
    std::string password_file;
};

Result<void> show(const GlobalOptions& globals, const ShowOptions& options) {
    const Say say = say_for(globals);
    std::error_code error;
    if (!options.target.empty() && fs::is_regular_file(options.target, error)) {
        if (!is_pkcs12_name(options.target)) {
            auto certificate = read_certificate(options.target);
            DOJANG_TRY(certificate);
            print_certificate(*certificate);
            return print_identity(*certificate);
        }
        auto bytes = read_file(options.target);
        DOJANG_TRY(bytes);
        auto password = read_password(options.password_file,
                                      std::string(say("PKCS#12 암호: ", "PKCS#12 password: ")));
        DOJANG_TRY(password);
        auto contents = keystore::import_pkcs12(*bytes, *password);
        DOJANG_TRY(contents);
        const std::string random_num = random_num_text(contents->key.get());
        auto certificate = pkix::Certificate::adopt(std::move(contents->certificate));
        print_certificate(certificate);
        auto identity = print_identity(certificate);
        std::cout << "R           " << random_num << "\n";
        return identity;
    }
    NpkiStore store(keystore::npki_home(globals.home));
    auto entry = store.find(options.target);
    DOJANG_TRY(entry);
    print_certificate(entry->certificate);
    auto identity = print_identity(entry->certificate);
    if (!identity) {
        return identity;
    }
    std::cout << "folder      " << entry->folder.string() << "\n";
    auto key_file = read_file(entry->key_path().string());
    if (!key_file) {
        std::cout << "key         " << say("없음", "missing") << "\n";
        return ok();
    }
    auto header = keystore::inspect_key_file(*key_file);
    if (header) {
        std::cout << "key         " << keystore::to_string(header->format) << ", "
                  << header->iterations << (header->prf.empty() ? "" : " " + header->prf) << "\n";
        if (header->trailing_bytes > 0) {
            const std::string count = std::to_string(header->trailing_bytes);
            std::cout << "            "
                      << say("키 뒤에 " + count +
                                 " 바이트가 더 있어 무시했습니다 (다른 프로그램이 남긴 것). "
                                 "dojang passwd 로 새 파일을 쓰면 없어집니다",
                             count +
                                 " bytes after the key were ignored (left by another "
                                 "program); dojang passwd writes a clean file")
                      << "\n";
        }
    }
    if (options.password_file.empty()) {
        return ok();
    }
    auto password = read_password(options.password_file, "");
    DOJANG_TRY(password);
    auto key = open_key(say, *key_file, *password);
    DOJANG_TRY(key);
    std::cout << "R           " << random_num_text(key->info.get()) << "\n"
              << "key match   "
              << (keystore::key_matches_certificate(key->info.get(), entry->certificate.get())
                      ? "yes"
                      : "NO")
              << "\n";
    return ok();
}

Result<void> list(const GlobalOptions& globals) {
    const Say say = say_for(globals);
    NpkiStore store(keystore::npki_home(globals.home));
    auto entries = store.list();
    DOJANG_TRY(entries);
    if (entries->empty()) {
        std::cout << say("저장된 인증서가 없습니다: ", "no certificates in ")
                  << store.home().string() << "\n";
        return ok();
    }
    int index = 0;
    for (const auto& entry : *entries) {
        const long left = days_left(entry.certificate);
        std::cout << "[" << ++index << "] " << entry.ca_folder << "\n"
                  << "    " << say("주체      ", "subject     ") << entry.certificate.subject()
                  << "\n"
                  << "    " << say("발급자    ", "issuer      ")
                  << pkix::name_to_string(X509_get_issuer_name(entry.certificate.get())) << "\n"
                  << "    " << say("일련번호  ", "serial      ") << serial_text(entry.certificate)
                  << "\n"
                  << "    " << say("만료일    ", "valid until ")
                  << to_rfc3339(entry.certificate.not_after()) << " ("
                  << kst_text(entry.certificate.not_after()) << ")\n"
                  << "    " << say("남은 일수 ", "days left   ") << left;
        if (left < 0) {
            std::cout << say(" (만료됨)", " (expired)");
        } else if (left <= expiry_warning_days) {
            std::cout << say(" (곧 만료)", " (expiring soon)");
        }
        std::cout << "\n";
    }
    return ok();
}

struct PasswdOptions {
    std::string selector;
    std::string password_file;
    std::string new_password_file;
    bool legacy_seed = false;
};

keystore::KeyFileOptions write_options(bool legacy_seed) {
    keystore::KeyFileOptions options;
    options.encryption = legacy_seed ? keystore::KeyFileEncryption::legacy_seed_cbc
                                     : keystore::KeyFileEncryption::pbes2_aes256;
    return options;
}

/// Re-encrypts one decrypted key and checks the result before anything is replaced.
Result<Bytes> reencrypt(const Say& say,
                        const PKCS8_PRIV_KEY_INFO* info,
                        const SecretBytes& password,
                        bool legacy_seed) {
    const auto options = write_options(legacy_seed);
    progress(say,
             legacy_seed ? keystore::legacy_seed_iterations : keystore::default_pbes2_iterations);
    auto encrypted = keystore::encrypt_key_file(info, password, options);
    DOJANG_TRY(encrypted);
    // Read it back with the new password before it replaces anything: the file written must be
    // the same key, attributes (R) included.
    auto check = keystore::read_key_file(*encrypted, password);
    auto before = crypto::to_der(info, i2d_PKCS8_PRIV_KEY_INFO);
    if (!check || !before ||
        crypto::to_der(static_cast<const PKCS8_PRIV_KEY_INFO*>(check->info.get()),
                       i2d_PKCS8_PRIV_KEY_INFO) != *before) {
        return fail(ErrorKind::internal,
                    "KEY_REENCRYPTION_FAILED",
                    "the re-encrypted key did not read back the same; nothing was changed");
    }
    return encrypted;
}

Result<void> passwd(const GlobalOptions& globals, const PasswdOptions& options) {
    const Say say = say_for(globals);
    NpkiStore store(keystore::npki_home(globals.home));
    auto entry = store.find(options.selector);
    DOJANG_TRY(entry);
    auto key_file = read_file(entry->key_path().string());
    DOJANG_TRY(key_file);
    auto old_password = read_password(options.password_file,
                                      std::string(say("현재 인증서 암호: ", "current password: ")));
    DOJANG_TRY(old_password);
    auto key = open_key(say, *key_file, *old_password);
    DOJANG_TRY(key);
    auto new_password = holder::new_password(say, options.new_password_file);
    DOJANG_TRY(new_password);
    auto encrypted = reencrypt(say, key->info.get(), *new_password, options.legacy_seed);
    DOJANG_TRY(encrypted);
    // The key-management key usually shares the password; it changes with the signing key,
    // as one replacement: a crash leaves both old keys or both new ones, never a mix.
    std::vector<std::pair<std::string, Bytes>> replaced_files{
        {keystore::sign_key_file, std::move(*encrypted)}};
    const fs::path km_path = entry->folder / keystore::km_key_file;
    bool km_kept = false;
    if (auto km_file = read_file(km_path.string())) {
        auto km_key = open_key(say, *km_file, *old_password);
        if (!km_key) {
            km_kept = true;
        } else {
            auto km_encrypted =
                reencrypt(say, km_key->info.get(), *new_password, options.legacy_seed);
            DOJANG_TRY(km_encrypted);
            replaced_files.emplace_back(keystore::km_key_file, std::move(*km_encrypted));
        }
    }
    auto replaced = store.replace_keys(*entry, replaced_files);
    if (!replaced) {
        return replaced;
    }
    for (const auto& [name, content] : replaced_files) {
        std::cout << say("인증서 암호를 바꿨습니다: ", "password changed: ")
                  << (entry->folder / name).string() << "\n";
    }
    if (km_kept) {
        std::cout << say("kmPri.key 는 다른 암호라 그대로 두었습니다\n",
                         "kmPri.key has another password and was left as it is\n");
    }
    std::cout << "R           " << random_num_text(key->info.get()) << "\n";
    return ok();
}

struct ExportOptions {
    std::string selector;
    std::string pfx;
    std::string password_file;
    std::string pfx_password_file;
    int iterations = keystore::default_pbes2_iterations;
};

Result<void> export_pfx(const GlobalOptions& globals, const ExportOptions& options) {
    const Say say = say_for(globals);
    NpkiStore store(keystore::npki_home(globals.home));
    auto entry = store.find(options.selector);
    DOJANG_TRY(entry);
    auto key_file = read_file(entry->key_path().string());
    DOJANG_TRY(key_file);
    auto password =
        read_password(options.password_file, std::string(say("인증서 암호: ", "password: ")));
    DOJANG_TRY(password);
    auto key = open_key(say, *key_file, *password);
    DOJANG_TRY(key);
    SecretBytes pfx_password = *password;
    if (!options.pfx_password_file.empty()) {
        auto other = read_password(options.pfx_password_file, "");
        DOJANG_TRY(other);
        auto strong = check_password_policy(*other);
        if (!strong) {
            return strong;
        }
        pfx_password = std::move(*other);
    }
    keystore::Pkcs12Options pkcs12;
    pkcs12.iterations = options.iterations;
    pkcs12.friendly_name = entry->dn_folder;
    progress(say, options.iterations);
    auto pfx = keystore::export_pkcs12(
        key->info.get(), entry->certificate.get(), {}, pfx_password, pkcs12);
    DOJANG_TRY(pfx);
    auto written = write_file_atomic(options.pfx, *pfx, 0600);
    if (!written) {
        return written;
    }
    std::cout << say("PKCS#12 파일로 내보냈습니다: ", "exported to PKCS#12: ") << options.pfx
              << " (PBES2/AES-256-CBC, HMAC-SHA256, " << options.iterations << ")\n"
              << "R           " << random_num_text(key->info.get()) << "\n";
    return ok();
}

struct ImportOptions {
    std::string path;
    std::string password_file;
    bool replace = false;
};

Result<void> import_folder(const Say& say,
                           const NpkiStore& store,
                           const fs::path& folder,
                           const SecretBytes& password,
                           bool replace) {
    auto certificate = read_certificate((folder / keystore::sign_certificate_file).string());
    DOJANG_TRY(certificate);
    auto key_file = read_file((folder / keystore::sign_key_file).string());
    DOJANG_TRY(key_file);
    auto key = open_key(say, *key_file, password);
    DOJANG_TRY(key);
    if (!keystore::key_matches_certificate(key->info.get(), certificate->get())) {
        return fail(ErrorKind::invalid_request,
                    "KEY_CERTIFICATE_MISMATCH",
                    "signPri.key is not the key of signCert.der (개인키와 인증서가 맞지 않습니다)");
    }
    // The key file is kept byte for byte (its R with it) up to the end of its DER: bytes after
    // it, left by tools that rewrite key files in place, are not copied. `dojang passwd`
    // re-encrypts it. The key-management pair (kmCert.der, kmPri.key) travels with it.
    auto sign_key = keystore::without_trailing_bytes(*key_file);
    DOJANG_TRY(sign_key);
    std::vector<std::pair<std::string, Bytes>> others;
    for (const char* name : {keystore::km_key_file, keystore::km_certificate_file}) {
        auto content = read_file((folder / name).string());
        if (!content) {
            continue;
        }
        if (std::string_view(name) == keystore::km_key_file) {
            auto km_key = keystore::without_trailing_bytes(*content);
            DOJANG_TRY(km_key);
            content = std::move(*km_key);
        }
        others.emplace_back(name, std::move(*content));
    }
    auto added = store.add(*certificate, *sign_key, replace, others);
    DOJANG_TRY(added);
    std::cout << say("가져왔습니다: ", "imported: ") << added->string() << "\n"
              << "R           " << random_num_text(key->info.get()) << "\n";
    return ok();
}

Result<void> import(const GlobalOptions& globals, const ImportOptions& options) {
    const Say say = say_for(globals);
    NpkiStore store(keystore::npki_home(globals.home));
    auto password =
        read_password(options.password_file, std::string(say("인증서 암호: ", "password: ")));
    DOJANG_TRY(password);
    std::error_code error;
    const fs::path path(options.path);
    if (fs::is_directory(path, error)) {
        if (fs::exists(path / keystore::sign_certificate_file, error)) {
            return import_folder(say, store, path, *password, options.replace);
        }
        // An NPKI tree (a USB stick's NPKI folder): every certificate in it.
        auto entries = NpkiStore(path).list();
        DOJANG_TRY(entries);
        if (entries->empty()) {
            return fail(ErrorKind::not_found,
                        "CERTIFICATE_NOT_FOUND",
                        "no signCert.der in " + path.string() + " (인증서가 없습니다)");
        }
        for (const auto& entry : *entries) {
            auto imported = import_folder(say, store, entry.folder, *password, options.replace);
            if (!imported) {
                return imported;
            }
        }
        return ok();
    }
    auto bytes = read_file(options.path);
    DOJANG_TRY(bytes);
    auto contents = keystore::import_pkcs12(*bytes, *password);
    DOJANG_TRY(contents);
    if (!check_password_policy(*password)) {
        std::cerr << say(
            "경고: 이 암호는 정책(영문·숫자·특수문자 10자 이상)에 맞지 않습니다. "
            "dojang passwd 로 바꾸십시오\n",
            "warning: this password does not meet the policy (10+ characters with "
            "letters, digits and symbols); change it with dojang passwd\n");
    }
    auto encrypted = reencrypt(say, contents->key.get(), *password, false);
    DOJANG_TRY(encrypted);
    const std::string random_num = random_num_text(contents->key.get());
    auto certificate = pkix::Certificate::adopt(std::move(contents->certificate));
    auto added = store.add(certificate, *encrypted, options.replace);
    DOJANG_TRY(added);
    std::cout << say("가져왔습니다: ", "imported: ") << added->string() << "\n"
              << "R           " << random_num << "\n";
    return ok();
}

Result<void> backup(const GlobalOptions& globals, const std::string& folder) {
    const Say say = say_for(globals);
    NpkiStore store(keystore::npki_home(globals.home));
    auto copied = keystore::backup_store(store, folder, now());
    DOJANG_TRY(copied);
    std::cout << say("백업했습니다: ", "backed up: ") << *copied << say("개 파일 → ", " files → ")
              << folder << "/" << keystore::backup_manifest_name << "\n";
    return ok();
}

Result<void> restore(const GlobalOptions& globals, const std::string& folder) {
    const Say say = say_for(globals);
    NpkiStore store(keystore::npki_home(globals.home));
    auto restored = keystore::restore_store(store, folder);
    DOJANG_TRY(restored);
    std::cout << say("복원했습니다: ", "restored: ") << *restored
              << say("개 파일 (체크섬 확인 완료) → ", " files (checksums verified) → ")
              << store.home().string() << "\n";
    return ok();
}

struct Finding {
    std::string what;
    std::string remedy;
};

/// Exit status of `dojang doctor` when it found something to do (errors keep 1-7).
constexpr int doctor_found_problems = 8;

/// Prints each stored certificate with what is wrong and what to do; the number of findings.
Result<std::size_t> doctor(const GlobalOptions& globals, const std::string& password_file) {
    const Say say = say_for(globals);
    NpkiStore store(keystore::npki_home(globals.home));
    auto entries = store.list();
    DOJANG_TRY(entries);
    std::optional<SecretBytes> password;
    if (!password_file.empty()) {
        auto read = read_password(password_file, "");
        DOJANG_TRY(read);
        password = std::move(*read);
    }
    std::size_t problems = 0;
    const auto print = [&](const std::vector<Finding>& findings) {
        for (const auto& finding : findings) {
            std::cout << "  ! " << finding.what << "\n    → " << finding.remedy << "\n";
        }
        problems += findings.size();
    };
    for (const auto& entry : *entries) {
        std::vector<Finding> findings;
        std::cout << entry.certificate.subject() << "  [" << serial_text(entry.certificate)
                  << "]\n";
        const long left = days_left(entry.certificate);
        if (left < 0) {
            findings.push_back(
                {std::string(say("만료된 인증서입니다 (", "the certificate has expired (")) +
                     to_rfc3339(entry.certificate.not_after()) + ")",
                 std::string(say("은행·증권사 또는 인증기관에서 재발급받으십시오",
                                 "have it reissued by your bank or the CA"))});
        } else if (left <= expiry_warning_days) {
            findings.push_back(
                {std::string(say("만료까지 ", "expires in ")) + std::to_string(left) +
                     std::string(say("일 남았습니다", " days")),
                 std::string(say("만료 전에 갱신하십시오", "renew it before it expires"))});
        }
        auto key_file = read_file(entry.key_path().string());
        if (!key_file) {
            findings.push_back(
                {std::string(
                     say("개인키(signPri.key)가 없습니다", "the key (signPri.key) is missing")),
                 std::string(say("백업에서 복원(dojang restore DIR)하거나 재발급받으십시오",
                                 "restore it from a backup (dojang restore DIR) or reissue"))});
        } else {
            auto header = keystore::inspect_key_file(*key_file);
            if (!header) {
                findings.push_back(
                    {std::string(
                         say("개인키 파일을 읽을 수 없습니다: ", "the key file is unreadable: ")) +
                         header.error().detail,
                     std::string(say("백업에서 복원하십시오", "restore it from a backup"))});
            } else if (header->is_weak()) {
                findings.push_back(
                    {std::string(say("약한 옛 암호화입니다: ", "weak legacy encryption: ")) +
                         keystore::to_string(header->format) + ", " +
                         std::to_string(header->iterations),
                     std::string(say("dojang passwd 로 PBES2/AES-256 (600,000회)으로 다시 "
                                     "암호화하십시오",
                                     "re-encrypt with PBES2/AES-256 (600,000 iterations): "
                                     "dojang passwd"))});
            }
            if (header && password) {
                auto key = open_key(say, *key_file, *password);
                if (!key) {
                    findings.push_back(
                        {std::string(say("주어진 암호로 개인키를 열 수 없습니다",
                                         "the key does not open with the given password")),
                         std::string(say("암호를 확인하십시오", "check the password"))});
                } else if (!keystore::key_matches_certificate(key->info.get(),
                                                              entry.certificate.get())) {
                    findings.push_back(
                        {std::string(say("개인키가 인증서와 맞지 않습니다",
                                         "the key does not match the certificate")),
                         std::string(say("백업에서 맞는 키를 복원하거나 재발급받으십시오",
                                         "restore the matching key from a backup or reissue"))});
                }
            }
        }
        if (findings.empty()) {
            std::cout << say("  이상 없음\n", "  ok\n");
        }
        print(findings);
    }
    if (!keystore::last_backup(store)) {
        print({{std::string(say("백업 기록이 없습니다", "no backup is recorded")),
                std::string(say("USB 등 다른 매체에 백업하십시오: dojang backup DIR",
                                "back up to another medium: dojang backup DIR"))}});
    }
    std::cout << (problems == 0 ? std::string(say("문제 없음\n", "no problems\n"))
                                : std::to_string(problems) +
                                      std::string(say("건의 문제\n", " problem(s)\n")));
    return problems;
}

}  // namespace

void add_store_commands(CLI::App& app, const GlobalOptions& globals, int& status) {
    auto show_options = std::make_shared<ShowOptions>();
    auto* show_command = app.add_subcommand(
        "show", "show a certificate file, a .pfx, or a stored certificate (인증서 보기)");
    show_command->add_option("target",
                             show_options->target,
                             "certificate file (PEM/DER), .pfx/.p12, or a stored certificate's "
                             "serial or subject");
    show_command->add_option("--password-file",
                             show_options->password_file,
                             "key password file: also show R and check the key");
    show_command->callback([&, show_options] { status = report(show(globals, *show_options)); });

    auto* list_command = app.add_subcommand("list", "list the stored certificates (인증서 목록)");
    list_command->callback([&] { status = report(list(globals)); });

    auto passwd_options = std::make_shared<PasswdOptions>();
    auto* passwd_command =
        app.add_subcommand("passwd", "change a stored key's password (인증서 암호 변경)");
    passwd_command->add_option("certificate", passwd_options->selector, "serial or subject");
    passwd_command->add_option(
        "--password-file", passwd_options->password_file, "read the current password from a file");
    passwd_command->add_option("--new-password-file",
                               passwd_options->new_password_file,
                               "read the new password from a file");
    passwd_command->add_flag("--legacy-seed",
                             passwd_options->legacy_seed,
                             "write seedCBCWithSHA1 (2048) for old clients instead of PBES2");
    passwd_command->callback(
        [&, passwd_options] { status = report(passwd(globals, *passwd_options)); });

    auto export_options = std::make_shared<ExportOptions>();
    auto* export_command =
        app.add_subcommand("export", "export a stored certificate and key as PKCS#12 (내보내기)");
    export_command->add_option("certificate", export_options->selector, "serial or subject");
    export_command->add_option("--pfx", export_options->pfx, "the .pfx/.p12 file to write")
        ->required();
    export_command->add_option(
        "--password-file", export_options->password_file, "read the key password from a file");
    export_command->add_option("--pfx-password-file",
                               export_options->pfx_password_file,
                               "another password for the .pfx (default: the key's)");
    export_command->add_option("--iterations", export_options->iterations, "PBKDF2 iterations")
        ->check(CLI::Range(2048, 10'000'000));
    export_command->callback(
        [&, export_options] { status = report(export_pfx(globals, *export_options)); });

    auto import_options = std::make_shared<ImportOptions>();
    auto* import_command = app.add_subcommand(
        "import", "import a .pfx/.p12 or an NPKI folder into the store (가져오기)");
    import_command->add_option("path", import_options->path, ".pfx/.p12 file or folder")
        ->required();
    import_command->add_option(
        "--password-file", import_options->password_file, "read the password from a file");
    import_command->add_flag(
        "--replace", import_options->replace, "overwrite a certificate already stored");
    import_command->callback(
        [&, import_options] { status = report(import(globals, *import_options)); });

    auto backup_folder = std::make_shared<std::string>();
    auto* backup_command = app.add_subcommand(
        "backup", "copy the encrypted store to a folder, with SHA-256 checksums (백업)");
    backup_command->add_option("folder", *backup_folder, "backup folder")->required();
    backup_command->callback(
        [&, backup_folder] { status = report(backup(globals, *backup_folder)); });

    auto restore_folder = std::make_shared<std::string>();
    auto* restore_command = app.add_subcommand(
        "restore", "verify a backup's checksums and restore it into the store (복원)");
    restore_command->add_option("folder", *restore_folder, "backup folder")->required();
    restore_command->callback(
        [&, restore_folder] { status = report(restore(globals, *restore_folder)); });

    auto doctor_password = std::make_shared<std::string>();
    auto* doctor_command =
        app.add_subcommand("doctor", "check the store for problems and say what to do (점검)");
    doctor_command->add_option("--password-file",
                               *doctor_password,
                               "key password file: also check that each key opens and matches");
    doctor_command->footer(
        "exit status: 0 nothing to do, 8 problems found (each with what to do), 1-7 an error "
        "(종료 코드: 0 이상 없음, 8 조치할 문제 있음)");
    doctor_command->callback([&, doctor_password] {
        auto problems = doctor(globals, *doctor_password);
        status = !problems       ? report(tl::unexpected(problems.error()))
                 : *problems > 0 ? doctor_found_problems
                                 : 0;
    });
}

}  // namespace dojang::holder
