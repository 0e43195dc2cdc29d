// SPDX-License-Identifier: Apache-2.0
#include "data_dir.hpp"

#include "dojang/core/text.hpp"
#include "dojang/crypto/keys.hpp"
#include "dojang/postgres/postgres.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/sqlite/sqlite.hpp"
#include "dojang/store/audit_anchor.hpp"

#include <openssl/err.h>
#include <sys/stat.h>

#include <array>
#include <cstdlib>
#include <filesystem>

namespace dojang::app {
namespace {

namespace fs = std::filesystem;

Result<void> make_folder(const std::string& path, fs::perms perms) {
    std::error_code error;
    fs::create_directories(path, error);
    if (error) {
        return fail(
            ErrorKind::internal, "FILE_IO", "cannot create " + path + ": " + error.message());
    }
    fs::permissions(path, perms, error);
    return ok();
}

Result<void> write_text(const std::string& path, const std::string& text, unsigned mode = 0644) {
    return write_file_atomic(path, to_bytes(text), mode);
}

/// 2.25.<random integer>: an OID arc that needs no registration (ITU-T X.667), for a
/// development CA (a production CA passes its registered arc with --policy-arc). The integer
/// has 28 random bits, not a UUID's 122, so that it fits four base-128 bytes
/// (config::max_oid_component): Python cryptography 38 (Debian 12) cannot load a certificate
/// whose policy OID has a five-byte component, and Go's encoding/asn1 refuses one above 2^31 - 1.
Result<std::string> fresh_policy_arc() {
    auto bytes = crypto::random_bytes(4);
    DOJANG_TRY(bytes);
    std::uint64_t value = 0;
    for (const std::uint8_t byte : *bytes) {
        value = (value << 8) | byte;
    }
    value &= config::max_oid_component;
    return "2.25." + std::to_string(value == 0 ? 1 : value);
}

Result<SecretBytes> read_passphrase(const DataDir& dir, const config::Ca& ca) {
    if (!ca.passphrase_env.empty()) {
        const char* value = std::getenv(ca.passphrase_env.c_str());
        if (value == nullptr || *value == '\0') {
            return fail(ErrorKind::unauthenticated,
                        "PASSPHRASE_MISSING",
                        "the CA passphrase variable " + ca.passphrase_env + " is not set");
        }
        return SecretBytes(std::string_view(value));
    }
    auto bytes = read_file(dir.file(ca.passphrase_file));
    if (!bytes) {
        return fail(ErrorKind::unauthenticated,
                    "PASSPHRASE_MISSING",
                    "cannot read the CA passphrase file " + dir.file(ca.passphrase_file));
    }
    while (!bytes->empty() && (bytes->back() == '\n' || bytes->back() == '\r')) {
        bytes->pop_back();
    }
    return SecretBytes(std::move(*bytes));
}

Result<void> write_key(const std::string& path,
                       const crypto::Signer& key,
                       const SecretBytes& passphrase,
                       int iterations) {
    auto pem = crypto::encrypt_private_key_pem(key.key(), passphrase, iterations);
    DOJANG_TRY(pem);
    return write_text(path, *pem, 0600);
}

Result<crypto::Signer> read_key(const std::string& path, const SecretBytes& passphrase) {
    auto pem = read_file(path);
    DOJANG_TRY(pem);
    auto key = crypto::decrypt_private_key_pem(std::string(pem->begin(), pem->end()), passphrase);
    if (!key) {
        Error error = key.error();
        error.detail += " (" + path + ")";
        return tl::unexpected(error);
    }
    return crypto::Signer(std::move(*key));
}

Result<pkix::Certificate> read_certificate(const std::string& path) {
    auto bytes = read_file(path);
    DOJANG_TRY(bytes);
    return pkix::Certificate::parse(*bytes);
}

Result<std::unique_ptr<store::Database>> open_database(const DataDir& dir,
                                                       const config::Database& database) {
    if (database.driver == "postgres") {
        return postgres::open_postgres(database.url, postgres::PostgresOptions{});
    }
    sqlite::SqliteOptions options;
    options.synchronous =
        database.synchronous_full ? sqlite::Synchronous::full : sqlite::Synchronous::normal;
    return sqlite::open_sqlite(dir.file(database.path), options);
}

Result<ca::Authority> load_authority(const DataDir& dir,
                                     const std::string& name,
                                     const SecretBytes& passphrase,
                                     std::vector<pkix::Certificate> chain) {
    auto certificate = read_certificate(dir.ca_certificate(name));
    DOJANG_TRY(certificate);
    auto key = read_key(dir.ca_key(name), passphrase);
    DOJANG_TRY(key);
    if (X509_check_private_key(certificate->get(), key->key()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal,
            "CA_KEY_MISMATCH",
            "the key " + dir.ca_key(name) + " does not match " + dir.ca_certificate(name));
    }
    return ca::Authority{name, std::move(*certificate), std::move(chain), std::move(*key)};
}

std::string fingerprint(const pkix::Certificate& certificate) {
    auto der = certificate.der();
    return der ? to_hex(crypto::sha256(*der)) : std::string();
}

/// Appends one audit entry in its own transaction; a failed audit write fails the operation.
Result<void> audit_event(store::Database& database,
                         const std::string& action,
                         const std::string& subject,
                         const std::string& details) {
    return database.transact([&](store::Transaction& tx) -> Result<void> {
        store::AuditEntry entry;
        entry.at = SystemClock().now();
        entry.actor = "operator";
        entry.action = action;
        entry.subject = subject;
        entry.details = details;
        auto appended = tx.audit().append(std::move(entry));
        DOJANG_TRY(appended);
        return ok();
    });
}

/// Certificates the issuing CA delegates to the CMP endpoint (its signing certificate and the
/// VID encryption certificate) live this long; `open` replaces one that is about to expire.
constexpr std::chrono::days cmp_certificate_validity{730};
constexpr std::chrono::days cmp_certificate_renew_before{30};

/// One of the CMP endpoint's delegated certificates and how to make it.
struct Delegated {
    std::string certificate_path;
    std::string key_path;
    crypto::KeyAlgorithm key_algorithm;
    Result<pkix::Certificate> (*make)(
        const ca::Authority&, EVP_PKEY*, const std::string&, std::chrono::days, Seconds);
    std::string subject;
    std::string audit_action;  ///< recorded when `open` issues a new one
};

std::array<Delegated, 2> delegated_certificates(const DataDir& dir, const config::Config& config) {
    return {Delegated{dir.cmp_certificate(),
                      dir.cmp_key(),
                      crypto::KeyAlgorithm::p256,
                      ca::make_cmp_server_certificate,
                      config.cmp.server_subject,
                      "ca.cmp_certificate"},
            // EncryptedVID is RSAES-PKCS1-v1_5 (korea.md), so this key is RSA.
            Delegated{dir.vid_certificate(),
                      dir.vid_key(),
                      crypto::KeyAlgorithm::rsa2048,
                      ca::make_vid_encryption_certificate,
                      config.cmp.vid_subject,
                      "ca.vid_certificate"}};
}

/// Issues a delegated certificate (a fresh key, encrypted like the CA keys) from the issuing
/// CA and writes both files.
Result<void> issue_delegated(const DataDir& dir,
                             const Delegated& what,
                             const ca::Authority& issuing,
                             const SecretBytes& passphrase,
                             int iterations,
                             Seconds now) {
    auto made = make_folder(dir.root + "/cmp", fs::perms::owner_all);
    if (!made) {
        return made;
    }
    auto key = crypto::generate_key(what.key_algorithm);
    DOJANG_TRY(key);
    auto certificate = what.make(issuing, key->get(), what.subject, cmp_certificate_validity, now);
    DOJANG_TRY(certificate);
    auto pem = certificate->pem();
    DOJANG_TRY(pem);
    auto written =
        write_key(what.key_path, crypto::Signer(std::move(*key)), passphrase, iterations);
    if (!written) {
        return written;
    }
    return write_text(what.certificate_path, *pem);
}

}  // namespace

Result<std::optional<std::int64_t>> anchor_audit(const DataDir& dir,
                                                 store::Database& database,
                                                 Seconds now) {
    std::error_code error;
    const std::string folder = fs::path(dir.audit_checkpoints()).parent_path().string();
    if (!fs::exists(folder, error)) {
        auto made = make_folder(folder, fs::perms::owner_all);
        DOJANG_TRY(made);
    }
    auto created = store::FileCheckpointKey::create_if_missing(dir.audit_key());
    DOJANG_TRY(created);
    auto key = store::FileCheckpointKey::load(dir.audit_key());
    DOJANG_TRY(key);
    auto checkpoint = store::write_audit_checkpoint(database, *key, dir.audit_checkpoints(), now);
    DOJANG_TRY(checkpoint);
    if (!*checkpoint) {
        return std::optional<std::int64_t>{};
    }
    return std::optional<std::int64_t>{(*checkpoint)->sequence};
}

namespace {

Result<InitReport> build(const DataDir& dir, const InitOptions& options, const Clock& clock) {
    InitReport report;
    // An arc some relying parties cannot parse would spoil every certificate: refused before
    // anything is made (config::parse checks it again in dojang.toml at every start).
    if (!options.policy_arc.empty()) {
        if (auto problem = config::policy_oid_problem(options.policy_arc)) {
            return fail(ErrorKind::invalid_request, "CONFIG_INVALID", "--policy-arc: " + *problem);
        }
    }
    for (const auto& [folder, perms] :
         {std::pair{std::string("ca"), fs::perms::owner_all},
          std::pair{std::string("secrets"), fs::perms::owner_all},
          std::pair{std::string("audit"), fs::perms::owner_all},
          std::pair{std::string("ocsp"), fs::perms::owner_all},
          std::pair{std::string("crl"),
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec}}) {
        auto made = make_folder(dir.root + "/" + folder, perms);
        DOJANG_TRY(made);
    }
    // 1. The passphrase that encrypts the CA keys.
    SecretBytes passphrase;
    std::string passphrase_file = "secrets/ca-passphrase";
    std::string passphrase_env;
    if (options.passphrase_env) {
        passphrase_env = *options.passphrase_env;
        const char* value = std::getenv(passphrase_env.c_str());
        if (value == nullptr || *value == '\0') {
            return fail(
                ErrorKind::invalid_request, "PASSPHRASE_MISSING", passphrase_env + " is not set");
        }
        passphrase = SecretBytes(std::string_view(value));
    } else if (options.passphrase_file) {
        passphrase_file = fs::absolute(*options.passphrase_file).string();
        config::Ca ca;
        ca.passphrase_file = passphrase_file;
        auto read = read_passphrase(dir, ca);
        DOJANG_TRY(read);
        passphrase = std::move(*read);
    } else {
        auto random = crypto::random_bytes(32);
        DOJANG_TRY(random);
        passphrase = SecretBytes(std::string_view(to_hex(*random)));
        auto written = write_file_atomic(dir.file(passphrase_file), passphrase.bytes(), 0600);
        DOJANG_TRY(written);
        report.generated_passphrase = true;
    }
    if (passphrase.size() < 16) {
        return fail(ErrorKind::invalid_request,
                    "PASSPHRASE_TOO_SHORT",
                    "the CA passphrase must be at least 16 characters");
    }
    // 2. Configuration.
    std::string policy_arc = options.policy_arc;
    if (policy_arc.empty()) {
        auto arc = fresh_policy_arc();
        DOJANG_TRY(arc);
        policy_arc = *arc;
    }
    const std::string base_url =
        options.base_url.empty() ? "http://" + options.listen : options.base_url;
    if (options.base_url.empty() && options.listen.ends_with(":0")) {
        report.warnings.push_back(
            "--listen " + options.listen + " has port 0, so certificates will point at " +
            base_url + " (their CRL and OCSP addresses); pass --base-url with the address " +
            "relying parties reach (포트 0 으로는 인증서의 CRL/OCSP 주소를 쓸 수 없습니다. "
            "--base-url 을 지정하십시오)");
    }
    std::string toml =
        config::render_default(options.listen, base_url, options.key_algorithm, policy_arc);
    if (passphrase_file != "secrets/ca-passphrase" || !passphrase_env.empty()) {
        const std::string from = "passphrase_file = \"secrets/ca-passphrase\"";
        const std::string to = passphrase_env.empty()
                                   ? "passphrase_file = \"" + passphrase_file + "\""
                                   : "passphrase_env = \"" + passphrase_env + "\"";
        toml.replace(toml.find(from), from.size(), to);
    }
    auto parsed = config::parse(toml, dir.config());
    DOJANG_TRY(parsed);
    auto key_algorithm = crypto::key_algorithm_from_string(options.key_algorithm);
    DOJANG_TRY(key_algorithm);
    // 3. Keys and certificates.
    ca::HierarchySpec spec;
    spec.ca_key = *key_algorithm;
    spec.endpoints.base_url = base_url;
    auto hierarchy = ca::create_hierarchy(spec, clock.now());
    DOJANG_TRY(hierarchy);
    report.root_subject = hierarchy->root.certificate.subject();
    report.issuing_subject = hierarchy->issuing.certificate.subject();
    for (const auto& [path, key] : {std::pair{dir.ca_key("root"), &hierarchy->root.signer},
                                    std::pair{dir.ca_key("issuing"), &hierarchy->issuing.signer},
                                    std::pair{dir.responder_key(), &hierarchy->responder}}) {
        auto written = write_key(path, *key, passphrase, options.key_iterations);
        DOJANG_TRY(written);
    }
    for (const auto& [path, certificate] :
         {std::pair{dir.ca_certificate("root"), &hierarchy->root.certificate},
          std::pair{dir.ca_certificate("issuing"), &hierarchy->issuing.certificate},
          std::pair{dir.responder_certificate(), &hierarchy->responder_certificate}}) {
        auto pem = certificate->pem();
        DOJANG_TRY(pem);
        auto written = write_text(path, *pem);
        DOJANG_TRY(written);
    }
    for (const Delegated& what : delegated_certificates(dir, *parsed)) {
        auto issued = issue_delegated(
            dir, what, hierarchy->issuing, passphrase, options.key_iterations, clock.now());
        DOJANG_TRY(issued);
    }
    // The customer register's keys: identification numbers in the database are unreadable
    // without this file.
    auto register_key = ra::create_register_keys(dir.register_key());
    DOJANG_TRY(register_key);
    // 4. Database (migrations run on open), then the configuration last: its presence
    // marks a complete data directory.
    auto database = open_database(dir, parsed->database);
    DOJANG_TRY(database);
    auto audited = audit_event(
        **database,
        "ca.init",
        hierarchy->issuing.name,
        "{\"root_sha256\":" + json_quote(fingerprint(hierarchy->root.certificate)) +
            ",\"issuing_ca_sha256\":" + json_quote(fingerprint(hierarchy->issuing.certificate)) +
            ",\"responder_sha256\":" + json_quote(fingerprint(hierarchy->responder_certificate)) +
            ",\"key_algorithm\":" + json_quote(options.key_algorithm) + "}");
    DOJANG_TRY(audited);
    // The key that MACs audit checkpoints; the first checkpoint is written when the server
    // starts, against the database it is configured with then.
    auto audit_key = store::FileCheckpointKey::create_if_missing(dir.audit_key());
    DOJANG_TRY(audit_key);
    auto written = write_text(dir.config(), toml, 0640);
    DOJANG_TRY(written);
    return report;
}

/// A delegated certificate and its key; issued anew (and audited) when missing, expiring
/// within 30 days or not matching its key.
Result<std::pair<pkix::Certificate, crypto::Signer>> load_delegated(Installation& installation,
                                                                    const Delegated& what,
                                                                    const ca::Authority& issuing,
                                                                    const SecretBytes& passphrase,
                                                                    Seconds now) {
    std::error_code error;
    Result<pkix::Certificate> certificate =
        fail(ErrorKind::not_found, "FILE_MISSING", "no " + what.certificate_path);
    Result<crypto::Signer> key = fail(ErrorKind::not_found, "FILE_MISSING", "no " + what.key_path);
    if (fs::exists(what.certificate_path, error) && fs::exists(what.key_path, error)) {
        certificate = read_certificate(what.certificate_path);
        key = read_key(what.key_path, passphrase);
    }
    if (certificate && key && certificate->not_after() >= now + cmp_certificate_renew_before &&
        X509_check_private_key(certificate->get(), key->key()) == 1) {
        return std::pair{std::move(*certificate), std::move(*key)};
    }
    ERR_clear_error();
    auto issued = issue_delegated(
        installation.dir, what, issuing, passphrase, InitOptions{}.key_iterations, now);
    DOJANG_TRY(issued);
    certificate = read_certificate(what.certificate_path);
    DOJANG_TRY(certificate);
    key = read_key(what.key_path, passphrase);
    DOJANG_TRY(key);
    auto audited = audit_event(*installation.database,
                               what.audit_action,
                               certificate->serial() ? certificate->serial()->hex() : "",
                               "{\"sha256\":" + json_quote(fingerprint(*certificate)) + "}");
    DOJANG_TRY(audited);
    return std::pair{std::move(*certificate), std::move(*key)};
}

}  // namespace

Result<InitReport> init(const std::string& directory,
                        const InitOptions& options,
                        const Clock& clock) {
    const fs::path target = fs::absolute(directory).lexically_normal();
    std::error_code error;
    if (fs::exists(target / "dojang.toml", error)) {
        return fail(ErrorKind::conflict,
                    "ALREADY_INITIALISED",
                    target.string() + " already holds a dojang installation (dojang.toml exists)");
    }
    if (fs::exists(target, error) && !fs::is_empty(target, error)) {
        return fail(ErrorKind::conflict,
                    "DIRECTORY_NOT_EMPTY",
                    target.string() + " exists and is not empty; choose a new directory");
    }
    fs::create_directories(target.parent_path(), error);
    const fs::path staging =
        target.parent_path() / ("." + target.filename().string() + ".init-partial");
    fs::remove_all(staging, error);
    // The owner's alone: the database and the spool under it hold personal data.
    auto made = make_folder(staging.string(), fs::perms::owner_all);
    DOJANG_TRY(made);
    auto report = build(DataDir{staging.string()}, options, clock);
    if (!report) {
        fs::remove_all(staging, error);
        return report;
    }
    // rename(2) replaces an empty directory, so `var/dev` may exist empty beforehand.
    fs::rename(staging, target, error);
    if (error) {
        fs::remove_all(staging, error);
        return fail(ErrorKind::internal,
                    "FILE_IO",
                    "cannot move the new installation into " + target.string());
    }
    // The SQLite file was created under the staging name; nothing in it refers to the path.
    return report;
}

Result<Installation> open(const std::string& directory, bool with_keys, std::string_view purpose) {
    Installation installation;
    installation.dir = DataDir{fs::absolute(directory).lexically_normal().string()};
    std::error_code error;
    if (!fs::exists(installation.dir.config(), error)) {
        return fail(ErrorKind::not_found,
                    "NOT_INITIALISED",
                    installation.dir.root +
                        " is not a dojang data directory; run: dojangd init --data " + directory);
    }
    auto config = config::load(installation.dir.config());
    DOJANG_TRY(config);
    installation.config = std::move(*config);
    auto database = open_database(installation.dir, installation.config.database);
    DOJANG_TRY(database);
    installation.database = std::move(*database);
    if (!with_keys) {
        return installation;
    }
    auto passphrase = read_passphrase(installation.dir, installation.config.ca);
    DOJANG_TRY(passphrase);
    auto root = load_authority(installation.dir, "root", *passphrase, {});
    DOJANG_TRY(root);
    auto root_copy = pkix::Certificate::parse(*root->certificate.der());
    std::vector<pkix::Certificate> chain;
    chain.push_back(std::move(*root_copy));
    auto issuing = load_authority(installation.dir, "issuing", *passphrase, std::move(chain));
    DOJANG_TRY(issuing);
    auto responder_certificate = read_certificate(installation.dir.responder_certificate());
    DOJANG_TRY(responder_certificate);
    auto responder_key = read_key(installation.dir.responder_key(), *passphrase);
    DOJANG_TRY(responder_key);
    // The CMP endpoint's certificates: data directories from before one existed get it now,
    // and so does one whose certificate is about to expire or does not match its key.
    const Seconds now = SystemClock().now();
    std::vector<std::pair<pkix::Certificate, crypto::Signer>> delegated;
    for (const Delegated& what : delegated_certificates(installation.dir, installation.config)) {
        auto loaded = load_delegated(installation, what, *issuing, *passphrase, now);
        DOJANG_TRY(loaded);
        delegated.push_back(std::move(*loaded));
    }
    auto config_bytes = read_file(installation.dir.config());
    const std::string details =
        "{\"purpose\":" + json_quote(purpose) + ",\"config_sha256\":" +
        json_quote(config_bytes ? to_hex(crypto::sha256(*config_bytes)) : std::string()) +
        ",\"issuing_ca_sha256\":" + json_quote(fingerprint(issuing->certificate)) +
        ",\"responder_sha256\":" + json_quote(fingerprint(*responder_certificate)) + "}";
    auto audited = audit_event(*installation.database, "ca.keys_load", "keys", details);
    DOJANG_TRY(audited);
    installation.root = std::move(*root);
    installation.issuing = std::move(*issuing);
    installation.responder_certificate = std::move(*responder_certificate);
    installation.responder_key = std::move(*responder_key);
    installation.cmp_certificate = std::move(delegated[0].first);
    installation.cmp_key = std::move(delegated[0].second);
    installation.vid_certificate = std::move(delegated[1].first);
    installation.vid_key = std::move(delegated[1].second);
    return installation;
}

}  // namespace dojang::app
