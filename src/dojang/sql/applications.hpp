// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/sql/connection.hpp"
#include "dojang/store/applications.hpp"

namespace dojang::sql {

/// Applications and their events, in SQL: tables `applications` and `application_events`.
class SqlApplications final : public store::ApplicationRepository {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlApplications(Connection& connection) : connection_(connection) {}
    Result<void> insert(const store::ApplicationRecord& record) override;
    Result<void> update(const store::ApplicationRecord& record) override;
    Result<std::optional<store::ApplicationRecord>> find(const std::string& id) override;
    Result<std::optional<store::ApplicationRecord>> find_by_reference(
        const std::string& reference) override;
    Result<std::optional<store::ApplicationRecord>> find_by_new_serial(
        const std::string& serial) override;
    Result<std::vector<store::ApplicationRecord>> replacing(const std::string& serial) override;
    Result<std::vector<std::string>> unverified_before(Seconds before, std::size_t limit) override;
    Result<void> erase(const std::string& id) override;
    Result<std::vector<store::ApplicationRecord>> of_customer(
        const std::string& customer_id) override;
    Result<bool> claim_codes(const std::string& id, Seconds now) override;
    Result<std::vector<store::ApplicationRecord>> unconfirmed(Seconds before) override;
    Result<std::vector<store::ApplicationRecord>> stranded_claims(Seconds before) override;
    Result<std::vector<store::ApplicationRecord>> list(
        std::optional<domain::ApplicationStatus> status,
        std::optional<domain::HolderType> holder_type,
        std::size_t limit) override;
    Result<void> add_event(const store::ApplicationEvent& event) override;
    Result<std::vector<store::ApplicationEvent>> events(const std::string& application_id) override;

private:
    Result<std::vector<store::ApplicationRecord>> select(std::string_view where,
                                                         std::string_view text,
                                                         std::int64_t number);
    Connection& connection_;
};

}  // namespace dojang::sql
