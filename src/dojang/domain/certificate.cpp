// SPDX-License-Identifier: Apache-2.0
#include "dojang/domain/certificate.hpp"

#include <array>
#include <string>
#include <utility>

namespace dojang::domain {
namespace {

constexpr std::array<std::pair<RevocationReason, std::string_view>, 8> reason_names{{
    {RevocationReason::unspecified, "unspecified"},
    {RevocationReason::key_compromise, "key_compromise"},
    {RevocationReason::ca_compromise, "ca_compromise"},
    {RevocationReason::affiliation_changed, "affiliation_changed"},
    {RevocationReason::superseded, "superseded"},
    {RevocationReason::cessation_of_operation, "cessation_of_operation"},
    {RevocationReason::certificate_hold, "certificate_hold"},
    {RevocationReason::privilege_withdrawn, "privilege_withdrawn"},
}};

std::string snake_case(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back('_');
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (c == '-') {
            out.push_back('_');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

std::string_view to_string(CertificateStatus status) {
    switch (status) {
        case CertificateStatus::intended:
            return "intended";
        case CertificateStatus::issued:
            return "issued";
        case CertificateStatus::revoked:
            return "revoked";
    }
    return "intended";
}

Result<CertificateStatus> certificate_status_from_string(std::string_view text) {
    for (const auto status :
         {CertificateStatus::intended, CertificateStatus::issued, CertificateStatus::revoked}) {
        if (to_string(status) == text) {
            return status;
        }
    }
    return fail(ErrorKind::invalid_request,
                "STATUS_UNKNOWN",
                "unknown certificate status '" + std::string(text) + "'");
}

std::string_view to_string(RevocationReason reason) {
    for (const auto& [value, name] : reason_names) {
        if (value == reason) {
            return name;
        }
    }
    return "unspecified";
}

Result<RevocationReason> revocation_reason_from_string(std::string_view text) {
    const std::string name = snake_case(text);
    for (const auto& [value, known] : reason_names) {
        if (known == name) {
            return value;
        }
    }
    return fail(ErrorKind::invalid_request,
                "REASON_UNKNOWN",
                "unknown revocation reason '" + std::string(text) +
                    "'; use key_compromise, ca_compromise, affiliation_changed, superseded, "
                    "cessation_of_operation, certificate_hold, privilege_withdrawn or unspecified");
}

Result<RevocationReason> revocation_reason_from_code(int code) {
    for (const auto& [value, name] : reason_names) {
        if (static_cast<int>(value) == code) {
            return value;
        }
    }
    return fail(ErrorKind::invalid_request, "REASON_UNKNOWN", "unknown revocation reason code");
}

}  // namespace dojang::domain
