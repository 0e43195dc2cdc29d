// SPDX-License-Identifier: Apache-2.0
// The dojang commands that work on the holder's NPKI folder store.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace dojang::holder {

/// Options every store command reads (--home, --lang).
struct GlobalOptions {
    std::string home;
    std::string lang;
};

/// Adds show, list, passwd, export, import, backup, restore and doctor to `app`; each sets
/// `status` to its exit code.
void add_store_commands(CLI::App& app, const GlobalOptions& globals, int& status);

}  // namespace dojang::holder
