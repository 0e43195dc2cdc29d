// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/sql/connection.hpp"
#include "dojang/store/outbox.hpp"

namespace dojang::sql {

/// The transactional outbox, in SQL (table outbox_messages, migration 2).
class SqlOutbox final : public store::Outbox {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlOutbox(Connection& connection) : connection_(connection) {}
    Result<std::int64_t> enqueue(const store::OutboxMessage& message) override;
    Result<std::vector<store::OutboxMessage>> due(Seconds now, std::size_t limit) override;
    Result<bool> claim(std::int64_t id, Seconds now, Seconds until) override;
    Result<void> mark_sent(std::int64_t id, Seconds at) override;
    Result<void> mark_attempt_failed(std::int64_t id,
                                     const std::string& error,
                                     Seconds next_attempt_at) override;
    Result<void> mark_failed(std::int64_t id, const std::string& error) override;
    Result<std::vector<store::OutboxMessage>> for_application(
        const std::string& application_id) override;
    Result<std::optional<store::OutboxMessage>> find(std::int64_t id) override;

private:
    /// not_found for an unknown id, else conflict naming the message's status.
    Result<void> explain_unchanged(std::int64_t id, std::string_view wanted);
    Connection& connection_;
};

}  // namespace dojang::sql
