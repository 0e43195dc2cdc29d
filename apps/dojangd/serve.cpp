// SPDX-License-Identifier: Apache-2.0
// `dojangd serve`: the composition root of the server. Builds the services, adds each
// component's routes to the one router, and runs the background work that keeps the status
// services fresh, the outbox moving and the audit log anchored.
#include "dojang/api/reason_routes.hpp"
#include "dojang/api/routes.hpp"
#include "dojang/api/service_routes.hpp"
#include "dojang/cmp/routes.hpp"
#include "dojang/core/bytes.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crl/routes.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/http/server.hpp"
#include "dojang/log/log.hpp"
#include "dojang/notify/dispatcher.hpp"
#include "dojang/notify/sms_channel.hpp"
#include "dojang/notify/smtp_channel.hpp"
#include "dojang/notify/spool_channel.hpp"
#include "dojang/ocsp/routes.hpp"
#include "dojang/portal/portal.hpp"
#include "dojang/ra/reissue.hpp"
#include "dojang/ra/reminders.hpp"
#include "dojang/ra/renewal.hpp"
#include "dojang/ra/retention.hpp"
#include "dojang/ra/sealed_register.hpp"
#include "dojang/store/audit_anchor.hpp"

#include <sys/statvfs.h>

#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "authority.hpp"
#include "commands.hpp"
#include "data_dir.hpp"

namespace dojang::app {
namespace {

/// The status services of one server (the OCSP responder and the CRL publishers of both CAs)
/// and the background work that keeps them fresh; their routes live in their components.
class StatusUpkeep {
public:
    StatusUpkeep(Installation& installation, const Clock& clock)
        : installation_(installation),
          certificates_(*installation.database),
          responder_(*installation.issuing,
                     std::move(*installation.responder_certificate),
                     std::move(*installation.responder_key),
                     certificates_,
                     clock,
                     ocsp::Settings{installation.config.ocsp.validity,
                                    installation.config.ocsp.refresh_before,
                                    installation.config.ocsp.cache_entries}) {
        const crl::Settings settings{installation.config.crl.validity,
                                     installation.config.crl.republish_every,
                                     installation.config.crl.max_delay_after_revocation};
        for (const ca::Authority* authority : {&*installation.issuing, &*installation.root}) {
            publishers_.emplace(std::piecewise_construct,
                                std::forward_as_tuple(authority->name),
                                std::forward_as_tuple(*authority,
                                                      *installation.database,
                                                      clock,
                                                      installation.dir.crl(authority->name),
                                                      settings));
        }
    }

    Result<void> start() {
        auto warmed = responder_.warm();
        if (!warmed) {
            return warmed;
        }
        for (auto& [name, publisher] : publishers_) {
            auto loaded = publisher.load_or_publish();
            if (!loaded) {
                return loaded;
            }
        }
        auto counter = revocation_counter();
        DOJANG_TRY(counter);
        last_counter_ = *counter;
        log::info("OCSP: {} pre-signed responses; CRL {} number {}",
                  responder_.size(),
                  "issuing",
                  publishers_.at("issuing").current().number);
        return ok();
    }

    ocsp::Responder& responder() { return responder_; }
    const crl::Publishers& publishers() const { return publishers_; }

    void add_metrics(http::Metrics& metrics) {
        crl_published_ =
            &metrics.counter("dojang_crl_published_total", "CRLs published by this process");
        ocsp_cached_ =
            &metrics.gauge("dojang_ocsp_cached_responses", "Pre-signed OCSP responses in memory");
        crl_number_ =
            &metrics.gauge("dojang_crl_number", "CRL number of the issuing CA's current CRL");
        revocations_ =
            &metrics.gauge("dojang_revocations", "Revocations recorded (database counter)");
        issuances_ = &metrics.gauge("dojang_issuances", "Certificates issued (database counter)");
        update_gauges();
    }

    /// One round of background work; logs and keeps going on errors.
    void tick() {
        auto counter = revocation_counter();
        if (!counter) {
            log::warn("cannot read the revocation counter: {}", counter.error().describe());
            return;
        }
        if (*counter != last_counter_) {
            auto synced = responder_.sync_revocations();
            if (!synced) {
                log::warn("OCSP sync failed: {}", synced.error().describe());
                return;
            }
            log::info("OCSP: {} response(s) re-signed after revocation changes", *synced);
        }
        for (auto& [name, publisher] : publishers_) {
            publisher.adopt_newer_file();
            auto published = publisher.publish_if_due(*counter);
            if (!published) {
                log::warn("CRL {} not published: {}", name, published.error().describe());
                return;
            }
            if (*published) {
                crl_published_->inc();
                log::info("CRL {} published, number {}", name, publisher.current().number);
            }
        }
        last_counter_ = *counter;
        auto refreshed = responder_.refresh_due();
        if (!refreshed) {
            log::warn("OCSP refresh failed: {}", refreshed.error().describe());
        }
        update_gauges();
    }

    /// Whether the store and the data directory still take writes: a write probe through the
    /// store and the free space of the data directory's disk, once a tick. /healthz reports the
    /// last finding (a probe there would block the I/O thread).
    void probe_writes() {
        constexpr std::uint64_t least_free_bytes = 128U * 1024U;
        std::string problem;
        struct statvfs disk {};
        if (::statvfs(installation_.dir.root.c_str(), &disk) == 0 &&
            static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize < least_free_bytes) {
            problem = "the disk of the data directory is full";
        } else {
            auto written =
                installation_.database->transact([](store::Transaction& tx) -> Result<void> {
                    auto next = tx.counters().next("health_probe");
                    DOJANG_TRY(next);
                    return ok();
                });
            if (!written) {
                problem = "the store cannot write: " + written.error().describe();
            }
        }
        if (!problem.empty()) {
            log::warn("not ready: {}", problem);
        }
        std::lock_guard lock(probe_mutex_);
        unwritable_ = std::move(problem);
    }

    /// What /healthz reports: the last write probe, and a read of the store now.
    api::Health health() {
        api::Health health;
        {
            std::lock_guard lock(probe_mutex_);
            health.unwritable = unwritable_;
        }
        health.store_answers = revocation_counter().has_value();
        health.ocsp_cached_responses = responder_.size();
        health.crl_number = publishers_.at("issuing").current().number;
        return health;
    }

private:
    Result<std::int64_t> revocation_counter() { return counter("revocations"); }

    Result<std::int64_t> counter(const std::string& name) {
        return store::read_in_transaction<std::int64_t>(
            *installation_.database,
            [&](store::Transaction& tx) { return tx.counters().current(name); });
    }

    void update_gauges() {
        ocsp_cached_->set(static_cast<std::int64_t>(responder_.size()));
        crl_number_->set(publishers_.at("issuing").current().number);
        revocations_->set(last_counter_);
        auto issued = counter("issuances");
        if (issued) {
            issuances_->set(*issued);
        }
    }

    Installation& installation_;
    std::mutex probe_mutex_;
    std::string unwritable_;  ///< why the last probe found the store not writable, or empty
    store::DatabaseStatusReader certificates_;  ///< what the responder reads, read-only
    ocsp::Responder responder_;
    crl::Publishers publishers_;
    std::int64_t last_counter_ = 0;
    http::Counter* crl_published_ = nullptr;
    http::Gauge* ocsp_cached_ = nullptr;
    http::Gauge* crl_number_ = nullptr;
    http::Gauge* revocations_ = nullptr;
    http::Gauge* issuances_ = nullptr;
};

/// The real channels that [notify] asks for; null members mean "use the spool".
struct RealChannels {
    std::unique_ptr<notify::SmtpChannel> smtp;
    std::unique_ptr<notify::HttpSmsChannel> sms;
};

Result<RealChannels> make_channels(const config::Notify& settings, const Clock& clock) {
    RealChannels channels;
    if (settings.email == "smtp") {
        notify::SmtpSettings smtp;
        smtp.url = settings.smtp_url;
        smtp.from = settings.from;
        smtp.from_name = settings.from_name;
        smtp.username = settings.smtp_username;
        if (!settings.smtp_password_env.empty()) {
            const char* password = std::getenv(settings.smtp_password_env.c_str());
            if (password == nullptr) {
                return fail(
                    ErrorKind::invalid_request,
                    "SMTP_PASSWORD_MISSING",
                    "the SMTP password variable " + settings.smtp_password_env + " is not set");
            }
            smtp.password = SecretBytes(std::string_view(password));
        }
        smtp.starttls = settings.smtp_starttls == "none"       ? notify::StartTls::none
                        : settings.smtp_starttls == "optional" ? notify::StartTls::optional
                                                               : notify::StartTls::required;
        smtp.allow_plaintext_auth = settings.smtp_allow_plaintext_auth;
        smtp.ca_file = settings.smtp_ca_file;
        auto channel = notify::SmtpChannel::create(std::move(smtp), clock);
        DOJANG_TRY(channel);
        channels.smtp = std::move(*channel);
    }
    if (settings.sms == "http") {
        notify::SmsGatewaySettings gateway;
        gateway.url = settings.sms_url;
        gateway.body_template = settings.sms_body_template;
        gateway.ca_file = settings.sms_ca_file;
        if (!settings.sms_api_key_header.empty()) {
            const char* key = std::getenv(settings.sms_api_key_env.c_str());
            if (key == nullptr) {
                return fail(
                    ErrorKind::invalid_request,
                    "SMS_API_KEY_MISSING",
                    "the SMS gateway key variable " + settings.sms_api_key_env + " is not set");
            }
            gateway.headers.push_back(
                {settings.sms_api_key_header, SecretBytes(std::string_view(key))});
        }
        auto channel = notify::HttpSmsChannel::create(std::move(gateway));
        DOJANG_TRY(channel);
        channels.sms = std::move(*channel);
    }
    return channels;
}

/// Records config.load (the SHA-256 of dojang.toml) and writes a checkpoint.
Result<void> audit_config_load(Installation& installation, Seconds now) {
    auto text = read_file(installation.dir.config());
    DOJANG_TRY(text);
    const std::string digest = to_hex(crypto::sha256(*text));
    auto recorded = installation.database->transact([&](store::Transaction& tx) -> Result<void> {
        return store::record_audit(
            tx, now, "system", "config.load", "dojang.toml", "{\"sha256\":\"" + digest + "\"}");
    });
    if (!recorded) {
        return recorded;
    }
    auto anchored = anchor_audit(installation.dir, *installation.database, now);
    DOJANG_TRY(anchored);
    return ok();
}

/// Anchors the audit log; a failure is logged, never fatal to serving.
void checkpoint_now(Installation& installation, Seconds now) {
    if (auto anchored = anchor_audit(installation.dir, *installation.database, now); !anchored) {
        log::warn("audit checkpoint failed: {}", anchored.error().describe());
    }
}

}  // namespace

Result<void> serve(const std::string& data,
                   const std::optional<std::string>& listen_override,
                   const Clock& clock) {
    auto installation = open(data, true, "serve");
    DOJANG_TRY(installation);
    auto logging = log::init(installation->config.log_level);
    if (!logging) {
        return logging;
    }
    // An arc that init would refuse today (made before it checked): the certificates already
    // carry it, so the CA runs, and says which relying parties will refuse them.
    for (const auto& unportable : config::unportable_policy_oids(installation->config)) {
        log::warn("policy OID some relying parties cannot read: {}", unportable);
    }
    const auto& settings = installation->config.server;
    auto listen = config::split_listen(listen_override.value_or(settings.listen));
    DOJANG_TRY(listen);
    // What configuration this server runs with goes on the record, then the log is anchored.
    auto loaded = audit_config_load(*installation, clock.now());
    if (!loaded) {
        return loaded;
    }
    StatusUpkeep status(*installation, clock);
    auto started = status.start();
    if (!started) {
        return started;
    }
    http::Limits limits;
    limits.body_bytes = settings.max_body_bytes;
    limits.header_bytes = settings.header_bytes;
    limits.read_timeout = settings.read_timeout;
    limits.worker_threads = settings.worker_threads;
    limits.io_threads = settings.io_threads;
    limits.max_connections = settings.max_connections;
    limits.idle_timeout = settings.idle_timeout;
    limits.header_timeout = settings.header_timeout;
    limits.max_connections_per_client = settings.max_connections_per_client;
    limits.status_reserve = settings.status_reserve;
    limits.client_general = {settings.client_rate_general, settings.client_burst_general};
    limits.client_issuance = {settings.client_rate_issuance, settings.client_burst_issuance};
    limits.client_status = {settings.client_rate_status, settings.client_burst_status};
    limits.max_tracked_clients = settings.max_tracked_clients;
    limits.max_queue_delay = settings.max_queue_delay;
    std::optional<http::TlsConfig> tls;
    if (settings.tls_certificate && settings.tls_key) {
        tls = http::TlsConfig{installation->dir.file(*settings.tls_certificate),
                              installation->dir.file(*settings.tls_key)};
    }
    http::Router router;
    // The server owns the metrics, so it is created before the routes that register counters.
    http::Server server(router, limits, tls);
    status.add_metrics(server.metrics());
    ocsp::add_routes(
        router,
        status.responder(),
        clock,
        server.metrics().counter("dojang_ocsp_requests_total", "OCSP requests answered"));
    crl::add_routes(router,
                    status.publishers(),
                    clock,
                    std::chrono::duration_cast<std::chrono::seconds>(
                        installation->config.crl.max_delay_after_revocation));
    api::add_ca_routes(
        router, {&*installation->issuing, &*installation->root}, *installation->vid_certificate);

    // The registration authority: REST issuance with the codes, online applications verified
    // with one-time codes, and officers' review of companies' and proxies' documents.
    auto authority = open_registration_authority(*installation, clock);
    DOJANG_TRY(authority);
    // Register rows written before the register was sealed are sealed now, once.
    auto resealed = ra::seal_legacy_customers(*installation->database, (*authority)->keys);
    DOJANG_TRY(resealed);
    if (*resealed > 0) {
        log::info("sealed the personal fields of {} register entries", *resealed);
    }
    ra::ReissueService& reissue = (*authority)->reissue;
    api::add_routes(router, reissue, &(*authority)->holder);
    api::add_application_routes(router, (*authority)->online);
    api::add_reason_routes(router);
    api::add_review_routes(router, (*authority)->review);
    // CMP over HTTP (RFC 6712): how Korean clients fetch the certificate with the codes.
    // Renewal (kur) and revocation (rr) are signed with the holder's key; their answers with
    // the CMP server certificate.
    cmp::Server cmp_server({reissue,
                            (*authority)->renewal,
                            *installation->issuing,
                            *installation->cmp_certificate,
                            *installation->cmp_key,
                            *installation->database,
                            clock,
                            &*installation->vid_certificate,
                            &*installation->vid_key,
                            installation->config.cmp.poll_interval});
    cmp::add_routes(router, cmp_server);
    // The web portal: applicant and officer pages under /portal/ (src/dojang/portal).
    portal::add_routes(router,
                       {{}, installation->config.ra.organisation, installation->config.ra.contact});
    // Notifications: the spool (development default) or the configured SMTP server and SMS
    // gateway ([notify] in dojang.toml).
    const auto& notify_config = installation->config.notify;
    notify::SpoolChannel spool(
        installation->dir.root, notify_config.from, notify_config.from_name, clock);
    auto channels = make_channels(notify_config, clock);
    DOJANG_TRY(channels);
    notify::Channel* email =
        channels->smtp ? static_cast<notify::Channel*>(channels->smtp.get()) : &spool;
    notify::Channel* sms =
        channels->sms ? static_cast<notify::Channel*>(channels->sms.get()) : &spool;
    log::info("notifications: e-mail via {}, SMS via {}", notify_config.email, notify_config.sms);
    notify::Dispatcher dispatcher(*installation->database, {{"email", email}, {"sms", sms}}, clock);
    // Last: the route index lists every route added before it.
    api::add_service_routes(
        router, [&status] { return status.health(); }, server.metrics(), settings.base_url);
    auto listening = server.listen(listen->first, listen->second);
    if (!listening) {
        return listening;
    }
    const std::string scheme = tls ? "https" : "http";
    const std::string url = scheme + "://" + listen->first + ":" + std::to_string(server.port());
    log::info("dojangd listening on {}", url);
    std::cout
        << "dojangd is running: " << url << "  (Ctrl-C to stop)\n"
        << "  try:  curl " << url << "/healthz\n"
        << "        curl -o chain.pem " << url << "/ca/issuing.pem; curl -o root.pem " << url
        << "/ca/root.pem\n"
        << "        openssl ocsp -issuer chain.pem -cert CERT.pem -CAfile root.pem -no_nonce -url "
        << url << "/ocsp\n"
        << "  issue: dojangd admin issue --data " << data << " --csr REQ.pem --out CERT.pem\n"
        << std::flush;

    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    const auto period = std::min<std::chrono::seconds>(
        std::chrono::seconds{5}, installation->config.crl.max_delay_after_revocation);
    // Expiry reminders (30, 7, 1 days before notAfter) are looked for at start and hourly.
    const ra::ReminderSettings reminders{{30, 7, 1},
                                         installation->config.server.base_url + "/portal/"};
    auto next_reminders = std::chrono::steady_clock::now();
    // The audit log is anchored once a minute (when it grew) and at shutdown.
    constexpr std::chrono::minutes checkpoint_every{1};
    auto next_checkpoint = std::chrono::steady_clock::now() + checkpoint_every;
    std::thread background([&] {
        std::unique_lock lock(mutex);
        while (!wake.wait_for(lock, period, [&] { return stopping; })) {
            lock.unlock();
            status.tick();
            status.probe_writes();
            if (std::chrono::steady_clock::now() >= next_checkpoint) {
                next_checkpoint = std::chrono::steady_clock::now() + checkpoint_every;
                checkpoint_now(*installation, clock.now());
            }
            if (std::chrono::steady_clock::now() >= next_reminders) {
                next_reminders = std::chrono::steady_clock::now() + std::chrono::hours{1};
                if (auto due = ra::queue_expiry_reminders(
                        *installation->database, (*authority)->keys, clock, reminders);
                    !due) {
                    log::warn("queueing expiry reminders failed: {}", due.error().describe());
                } else if (*due > 0) {
                    log::info("{} expiry reminder(s) due", *due);
                }
                // Retention: unverified applications after a day, documents after the period.
                if (auto purged = ra::purge_expired(
                        *installation->database,
                        ra::DocumentFiles(installation->dir.documents()),
                        clock,
                        ra::RetentionSettings{std::chrono::hours{24},
                                              installation->config.ra.document_retention});
                    !purged) {
                    log::warn("retention purge failed: {}", purged.error().describe());
                } else if (purged->applications + purged->documents > 0 || purged->files_left > 0) {
                    log::info(
                        "retention: erased {} unverified application(s), deleted {} "
                        "document(s); {} document file(s) could not be removed",
                        purged->applications,
                        purged->documents,
                        purged->files_left);
                }
            }
            if (auto released = reissue.release_stranded_claims(); !released) {
                log::warn("releasing stranded codes failed: {}", released.error().describe());
            } else if (*released > 0) {
                log::info("{} application(s) got their codes back: no certificate was recorded",
                          *released);
            }
            if (auto revoked = reissue.revoke_unconfirmed(); !revoked) {
                log::warn("revoking unconfirmed certificates failed: {}",
                          revoked.error().describe());
            } else if (*revoked > 0) {
                log::info("{} unconfirmed certificate(s) revoked; their codes work again",
                          *revoked);
            }
            lock.lock();
        }
    });
    // Notifications leave on a thread of their own, as soon as they are due: a one-time code
    // must not wait behind the CRL, nor a slow SMTP server hold up revocations. While a whole
    // batch goes out the next is taken at once; otherwise the outbox is looked at twice a
    // second.
    std::thread delivery([&] {
        const std::size_t batch = notify::DispatcherSettings{}.batch;
        std::unique_lock lock(mutex);
        while (!stopping) {
            lock.unlock();
            auto delivered = dispatcher.deliver_due();
            if (!delivered) {
                log::warn("notification delivery failed: {}", delivered.error().describe());
            }
            const bool more = delivered && *delivered >= batch;
            lock.lock();
            if (!more) {
                wake.wait_for(lock, std::chrono::milliseconds{500}, [&] { return stopping; });
            }
        }
    });
    server.run_until_signal();
    {
        std::lock_guard lock(mutex);
        stopping = true;
    }
    wake.notify_all();
    background.join();
    delivery.join();
    checkpoint_now(*installation, clock.now());
    log::info("dojangd stopped");
    return ok();
}

}  // namespace dojang::app
