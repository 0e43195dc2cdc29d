// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the dojang commands: passwords, language, certificates.
#pragma once

#include "dojang/cmpclient/rest.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"
#include "dojang/pkix/pkix.hpp"

#include <string>
#include <string_view>

namespace dojang::holder {

/// The language of the tool's own output (errors are always printed in both).
enum class Lang { ko, en };

/// Korean unless the locale (LC_ALL, LC_MESSAGES, LANG) asks for English.
Lang locale_lang();

/// Picks the text of the current language.
class Say {
public:
    explicit Say(Lang lang) : lang_(lang) {}
    [[nodiscard]] std::string_view operator()(std::string_view ko, std::string_view en) const {
        return lang_ == Lang::ko ? ko : en;
    }
    [[nodiscard]] Lang lang() const { return lang_; }

private:
    Lang lang_;
};

/// Waits out a busy server (503) with a countdown on stderr: "the server is busy; N s until
/// attempt k/n". `say` must outlive the waiter.
cmpclient::Waiter busy_countdown(const Say& say);

/// Prints the error (both languages) and returns the exit code of architecture.md.
int report(const Result<void>& result);

/// Reads a password from a file (first line) or, without one, from the terminal without echo.
/// Passwords never come from argv.
Result<SecretBytes> read_password(const std::string& file, const std::string& prompt);

/// A new key password from `file`, or from the terminal asked twice (PASSWORD_MISMATCH when
/// the two differ); checked against the policy (check_password_policy(), PASSWORD_TOO_WEAK).
Result<SecretBytes> new_password(const Say& say, const std::string& file);

/// A certificate file, PEM or DER.
Result<pkix::Certificate> read_certificate(const std::string& path);

}  // namespace dojang::holder
