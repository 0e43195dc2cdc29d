// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/store/store.hpp"

#include <string>
#include <vector>

namespace dojang::ra {

/// When holders are reminded that a certificate expires (product.md: 30, 7 and 1 days before).
struct ReminderSettings {
    std::vector<int> days_before{30, 7, 1};
    std::string portal_url = "the dojang portal";
};

/// Queues the expiry reminders now due, each at most once (dedupe key per certificate and
/// threshold), to the holder in the register (e-mail when known, else SMS). A certificate that
/// already has a successor (an application replacing it issued a new one) is skipped, as is one
/// whose holder the register does not know. Returns how many reminders are due.
Result<std::size_t> queue_expiry_reminders(store::Database& database,
                                           const RegisterKeys& keys,
                                           const Clock& clock,
                                           const ReminderSettings& settings = {});

}  // namespace dojang::ra
