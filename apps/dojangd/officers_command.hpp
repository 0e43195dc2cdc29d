// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <iosfwd>
#include <string>

namespace dojang::app {

/// `dojangd admin officers add`.
struct OfficerAddOptions {
    std::string data;
    std::string username;
    std::string display_name;
    std::string password_file;  ///< the password's first line; never on the command line
    bool token = false;         ///< also make an API token (printed once)
};

/// Adds or replaces a review officer; prints the API token when asked for one.
Result<void> add_officer(const OfficerAddOptions& options, const Clock& clock, std::ostream& out);

/// `dojangd admin officers unlock`: lifts the lock ten failed sign-ins put on an officer.
Result<void> unlock_officer(const std::string& data,
                            const std::string& username,
                            const Clock& clock,
                            std::ostream& out);

}  // namespace dojang::app
