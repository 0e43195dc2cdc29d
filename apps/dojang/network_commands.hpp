// SPDX-License-Identifier: Apache-2.0
// The dojang commands that talk to the CA: issue, renew, revoke, status (CMP and OCSP), and the
// guided reissue journey over the REST API (reissue_command.cpp).
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"

#include <CLI/CLI.hpp>

#include <string>

#include "store_commands.hpp"

namespace dojang::holder {

/// What `dojang issue` needs once the holder has the reference number and authorization code.
struct IssueInput {
    std::string server;
    std::string reference;
    SecretBytes code;
    std::string password_file;
    std::string idn_file;
};

/// `dojang issue` once the codes are known: pins the server's root, asks for the new password,
/// runs the use case (holder::issue_certificate(): key and R made here, p10cr, installed before
/// certConf) and prints the result and the post-reissue checklist.
Result<void> run_issue(const GlobalOptions& globals, const IssueInput& input);

/// Reads a one-line secret (code, number) from a file or, without one, from the terminal.
Result<SecretBytes> read_secret(const std::string& file, const std::string& prompt);

/// Adds issue, renew, revoke and status to `app`; each sets `status` to its exit code.
void add_network_commands(CLI::App& app, const GlobalOptions& globals, int& status);

/// Adds reissue (reissue_command.cpp).
void add_reissue_command(CLI::App& app, const GlobalOptions& globals, int& status);

}  // namespace dojang::holder
