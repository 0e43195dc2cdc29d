// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/reminders.hpp"

#include "dojang/core/text.hpp"
#include "dojang/notify/notification.hpp"
#include "dojang/ra/sealed_register.hpp"

#include <algorithm>

namespace dojang::ra {
namespace {

/// The holder of a certificate: the applicant it was issued to, else the register entry that
/// lists it.
Result<std::optional<store::CustomerRecord>> holder_of(store::Transaction& tx,
                                                       const RegisterKeys& keys,
                                                       const std::string& serial) {
    auto application = tx.applications().find_by_new_serial(serial);
    DOJANG_TRY(application);
    if (*application && !(*application)->customer_id.empty()) {
        return SealedRegister(tx, keys).find((*application)->customer_id);
    }
    return SealedRegister(tx, keys).find_by_certificate(serial);
}

/// Whether an application replacing `serial` has a certificate of its own.
Result<bool> has_successor(store::Transaction& tx, const std::string& serial) {
    auto replacing = tx.applications().replacing(serial);
    DOJANG_TRY(replacing);
    return std::any_of(replacing->begin(), replacing->end(), [](const auto& application) {
        return !application.new_serial.empty() &&
               (application.status == domain::ApplicationStatus::issued ||
                application.status == domain::ApplicationStatus::confirmed);
    });
}

}  // namespace

Result<std::size_t> queue_expiry_reminders(store::Database& database,
                                           const RegisterKeys& keys,
                                           const Clock& clock,
                                           const ReminderSettings& settings) {
    if (settings.days_before.empty()) {
        return std::size_t{0};
    }
    std::vector<int> thresholds = settings.days_before;
    std::sort(thresholds.begin(), thresholds.end());
    const Seconds now = clock.now();
    const Seconds horizon = now + std::chrono::days{thresholds.back()};
    std::size_t due = 0;
    auto queued = database.transact([&](store::Transaction& tx) -> Result<void> {
        due = 0;
        auto expiring = tx.certificates().expiring(now, horizon, 10000);
        DOJANG_TRY(expiring);
        for (const auto& certificate : *expiring) {
            const std::string serial = certificate.serial.hex();
            const auto left =
                std::chrono::duration_cast<std::chrono::seconds>(certificate.not_after - now);
            const auto days_left = (left.count() + 86399) / 86400;  // a part of a day counts
            const auto threshold = std::find_if(
                thresholds.begin(), thresholds.end(), [&](int days) { return days_left <= days; });
            if (threshold == thresholds.end()) {
                continue;
            }
            auto successor = has_successor(tx, serial);
            DOJANG_TRY(successor);
            auto holder = holder_of(tx, keys, serial);
            DOJANG_TRY(holder);
            if (*successor || !*holder) {
                continue;
            }
            const store::CustomerRecord& customer = **holder;
            notify::Notification notification;
            notification.kind = notify::TemplateKind::expiry_reminder;
            notification.language = notify::Language::ko;
            notification.channel = customer.email.empty() ? "sms" : "email";
            notification.destination = customer.email.empty() ? customer.phone : customer.email;
            if (notification.destination.empty()) {
                continue;
            }
            notification.dedupe_key = "expiry:" + serial + ":" + std::to_string(*threshold);
            notification.vars = {{"days_left", std::to_string(days_left)},
                                 {"not_after", to_rfc3339(certificate.not_after)},
                                 {"portal_url", settings.portal_url}};
            auto enqueued = notify::enqueue_notification(tx, notification, now);
            DOJANG_TRY(enqueued);
            ++due;
        }
        return ok();
    });
    DOJANG_TRY(queued);
    return due;
}

}  // namespace dojang::ra
