// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <ostream>

namespace dojang::app {

/// The CLI edge of the error table in architecture.md, shared by dojangd and dojang.
inline int exit_code(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_request:
            return 2;
        case ErrorKind::unauthenticated:
        case ErrorKind::forbidden:
            return 3;
        case ErrorKind::not_found:
            return 4;
        case ErrorKind::conflict:
            return 5;
        case ErrorKind::policy_rejected:
        case ErrorKind::bad_proof_of_possession:
            return 6;
        case ErrorKind::unavailable:
            return 7;
        case ErrorKind::internal:
            return 1;
    }
    return 1;
}

/// A one-line Korean summary of what kind of problem it is.
inline const char* korean_summary(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_request:
            return "입력이 올바르지 않습니다";
        case ErrorKind::unauthenticated:
            return "인증에 실패했습니다";
        case ErrorKind::forbidden:
            return "권한이 없습니다";
        case ErrorKind::not_found:
            return "찾을 수 없습니다";
        case ErrorKind::conflict:
            return "현재 상태와 충돌합니다";
        case ErrorKind::policy_rejected:
            return "인증서 정책에 맞지 않습니다";
        case ErrorKind::bad_proof_of_possession:
            return "개인키 소유 증명에 실패했습니다";
        case ErrorKind::unavailable:
            return "일시적으로 사용할 수 없습니다. 잠시 후 다시 시도하십시오";
        case ErrorKind::internal:
            return "내부 오류가 발생했습니다";
    }
    return "오류";
}

/// Prints an error for an operator: code, detail, every violation, then the cause.
inline void print_error(std::ostream& out, const Error& error) {
    out << "error [" << (error.code.empty() ? std::string(to_string(error.kind)) : error.code)
        << "]: " << error.detail << "\n";
    for (const auto& violation : error.violations) {
        out << "  - " << violation.code << ": " << violation.detail << "\n";
    }
    out << "오류: " << korean_summary(error.kind) << "\n";
    if (!error.cause.empty()) {
        out << "  cause: " << error.cause << "\n";
    }
}

}  // namespace dojang::app
