// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/customers.hpp"

#include "dojang/sql/query.hpp"

#include <algorithm>
#include <utility>

namespace dojang::sql {
namespace {

using store::CustomerRecord;

constexpr std::string_view customer_columns =
    "customer_id, holder_type, name, birth_date, idn_hash, idn_ciphertext, business_number, "
    "corporate_number, representative, phone, email, updated_at";

tl::unexpected<Error> idn_conflict() {
    return fail(ErrorKind::conflict,
                "CUSTOMER_IDN_CONFLICT",
                "another customer already has this identification number");
}

Error corrupt(std::string cause) {
    return Error{
        ErrorKind::internal, "STORE_CORRUPT", "stored data is unreadable", std::move(cause), {}};
}

/// Reads a row selected with `customer_columns` (serials are read separately).
Result<CustomerRecord> read_customer(const Statement& row) {
    auto holder_type = domain::holder_type_from_string(row.column_text(1));
    if (!holder_type) {
        return tl::unexpected(corrupt("bad holder_type '" + row.column_text(1) + "'"));
    }
    auto idn_hash = row.column_blob(4);
    DOJANG_TRY(idn_hash);
    auto idn_ciphertext = row.column_blob(5);
    DOJANG_TRY(idn_ciphertext);
    auto updated_at = row.column_int64(11);
    DOJANG_TRY(updated_at);
    return CustomerRecord{
        .customer_id = row.column_text(0),
        .holder_type = *holder_type,
        .name = row.column_text(2),
        .birth_date = row.column_text(3),
        .idn_hash = std::move(*idn_hash),
        .idn_ciphertext = std::move(*idn_ciphertext),
        .business_number = row.column_text(6),
        .corporate_number = row.column_text(7),
        .representative = row.column_text(8),
        .phone = row.column_text(9),
        .email = row.column_text(10),
        .certificate_serials = {},
        .updated_at = Seconds{std::chrono::seconds{*updated_at}},
    };
}

/// The serials, sorted and without repeats (the child table's key is customer + serial).
std::vector<std::string> canonical_serials(std::vector<std::string> serials) {
    std::sort(serials.begin(), serials.end());
    serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
    return serials;
}

}  // namespace

Result<bool> SqlCustomers::upsert(const CustomerRecord& record) {
    // 1. Who holds this id or this number already? Asking first gives a precise error without
    // a failed statement, which would end a PostgreSQL transaction.
    Query existing(connection_,
                   "SELECT customer_id FROM customers WHERE customer_id = ? OR idn_hash = ?");
    existing.text(record.customer_id).blob(record.idn_hash);
    bool exists = false;
    while (true) {
        auto more = existing.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            break;
        }
        if (existing.row().column_text(0) == record.customer_id) {
            exists = true;
        } else {
            return idn_conflict();
        }
    }
    // 2. Write under a savepoint: a concurrent writer may still win the unique index between
    // the check and the write, and the caller's transaction must survive that.
    auto saved = connection_.execute_script("SAVEPOINT customer_upsert");
    DOJANG_TRY(saved);
    auto written = write(record, exists);
    if (!written) {
        auto rolled_back = connection_.execute_script(
            "ROLLBACK TO SAVEPOINT customer_upsert; RELEASE SAVEPOINT customer_upsert");
        DOJANG_TRY(rolled_back);
        if (written.error().kind == ErrorKind::conflict) {
            return idn_conflict();
        }
        return written;
    }
    auto released = connection_.execute_script("RELEASE SAVEPOINT customer_upsert");
    DOJANG_TRY(released);
    return written;
}

Result<bool> SqlCustomers::write(const CustomerRecord& record, bool exists) {
    Query write(connection_,
                exists ? "UPDATE customers SET holder_type = ?, name = ?, birth_date = ?, "
                         "idn_hash = ?, idn_ciphertext = ?, business_number = ?, "
                         "corporate_number = ?, representative = ?, phone = ?, email = ?, "
                         "updated_at = ? WHERE customer_id = ?"
                       : "INSERT INTO customers (holder_type, name, birth_date, idn_hash, "
                         "idn_ciphertext, business_number, corporate_number, representative, "
                         "phone, email, updated_at, customer_id) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    write.text(domain::to_string(record.holder_type))
        .text(record.name)
        .text(record.birth_date)
        .blob(record.idn_hash)
        .blob(record.idn_ciphertext)
        .text(record.business_number)
        .text(record.corporate_number)
        .text(record.representative)
        .text(record.phone)
        .text(record.email)
        .integer(record.updated_at.time_since_epoch().count())
        .text(record.customer_id);
    auto changed = write.execute();
    DOJANG_TRY(changed);
    if (exists) {
        Query clear(connection_, "DELETE FROM customer_certificates WHERE customer_id = ?");
        clear.text(record.customer_id);
        auto cleared = clear.execute();
        DOJANG_TRY(cleared);
    }
    for (const std::string& serial : canonical_serials(record.certificate_serials)) {
        Query insert(connection_,
                     "INSERT INTO customer_certificates (customer_id, serial) VALUES (?, ?)");
        insert.text(record.customer_id).text(serial);
        auto inserted = insert.execute();
        DOJANG_TRY(inserted);
    }
    return !exists;
}

Result<std::optional<CustomerRecord>> SqlCustomers::find_where(std::string_view column,
                                                               std::string_view text,
                                                               const Bytes& blob) {
    Query query(connection_,
                "SELECT " + std::string(customer_columns) + " FROM customers WHERE " +
                    std::string(column) + " = ?");
    if (column == "idn_hash") {
        query.blob(blob);
    } else {
        query.text(text);
    }
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return std::optional<CustomerRecord>{};
    }
    auto record = read_customer(query.row());
    DOJANG_TRY(record);
    Query serials(connection_,
                  "SELECT serial FROM customer_certificates WHERE customer_id = ? ORDER BY serial");
    serials.text(record->customer_id);
    while (true) {
        auto more = serials.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            break;
        }
        record->certificate_serials.push_back(serials.row().column_text(0));
    }
    return std::optional<CustomerRecord>{std::move(*record)};
}

Result<std::optional<CustomerRecord>> SqlCustomers::find(const std::string& customer_id) {
    return find_where("customer_id", customer_id, {});
}

Result<std::optional<CustomerRecord>> SqlCustomers::find_by_idn_hash(const Bytes& idn_hash) {
    return find_where("idn_hash", {}, idn_hash);
}

Result<std::optional<CustomerRecord>> SqlCustomers::find_by_certificate(const std::string& serial) {
    Query query(connection_, "SELECT customer_id FROM customer_certificates WHERE serial = ?");
    query.text(serial);
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return std::optional<CustomerRecord>{};
    }
    return find(query.row().column_text(0));
}

Result<std::vector<std::string>> SqlCustomers::ids_after(const std::string& after,
                                                         std::size_t limit) {
    Query query(connection_,
                "SELECT customer_id FROM customers WHERE customer_id > ? ORDER BY customer_id "
                "LIMIT ?");
    query.text(after).integer(static_cast<std::int64_t>(limit));
    std::vector<std::string> ids;
    for (;;) {
        auto more = query.next_row();
        DOJANG_TRY(more);
        if (!*more) {
            return ids;
        }
        ids.push_back(query.row().column_text(0));
    }
}

Result<std::size_t> SqlCustomers::count() {
    Query query(connection_, "SELECT COUNT(*) FROM customers");
    auto found = query.next_row();
    DOJANG_TRY(found);
    if (!*found) {
        return fail(ErrorKind::internal, "STORE_FAILED", "COUNT returned no row");
    }
    auto value = query.row().column_int64(0);
    DOJANG_TRY(value);
    return static_cast<std::size_t>(*value);
}

}  // namespace dojang::sql
