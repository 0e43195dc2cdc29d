// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/sql/connection.hpp"
#include "dojang/store/customers.hpp"

namespace dojang::sql {

/// The customer register, in SQL: table `customers` and its child `customer_certificates`.
class SqlCustomers final : public store::CustomerRepository {
public:
    /// Uses `connection`, which must be inside a transaction.
    explicit SqlCustomers(Connection& connection) : connection_(connection) {}
    Result<bool> upsert(const store::CustomerRecord& record) override;
    Result<std::optional<store::CustomerRecord>> find(const std::string& customer_id) override;
    Result<std::optional<store::CustomerRecord>> find_by_idn_hash(const Bytes& idn_hash) override;
    Result<std::size_t> count() override;
    Result<std::vector<std::string>> ids_after(const std::string& after,
                                               std::size_t limit) override;
    Result<std::optional<store::CustomerRecord>> find_by_certificate(
        const std::string& serial) override;

private:
    Result<bool> write(const store::CustomerRecord& record, bool exists);
    Result<std::optional<store::CustomerRecord>> find_where(std::string_view column,
                                                            std::string_view text,
                                                            const Bytes& blob);
    Connection& connection_;
};

}  // namespace dojang::sql
