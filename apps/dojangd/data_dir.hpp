// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/config/config.hpp"
#include "dojang/store/store.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dojang::app {

/// Where everything of one dojangd installation lives.
struct DataDir {
    std::string root;

    [[nodiscard]] std::string config() const { return root + "/dojang.toml"; }
    [[nodiscard]] std::string file(const std::string& relative) const {
        return relative.starts_with('/') ? relative : root + "/" + relative;
    }
    [[nodiscard]] std::string ca_certificate(const std::string& ca) const {
        return root + "/ca/" + ca + ".pem";
    }
    [[nodiscard]] std::string ca_key(const std::string& ca) const {
        return root + "/ca/" + ca + ".key";
    }
    [[nodiscard]] std::string responder_certificate() const { return root + "/ocsp/responder.pem"; }
    [[nodiscard]] std::string responder_key() const { return root + "/ocsp/responder.key"; }
    /// The CMP server certificate: it signs answers to signature-protected CMP requests.
    [[nodiscard]] std::string cmp_certificate() const { return root + "/cmp/server.pem"; }
    [[nodiscard]] std::string cmp_key() const { return root + "/cmp/server.key"; }
    [[nodiscard]] std::string vid_certificate() const { return root + "/cmp/vid.pem"; }
    [[nodiscard]] std::string vid_key() const { return root + "/cmp/vid.key"; }
    [[nodiscard]] std::string crl(const std::string& ca) const {
        return root + "/crl/" + ca + ".crl";
    }
    /// The customer register's AES-256-GCM and HMAC keys (kept outside the database).
    [[nodiscard]] std::string register_key() const { return root + "/secrets/register.key"; }
    /// The key that MACs audit checkpoints (kept outside the database).
    [[nodiscard]] std::string audit_key() const { return root + "/secrets/audit.key"; }
    /// Audit checkpoints, one per line, appended: the copy to ship elsewhere.
    [[nodiscard]] std::string audit_checkpoints() const { return root + "/audit/checkpoints.log"; }
    /// Uploaded documents: outside any web root, generated names, checked by SHA-256.
    [[nodiscard]] std::string documents() const { return root + "/documents"; }
};

/// Options of `dojangd init`.
struct InitOptions {
    std::string listen = "127.0.0.1:8080";
    std::string base_url;  ///< default: http://LISTEN
    std::string key_algorithm = "rsa2048";
    std::string policy_arc;                      ///< default: a fresh 2.25.<uuid> arc
    std::optional<std::string> passphrase_file;  ///< use this passphrase instead of generating
    std::optional<std::string> passphrase_env;   ///< read the passphrase from this variable
    int key_iterations = 600000;                 ///< PBKDF2 iterations of the CA key files
};

/// What init made, for the message it prints.
struct InitReport {
    bool generated_passphrase = false;
    std::string root_subject;
    std::string issuing_subject;
    /// Things the operator should know (e.g. an OID arc Go relying parties cannot parse).
    std::vector<std::string> warnings;
};

/// Anchors the audit log: writes a checkpoint of its newest entry (MACed with the audit key,
/// which is made when missing) into the log and appends it to the checkpoint file. Returns
/// the sequence it vouches for, or nullopt when the newest entry is already a checkpoint.
Result<std::optional<std::int64_t>> anchor_audit(const DataDir& dir,
                                                 store::Database& database,
                                                 Seconds now);

/// Creates a data directory: config, database, CA hierarchy, OCSP responder, CMP server
/// certificate. Built in a
/// sibling temporary folder and renamed into place, so a failure leaves nothing behind.
Result<InitReport> init(const std::string& directory,
                        const InitOptions& options,
                        const Clock& clock);

/// An opened data directory: configuration, database, and (when asked) the CA keys.
struct Installation {
    DataDir dir;
    config::Config config;
    std::unique_ptr<store::Database> database;
    std::optional<ca::Authority> root;
    std::optional<ca::Authority> issuing;
    std::optional<pkix::Certificate> responder_certificate;
    std::optional<crypto::Signer> responder_key;
    std::optional<pkix::Certificate> cmp_certificate;
    std::optional<crypto::Signer> cmp_key;
    /// Opens the EncryptedVID of the Korean CMP clients (RSA, keyEncipherment only).
    std::optional<pkix::Certificate> vid_certificate;
    std::optional<crypto::Signer> vid_key;
};

/// Opens a data directory. `with_keys` also decrypts the CA, responder and CMP server keys
/// (a data directory made before the CMP server certificate existed, or one whose CMP
/// certificate expires within 30 days, gets a new one from the issuing CA here; a wrong
/// passphrase is `unauthenticated` WRONG_PASSPHRASE) and records in the audit log that
/// `purpose` (e.g. "serve", "admin issue") loaded them, with the configuration's hash.
Result<Installation> open(const std::string& directory,
                          bool with_keys,
                          std::string_view purpose = {});

}  // namespace dojang::app
