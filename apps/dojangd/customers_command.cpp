// SPDX-License-Identifier: Apache-2.0
#include "customers_command.hpp"

#include "dojang/core/text.hpp"
#include "dojang/ra/register.hpp"
#include "dojang/ra/register_import.hpp"
#include "dojang/ra/sealed_register.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "data_dir.hpp"

namespace dojang::app {
namespace {

Result<std::size_t> register_size(store::Database& database) {
    std::size_t size = 0;
    auto counted = database.transact([&](store::Transaction& tx) -> Result<void> {
        auto value = tx.customers().count();
        DOJANG_TRY(value);
        size = *value;
        return ok();
    });
    DOJANG_TRY(counted);
    return size;
}

/// The register key; made now for a data directory initialised before the register existed,
/// but never when the register already holds numbers (they would become unreadable).
Result<ra::RegisterKeys> register_keys(Installation& installation, std::ostream& note) {
    const std::string path = installation.dir.register_key();
    auto keys = ra::load_register_keys(path);
    if (keys || keys.error().code != "REGISTER_KEY_MISSING") {
        return keys;
    }
    auto size = register_size(*installation.database);
    DOJANG_TRY(size);
    if (*size > 0) {
        Error missing = keys.error();
        missing.detail += "; the register holds " + std::to_string(*size) +
                          " customers whose numbers need that key: restore it from a backup";
        return tl::unexpected(missing);
    }
    auto created = ra::create_register_keys(path);
    DOJANG_TRY(created);
    note << "created the customer register key " << path << " (mode 0600); back it up with the "
         << "database: without it no stored number can be read\n";
    return ra::load_register_keys(path);
}

Result<ra::CustomerFileFormat> format_from_string(const std::string& text) {
    if (text == "csv") {
        return ra::CustomerFileFormat::csv;
    }
    if (text == "json") {
        return ra::CustomerFileFormat::json;
    }
    if (text == "auto") {
        return ra::CustomerFileFormat::automatic;
    }
    return fail(ErrorKind::invalid_request, "FORMAT_UNKNOWN", "--format must be csv, json or auto");
}

/// Phone digits for reading: 010-1234-5678.
std::string readable_phone(const std::string& digits) {
    if (digits.size() == 11) {
        return digits.substr(0, 3) + "-" + digits.substr(3, 4) + "-" + digits.substr(7);
    }
    if (digits.size() == 10) {
        return digits.substr(0, 3) + "-" + digits.substr(3, 3) + "-" + digits.substr(6);
    }
    return digits;
}

}  // namespace

Result<bool> import_customers(const CustomersImportOptions& options,
                              const Clock& clock,
                              std::ostream& out,
                              std::ostream& progress) {
    auto format = format_from_string(options.format);
    DOJANG_TRY(format);
    auto installation = open(options.data, false);
    DOJANG_TRY(installation);
    auto keys = register_keys(*installation, progress);
    DOJANG_TRY(keys);
    // Progress for large files: about every 5 %, at least 1,000 rows apart.
    std::size_t next_mark = 0;
    std::size_t last_shown = 0;
    const auto report_progress = [&](std::size_t done, std::size_t total) {
        if (total <= 1000 || done == last_shown) {
            return;
        }
        const std::size_t step = std::max<std::size_t>(1000, total / 20);
        if (next_mark == 0) {
            next_mark = step;
        }
        if (done < next_mark && done < total) {
            return;
        }
        while (next_mark <= done) {
            next_mark += step;
        }
        last_shown = done;
        progress << "customers: " << done << " of " << total << " rows (" << done * 100 / total
                 << "%)\n"
                 << std::flush;
    };
    auto report = ra::import_customers(
        *installation->database, *keys, options.file, *format, clock, report_progress);
    DOJANG_TRY(report);
    const std::size_t rows = report->inserted + report->updated + report->rejected;
    out << "imported " << options.file << ": " << report->inserted << " inserted, "
        << report->updated << " updated, " << report->rejected << " rejected (" << rows
        << " rows)\n"
        << "고객 등록: " << report->inserted << "건 추가, " << report->updated << "건 갱신, "
        << report->rejected << "건 거부\n";
    if (!report->errors.empty()) {
        out << "rejected rows (거부된 행):\n";
        for (const ra::RowError& error : report->errors) {
            out << "  row " << error.row;
            if (!error.column.empty()) {
                out << ", " << error.column;
            }
            out << ": " << error.message << " [" << error.code << "]\n";
        }
    }
    return report->rejected == 0;
}

Result<void> show_customer(const std::string& data,
                           const std::string& customer_id,
                           std::ostream& out) {
    auto installation = open(data, false);
    DOJANG_TRY(installation);
    auto keys = ra::load_register_keys(installation->dir.register_key());
    DOJANG_TRY(keys);
    std::optional<store::CustomerRecord> found;
    auto read = installation->database->transact([&](store::Transaction& tx) -> Result<void> {
        auto row = ra::SealedRegister(tx, *keys).find(customer_id);
        DOJANG_TRY(row);
        found = std::move(*row);
        return ok();
    });
    if (!read) {
        return read;
    }
    if (!found) {
        return fail(ErrorKind::not_found,
                    "CUSTOMER_NOT_FOUND",
                    "no customer " + customer_id + " in the register");
    }
    const store::CustomerRecord& customer = *found;
    std::string resident_number;
    if (customer.holder_type == domain::HolderType::individual) {
        // Decrypting proves the key and the row belong together; only the mask is shown.
        auto number = ra::decrypt_idn(*keys, customer.idn_ciphertext);
        DOJANG_TRY(number);
        resident_number =
            ra::mask_resident_number(std::string_view(number->chars(), number->size()));
    }
    std::string serials;
    for (const std::string& serial : customer.certificate_serials) {
        serials += (serials.empty() ? "" : ", ") + serial;
    }
    out << "customer_id:          " << customer.customer_id << "\n"
        << "holder_type:          " << domain::to_string(customer.holder_type) << "\n"
        << "name:                 " << customer.name << "\n"
        << "birth_date:           " << customer.birth_date << "\n"
        << "resident_number:      " << resident_number << "\n"
        << "business_number:      " << customer.business_number << "\n"
        << "corporate_number:     " << customer.corporate_number << "\n"
        << "representative:       " << customer.representative << "\n"
        << "phone:                " << readable_phone(customer.phone) << "\n"
        << "email:                " << customer.email << "\n"
        << "certificate_serials:  " << serials << "\n"
        << "updated_at:           " << to_rfc3339(customer.updated_at) << "\n";
    return ok();
}

}  // namespace dojang::app
