// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/store/store.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::ra {

/// The columns of a customer file, in their documented order (docs/customers.md).
inline constexpr std::array<std::string_view, 11> customer_columns{
    "customer_id",
    "holder_type",
    "name",
    "birth_date",
    "resident_number",
    "business_number",
    "corporate_number",
    "representative",
    "phone",
    "email",
    "certificate_serials",
};

/// How a customer file is written.
enum class CustomerFileFormat {
    csv,        ///< RFC 4180, a header row, UTF-8 (a BOM is tolerated).
    json,       ///< An array of objects with the column names as keys.
    automatic,  ///< By extension (.csv, .json), else by the first character ('[' → JSON).
};

/// One problem with one row. `row` counts as a spreadsheet does (CSV: the header is row 1, so
/// the first customer is row 2; JSON: the first element is row 1). The message never repeats
/// an identification number.
struct RowError {
    std::size_t row = 0;
    std::string column;   ///< The column at fault, or empty for the whole row.
    std::string code;     ///< Stable code, e.g. RESIDENT_NUMBER_INVALID.
    std::string message;  ///< English, then Korean in parentheses.

    friend bool operator==(const RowError&, const RowError&) = default;
};

/// One row of a customer file before validation: column name → text as written.
struct CustomerRow {
    std::size_t row = 0;
    std::map<std::string, std::string, std::less<>> values;
};

/// A parsed customer file: its rows, and the rows that could not even be read as a row.
struct CustomerFile {
    std::vector<CustomerRow> rows;
    std::vector<RowError> errors;
    std::size_t rows_total = 0;  ///< rows plus the unreadable ones
};

/// Parses CSV text. A missing or unknown header column, or an unterminated quote, fails the
/// whole file (invalid_request CUSTOMER_FILE_INVALID); a row with the wrong number of fields
/// is an error of that row only.
Result<CustomerFile> parse_customer_csv(std::string_view text);

/// Parses JSON text (an array of objects). Invalid JSON fails the whole file; an element that
/// is not an object, an unknown key or a value of the wrong type is an error of that row.
/// `certificate_serials` may be a string ("0a1b;0c2d") or an array of strings.
Result<CustomerFile> parse_customer_json(std::string_view text);

/// Validates one row and protects its identification number: the record to store, or every
/// problem of the row at once. `now` is the import time (updated_at, and no date after it).
tl::expected<store::CustomerRecord, std::vector<RowError>> customer_from_row(
    const CustomerRow& row, const RegisterKeys& keys, Seconds now);

/// What an import did.
struct ImportReport {
    std::size_t inserted = 0;
    std::size_t updated = 0;
    std::size_t rejected = 0;      ///< Rows with at least one error.
    std::vector<RowError> errors;  ///< Sorted by row.
};

/// Called after each committed batch with how many rows are done and how many there are.
using ImportProgress = std::function<void(std::size_t rows_done, std::size_t rows_total)>;

/// Rows per transaction of import_customers().
inline constexpr std::size_t import_batch_rows = 500;

/// Imports a customer file into the register: validates every row, then upserts the good ones
/// by customer_id (a re-import updates, never duplicates) in transactions of
/// import_batch_rows rows, each with an audit entry. A bad row never stops the others; it is
/// reported in ImportReport::errors. Fails only for the whole file (unreadable, not CSV/JSON,
/// bad header: invalid_request) or when the store fails (batches committed before stay).
Result<ImportReport> import_customers(store::Database& database,
                                      const RegisterKeys& keys,
                                      const std::string& path,
                                      CustomerFileFormat format,
                                      const Clock& clock,
                                      const ImportProgress& progress = {});

}  // namespace dojang::ra
