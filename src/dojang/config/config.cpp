// SPDX-License-Identifier: Apache-2.0
#include "dojang/config/config.hpp"

#include "dojang/core/bytes.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace dojang::config {
namespace {

/// Walks one TOML table, remembering which keys were read so the rest can be reported.
class TableReader {
public:
    TableReader(const toml::table& table, std::string path, std::vector<Violation>& violations)
        : table_(table), path_(std::move(path)), violations_(violations) {}

    ~TableReader() {
        for (const auto& [key, node] : table_) {
            if (seen_.count(std::string(key.str())) == 0) {
                report(std::string(key.str()), node.source(), "unknown key");
            }
        }
    }
    TableReader(const TableReader&) = delete;
    TableReader& operator=(const TableReader&) = delete;

    void text(const char* key, std::string& out) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        if (const auto* value = node->as_string()) {
            out = value->get();
        } else {
            report(key, node->source(), "must be a string");
        }
    }

    /// A string that must be a policy OID (policy_oid_problem).
    void oid(const char* key, std::string& out) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        text(key, out);
        if (node->as_string() != nullptr && !out.empty()) {
            if (auto problem = policy_oid_problem(out, OidRule::syntax)) {
                report(key, node->source(), *problem);
            }
        }
    }

    void optional_text(const char* key, std::optional<std::string>& out) {
        std::string value;
        if (find(key) != nullptr) {
            text(key, value);
            out = value;
        }
    }

    template <typename T>
    void integer(const char* key, T& out, std::int64_t min, std::int64_t max) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        const auto* value = node->as_integer();
        if (value == nullptr) {
            report(key, node->source(), "must be an integer");
        } else if (value->get() < min || value->get() > max) {
            report(key,
                   node->source(),
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
        } else {
            out = static_cast<T>(value->get());
        }
    }

    template <typename Duration>
    void duration(const char* key, Duration& out, std::int64_t min, std::int64_t max) {
        auto count = static_cast<std::int64_t>(out.count());
        integer(key, count, min, max);
        out = Duration{count};
    }

    void boolean(const char* key, bool& out) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        if (const auto* value = node->as_boolean()) {
            out = value->get();
        } else {
            report(key, node->source(), "must be true or false");
        }
    }

    void strings(const char* key, std::vector<std::string>& out) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        const auto* array = node->as_array();
        if (array == nullptr) {
            report(key, node->source(), "must be an array of strings");
            return;
        }
        out.clear();
        for (const auto& element : *array) {
            if (const auto* value = element.as_string()) {
                out.push_back(value->get());
            } else {
                report(key, element.source(), "must contain strings only");
            }
        }
    }

    /// The sub-table `key` (nullptr when absent; reported when not a table).
    const toml::table* table(const char* key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return nullptr;
        }
        if (const auto* sub = node->as_table()) {
            return sub;
        }
        report(key, node->source(), "must be a table");
        return nullptr;
    }

    void report(const std::string& key, const toml::source_region& where, const std::string& what) {
        violations_.push_back(
            {"CONFIG_INVALID",
             path_ + key + " (line " + std::to_string(where.begin.line) + "): " + what});
    }

    [[nodiscard]] const std::string& path() const { return path_; }

private:
    const toml::node* find(const char* key) {
        seen_.insert(key);
        return table_.get(key);
    }

    const toml::table& table_;
    std::string path_;
    std::vector<Violation>& violations_;
    std::set<std::string> seen_;
};

void read_profile(const std::string& name,
                  const toml::table& table,
                  Config& config,
                  std::vector<Violation>& violations) {
    policy::Profile profile;
    const auto defaults = policy::built_in_profiles(config.ca.policy_arc, config.server.base_url);
    for (const auto& known : defaults) {
        if (known.name == name) {
            profile = known;
        }
    }
    profile.name = name;
    TableReader reader(table, "profiles." + name + ".", violations);
    reader.text("display_name", profile.display_name);
    reader.oid("policy_oid", profile.policy_oid);
    reader.text("cps_uri", profile.cps_uri);
    reader.text("user_notice", profile.user_notice);
    reader.duration("validity_days", profile.validity, 1, 3650);
    reader.strings("key_usage", profile.key_usage);
    reader.boolean("allow_rsa", profile.allow_rsa);
    reader.boolean("allow_ec", profile.allow_ec);
    reader.integer("min_rsa_bits", profile.min_rsa_bits, 2048, 16384);
    reader.integer("max_rsa_bits", profile.max_rsa_bits, 2048, 16384);
    reader.strings("allowed_subject", profile.allowed_subject);
    if (profile.policy_oid.empty()) {
        violations.push_back({"CONFIG_INVALID", "profiles." + name + ".policy_oid: must be set"});
    }
    config.profiles.push_back(std::move(profile));
}

void read_config(const toml::table& root, Config& config, std::vector<Violation>& violations) {
    TableReader top(root, "", violations);
    if (const auto* table = top.table("server")) {
        TableReader reader(*table, "server.", violations);
        reader.text("listen", config.server.listen);
        reader.text("base_url", config.server.base_url);
        reader.integer("max_body_bytes", config.server.max_body_bytes, 1024, 64 << 20);
        reader.integer("header_bytes", config.server.header_bytes, 1024, 1 << 20);
        reader.duration("read_timeout_seconds", config.server.read_timeout, 1, 3600);
        reader.integer("worker_threads", config.server.worker_threads, 1, 256);
        reader.integer("io_threads", config.server.io_threads, 1, 64);
        reader.integer("max_connections", config.server.max_connections, 1, 1 << 20);
        reader.duration("idle_timeout_seconds", config.server.idle_timeout, 1, 3600);
        reader.duration("header_timeout_seconds", config.server.header_timeout, 1, 3600);
        reader.integer(
            "max_connections_per_client", config.server.max_connections_per_client, 1, 1 << 20);
        reader.integer("status_reserve", config.server.status_reserve, 0, 1 << 20);
        reader.integer("client_rate_general", config.server.client_rate_general, 0, 1000000);
        reader.integer("client_burst_general", config.server.client_burst_general, 1, 1000000);
        reader.integer("client_rate_issuance", config.server.client_rate_issuance, 0, 1000000);
        reader.integer("client_burst_issuance", config.server.client_burst_issuance, 1, 1000000);
        reader.integer("client_rate_status", config.server.client_rate_status, 0, 1000000);
        reader.integer("client_burst_status", config.server.client_burst_status, 1, 1000000);
        reader.integer("max_tracked_clients", config.server.max_tracked_clients, 1, 10000000);
        reader.duration("max_queue_delay_ms", config.server.max_queue_delay, 0, 60000);
        reader.optional_text("tls_certificate", config.server.tls_certificate);
        reader.optional_text("tls_key", config.server.tls_key);
    }
    if (const auto* table = top.table("database")) {
        TableReader reader(*table, "database.", violations);
        reader.text("driver", config.database.driver);
        reader.text("path", config.database.path);
        reader.text("url", config.database.url);
        reader.boolean("synchronous_full", config.database.synchronous_full);
        if (config.database.driver != "sqlite" && config.database.driver != "postgres") {
            violations.push_back(
                {"CONFIG_INVALID", "database.driver: must be \"sqlite\" or \"postgres\""});
        }
        if (config.database.driver == "postgres" && config.database.url.empty()) {
            violations.push_back({"CONFIG_INVALID", "database.url: required for postgres"});
        }
    }
    if (const auto* table = top.table("ca")) {
        TableReader reader(*table, "ca.", violations);
        reader.text("key_algorithm", config.ca.key_algorithm);
        reader.text("passphrase_file", config.ca.passphrase_file);
        reader.text("passphrase_env", config.ca.passphrase_env);
        reader.oid("policy_arc", config.ca.policy_arc);
    }
    if (config.ca.policy_arc.empty()) {
        violations.push_back({"CONFIG_INVALID", "ca.policy_arc: must be set"});
    }
    if (const auto* table = top.table("crl")) {
        TableReader reader(*table, "crl.", violations);
        reader.duration("validity_days", config.crl.validity, 1, 7);
        reader.duration("republish_hours", config.crl.republish_every, 1, 24 * 7);
        reader.duration(
            "max_delay_after_revocation_seconds", config.crl.max_delay_after_revocation, 1, 3600);
    }
    if (const auto* table = top.table("ocsp")) {
        TableReader reader(*table, "ocsp.", violations);
        // quality-bar.md: responses valid between 8 hours and 10 days.
        reader.duration("validity_hours", config.ocsp.validity, 8, 240);
        reader.duration("refresh_before_hours", config.ocsp.refresh_before, 1, 239);
        reader.integer("cache_entries", config.ocsp.cache_entries, 1, 100000000);
        if (config.ocsp.refresh_before >= config.ocsp.validity) {
            violations.push_back(
                {"CONFIG_INVALID", "ocsp.refresh_before_hours: must be less than validity_hours"});
        }
    }
    if (const auto* table = top.table("ra")) {
        TableReader reader(*table, "ra.", violations);
        reader.duration("codes_valid_days", config.ra.codes_valid, 1, 30);
        reader.duration("confirm_within_minutes", config.ra.confirm_within, 1, 24 * 60);
        reader.duration(
            "release_claims_after_seconds", config.ra.release_claims_after, 1, 24 * 3600);
        reader.text("organisation", config.ra.organisation);
        reader.text("contact", config.ra.contact);
        reader.integer("approvals_required", config.ra.approvals_required, 1, 2);
        reader.boolean("code_by_other_channel", config.ra.code_by_other_channel);
        reader.duration("otp_valid_minutes", config.ra.otp_valid, 1, 10);
        reader.integer(
            "applications_per_client_hour", config.ra.applications_per_client_hour, 0, 100000);
        reader.integer(
            "applications_per_client_day", config.ra.applications_per_client_day, 0, 1000000);
        reader.duration("document_retention_days", config.ra.document_retention, 1, 3650);
    }
    if (const auto* table = top.table("cmp")) {
        TableReader reader(*table, "cmp.", violations);
        // korea.md: renewal opens 30 days before expiry; at most a quarter of a year.
        reader.duration("renewal_window_days", config.cmp.renewal_window, 1, 90);
        reader.text("server_subject", config.cmp.server_subject);
        reader.text("vid_subject", config.cmp.vid_subject);
        reader.duration("poll_interval_seconds", config.cmp.poll_interval, 1, 3600);
    }
    if (const auto* table = top.table("notify")) {
        TableReader reader(*table, "notify.", violations);
        reader.text("email", config.notify.email);
        reader.text("sms", config.notify.sms);
        reader.text("from", config.notify.from);
        reader.text("from_name", config.notify.from_name);
        reader.text("smtp_url", config.notify.smtp_url);
        reader.text("smtp_username", config.notify.smtp_username);
        reader.text("smtp_password_env", config.notify.smtp_password_env);
        reader.text("smtp_starttls", config.notify.smtp_starttls);
        reader.boolean("smtp_allow_plaintext_auth", config.notify.smtp_allow_plaintext_auth);
        reader.text("sms_url", config.notify.sms_url);
        reader.text("sms_body_template", config.notify.sms_body_template);
        reader.text("sms_api_key_header", config.notify.sms_api_key_header);
        reader.text("sms_api_key_env", config.notify.sms_api_key_env);
        reader.text("sms_ca_file", config.notify.sms_ca_file);
        reader.text("smtp_ca_file", config.notify.smtp_ca_file);
        const auto& notify = config.notify;
        if (notify.sms_api_key_header.empty() != notify.sms_api_key_env.empty()) {
            violations.push_back({"CONFIG_INVALID",
                                  "notify.sms_api_key_header and notify.sms_api_key_env: give "
                                  "both or neither"});
        }
        if (notify.email != "spool" && notify.email != "smtp") {
            violations.push_back({"CONFIG_INVALID", "notify.email: must be \"spool\" or \"smtp\""});
        }
        if (notify.sms != "spool" && notify.sms != "http") {
            violations.push_back({"CONFIG_INVALID", "notify.sms: must be \"spool\" or \"http\""});
        }
        if (notify.email == "smtp" && notify.smtp_url.empty()) {
            violations.push_back(
                {"CONFIG_INVALID", "notify.smtp_url: required when email = \"smtp\""});
        }
        if (notify.sms == "http" && notify.sms_url.empty()) {
            violations.push_back(
                {"CONFIG_INVALID", "notify.sms_url: required when sms = \"http\""});
        }
        if (notify.smtp_starttls != "required" && notify.smtp_starttls != "optional" &&
            notify.smtp_starttls != "none") {
            violations.push_back(
                {"CONFIG_INVALID", "notify.smtp_starttls: must be required, optional or none"});
        }
    }
    if (const auto* table = top.table("log")) {
        TableReader reader(*table, "log.", violations);
        reader.text("level", config.log_level);
    }
    if (const auto* table = top.table("profiles")) {
        for (const auto& [name, node] : *table) {
            if (const auto* profile = node.as_table()) {
                read_profile(std::string(name.str()), *profile, config, violations);
            } else {
                violations.push_back({"CONFIG_INVALID",
                                      "profiles." + std::string(name.str()) + ": must be a table"});
            }
        }
    }
    if (config.profiles.empty()) {
        config.profiles = policy::built_in_profiles(config.ca.policy_arc, config.server.base_url);
    }
}

}  // namespace

std::optional<std::string> policy_oid_problem(std::string_view oid, OidRule rule) {
    const bool portable = rule == OidRule::portable;
    const std::string quoted = "'" + std::string(oid) + "'";
    std::vector<std::uint64_t> components;
    for (std::size_t start = 0; start <= oid.size();) {
        const std::size_t end = std::min(oid.find('.', start), oid.size());
        const std::string_view digits = oid.substr(start, end - start);
        std::uint64_t value = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        const bool number = !digits.empty() && ptr == digits.data() + digits.size() &&
                            (digits.size() == 1 || digits.front() != '0');
        if (portable &&
            (ec == std::errc::result_out_of_range || (number && value > max_oid_component))) {
            return quoted + " has the component " + std::string(digits) +
                   ", above 268435455 (2^28-1): relying parties such as Python cryptography 38 "
                   "(Debian 12) cannot read a certificate with it; use components of at most "
                   "28 bits (정책 OID 의 각 자리는 268435455 (2^28-1) 이하여야 합니다)";
        }
        if (!portable && ec == std::errc::result_out_of_range && number) {
            // Too large for any check here, still dotted decimal: fine for the syntax.
            start = end + 1;
            components.push_back(max_oid_component + 1);
            continue;
        }
        if (ec != std::errc{} || !number) {
            return quoted +
                   " is not a dotted-decimal OID such as 1.2.410.200005 (점으로 구분된 숫자 "
                   "OID 가 아닙니다)";
        }
        components.push_back(value);
        start = end + 1;
    }
    if (components.size() < 2) {
        return quoted +
               " needs at least two components, e.g. 2.25.12345 (OID 는 두 자리 "
               "이상이어야 합니다)";
    }
    if (components[0] > 2 || (components[0] < 2 && components[1] > 39)) {
        return quoted +
               " does not start with 0, 1 or 2 and a second component below 40 under 0 "
               "and 1 (OID 의 첫 두 자리가 올바르지 않습니다)";
    }
    if (portable && components[0] * 40 + components[1] > max_oid_component) {
        return quoted +
               ": its first two components encode as one above 268435455 (2^28-1), "
               "which relying parties such as Python cryptography 38 cannot read (정책 "
               "OID 의 첫 두 자리가 너무 큽니다)";
    }
    return std::nullopt;
}

std::vector<std::string> unportable_policy_oids(const Config& config) {
    std::vector<std::string> found;
    if (auto problem = policy_oid_problem(config.ca.policy_arc)) {
        found.push_back("ca.policy_arc: " + *problem);
    }
    for (const auto& profile : config.profiles) {
        if (auto problem = policy_oid_problem(profile.policy_oid)) {
            found.push_back("profiles." + profile.name + ".policy_oid: " + *problem);
        }
    }
    return found;
}

Result<Config> parse(const std::string& toml_text, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& error) {
        std::ostringstream where;
        where << error.source().begin;
        return fail(ErrorKind::invalid_request,
                    "CONFIG_INVALID",
                    source_name + ": " + std::string(error.description()) + " at " + where.str());
    }
    Config config;
    std::vector<Violation> violations;
    read_config(root, config, violations);
    if (auto listen = split_listen(config.server.listen); !listen) {
        violations.push_back({"CONFIG_INVALID", "server.listen: " + listen.error().detail});
    }
    if (!violations.empty()) {
        Error error{ErrorKind::invalid_request,
                    "CONFIG_INVALID",
                    source_name + ": the configuration has " + std::to_string(violations.size()) +
                        " problem(s)",
                    {},
                    std::move(violations)};
        return tl::unexpected(std::move(error));
    }
    return config;
}

Result<Config> load(const std::string& path) {
    auto bytes = read_file(path);
    DOJANG_TRY(bytes);
    return parse(std::string(bytes->begin(), bytes->end()), path);
}

Result<std::pair<std::string, std::uint16_t>> split_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
        return fail(
            ErrorKind::invalid_request, "LISTEN_INVALID", "'" + listen + "' is not HOST:PORT");
    }
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned port = 0;
    const char* begin = listen.data() + colon + 1;
    const char* end = listen.data() + listen.size();
    const auto [ptr, ec] = std::from_chars(begin, end, port);
    if (ec != std::errc{} || ptr != end || port > 65535) {
        return fail(
            ErrorKind::invalid_request, "LISTEN_INVALID", "'" + listen + "' has no valid port");
    }
    return std::make_pair(host, static_cast<std::uint16_t>(port));
}

std::string render_default(const std::string& listen,
                           const std::string& base_url,
                           const std::string& key_algorithm,
                           const std::string& policy_arc) {
    return R"toml(# dojangd configuration. Unknown keys are errors; paths are relative to this folder.

[server]
listen = ")toml" +
           listen + R"toml("
# The URL that certificates, CRL distribution points and OCSP locations point at.
base_url = ")toml" +
           base_url + R"toml("
max_body_bytes = 1048576
read_timeout_seconds = 30     # a request body and a response write
# Connections: a client that opens one and sends nothing is closed after idle_timeout; a
# request header must arrive whole within header_timeout of its first byte (else 408).
idle_timeout_seconds = 15
header_timeout_seconds = 10
max_connections = 1024
max_connections_per_client = 128   # one address (IPv6 by /64); more are closed at once
# Beyond max_connections, this many more connections answer only OCSP, CRL and CA files, so
# relying parties are answered while the general pool is full.
status_reserve = 128
worker_threads = 2           # run the handlers of applications, issuance and CMP
io_threads = 2               # run the sockets and answer OCSP, CRL and CA files (one per core at most)
# Per-client limits (one address; IPv6 by /64), per route class: requests per second on average
# and the burst a quiet client may send at once; beyond them 429 + Retry-After. rate 0 = off.
# Keep them generous: many people may share one address (NAT, an office, a reverse proxy; behind
# a proxy every request comes from the proxy's address). Status (OCSP, CRL, CA certificates)
# is off: relying parties fetch it, and it is cheap.
client_rate_general = 100
client_burst_general = 400
client_rate_issuance = 20    # applications, CMP, certificate requests
client_burst_issuance = 100
client_rate_status = 0
client_burst_status = 1000
max_tracked_clients = 10000  # the least recently seen address is forgotten beyond this
# Under overload, answer 503 + Retry-After at once rather than queue a request longer than this
# (measured service time × queued requests); 0 bounds the queue by its length only.
max_queue_delay_ms = 5
# tls_certificate = "tls/server.pem"   # enables HTTPS together with tls_key
# tls_key = "tls/server.key"

[database]
driver = "sqlite"          # "postgres" for several nodes (set url = "host=... dbname=...")
path = "dojang.db"
synchronous_full = true    # fsync every commit: an issued certificate survives power loss

[ca]
key_algorithm = ")toml" +
           key_algorithm + R"toml("   # rsa2048 | rsa3072 | rsa4096 | p256 | p384
# The CA keys are encrypted (PBES2, AES-256) under this passphrase.
passphrase_file = "secrets/ca-passphrase"
# passphrase_env = "DOJANG_CA_PASSPHRASE"   # read it from the environment instead
# OID arc of the certificate policies (use your own; 2.25.<uuid> needs no registration).
policy_arc = ")toml" +
           policy_arc + R"toml("

[crl]
validity_days = 7
republish_hours = 24
max_delay_after_revocation_seconds = 300

[ocsp]
validity_hours = 72
refresh_before_hours = 36
# Pre-signed responses kept in memory (~1 KB each); other serials are signed when asked for.
cache_entries = 10000

[ra]
# The reference number and authorization code (참조번호/인가코드) are valid this long.
codes_valid_days = 14
# A reissued certificate not confirmed by its holder in time is revoked; the codes work again.
confirm_within_minutes = 60
# An issuance that took the codes but recorded no certificate (it failed, or the server died
# between its two steps) gives them back after this many seconds.
release_claims_after_seconds = 120
organisation = "dojang"    # O= of the certificates issued to holders
contact = "1588-0000"      # the number the security notice tells holders to call
# Officers who must approve a company's or a proxy's application (2: four-eyes review).
approvals_required = 1
# Also send the authorization code (인가코드) over the channel the one-time code did not use.
code_by_other_channel = false
# A one-time code (인증번호) works this many minutes (1-10).
otp_valid_minutes = 5
# Online applications one client address (IPv4, or an IPv6 /64) may make in an hour and in a
# day, whatever it typed (0: no limit). Raise them for a branch network behind one address.
applications_per_client_hour = 10
applications_per_client_day = 30
# Documents of an application that is closed (decided, issued, cancelled) are deleted this many
# days after its last change, each deletion audited. Applications whose one-time code was never
# verified are erased after 24 hours.
document_retention_days = 90

[cmp]
# Renewal (갱신, CMP kur signed with the current key) is accepted from this many days before the
# certificate's notAfter until notAfter.
renewal_window_days = 30
# Subject of the certificate that signs CMP answers to signature-protected requests
# (cmp/server.pem, issued by dojangd init, or when serve finds it missing).
server_subject = "C=KR,O=dojang,CN=dojang CMP Server"
# Subject of the RSA certificate the Korean CMP clients encrypt the VID and R to (EncryptedVID
# in regInfo; cmp/vid.pem, published at /ca/vid.pem).
vid_subject = "C=KR,O=dojang,CN=dojang VID Encryption"
# A request whose application the back office still reviews is answered `waiting`; the client
# polls (pollReq) after this many seconds (1-3600).
poll_interval_seconds = 60

[notify]
# Development default: every e-mail and SMS is written to spool/ in this folder.
email = "spool"            # "smtp" to send through smtp_url
sms = "spool"              # "http" to post to an SMS gateway at sms_url
from = "noreply@dojang.invalid"  # set your own sender address
from_name = "dojang"
# smtp_url = "smtp://mail.example.com:587"   # STARTTLS; smtps://host:465 for implicit TLS
# smtp_username = "dojang"
# smtp_password_env = "DOJANG_SMTP_PASSWORD"
# smtp_starttls = "required"                 # required | optional | none
# sms_url = "https://sms.example.com/v1/send"
# sms_body_template = '{"to":"{to}","text":"{text}"}'
# sms_api_key_header = "X-Api-Key"           # a header carrying the gateway's key,
# sms_api_key_env = "DOJANG_SMS_API_KEY"     # read from this environment variable
# sms_ca_file = "/etc/ssl/certs/gateway-ca.pem"
# smtp_ca_file = "/etc/ssl/certs/mail-ca.pem"

[log]
level = "info"

# Certificate profiles. Omitted keys take the built-in values shown here.
[profiles.individual]
display_name = "개인 (individual)"
policy_oid = ")toml" +
           policy_arc + R"toml(.1.1.1"
user_notice = "이 인증서는 공동인증서입니다 (dojang individual certificate)"
validity_days = 365
key_usage = ["digitalSignature", "nonRepudiation"]
allow_ec = false

[profiles.corporate]
display_name = "법인 (corporate)"
policy_oid = ")toml" +
           policy_arc + R"toml(.1.1.5"
user_notice = "이 인증서는 법인용 공동인증서입니다 (dojang corporate certificate)"
validity_days = 365
key_usage = ["digitalSignature", "nonRepudiation"]
allow_ec = false
)toml";
}

}  // namespace dojang::config
