// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/sql/connection.hpp"
#include "dojang/store/review.hpp"

namespace dojang::sql {

/// Officers, sessions, documents and review decisions, in SQL: tables `officers`,
/// `officer_sessions`, `documents` and `review_decisions`.
class SqlReview final : public store::ReviewRepository {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlReview(Connection& connection) : connection_(connection) {}
    Result<void> put_officer(const store::OfficerRecord& officer) override;
    Result<std::optional<store::OfficerRecord>> find_officer(const std::string& username) override;
    Result<std::optional<store::OfficerRecord>> find_officer_by_token(
        const Bytes& token_hash) override;
    Result<void> insert_session(const store::OfficerSession& session) override;
    Result<std::optional<store::OfficerSession>> find_session(const Bytes& token_hash) override;
    Result<void> delete_session(const Bytes& token_hash) override;
    Result<void> put_document(const store::DocumentRecord& document) override;
    Result<std::vector<store::DocumentRecord>> documents(
        const std::string& application_id) override;
    Result<void> add_decision(const store::ReviewDecision& decision) override;
    Result<std::vector<store::ReviewDecision>> decisions(
        const std::string& application_id) override;
    Result<std::vector<store::DocumentRecord>> documents_decided_before(Seconds before,
                                                                        std::size_t limit) override;
    Result<void> delete_document(const std::string& application_id,
                                 const std::string& kind) override;
    Result<void> add_sign_in_failure(const std::string& subject, Seconds at) override;
    Result<std::vector<Seconds>> sign_in_failures(const std::string& subject,
                                                  Seconds since) override;
    Result<void> clear_sign_in_failures(const std::string& subject) override;
    Result<void> prune_sign_in_failures(Seconds before) override;

private:
    Result<std::optional<store::OfficerRecord>> find_officer_where(std::string_view where,
                                                                   std::string_view text,
                                                                   const Bytes* blob);
    Connection& connection_;
};

}  // namespace dojang::sql
