// SPDX-License-Identifier: Apache-2.0
#include "dojang/dto/reasons.hpp"

#include <boost/json.hpp>

namespace dojang::dto {

std::string to_json(const std::vector<ReasonEntry>& reasons) {
    boost::json::array listed;
    for (const auto& reason : reasons) {
        listed.push_back(boost::json::object{{"code", reason.code},
                                             {"old_certificates", reason.old_certificates},
                                             {"issues_certificate", reason.issues_certificate}});
    }
    return boost::json::serialize(boost::json::object{{"reasons", std::move(listed)}});
}

}  // namespace dojang::dto
