// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/sql/connection.hpp"
#include "dojang/store/otp.hpp"

namespace dojang::sql {

/// Online applications and one-time code challenges, in SQL: tables `online_applications` and
/// `otp_challenges` (migration 5).
class SqlOtp final : public store::OtpRepository {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlOtp(Connection& connection) : connection_(connection) {}
    Result<void> insert_application(const store::OnlineApplication& application) override;
    Result<void> update_application(const store::OnlineApplication& application) override;
    Result<std::optional<store::OnlineApplication>> find_application(
        const std::string& application_id) override;
    Result<std::optional<store::OnlineApplication>> find_by_idempotency_key(
        const std::string& key) override;
    Result<std::int64_t> insert_challenge(const store::OtpChallenge& challenge) override;
    Result<void> update_challenge(const store::OtpChallenge& challenge) override;
    Result<std::optional<store::OtpChallenge>> latest_challenge(
        const std::string& application_id) override;
    Result<std::size_t> killed_challenges(const std::string& application_id) override;
    Result<std::vector<Seconds>> sent_since(const std::string& limit_key, Seconds since) override;
    Result<std::vector<Seconds>> applications_since(const std::string& client_key,
                                                    Seconds since) override;

private:
    Result<std::optional<store::OnlineApplication>> find_one(std::string_view column,
                                                             const std::string& value);
    Connection& connection_;
};

}  // namespace dojang::sql
