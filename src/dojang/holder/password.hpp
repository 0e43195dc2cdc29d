// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"

namespace dojang::holder {

/// Korean CAs ask for at least 10 characters mixing letters, digits and symbols.
/// invalid_request PASSWORD_TOO_WEAK otherwise.
Result<void> check_password_policy(const SecretBytes& password);

}  // namespace dojang::holder
