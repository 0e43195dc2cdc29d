// SPDX-License-Identifier: Apache-2.0
// The dojang commands that work on the holder's NPKI folder store.
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/keystore/key_file.hpp"

#include <CLI/CLI.hpp>

#include <string>

#include "holder.hpp"

namespace dojang::holder {

/// Options every store command reads (--home, --lang).
struct GlobalOptions {
    std::string home;
    std::string lang;
};

/// The language of `--lang`, else of the locale.
Say say_for(const GlobalOptions& globals);

/// One line before a key derivation that takes noticeable time, so nobody thinks the tool hung.
void progress(const Say& say, long iterations);

/// Decrypts a key file (any Korean form), with a progress line for slow derivations.
Result<keystore::DecryptedKey> open_key(const Say& say,
                                        const Bytes& key_file,
                                        const SecretBytes& password);

/// Adds show, list, passwd, export, import, backup, restore and doctor to `app`; each sets
/// `status` to its exit code.
void add_store_commands(CLI::App& app, const GlobalOptions& globals, int& status);

}  // namespace dojang::holder
