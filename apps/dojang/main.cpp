// SPDX-License-Identifier: Apache-2.0
// dojang: the holder's certificate tool. It makes the key and request on the holder's own device
// (the private key never leaves it), checks the VID binding a relying party relies on, and keeps
// the holder's NPKI folder store (store_commands.cpp).
#include "dojang/core/text.hpp"
#include "dojang/crypto/keys.hpp"
#include "dojang/holder/identity.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/pkix/pkix.hpp"

#include <CLI/CLI.hpp>
#include <openssl/pem.h>

#include <filesystem>
#include <iostream>

#include "holder.hpp"
#include "network_commands.hpp"
#include "store_commands.hpp"

namespace {

using namespace dojang;
using holder::identify_data_of;
using holder::read_certificate;
using holder::read_password;
using holder::report;

struct KeygenOptions {
    std::string subject;
    std::string out;
    std::string password_file;
    std::string key_algorithm = "rsa2048";
};

Result<void> keygen(const KeygenOptions& options) {
    auto name = pkix::parse_name(options.subject);
    DOJANG_TRY(name);
    auto algorithm = crypto::key_algorithm_from_string(options.key_algorithm);
    DOJANG_TRY(algorithm);
    std::error_code error;
    std::filesystem::create_directories(options.out, error);
    const std::string key_path = options.out + "/signPri.key";
    if (std::filesystem::exists(key_path, error)) {
        return fail(ErrorKind::conflict, "KEY_EXISTS", key_path + " exists; choose another folder");
    }
    auto password = holder::new_password(holder::Say(holder::locale_lang()), options.password_file);
    DOJANG_TRY(password);
    // 1. The key pair and R (randomNum), made here: neither ever leaves this device.
    auto key = crypto::generate_key(*algorithm);
    DOJANG_TRY(key);
    auto random_num = npki::generate_random_num();
    DOJANG_TRY(random_num);
    crypto::Pkcs8Ptr info(EVP_PKEY2PKCS8(key->get()));
    auto attached = npki::set_random_num(info.get(), *random_num);
    if (!attached) {
        return attached;
    }
    // 2. The key file: PBES2/AES-256, R kept as the randomNum attribute (korea.md).
    auto encrypted = crypto::encrypt_pkcs8_der(info.get(), *password);
    DOJANG_TRY(encrypted);
    auto written = write_file_atomic(key_path, *encrypted, 0600);
    if (!written) {
        return written;
    }
    // 3. The PKCS#10 request, signed with the new key (proof of possession).
    crypto::X509ReqPtr request(X509_REQ_new());
    if (!request || X509_REQ_set_version(request.get(), 0) != 1 ||
        X509_REQ_set_subject_name(request.get(), name->get()) != 1 ||
        X509_REQ_set_pubkey(request.get(), key->get()) != 1 ||
        X509_REQ_sign(request.get(), key->get(), EVP_sha256()) <= 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "CSR_FAILED", "cannot make the request");
    }
    crypto::BioPtr pem(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(pem.get(), request.get());
    written = write_file_atomic(options.out + "/request.csr", crypto::bio_bytes(pem.get()));
    if (!written) {
        return written;
    }
    std::cout << "key      " << key_path << " (encrypted, PBES2/AES-256)\n"
              << "request  " << options.out << "/request.csr\n"
              << "R        " << to_hex(*random_num) << "\n"
              << "next: give request.csr (and R, for the identity binding) to your CA, e.g.\n"
              << "  dojangd admin issue --data DIR --csr " << options.out
              << "/request.csr --idn NUMBER --random-hex " << to_hex(*random_num) << " --out "
              << options.out << "/signCert.pem\n";
    return ok();
}

struct VidCheckOptions {
    std::string certificate;
    std::string key;         ///< the holder's signPri.key, which holds R ...
    std::string random_hex;  ///< ... or R as the holder's client hands it to a relying party
    std::string idn_file;
    std::string password_file;
};

/// R from --random-hex, or from the randomNum attribute of the key file.
Result<Bytes> random_num_for(const VidCheckOptions& options) {
    if (options.key.empty() == options.random_hex.empty()) {
        return fail(ErrorKind::invalid_request,
                    "RANDOM_NUM_SOURCE",
                    "give R with either --key (the holder's key file) or --random-hex, not both "
                    "(R 은 --key 또는 --random-hex 중 하나로 주십시오)");
    }
    if (!options.random_hex.empty()) {
        auto random_num = from_hex(options.random_hex);
        if (!random_num || random_num->size() != npki::random_num_size) {
            return fail(ErrorKind::invalid_request,
                        "RANDOM_NUM_INVALID",
                        "--random-hex must be 40 hex digits, R from the holder's key file (R 은 "
                        "16진수 40자리여야 합니다)");
        }
        return std::move(*random_num);
    }
    auto key_file = read_file(options.key);
    DOJANG_TRY(key_file);
    auto password = read_password(options.password_file, "key password (인증서 암호): ");
    DOJANG_TRY(password);
    auto info = crypto::decrypt_pkcs8_der(*key_file, *password);
    DOJANG_TRY(info);
    auto random_num = npki::random_num_of(info->get());
    DOJANG_TRY(random_num);
    if (!*random_num) {
        return fail(
            ErrorKind::not_found, "RANDOM_NUM_MISSING", "the key file carries no randomNum (R)");
    }
    return std::move(**random_num);
}

/// The check a Korean relying party (a bank) makes: does the certificate's identifyData VID
/// come from this resident or business number and the holder's R?
Result<void> vid_check(const VidCheckOptions& options) {
    auto certificate = read_certificate(options.certificate);
    DOJANG_TRY(certificate);
    auto identify = identify_data_of(*certificate);
    DOJANG_TRY(identify);
    if (!*identify) {
        return fail(
            ErrorKind::not_found, "VID_MISSING", "the certificate carries no identifyData VID");
    }
    auto idn = read_file(options.idn_file);
    DOJANG_TRY(idn);
    std::string number(idn->begin(), idn->end());
    number.erase(std::remove_if(number.begin(),
                                number.end(),
                                [](char c) { return c == '\n' || c == '\r' || c == '-'; }),
                 number.end());
    auto random_num = random_num_for(options);
    DOJANG_TRY(random_num);
    auto matches = npki::vid_matches(**identify, number, *random_num);
    DOJANG_TRY(matches);
    if (!*matches) {
        return fail(ErrorKind::forbidden,
                    "VID_MISMATCH",
                    "the certificate does not belong to this identity number (VID 불일치)");
    }
    std::cout << "VID matches: the certificate belongs to this identity number (본인 확인 완료)\n";
    return ok();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "dojang — 공동인증서 holder tool: keys, requests and certificates on your own device"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "dojang 0.1.0");
    // Global options may also follow the command name ("dojang list --lang en").
    app.fallthrough();
    int status = 0;
    holder::GlobalOptions globals;
    app.add_option("--home", globals.home, "NPKI folder (default: $DOJANG_HOME, else ~/NPKI)");
    app.add_option("--lang", globals.lang, "ko | en (default: from the locale, else ko)")
        ->check(CLI::IsMember({"ko", "en"}));
    holder::add_store_commands(app, globals, status);
    holder::add_network_commands(app, globals, status);
    holder::add_reissue_command(app, globals, status);

    KeygenOptions keygen_options;
    auto* keygen_command =
        app.add_subcommand("keygen", "make a key pair, R and a certificate request here");
    keygen_command
        ->add_option(
            "--subject", keygen_options.subject, "subject DN, e.g. 'C=KR,O=dojang,CN=홍길동'")
        ->required();
    keygen_command
        ->add_option("--out", keygen_options.out, "folder for signPri.key and request.csr")
        ->required();
    keygen_command->add_option(
        "--password-file", keygen_options.password_file, "read the new password from a file");
    keygen_command->add_option(
        "--key-algorithm", keygen_options.key_algorithm, "rsa2048 (default) | rsa3072 | p256");
    keygen_command->callback([&] { status = report(keygen(keygen_options)); });

    VidCheckOptions vid;
    auto* vid_command =
        app.add_subcommand("vid-check", "check that a certificate belongs to an identity number");
    vid_command->alias("verify");
    vid_command->add_option("--cert", vid.certificate, "certificate (PEM or DER)")->required();
    auto* key_option =
        vid_command->add_option("--key", vid.key, "the holder's signPri.key (holds R)");
    vid_command
        ->add_option("--random-hex",
                     vid.random_hex,
                     "R as the holder's client sends it to a relying party (40 hex digits), "
                     "instead of --key")
        ->excludes(key_option);
    vid_command
        ->add_option(
            "--idn-file", vid.idn_file, "file with the resident or business registration number")
        ->required();
    vid_command->add_option(
        "--password-file", vid.password_file, "read the key password from a file");
    vid_command->callback([&] { status = report(vid_check(vid)); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : 2;
    }
    return status;
}
