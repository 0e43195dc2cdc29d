// SPDX-License-Identifier: Apache-2.0
#include "dojang/domain/application.hpp"

#include <array>
#include <utility>

namespace dojang::domain {
namespace {

constexpr std::array<std::pair<ReissueReason, std::string_view>, 8> reason_names{{
    {ReissueReason::expired, "expired"},
    {ReissueReason::forgot_password, "forgot_password"},
    {ReissueReason::lost_device, "lost_device"},
    {ReissueReason::key_compromise, "key_compromise"},
    {ReissueReason::info_changed, "info_changed"},
    {ReissueReason::algorithm_upgrade, "algorithm_upgrade"},
    {ReissueReason::new_device, "new_device"},
    {ReissueReason::revocation, "revocation"},
}};

constexpr std::array<std::pair<ApplicationStatus, std::string_view>, 9> status_names{{
    {ApplicationStatus::submitted, "submitted"},
    {ApplicationStatus::verified, "verified"},
    {ApplicationStatus::in_review, "in_review"},
    {ApplicationStatus::approved, "approved"},
    {ApplicationStatus::rejected, "rejected"},
    {ApplicationStatus::issued, "issued"},
    {ApplicationStatus::confirmed, "confirmed"},
    {ApplicationStatus::cancelled, "cancelled"},
    {ApplicationStatus::revoked, "revoked"},
}};

}  // namespace

std::string_view to_string(ReissueReason reason) {
    for (const auto& [value, name] : reason_names) {
        if (value == reason) {
            return name;
        }
    }
    return "forgot_password";
}

Result<ReissueReason> reissue_reason_from_string(std::string_view text) {
    for (const auto& [value, name] : reason_names) {
        if (name == text) {
            return value;
        }
    }
    return fail(ErrorKind::invalid_request,
                "REASON_INVALID",
                "the reason must be one of expired, forgot_password, lost_device, key_compromise, "
                "info_changed, algorithm_upgrade, new_device, revocation");
}

std::string_view to_string(ApplicationStatus status) {
    for (const auto& [value, name] : status_names) {
        if (value == status) {
            return name;
        }
    }
    return "submitted";
}

Result<ApplicationStatus> application_status_from_string(std::string_view text) {
    for (const auto& [value, name] : status_names) {
        if (name == text) {
            return value;
        }
    }
    return fail(ErrorKind::internal, "STORE_CORRUPT", "unknown application status");
}

}  // namespace dojang::domain
