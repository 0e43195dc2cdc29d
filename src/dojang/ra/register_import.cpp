// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/register_import.hpp"

#include "dojang/core/ids.hpp"
#include "dojang/core/text.hpp"
#include "dojang/crypto/digest.hpp"
#include "dojang/ra/sealed_register.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>
#include <utility>

namespace dojang::ra {
namespace {

using domain::HolderType;
using store::CustomerRecord;

/// Larger files are refused before reading: 256 MiB is well over a million customers.
constexpr std::uintmax_t max_file_bytes = 256U * 1024U * 1024U;
constexpr std::size_t max_customer_id_bytes = 64;
constexpr std::size_t max_text_bytes = 200;
constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

tl::unexpected<Error> invalid_file(std::string english, std::string_view korean) {
    return fail(ErrorKind::invalid_request,
                "CUSTOMER_FILE_INVALID",
                english + " (" + std::string(korean) + ")");
}

bool is_known_column(std::string_view name) {
    return std::find(customer_columns.begin(), customer_columns.end(), name) !=
           customer_columns.end();
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

/// Whether `text` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF).
bool is_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t code = 0;
        if (byte < 0x80) {
            ++i;
            continue;
        }
        if ((byte & 0xE0U) == 0xC0U) {
            length = 2;
            code = byte & 0x1FU;
        } else if ((byte & 0xF0U) == 0xE0U) {
            length = 3;
            code = byte & 0x0FU;
        } else if ((byte & 0xF8U) == 0xF0U) {
            length = 4;
            code = byte & 0x07U;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0U) != 0x80U) {
                return false;
            }
            code = (code << 6U) | (next & 0x3FU);
        }
        constexpr std::array<std::uint32_t, 5> smallest{0, 0, 0x80, 0x800, 0x10000};
        if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

bool has_control_characters(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180 section 2, read leniently: LF or CRLF line ends, a BOM is skipped).

struct CsvRecord {
    std::vector<std::string> fields;
    bool malformed = false;  ///< text after a closing quote
};

/// Splits CSV text into records; fails only on an unterminated quoted field.
Result<std::vector<CsvRecord>> split_csv(std::string_view text) {
    std::vector<CsvRecord> records;
    CsvRecord record;
    std::string field;
    bool in_quotes = false;
    bool was_quoted = false;
    bool record_started = false;
    const auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
    };
    const auto end_record = [&] {
        end_field();
        // A blank line is no record at all (RFC 4180 would make it one empty field).
        if (!(record.fields.size() == 1 && record.fields[0].empty() && !record.malformed)) {
            records.push_back(std::move(record));
        }
        record = CsvRecord{};
        record_started = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field.push_back('"');  // RFC 4180 2.7: "" inside quotes is one quote
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                field.push_back(c);
            }
            continue;
        }
        record_started = true;
        if (c == ',') {
            end_field();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            end_record();
        } else if (c == '"' && field.empty() && !was_quoted) {
            in_quotes = true;
            was_quoted = true;
        } else if (was_quoted) {
            record.malformed = true;  // "abc"x: RFC 4180 2.5 allows nothing after the quote
        } else {
            field.push_back(c);
        }
    }
    if (in_quotes) {
        return invalid_file("a quoted field is not closed before the end of the file",
                            "따옴표로 시작한 값이 닫히지 않았습니다");
    }
    if (record_started || !field.empty() || !record.fields.empty()) {
        end_record();
    }
    return records;
}

// ---------------------------------------------------------------------------------------------
// Row validation.

class RowChecker {
public:
    explicit RowChecker(const CustomerRow& row) : row_(row) {}

    /// The trimmed value of `column` (empty when absent).
    [[nodiscard]] std::string_view value(std::string_view column) const {
        auto found = row_.values.find(column);
        return found == row_.values.end() ? std::string_view{} : trim(found->second);
    }

    void add(std::string column, std::string code, std::string message) {
        errors_.push_back(
            RowError{row_.row, std::move(column), std::move(code), std::move(message)});
    }

    void add(std::string column, const Error& error) {
        add(std::move(column), error.code, error.detail);
    }

    /// Plain text: valid UTF-8, no control characters, not too long.
    std::string text(std::string_view column, std::size_t max_bytes) {
        const std::string_view text = value(column);
        if (!is_utf8(text)) {
            add(std::string(column),
                "ENCODING_INVALID",
                "not valid UTF-8 text (UTF-8 문자열이 아닙니다)");
            return {};
        }
        if (has_control_characters(text) || text.size() > max_bytes) {
            add(std::string(column),
                "TEXT_INVALID",
                "holds control characters or is longer than " + std::to_string(max_bytes) +
                    " bytes (제어 문자가 있거나 너무 깁니다)");
            return {};
        }
        return std::string(text);
    }

    /// Applies a normaliser to a non-empty value, recording its error.
    template <typename Normalise>
    std::string normalised(std::string_view column, Normalise&& normalise) {
        const std::string_view text = value(column);
        if (text.empty()) {
            return {};
        }
        auto result = normalise(text);
        if (!result) {
            add(std::string(column), result.error());
            return {};
        }
        return std::move(*result);
    }

    [[nodiscard]] bool failed() const { return !errors_.empty(); }
    std::vector<RowError>& errors() { return errors_; }

private:
    const CustomerRow& row_;
    std::vector<RowError> errors_;
};

bool is_customer_id_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
}

/// Whether `text` is a row's customer id (letters, digits, - _ . :, at most 64).
bool is_customer_id(std::string_view text) {
    return !text.empty() && text.size() <= max_customer_id_bytes &&
           std::all_of(text.begin(), text.end(), is_customer_id_character);
}

// ---------------------------------------------------------------------------------------------
// Import.

/// A validated record waiting for its batch, and the column that carries its number.
struct Pending {
    std::size_t row = 0;
    CustomerRecord record;
    std::string idn_column;
};

struct BatchResult {
    std::size_t inserted = 0;
    std::size_t updated = 0;
    std::vector<RowError> errors;
};

/// Stores one batch in one transaction, with an audit entry. Safe to re-run from the start
/// (the store retries a busy transaction): everything it reports is rebuilt each attempt.
Result<BatchResult> store_batch(store::Database& database,
                                const RegisterKeys& keys,
                                const std::vector<Pending>& batch,
                                const std::string& file_sha256,
                                Seconds now) {
    BatchResult result;
    auto stored = database.transact([&](store::Transaction& tx) -> Result<void> {
        result = BatchResult{};
        for (const Pending& pending : batch) {
            auto upserted = SealedRegister(tx, keys).upsert(pending.record);
            if (upserted) {
                ++(*upserted ? result.inserted : result.updated);
                continue;
            }
            if (upserted.error().kind != ErrorKind::conflict) {
                return tl::unexpected(upserted.error());
            }
            std::string owner;
            auto other = tx.customers().find_by_idn_hash(pending.record.idn_hash);
            if (other && *other) {
                owner = " (customer_id " + (*other)->customer_id + ")";
            }
            result.errors.push_back(RowError{pending.row,
                                             pending.idn_column,
                                             "CUSTOMER_IDN_CONFLICT",
                                             "another customer already has this number" + owner +
                                                 " (다른 고객에게 이미 등록된 번호입니다)"});
        }
        store::AuditEntry entry;
        entry.at = now;
        entry.actor = "operator";
        entry.action = "customers.import";
        entry.subject = "customers";
        entry.details = "{\"file_sha256\":" + json_quote(file_sha256) +
                        ",\"first_row\":" + std::to_string(batch.front().row) +
                        ",\"last_row\":" + std::to_string(batch.back().row) +
                        ",\"inserted\":" + std::to_string(result.inserted) +
                        ",\"updated\":" + std::to_string(result.updated) +
                        ",\"rejected\":" + std::to_string(result.errors.size()) + "}";
        auto appended = tx.audit().append(std::move(entry));
        DOJANG_TRY(appended);
        return ok();
    });
    DOJANG_TRY(stored);
    return result;
}

CustomerFileFormat detect_format(const std::string& path, std::string_view text) {
    const std::string extension = lower_ascii(std::filesystem::path(path).extension().string());
    if (extension == ".json") {
        return CustomerFileFormat::json;
    }
    if (extension == ".csv") {
        return CustomerFileFormat::csv;
    }
    const std::string_view content = trim(text);
    return content.starts_with('[') ? CustomerFileFormat::json : CustomerFileFormat::csv;
}

}  // namespace

Result<CustomerFile> parse_customer_csv(std::string_view text) {
    if (text.starts_with(byte_order_mark)) {
        text.remove_prefix(byte_order_mark.size());
    }
    auto records = split_csv(text);
    DOJANG_TRY(records);
    if (records->empty()) {
        return invalid_file("the file is empty: it needs a header row", "파일이 비어 있습니다");
    }
    // 1. The header names the columns; every name must be known, none twice, and the three
    // that every customer needs must be there.
    std::vector<std::string> header;
    std::set<std::string, std::less<>> seen;
    std::vector<std::string> unknown;
    for (const std::string& name : records->front().fields) {
        std::string column = lower_ascii(trim(name));
        if (!is_known_column(column)) {
            unknown.push_back(column);
        } else if (!seen.insert(column).second) {
            return invalid_file("column " + column + " appears twice in the header",
                                "헤더에 같은 열이 두 번 있습니다");
        }
        header.push_back(std::move(column));
    }
    if (!unknown.empty()) {
        std::string names;
        for (const auto& name : unknown) {
            names += (names.empty() ? "" : ", ") + json_quote(name);
        }
        return invalid_file("unknown column(s) " + names +
                                " in the header; the columns are "
                                "documented in docs/customers.md",
                            "헤더에 알 수 없는 열이 있습니다");
    }
    for (const std::string_view required : {"customer_id", "holder_type", "name"}) {
        if (!seen.contains(required)) {
            return invalid_file("the header has no column " + std::string(required),
                                "헤더에 필수 열이 없습니다");
        }
    }
    // 2. Each further record is one customer; row numbers count the header as row 1.
    CustomerFile file;
    for (std::size_t i = 1; i < records->size(); ++i) {
        const CsvRecord& record = (*records)[i];
        const std::size_t row = i + 1;
        ++file.rows_total;
        if (record.malformed) {
            file.errors.push_back(RowError{row,
                                           "",
                                           "CSV_ROW_INVALID",
                                           "text after a closing quote (닫는 따옴표 뒤에 "
                                           "문자가 있습니다)"});
            continue;
        }
        if (record.fields.size() != header.size()) {
            file.errors.push_back(RowError{
                row,
                "",
                "CSV_FIELD_COUNT",
                "the row has " + std::to_string(record.fields.size()) + " fields, the header " +
                    std::to_string(header.size()) + " (열 개수가 헤더와 다릅니다)"});
            continue;
        }
        CustomerRow customer{row, {}};
        for (std::size_t k = 0; k < header.size(); ++k) {
            customer.values.emplace(header[k], record.fields[k]);
        }
        file.rows.push_back(std::move(customer));
    }
    return file;
}

Result<CustomerFile> parse_customer_json(std::string_view text) {
    if (text.starts_with(byte_order_mark)) {
        text.remove_prefix(byte_order_mark.size());
    }
    // Boost.JSON throws from some accessors; nothing escapes this adapter.
    try {
        boost::json::error_code error;
        boost::json::value document = boost::json::parse(text, error);
        if (error) {
            return invalid_file("not valid JSON: " + error.message(), "JSON 형식이 아닙니다");
        }
        const boost::json::array* rows = document.if_array();
        if (rows == nullptr) {
            return invalid_file("the JSON must be an array of objects",
                                "JSON은 객체의 배열이어야 합니다");
        }
        CustomerFile file;
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const std::size_t row = i + 1;
            ++file.rows_total;
            const boost::json::object* object = (*rows)[i].if_object();
            if (object == nullptr) {
                file.errors.push_back(RowError{
                    row, "", "JSON_ROW_INVALID", "not a JSON object (JSON 객체가 아닙니다)"});
                continue;
            }
            CustomerRow customer{row, {}};
            bool usable = true;
            for (const auto& [key, value] : *object) {
                const std::string column(key);
                if (!is_known_column(column)) {
                    file.errors.push_back(RowError{row,
                                                   column,
                                                   "UNKNOWN_FIELD",
                                                   "not a column of the customer file (알 수 "
                                                   "없는 항목입니다)"});
                    usable = false;
                    continue;
                }
                if (value.is_null()) {
                    customer.values.emplace(column, std::string{});
                } else if (const boost::json::string* string = value.if_string()) {
                    customer.values.emplace(column, std::string(*string));
                } else if (column == "certificate_serials" && value.is_array()) {
                    std::string joined;
                    for (const boost::json::value& item : value.get_array()) {
                        const boost::json::string* serial = item.if_string();
                        if (serial == nullptr) {
                            usable = false;
                            file.errors.push_back(
                                RowError{row,
                                         column,
                                         "FIELD_TYPE_INVALID",
                                         "must be a list of strings (문자열 목록이어야 합니다)"});
                            break;
                        }
                        joined += (joined.empty() ? "" : ";") + std::string(*serial);
                    }
                    customer.values.emplace(column, std::move(joined));
                } else {
                    file.errors.push_back(
                        RowError{row,
                                 column,
                                 "FIELD_TYPE_INVALID",
                                 "must be a string, e.g. \"01012345678\" (문자열이어야 합니다)"});
                    usable = false;
                }
            }
            if (usable) {
                file.rows.push_back(std::move(customer));
            }
        }
        return file;
    } catch (const std::exception& exception) {
        return fail(ErrorKind::invalid_request,
                    "CUSTOMER_FILE_INVALID",
                    "the JSON file cannot be read (JSON 파일을 읽을 수 없습니다)",
                    exception.what());
    }
}

tl::expected<CustomerRecord, std::vector<RowError>> customer_from_row(const CustomerRow& row,
                                                                      const RegisterKeys& keys,
                                                                      Seconds now) {
    RowChecker check(row);
    CustomerRecord record;
    record.updated_at = now;
    // 1. Who: id, holder type, name.
    record.customer_id = std::string(check.value("customer_id"));
    if (record.customer_id.empty()) {
        check.add("customer_id", "CUSTOMER_ID_MISSING", "is required (필수 항목입니다)");
    } else if (!is_customer_id(record.customer_id)) {
        check.add("customer_id",
                  "CUSTOMER_ID_INVALID",
                  "use at most 64 letters, digits, '-', '_', '.' or ':' (고객 번호 형식이 "
                  "올바르지 않습니다)");
    }
    const std::string holder_text = lower_ascii(check.value("holder_type"));
    auto holder_type = domain::holder_type_from_string(holder_text);
    if (!holder_type) {
        check.add("holder_type",
                  "HOLDER_TYPE_INVALID",
                  "must be individual or corporate (individual 또는 corporate 이어야 합니다)");
    }
    const bool corporate = holder_type && *holder_type == HolderType::corporate;
    record.holder_type = corporate ? HolderType::corporate : HolderType::individual;
    record.name = check.text("name", max_text_bytes);
    if (check.value("name").empty()) {
        check.add("name", "NAME_MISSING", "is required (필수 항목입니다)");
    }
    record.representative = check.text("representative", max_text_bytes);
    // 2. Dates and numbers, each checked on its own so that every problem is reported.
    record.birth_date = check.normalised(
        "birth_date", [&](std::string_view text) { return normalize_birth_date(text, now); });
    const std::string resident = check.normalised("resident_number", [&](std::string_view text) {
        return normalize_resident_number(text, now);
    });
    record.business_number = check.normalised("business_number", normalize_business_number);
    record.corporate_number = check.normalised("corporate_number", normalize_corporate_number);
    record.phone = check.normalised("phone", normalize_mobile_phone);
    record.email = check.normalised("email", normalize_email);
    if (check.value("phone").empty() && check.value("email").empty()) {
        check.add("phone",
                  "CONTACT_MISSING",
                  "a phone number or an e-mail address is required for one-time codes "
                  "(휴대전화 번호나 이메일 주소가 필요합니다)");
    }
    // 3. The identification number: the resident number of a person, the business
    // registration number of a company.
    std::string idn;
    std::string idn_column;
    if (holder_type && !corporate) {
        idn_column = "resident_number";
        if (check.value("resident_number").empty()) {
            check.add("resident_number",
                      "RESIDENT_NUMBER_MISSING",
                      "is required for an individual (개인은 주민등록번호가 필요합니다)");
        }
        idn = resident;
        if (!resident.empty()) {
            const std::string born = resident_birth_date(resident);
            if (record.birth_date.empty() && check.value("birth_date").empty()) {
                record.birth_date = born;
            } else if (!record.birth_date.empty() && record.birth_date != born) {
                check.add("birth_date",
                          "BIRTH_DATE_MISMATCH",
                          "does not match the resident registration number (주민등록번호의 "
                          "생년월일과 다릅니다)");
            }
        }
    } else if (corporate) {
        idn_column = "business_number";
        if (!check.value("resident_number").empty()) {
            check.add("resident_number",
                      "RESIDENT_NUMBER_NOT_ALLOWED",
                      "a company is identified by its business registration number; leave this "
                      "empty (법인은 주민등록번호를 비워 두십시오)");
        }
        if (check.value("business_number").empty()) {
            check.add("business_number",
                      "BUSINESS_NUMBER_MISSING",
                      "is required for a company (법인은 사업자등록번호가 필요합니다)");
        }
        idn = record.business_number;
    }
    // 4. Certificates: hex serials separated by ';'.
    std::set<std::string> serials;
    std::size_t item = 0;
    for (std::string_view rest = check.value("certificate_serials"); !rest.empty();) {
        const auto end = rest.find(';');
        const std::string_view text = trim(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        ++item;
        if (text.empty()) {
            continue;
        }
        auto serial = SerialNumber::from_hex(text);
        if (!serial) {
            check.add("certificate_serials",
                      "SERIAL_INVALID",
                      "item " + std::to_string(item) +
                          " is not a certificate serial number in hex (인증서 일련번호가 "
                          "올바르지 않습니다)");
            continue;
        }
        serials.insert(serial->hex());
    }
    record.certificate_serials.assign(serials.begin(), serials.end());
    if (check.failed()) {
        return tl::unexpected(std::move(check.errors()));
    }
    // 5. Protect the number: a keyed hash to match on, the ciphertext to read it back.
    auto hash = idn_hash(keys, idn);
    auto sealed = hash ? encrypt_idn(keys, idn) : Result<Bytes>(tl::unexpected(hash.error()));
    if (!sealed) {
        check.add(idn_column, sealed.error());
        return tl::unexpected(std::move(check.errors()));
    }
    record.idn_hash = std::move(*hash);
    record.idn_ciphertext = std::move(*sealed);
    return record;
}

Result<ImportReport> import_customers(store::Database& database,
                                      const RegisterKeys& keys,
                                      const std::string& path,
                                      CustomerFileFormat format,
                                      const Clock& clock,
                                      const ImportProgress& progress) {
    // 1. Read the whole file (bounded) and parse it.
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (!error && size > max_file_bytes) {
        return fail(ErrorKind::invalid_request,
                    "CUSTOMER_FILE_TOO_LARGE",
                    path + " is larger than 256 MiB; split it (파일이 너무 큽니다)");
    }
    auto bytes = read_file(path);
    DOJANG_TRY(bytes);
    const std::string_view text(reinterpret_cast<const char*>(bytes->data()),  // NOLINT
                                bytes->size());
    if (format == CustomerFileFormat::automatic) {
        format = detect_format(path, text);
    }
    auto file =
        format == CustomerFileFormat::json ? parse_customer_json(text) : parse_customer_csv(text);
    DOJANG_TRY(file);
    const std::string file_sha256 = to_hex(crypto::sha256(*bytes));
    const Seconds now = clock.now();
    ImportReport report;
    report.errors = std::move(file->errors);
    const std::size_t rows_total = file->rows_total;
    std::size_t rows_done = file->rows_total - file->rows.size();
    std::unordered_map<std::string, std::size_t> first_row_of;
    std::vector<Pending> batch;
    batch.reserve(import_batch_rows);
    // 2. Validate row by row; store every full batch in one transaction.
    const auto flush = [&]() -> Result<void> {
        if (batch.empty()) {
            return ok();
        }
        auto stored = store_batch(database, keys, batch, file_sha256, now);
        if (!stored) {
            Error failure = stored.error();
            failure.detail += "; " + std::to_string(report.inserted + report.updated) +
                              " rows were stored before this, and importing the file again is "
                              "safe";
            return tl::unexpected(failure);
        }
        report.inserted += stored->inserted;
        report.updated += stored->updated;
        std::move(stored->errors.begin(), stored->errors.end(), std::back_inserter(report.errors));
        batch.clear();
        return ok();
    };
    for (const CustomerRow& row : file->rows) {
        auto record = customer_from_row(row, keys, now);
        if (!record) {
            std::move(
                record.error().begin(), record.error().end(), std::back_inserter(report.errors));
        } else if (auto [it, fresh] = first_row_of.emplace(record->customer_id, row.row); !fresh) {
            report.errors.push_back(RowError{row.row,
                                             "customer_id",
                                             "CUSTOMER_ID_DUPLICATE",
                                             "also on row " + std::to_string(it->second) +
                                                 " of this file (같은 고객 번호가 파일에 두 번 "
                                                 "있습니다)"});
        } else {
            const std::string idn_column = record->holder_type == HolderType::corporate
                                               ? "business_number"
                                               : "resident_number";
            batch.push_back(Pending{row.row, std::move(*record), idn_column});
        }
        ++rows_done;
        if (batch.size() >= import_batch_rows) {
            auto flushed = flush();
            DOJANG_TRY(flushed);
            if (progress) {
                progress(rows_done, rows_total);
            }
        }
    }
    auto flushed = flush();
    DOJANG_TRY(flushed);
    if (progress) {
        progress(rows_total, rows_total);
    }
    // 3. Report by row.
    std::stable_sort(report.errors.begin(),
                     report.errors.end(),
                     [](const RowError& a, const RowError& b) { return a.row < b.row; });
    std::set<std::size_t> rejected_rows;
    for (const RowError& row_error : report.errors) {
        rejected_rows.insert(row_error.row);
    }
    report.rejected = rejected_rows.size();
    return report;
}

}  // namespace dojang::ra
