// SPDX-License-Identifier: Apache-2.0
#include "dojang/core/error.hpp"

namespace dojang {

std::string Error::describe() const {
    std::string text = code.empty() ? std::string{to_string(kind)} : code;
    text += ": ";
    text += detail;
    for (const auto& violation : violations) {
        text += "\n  - ";
        text += violation.code;
        text += ": ";
        text += violation.detail;
    }
    if (!cause.empty()) {
        text += " (";
        text += cause;
        text += ")";
    }
    return text;
}

tl::unexpected<Error> fail(ErrorKind kind,
                           std::string code,
                           std::string detail,
                           std::string cause) {
    return tl::unexpected<Error>(
        Error{kind, std::move(code), std::move(detail), std::move(cause), {}});
}

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_request:
            return "invalid_request";
        case ErrorKind::unauthenticated:
            return "unauthenticated";
        case ErrorKind::forbidden:
            return "forbidden";
        case ErrorKind::not_found:
            return "not_found";
        case ErrorKind::conflict:
            return "conflict";
        case ErrorKind::policy_rejected:
            return "policy_rejected";
        case ErrorKind::bad_proof_of_possession:
            return "bad_proof_of_possession";
        case ErrorKind::unavailable:
            return "unavailable";
        case ErrorKind::internal:
            return "internal";
    }
    return "internal";
}

}  // namespace dojang
