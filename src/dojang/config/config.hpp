// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/policy/policy.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::config {

/// The largest OID component (the first two count as one, 40 * X + Y) a policy OID may have:
/// four base-128 bytes. Every relying party dojang is tested with parses it (tests/relying);
/// Python cryptography 38 (Debian 12) refuses a certificate with a five-byte component, and
/// Go's encoding/asn1 one above 2^31 - 1.
inline constexpr std::uint64_t max_oid_component = (std::uint64_t{1} << 28) - 1;

/// How strictly policy_oid_problem() judges: `syntax` only (what a configuration file must
/// obey), or also `portable` (every component within max_oid_component: what `init` demands
/// of a new CA, and what a running CA warns about).
enum class OidRule { syntax, portable };

/// Why `oid` cannot be a certificate policy OID or arc: not dotted decimal (at least two
/// components, no leading zeros), a first component other than 0, 1 or 2, a second above 39
/// under 0 or 1, or (OidRule::portable) a component above max_oid_component. In English with
/// the Korean in parentheses; nullopt when it is fine.
std::optional<std::string> policy_oid_problem(std::string_view oid,
                                              OidRule rule = OidRule::portable);

/// The policy OIDs of `config` (the arc and every profile's) that some relying parties cannot
/// parse, each as "key: problem". An installation made before init checked this still starts
/// (its certificates already carry the OIDs); the server says so in its log at every start.
std::vector<std::string> unportable_policy_oids(const struct Config& config);

/// [server]
struct Server {
    std::string listen = "127.0.0.1:8080";
    std::string base_url = "http://127.0.0.1:8080";  ///< what certificates point at
    std::size_t max_body_bytes = 1 << 20;
    std::size_t header_bytes = 8192;
    std::chrono::seconds read_timeout{30};    ///< request body read and response write
    std::chrono::seconds idle_timeout{15};    ///< a connection waiting for a request
    std::chrono::seconds header_timeout{10};  ///< first byte to end of header; then 408
    std::size_t worker_threads = 2;
    /// Threads running the sockets; status requests (OCSP, CRL, CA files) are answered there.
    std::size_t io_threads = 2;
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_client = 128;  ///< one address (IPv6 by /64) at once
    std::size_t status_reserve = 128;  ///< beyond max_connections: OCSP, CRL, CA files only
    /// Per-client (address; IPv6 by /64) token buckets per route class: requests per second
    /// and burst; rate 0 turns one off. Beyond them → 429 + Retry-After.
    std::size_t client_rate_general = 100;
    std::size_t client_burst_general = 400;
    std::size_t client_rate_issuance = 20;
    std::size_t client_burst_issuance = 100;
    std::size_t client_rate_status = 0;  ///< OCSP, CRL, CA certificates: off by default
    std::size_t client_burst_status = 1000;
    std::size_t max_tracked_clients = 10000;  ///< bound of the client table
    /// 503 once a class's queue would take longer than this to drain; 0: count bounds only
    std::chrono::milliseconds max_queue_delay{5};
    std::optional<std::string> tls_certificate;  ///< PEM chain; enables TLS with tls_key
    std::optional<std::string> tls_key;
};

/// [database]
struct Database {
    std::string driver = "sqlite";   ///< "sqlite" or "postgres"
    std::string path = "dojang.db";  ///< sqlite file, relative to the data directory
    std::string url;                 ///< postgres conninfo
    bool synchronous_full = true;    ///< sqlite: fsync every commit
};

/// [ca]
struct Ca {
    std::string key_algorithm = "rsa2048";
    std::string passphrase_file = "secrets/ca-passphrase";  ///< relative to the data directory
    std::string passphrase_env;  ///< when set, the passphrase comes from this variable instead
    std::string policy_arc;      ///< OID arc of the profiles' policies
};

/// [crl]
struct Crl {
    std::chrono::days validity{7};
    std::chrono::hours republish_every{24};
    std::chrono::seconds max_delay_after_revocation{300};
};

/// [ocsp]
struct Ocsp {
    std::chrono::hours validity{72};
    std::chrono::hours refresh_before{36};
    std::size_t cache_entries = 10000;  ///< pre-signed responses kept in memory at most
};

/// [ra]: the reissue journey.
struct Ra {
    std::chrono::days codes_valid{14};        ///< 참조번호/인가코드 lifetime
    std::chrono::minutes confirm_within{60};  ///< unconfirmed certificates are revoked after
    /// Codes claimed by an issuance that recorded no certificate are given back after this.
    std::chrono::seconds release_claims_after{120};
    std::string organisation = "dojang";           ///< O= of issued subjects
    std::string contact = "the dojang help desk";  ///< named in the security notice
    std::size_t approvals_required = 1;  ///< officers who must approve a company or a proxy
    bool code_by_other_channel = false;  ///< also send the 인가코드 over the other channel
    std::chrono::minutes otp_valid{5};   ///< how long a one-time code works
    /// Online applications one client address (IPv4, IPv6 /64) may make; 0: no limit.
    std::size_t applications_per_client_hour = 10;
    std::size_t applications_per_client_day = 30;
    /// Documents of a closed application are deleted this long after its last change.
    std::chrono::days document_retention{90};
};

/// [cmp]: the CMP endpoint (renewal and revocation signed with the holder's key).
struct Cmp {
    std::chrono::days renewal_window{30};  ///< kur is accepted this long before notAfter
    std::string server_subject = "C=KR,O=dojang,CN=dojang CMP Server";  ///< its certificate
    /// The certificate the Korean clients encrypt the VID to (EncryptedVID, cmp/vid.pem).
    std::string vid_subject = "C=KR,O=dojang,CN=dojang VID Encryption";
    /// checkAfter of a `waiting` answer: how long a CMP client waits before it polls again.
    std::chrono::seconds poll_interval{60};
};

/// [notify]: how e-mail and SMS leave the server. "spool" writes files into DATA/spool.
struct Notify {
    std::string email = "spool";  ///< "spool" or "smtp"
    std::string sms = "spool";    ///< "spool" or "http"
    std::string from = "noreply@dojang.invalid";
    std::string from_name = "dojang";
    std::string smtp_url;                    ///< smtp://host:587 (STARTTLS) or smtps://host:465
    std::string smtp_username;               ///< empty: no AUTH
    std::string smtp_password_env;           ///< the password comes from this environment variable
    std::string smtp_starttls = "required";  ///< required | optional | none
    bool smtp_allow_plaintext_auth = false;  ///< loopback tests only
    std::string sms_url;                     ///< the gateway's HTTP(S) endpoint
    std::string sms_body_template = R"({"to":"{to}","text":"{text}"})";
    std::string sms_api_key_header;  ///< e.g. "Authorization" or "X-Api-Key"; empty: none
    std::string sms_api_key_env;     ///< the header's value comes from this environment variable
    std::string sms_ca_file;         ///< CA bundle for an https gateway; empty: the system's
    std::string smtp_ca_file;        ///< CA bundle for the SMTP server; empty: the system's
};

/// The whole configuration of one dojangd data directory.
struct Config {
    Server server;
    Database database;
    Ca ca;
    Crl crl;
    Ocsp ocsp;
    Ra ra;
    Cmp cmp;
    Notify notify;
    std::string log_level = "info";
    std::vector<policy::Profile> profiles;  ///< [profiles.NAME]
};

/// Parses TOML strictly: unknown tables or keys, wrong types and out-of-range values are
/// `invalid_request` errors naming the key and line, all reported at once as violations.
Result<Config> parse(const std::string& toml_text, const std::string& source_name);

/// Reads and parses a file.
Result<Config> load(const std::string& path);

/// The commented TOML `dojangd init` writes.
std::string render_default(const std::string& listen,
                           const std::string& base_url,
                           const std::string& key_algorithm,
                           const std::string& policy_arc);

/// Splits "HOST:PORT"; invalid_request when malformed.
Result<std::pair<std::string, std::uint16_t>> split_listen(const std::string& listen);

}  // namespace dojang::config
