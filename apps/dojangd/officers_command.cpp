// SPDX-License-Identifier: Apache-2.0
#include "officers_command.hpp"

#include "dojang/ra/review.hpp"

#include <ostream>

#include "data_dir.hpp"

namespace dojang::app {

Result<void> add_officer(const OfficerAddOptions& options, const Clock& clock, std::ostream& out) {
    auto content = read_file(options.password_file);
    DOJANG_TRY(content);
    std::string password(content->begin(), content->end());
    password = password.substr(0, password.find_first_of("\r\n"));
    auto installation = open(options.data, false, "admin officers add");
    DOJANG_TRY(installation);
    auto token = ra::add_officer(*installation->database,
                                 clock,
                                 options.username,
                                 options.display_name,
                                 password,
                                 options.token);
    DOJANG_TRY(token);
    out << "officer: " << options.username << "\n";
    if (*token) {
        out << "api_token: " << **token << "\n"
            << "Shown once: give it to the officer's tool as 'Authorization: Bearer <token>' "
               "(API 토큰은 한 번만 표시됩니다).\n";
    }
    out << "The officer signs in to the review console at /portal/officer/ (심사 콘솔).\n";
    return ok();
}

Result<void> unlock_officer(const std::string& data,
                            const std::string& username,
                            const Clock& clock,
                            std::ostream& out) {
    auto installation = open(data, false, "admin officers unlock");
    DOJANG_TRY(installation);
    auto unlocked = ra::unlock_officer(*installation->database, clock, "operator", username);
    if (!unlocked) {
        return unlocked;
    }
    out << "officer " << username << " unlocked; failed sign-ins forgotten (잠금 해제).\n";
    return ok();
}

}  // namespace dojang::app
