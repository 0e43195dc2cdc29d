// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/sql/applications.hpp"
#include "dojang/sql/connection.hpp"
#include "dojang/sql/customers.hpp"
#include "dojang/sql/otp.hpp"
#include "dojang/sql/outbox.hpp"
#include "dojang/sql/review.hpp"
#include "dojang/store/store.hpp"

namespace dojang::sql {

/// The certificate rows, in SQL.
class SqlCertificateRepository final : public store::CertificateRepository {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlCertificateRepository(Connection& connection) : connection_(connection) {}
    Result<void> insert_intent(const store::CertificateRecord& record) override;
    Result<void> mark_issued(const SerialNumber& serial, const Bytes& der, Seconds at) override;
    Result<void> revoke(const SerialNumber& serial,
                        domain::RevocationReason reason,
                        Seconds at) override;
    Result<void> release_hold(const SerialNumber& serial) override;
    Result<void> block_key(const Bytes& spki_sha256,
                           const SerialNumber& serial,
                           Seconds at) override;
    Result<bool> is_key_blocked(const Bytes& spki_sha256) override;
    Result<std::vector<store::CertificateRecord>> expiring(Seconds from,
                                                           Seconds to,
                                                           std::size_t limit) override;
    Result<std::optional<store::CertificateRecord>> find(const SerialNumber& serial) override;
    Result<std::vector<store::CertificateRecord>> list(
        std::optional<domain::CertificateStatus> status,
        std::size_t limit,
        std::size_t offset) override;
    Result<std::vector<store::RevokedEntry>> revoked_unexpired(const std::string& ca,
                                                               Seconds now) override;
    Result<std::vector<store::CertificateRecord>> all_signed(const std::string& ca,
                                                             std::size_t limit) override;

private:
    /// not_found for an unknown serial, else conflict with `code`/`detail`.
    Result<void> explain_unchanged(const SerialNumber& serial,
                                   std::string code,
                                   std::string detail);
    Connection& connection_;
};

/// The hash-chained audit log, in SQL.
class SqlAuditLog final : public store::AuditLog {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlAuditLog(Connection& connection) : connection_(connection) {}
    Result<store::AuditEntry> append(store::AuditEntry entry) override;
    Result<std::vector<store::AuditEntry>> entries() override;
    Result<std::optional<store::AuditEntry>> last() override;

private:
    Connection& connection_;
};

/// Database-enforced counters, in SQL.
class SqlCounters final : public store::Counters {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlCounters(Connection& connection) : connection_(connection) {}
    Result<std::int64_t> next(const std::string& name) override;
    Result<std::int64_t> current(const std::string& name) override;

private:
    Connection& connection_;
};

/// The roles of one open transaction on one connection.
/// CMP transactions in flight, in SQL.
class SqlCmpTransactions final : public store::CmpTransactions {
public:
    explicit SqlCmpTransactions(Connection& connection) : connection_(connection) {}
    Result<void> put(const store::CmpTransactionRecord& record) override;
    Result<std::optional<store::CmpTransactionRecord>> find(
        const std::string& transaction_id) override;
    Result<void> erase(const std::string& transaction_id) override;
    Result<std::vector<store::CmpTransactionRecord>> expired(Seconds now) override;

private:
    Connection& connection_;
};

class SqlTransaction final : public store::Transaction {
public:
    /// Roles over `connection`, which must be inside a transaction.
    explicit SqlTransaction(Connection& connection)
        : certificates_(connection),
          audit_(connection),
          counters_(connection),
          customers_(connection),
          outbox_(connection),
          applications_(connection),
          otp_(connection),
          review_(connection),
          cmp_(connection) {}
    store::CertificateRepository& certificates() override { return certificates_; }
    store::AuditLog& audit() override { return audit_; }
    store::Counters& counters() override { return counters_; }
    store::CustomerRepository& customers() override { return customers_; }
    store::Outbox& outbox() override { return outbox_; }
    store::ApplicationRepository& applications() override { return applications_; }
    store::OtpRepository& otp() override { return otp_; }
    store::ReviewRepository& review() override { return review_; }
    store::CmpTransactions& cmp() override { return cmp_; }

private:
    SqlCertificateRepository certificates_;
    SqlAuditLog audit_;
    SqlCounters counters_;
    SqlCustomers customers_;
    SqlOutbox outbox_;
    SqlApplications applications_;
    SqlOtp otp_;
    SqlReview review_;
    SqlCmpTransactions cmp_;
};

}  // namespace dojang::sql
