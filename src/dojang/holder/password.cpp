// SPDX-License-Identifier: Apache-2.0
#include "dojang/holder/password.hpp"

#include <cctype>

namespace dojang::holder {

Result<void> check_password_policy(const SecretBytes& password) {
    bool letter = false;
    bool digit = false;
    bool symbol = false;
    for (const auto byte : password.bytes()) {
        const auto c = static_cast<unsigned char>(byte);
        letter = letter || std::isalpha(c) != 0;
        digit = digit || std::isdigit(c) != 0;
        symbol = symbol || (std::ispunct(c) != 0);
    }
    if (password.size() < 10 || !letter || !digit || !symbol) {
        return fail(ErrorKind::invalid_request,
                    "PASSWORD_TOO_WEAK",
                    "the password needs at least 10 characters with letters, digits and symbols "
                    "(영문, 숫자, 특수문자를 섞어 10자 이상)");
    }
    return ok();
}

}  // namespace dojang::holder
