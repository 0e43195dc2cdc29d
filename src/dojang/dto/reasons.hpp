// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace dojang::dto {

/// One reason of GET /api/v1/reasons.
struct ReasonEntry {
    std::string code;              ///< "expired", "lost_device", …
    std::string old_certificates;  ///< "kept", "superseded_on_confirm" or "revoked_at_once"
    bool issues_certificate = true;
};

/// {"reasons":[{"code","old_certificates","issues_certificate"}…]}
std::string to_json(const std::vector<ReasonEntry>& reasons);

}  // namespace dojang::dto
