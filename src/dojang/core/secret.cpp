// SPDX-License-Identifier: Apache-2.0
#include "dojang/core/secret.hpp"

#include <string.h>

namespace dojang {

void SecretBytes::wipe() noexcept {
    if (!data_.empty()) {
        ::explicit_bzero(data_.data(), data_.size());
    }
    data_.clear();
}

}  // namespace dojang
