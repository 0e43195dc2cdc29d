// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <iosfwd>
#include <string>

namespace dojang::app {

/// `dojangd admin customers import`.
struct CustomersImportOptions {
    std::string data;
    std::string file;
    std::string format = "auto";  ///< csv | json | auto
};

/// Imports a customer file into the register of the data directory: progress on `progress`
/// (for files of more than 1,000 rows), then a summary and every rejected row on `out`.
/// Returns whether every row was imported (the CLI exits 2 otherwise). Creates
/// secrets/register.key for a data directory made before the register existed, but only
/// while the register is empty.
Result<bool> import_customers(const CustomersImportOptions& options,
                              const Clock& clock,
                              std::ostream& out,
                              std::ostream& progress);

/// `dojangd admin customers show`: one register entry, the resident number masked
/// ("900101-1******"); not_found CUSTOMER_NOT_FOUND for an unknown id.
Result<void> show_customer(const std::string& data,
                           const std::string& customer_id,
                           std::ostream& out);

}  // namespace dojang::app
