// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"
#include "dojang/sql/connection.hpp"
#include "dojang/store/store.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

// The store contract: every backend instantiates StoreContract with its own Backend, e.g.
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(sqlite_backend()));
namespace dojang::sql::contract {

/// One backend under test, holding a fresh, empty store for one test.
class Backend {
public:
    virtual ~Backend() = default;
    /// Opens (and migrates) this test's store; each call is another handle on the same store,
    /// as a second process or node would have.
    virtual Result<std::unique_ptr<store::Database>> open() = 0;
    /// A raw connection to the same store, for checks and tampering with SQL.
    virtual Result<std::unique_ptr<Connection>> connect() = 0;
};

/// Names a backend and makes a fresh one for each test.
struct BackendParam {
    std::string name;
    std::function<std::unique_ptr<Backend>()> make;
};

/// Prints the backend's name in test output.
inline void PrintTo(const BackendParam& param, std::ostream* out) {
    *out << param.name;
}

/// The parameterised fixture; see contract_test.cpp for the behaviours.
class StoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override;
    /// The first handle on the store (opened in SetUp).
    store::Database& database() { return *database_; }
    /// This test's backend.
    Backend& backend() { return *backend_; }

private:
    std::unique_ptr<Backend> backend_;
    std::unique_ptr<store::Database> database_;
};

}  // namespace dojang::sql::contract
