// SPDX-License-Identifier: Apache-2.0
#pragma once
// The vocabulary of the reissue journey: who applies, why, and where an application is. The
// store keeps these values and the RA decides with them; neither owns them.

#include "dojang/core/error.hpp"

#include <string_view>

namespace dojang::domain {

/// Why a holder asks for a new certificate (product.md, step 1).
enum class ReissueReason {
    expired,
    forgot_password,
    lost_device,
    key_compromise,
    info_changed,
    algorithm_upgrade,
    new_device,
    revocation,  ///< 폐지 신청: revoke the holder's certificates, issue nothing
};

/// Where an application is. approved → issued → confirmed is the happy path; an issued
/// certificate that is never confirmed is revoked and the application returns to approved.
enum class ApplicationStatus {
    submitted,
    verified,
    in_review,
    approved,
    rejected,
    issued,
    confirmed,
    cancelled,  ///< replaced by a newer application of the same holder before it was used
    revoked  ///< a revocation application (폐지 신청) done: certificates revoked, none issued
};

std::string_view to_string(ReissueReason reason);
Result<ReissueReason> reissue_reason_from_string(std::string_view text);
std::string_view to_string(ApplicationStatus status);
Result<ApplicationStatus> application_status_from_string(std::string_view text);

/// Whether a register entry is a person or a company.
enum class HolderType { individual, corporate };

/// "individual" or "corporate".
inline std::string_view to_string(HolderType type) {
    switch (type) {
        case HolderType::individual:
            return "individual";
        case HolderType::corporate:
            return "corporate";
    }
    return "individual";
}

/// Parses "individual" or "corporate"; invalid_request HOLDER_TYPE_INVALID otherwise.
inline Result<HolderType> holder_type_from_string(std::string_view text) {
    if (text == "individual") {
        return HolderType::individual;
    }
    if (text == "corporate") {
        return HolderType::corporate;
    }
    return fail(ErrorKind::invalid_request,
                "HOLDER_TYPE_INVALID",
                "holder type must be individual or corporate");
}

}  // namespace dojang::domain
