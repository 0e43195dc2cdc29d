// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <iosfwd>
#include <optional>
#include <string>

namespace dojang::app {

/// `dojangd admin issue`.
struct IssueOptions {
    std::string data;
    std::string csr_file;
    std::string profile = "individual";
    std::optional<std::string> subject;
    std::optional<std::string> idn;             ///< resident or business registration number
    std::optional<std::string> random_hex;      ///< R, 40 hex digits
    std::optional<std::string> real_name;       ///< identifyData realName (default: the CN)
    std::optional<std::string> keep_not_after;  ///< RFC 3339, for a reissue
    std::string out;
};

Result<void> issue(const IssueOptions& options, const Clock& clock, std::ostream& out);
Result<void> revoke(const std::string& data,
                    const std::string& serial,
                    const std::string& reason,
                    const Clock& clock,
                    std::ostream& out);
Result<void> release_hold(const std::string& data,
                          const std::string& serial,
                          const Clock& clock,
                          std::ostream& out);
Result<void> publish_crl(const std::string& data, const Clock& clock, std::ostream& out);
Result<void> list_certificates(const std::string& data,
                               const std::optional<std::string>& status,
                               std::size_t limit,
                               std::ostream& out);
/// Walks the audit chain; `internal` AUDIT_CHAIN_BROKEN naming the first broken entry.
Result<void> verify_audit(const std::string& data, std::ostream& out);
/// `dojangd audit checkpoint`: anchors the audit log's newest entry now.
Result<void> checkpoint_audit(const std::string& data, const Clock& clock, std::ostream& out);

/// `dojangd serve`: serves until SIGINT/SIGTERM.
Result<void> serve(const std::string& data,
                   const std::optional<std::string>& listen,
                   const Clock& clock);

/// Parses RFC 3339 UTC ("2027-03-25T14:59:59Z").
Result<Seconds> parse_rfc3339(const std::string& text);

}  // namespace dojang::app
