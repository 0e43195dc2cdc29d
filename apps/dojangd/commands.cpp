// SPDX-License-Identifier: Apache-2.0
#include "commands.hpp"

#include "dojang/ca/issuer.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crl/publisher.hpp"
#include "dojang/store/audit_anchor.hpp"

#include <ctime>
#include <iomanip>
#include <ostream>

#include "data_dir.hpp"

namespace dojang::app {
namespace {

crl::Settings crl_settings(const config::Config& config) {
    return crl::Settings{
        config.crl.validity, config.crl.republish_every, config.crl.max_delay_after_revocation};
}

/// The first CN of a name, for identifyData's realName.
std::string common_name(const X509_NAME* name) {
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0) {
        return {};
    }
    unsigned char* utf8 = nullptr;
    const int length =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
    std::string text = length > 0 ? std::string(reinterpret_cast<char*>(utf8),
                                                static_cast<std::size_t>(length))  // NOLINT
                                  : std::string();
    OPENSSL_free(utf8);
    return text;
}

}  // namespace

Result<Seconds> parse_rfc3339(const std::string& text) {
    std::tm parts{};
    std::istringstream in(text);
    in >> std::get_time(&parts, "%Y-%m-%dT%H:%M:%SZ");
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
        return fail(ErrorKind::invalid_request,
                    "TIME_INVALID",
                    "'" + text + "' is not an RFC 3339 UTC time like 2027-03-25T14:59:59Z");
    }
    return Seconds{std::chrono::seconds{timegm(&parts)}};
}

Result<void> issue(const IssueOptions& options, const Clock& clock, std::ostream& out) {
    auto csr = read_file(options.csr_file);
    DOJANG_TRY(csr);
    auto installation = open(options.data, true, "admin issue");
    DOJANG_TRY(installation);
    ca::IssueRequest request;
    request.csr = std::move(*csr);
    request.profile = options.profile;
    request.subject = options.subject;
    if (options.keep_not_after) {
        auto keep = parse_rfc3339(*options.keep_not_after);
        DOJANG_TRY(keep);
        request.keep_not_after = *keep;
    }
    if (options.idn.has_value() != options.random_hex.has_value()) {
        return fail(ErrorKind::invalid_request,
                    "IDENTITY_INCOMPLETE",
                    "--idn and --random-hex go together: the VID binds the number to R");
    }
    if (options.idn) {
        auto random_num = from_hex(*options.random_hex);
        if (!random_num) {
            return fail(ErrorKind::invalid_request,
                        "RANDOM_NUM_INVALID",
                        "--random-hex must be 40 hex digits");
        }
        std::string real_name;
        if (options.real_name) {
            real_name = *options.real_name;
        } else if (options.subject) {
            auto name = pkix::parse_name(*options.subject);
            real_name = name ? common_name(name->get()) : std::string();
        } else {
            auto parsed = pkix::Csr::parse(request.csr);
            real_name = parsed ? common_name(parsed->subject()) : std::string();
        }
        request.identity = ca::Identity{real_name,
                                        *options.idn,
                                        std::move(*random_num),
                                        npki::HashAlgorithm::sha256,
                                        std::nullopt};
    }
    ca::Endpoints endpoints{installation->config.server.base_url};
    auto issuer = ca::Issuer::create(*installation->issuing,
                                     installation->config.profiles,
                                     endpoints,
                                     *installation->database,
                                     clock);
    DOJANG_TRY(issuer);
    auto issued = issuer->issue(request);
    DOJANG_TRY(issued);
    auto pem = issued->certificate.pem();
    DOJANG_TRY(pem);
    auto written = write_file_atomic(options.out, to_bytes(*pem));
    if (!written) {
        // The certificate is issued and recorded; say so, so the operator can fetch it again.
        Error error = written.error();
        error.detail +=
            "; certificate " + issued->serial.hex() + " was issued and is in the database";
        return tl::unexpected(error);
    }
    out << "issued " << issued->serial.hex() << "\n"
        << "  subject   " << issued->certificate.subject() << "\n"
        << "  not after " << to_rfc3339(issued->certificate.not_after()) << "\n"
        << "  written   " << options.out << "\n";
    return ok();
}

Result<void> revoke(const std::string& data,
                    const std::string& serial_text,
                    const std::string& reason_text,
                    const Clock& clock,
                    std::ostream& out) {
    auto serial = SerialNumber::from_hex(serial_text);
    DOJANG_TRY(serial);
    auto reason = domain::revocation_reason_from_string(reason_text);
    DOJANG_TRY(reason);
    auto installation = open(data, false);
    DOJANG_TRY(installation);
    auto revoked = ca::revoke(*installation->database, clock, *serial, *reason, "operator");
    if (!revoked) {
        return revoked;
    }
    out << "revoked " << serial->hex() << " (" << domain::to_string(*reason) << ")\n"
        << "  a running dojangd updates OCSP and publishes a new CRL within seconds\n";
    return ok();
}

Result<void> release_hold(const std::string& data,
                          const std::string& serial_text,
                          const Clock& clock,
                          std::ostream& out) {
    auto serial = SerialNumber::from_hex(serial_text);
    DOJANG_TRY(serial);
    auto installation = open(data, false);
    DOJANG_TRY(installation);
    auto released = ca::release_hold(*installation->database, clock, *serial, "operator");
    if (!released) {
        return released;
    }
    out << "hold released: " << serial->hex() << " is valid again\n";
    return ok();
}

Result<void> publish_crl(const std::string& data, const Clock& clock, std::ostream& out) {
    auto installation = open(data, true, "admin crl");
    DOJANG_TRY(installation);
    for (const ca::Authority* authority : {&*installation->issuing, &*installation->root}) {
        crl::Publisher publisher(*authority,
                                 *installation->database,
                                 clock,
                                 installation->dir.crl(authority->name),
                                 crl_settings(installation->config));
        auto published = publisher.publish("operator");
        DOJANG_TRY(published);
        out << "published " << installation->dir.crl(authority->name) << ": CRL number "
            << published->number << ", next update " << to_rfc3339(published->next_update) << "\n";
    }
    return ok();
}

Result<void> list_certificates(const std::string& data,
                               const std::optional<std::string>& status_text,
                               std::size_t limit,
                               std::ostream& out) {
    std::optional<domain::CertificateStatus> status;
    if (status_text) {
        auto parsed = domain::certificate_status_from_string(*status_text);
        DOJANG_TRY(parsed);
        status = *parsed;
    }
    auto installation = open(data, false);
    DOJANG_TRY(installation);
    std::vector<store::CertificateRecord> rows;
    auto read = installation->database->transact([&](store::Transaction& tx) -> Result<void> {
        auto listed = tx.certificates().list(status, limit, 0);
        DOJANG_TRY(listed);
        rows = std::move(*listed);
        return ok();
    });
    if (!read) {
        return read;
    }
    out << std::left << std::setw(34) << "SERIAL" << std::setw(26) << "STATUS" << std::setw(22)
        << "NOT AFTER"
        << "SUBJECT\n";
    for (const auto& row : rows) {
        std::string state(domain::to_string(row.status));
        if (row.reason) {
            state += "(" + std::string(domain::to_string(*row.reason)) + ")";
        }
        out << std::setw(34) << row.serial.hex() << std::setw(26) << state << std::setw(22)
            << to_rfc3339(row.not_after) << row.subject << "\n";
    }
    out << rows.size() << " certificate(s)\n";
    return ok();
}

Result<void> verify_audit(const std::string& data, std::ostream& out) {
    auto installation = open(data, false);
    DOJANG_TRY(installation);
    auto key = store::FileCheckpointKey::load(installation->dir.audit_key());
    DOJANG_TRY(key);
    auto report = store::verify_audit_log(
        *installation->database, *key, installation->dir.audit_checkpoints());
    DOJANG_TRY(report);
    if (!report->problems.empty()) {
        std::string all;
        for (const auto& problem : report->problems) {
            out << "problem: " << problem << "\n";
            all += (all.empty() ? "" : "; ") + problem;
        }
        return fail(ErrorKind::internal,
                    "AUDIT_CHAIN_BROKEN",
                    "the audit log was tampered with (감사 기록이 변조되었습니다): " + all);
    }
    out << "audit log intact: " << report->entries << " entries, hash chain verified; "
        << report->checkpoints_in_log << " checkpoint(s) in the log and "
        << report->checkpoints_in_file << " in " << installation->dir.audit_checkpoints()
        << " agree\n";
    if (report->latest) {
        out << "latest checkpoint: entry " << report->latest->sequence << "; " << report->unanchored
            << " newer entr" << (report->unanchored == 1 ? "y" : "ies")
            << " not yet anchored (the next checkpoint covers them)\n";
    } else {
        out << "no checkpoint yet: run `dojangd audit checkpoint` to anchor the log\n";
    }
    return ok();
}

Result<void> checkpoint_audit(const std::string& data, const Clock& clock, std::ostream& out) {
    auto installation = open(data, false);
    DOJANG_TRY(installation);
    auto anchored = anchor_audit(installation->dir, *installation->database, clock.now());
    DOJANG_TRY(anchored);
    if (*anchored) {
        out << "checkpoint written for entry " << **anchored << "; appended to "
            << installation->dir.audit_checkpoints() << "\n";
    } else {
        out << "nothing new since the last checkpoint\n";
    }
    return ok();
}

}  // namespace dojang::app
