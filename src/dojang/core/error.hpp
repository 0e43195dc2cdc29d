// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <tl/expected.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dojang {

/// What went wrong, in the categories every edge (HTTP, CMP, OCSP, CLI) maps exactly once.
enum class ErrorKind {
    invalid_request,
    unauthenticated,
    forbidden,
    not_found,
    conflict,
    policy_rejected,
    bad_proof_of_possession,
    unavailable,
    internal,
};

/// One violation of a policy or validation rule, with a stable code for help pages.
struct Violation {
    std::string code;    ///< Stable identifier, e.g. "RSA_KEY_TOO_SMALL".
    std::string detail;  ///< Safe to show to the requester.

    friend bool operator==(const Violation&, const Violation&) = default;
};

/// The one error type of dojang. `detail` is safe to show; `cause` is for logs only.
struct Error {
    ErrorKind kind = ErrorKind::internal;
    std::string code;    ///< Stable code such as "CSR_SIGNATURE_INVALID".
    std::string detail;  ///< Safe to show to the user.
    std::string cause;   ///< Internal cause; logged, never shown.
    std::vector<Violation> violations;
    /// How long to wait before trying again, when the refusal knows (a rate limit, a
    /// throttle); edges send it as Retry-After and in the problem document.
    std::optional<std::chrono::seconds> retry_after{};

    /// Detail followed by the cause, for logs and operator output.
    [[nodiscard]] std::string describe() const;
};

/// Result of an operation that can fail because of input, policy, state or environment.
template <typename T>
using Result = tl::expected<T, Error>;

/// The success value of a Result<void>.
inline Result<void> ok() {
    return {};
}

/// Passes the error of `result`, a Result<T> variable, to the caller of the enclosing function
/// (which returns a Result of any type); otherwise goes on. One line for the four of
///     auto parsed = parse(text);
///     if (!parsed) { return tl::unexpected(parsed.error()); }
/// so that `auto parsed = parse(text); DOJANG_TRY(parsed);` reads as the steps it is.
#define DOJANG_TRY(result)                                    \
    do {                                                      \
        if (!(result)) {                                      \
            return tl::unexpected(std::move(result).error()); \
        }                                                     \
    } while (false)

/// Builds an unexpected Error, for `return fail(...)`.
tl::unexpected<Error> fail(ErrorKind kind,
                           std::string code,
                           std::string detail,
                           std::string cause = {});

/// A stable lower-case name of the kind ("invalid_request").
std::string_view to_string(ErrorKind kind);

}  // namespace dojang
