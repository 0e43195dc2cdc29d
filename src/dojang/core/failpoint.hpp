// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace dojang {

/// A named point where the crash test may kill the process (the idea of gofail and FreeBSD's
/// fail(9)). When the environment variable DOJANG_FAILPOINT names this point when the process
/// starts, reaching it sends the process SIGKILL: no destructor, no flush, no commit, exactly
/// as a power cut or the OOM killer would. Unset (always, outside tests) it costs one compare.
void failpoint(std::string_view name);

}  // namespace dojang
