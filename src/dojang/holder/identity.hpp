// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/pkix/pkix.hpp"

#include <optional>

namespace dojang::holder {

/// The identifyData of a certificate's subjectAltName, if it has one; the parser's
/// invalid_request when the extension is malformed.
Result<std::optional<npki::IdentifyData>> identify_data_of(const pkix::Certificate& certificate);

}  // namespace dojang::holder
