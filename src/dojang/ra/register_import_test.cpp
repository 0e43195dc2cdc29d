// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/register_import.hpp"

#include "dojang/ra/sealed_register.hpp"
#include "dojang/sqlite/sqlite.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace dojang::ra {
namespace {

const Seconds today{std::chrono::seconds{1'749'945'600}};  // 2025-06-15

const std::string header =
    "customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,"
    "representative,phone,email,certificate_serials\n";

RegisterKeys test_keys() {
    std::vector<std::uint8_t> material(64);
    for (std::size_t i = 0; i < material.size(); ++i) {
        material[i] = static_cast<std::uint8_t>(i * 7 + 3);
    }
    return RegisterKeys::from_bytes(SecretBytes(std::move(material))).value();
}

CustomerRow row_of(std::map<std::string, std::string, std::less<>> values) {
    return CustomerRow{2, std::move(values)};
}

std::string text_of(const SecretBytes& secret) {
    return {secret.chars(), secret.size()};
}

/// A fresh SQLite register with a file to import from.
class Import : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = sqlite::open_sqlite(dir_.path() + "/dojang.db", {});
        ASSERT_TRUE(opened.has_value()) << opened.error().describe();
        database_ = std::move(*opened);
    }

    std::string write(const std::string& name, const std::string& content) {
        const std::string path = dir_.path() + "/" + name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    Result<ImportReport> import(const std::string& path,
                                CustomerFileFormat format = CustomerFileFormat::automatic,
                                const ImportProgress& progress = {}) {
        return import_customers(*database_, keys_, path, format, clock_, progress);
    }

    /// The register entry as the RA reads it (opened), or as stored when `raw`.
    std::optional<store::CustomerRecord> find(const std::string& id, bool raw = false) {
        std::optional<store::CustomerRecord> found;
        auto result = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto row = raw ? tx.customers().find(id) : SealedRegister(tx, keys_).find(id);
            DOJANG_TRY(row);
            found = *row;
            return ok();
        });
        EXPECT_TRUE(result.has_value());
        return found;
    }

    std::size_t count() {
        std::size_t value = 0;
        auto result = database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto counted = tx.customers().count();
            DOJANG_TRY(counted);
            value = *counted;
            return ok();
        });
        EXPECT_TRUE(result.has_value());
        return value;
    }

    testing::TempDir dir_;
    RegisterKeys keys_ = test_keys();
    ManualClock clock_{today};
    std::unique_ptr<store::Database> database_;
};

// --- CSV -------------------------------------------------------------------------------------

TEST(CustomerCsv, ReadsQuotedFieldsKoreanNamesAndABom) {
    const std::string text = "\xEF\xBB\xBF" + header +
                             "C-1,individual,\"홍, 길동\",,900101-1234567,,,,010-1234-5678,,"
                             "\"0a1b;7f\"\r\n"
                             "C-2,corporate,\"주식회사 \"\"도장\"\"\",,,220-81-62517,,\"김\n대표\","
                             ",ceo@dojang.example,\r\n";
    auto file = parse_customer_csv(text);
    ASSERT_TRUE(file.has_value()) << file.error().describe();
    EXPECT_TRUE(file->errors.empty());
    ASSERT_EQ(file->rows.size(), 2U);
    EXPECT_EQ(file->rows[0].row, 2U);
    EXPECT_EQ(file->rows[0].values.at("customer_id"), "C-1");
    EXPECT_EQ(file->rows[0].values.at("name"), "홍, 길동");
    EXPECT_EQ(file->rows[0].values.at("certificate_serials"), "0a1b;7f");
    EXPECT_EQ(file->rows[1].row, 3U);
    EXPECT_EQ(file->rows[1].values.at("name"), "주식회사 \"도장\"");
    EXPECT_EQ(file->rows[1].values.at("representative"), "김\n대표");
    EXPECT_EQ(file->rows[1].values.at("email"), "ceo@dojang.example");
}

TEST(CustomerCsv, AcceptsColumnsInAnyOrderAndOnlyTheRequiredOnes) {
    auto file = parse_customer_csv("Name,customer_id,holder_type\n홍길동,C-1,individual\n\n");
    ASSERT_TRUE(file.has_value()) << file.error().describe();
    ASSERT_EQ(file->rows.size(), 1U);
    EXPECT_EQ(file->rows[0].values.at("name"), "홍길동");
    EXPECT_FALSE(file->rows[0].values.contains("phone"));
}

TEST(CustomerCsv, ReportsAWrongFieldCountForThatRowOnly) {
    auto file = parse_customer_csv(header + "C-1,individual\n" +
                                   "C-2,individual,홍길동,,9001011234567,,,,01012345678,,\n");
    ASSERT_TRUE(file.has_value());
    ASSERT_EQ(file->errors.size(), 1U);
    EXPECT_EQ(file->errors[0].row, 2U);
    EXPECT_EQ(file->errors[0].code, "CSV_FIELD_COUNT");
    ASSERT_EQ(file->rows.size(), 1U);
    EXPECT_EQ(file->rows[0].row, 3U);
    EXPECT_EQ(file->rows_total, 2U);
}

TEST(CustomerCsv, ReportsTextAfterAClosingQuoteForThatRowOnly) {
    auto file = parse_customer_csv(
        "customer_id,holder_type,name\n\"C-1\"x,individual,a\n"
        "C-2,individual,b\n");
    ASSERT_TRUE(file.has_value());
    ASSERT_EQ(file->errors.size(), 1U);
    EXPECT_EQ(file->errors[0].code, "CSV_ROW_INVALID");
    EXPECT_EQ(file->rows.size(), 1U);
}

TEST(CustomerCsv, RefusesABadHeaderOrAnOpenQuote) {
    for (const std::string& text : {std::string("customer_id,holder_type,name,nickname\n"),
                                    std::string("customer_id,name\n"),
                                    std::string("customer_id,holder_type,name,name\n"),
                                    std::string(""),
                                    header + "C-1,individual,\"open\n"}) {
        auto file = parse_customer_csv(text);
        ASSERT_FALSE(file.has_value()) << text;
        EXPECT_EQ(file.error().code, "CUSTOMER_FILE_INVALID");
    }
}

// --- JSON ------------------------------------------------------------------------------------

TEST(CustomerJson, ReadsAnArrayOfObjects) {
    auto file = parse_customer_json(R"([
        {"customer_id": "C-1", "holder_type": "individual", "name": "홍길동",
         "resident_number": "900101-1234567", "phone": "010-1234-5678",
         "certificate_serials": ["0a1b", "7f"]},
        {"customer_id": "C-2", "holder_type": "corporate", "name": "주식회사 도장",
         "business_number": "220-81-62517", "email": null, "certificate_serials": "0c"}
    ])");
    ASSERT_TRUE(file.has_value()) << file.error().describe();
    EXPECT_TRUE(file->errors.empty());
    ASSERT_EQ(file->rows.size(), 2U);
    EXPECT_EQ(file->rows[0].row, 1U);
    EXPECT_EQ(file->rows[0].values.at("certificate_serials"), "0a1b;7f");
    EXPECT_EQ(file->rows[1].values.at("email"), "");
    EXPECT_EQ(file->rows[1].values.at("certificate_serials"), "0c");
}

TEST(CustomerJson, ReportsBadElementsPerRow) {
    auto file = parse_customer_json(R"([
        "not an object",
        {"customer_id": "C-2", "holder_type": "individual", "name": "a", "phone": 1012345678},
        {"customer_id": "C-3", "holder_type": "individual", "name": "b", "nickname": "x"},
        {"customer_id": "C-4", "holder_type": "individual", "name": "c"}
    ])");
    ASSERT_TRUE(file.has_value()) << file.error().describe();
    ASSERT_EQ(file->errors.size(), 3U);
    EXPECT_EQ(file->errors[0].row, 1U);
    EXPECT_EQ(file->errors[0].code, "JSON_ROW_INVALID");
    EXPECT_EQ(file->errors[1].row, 2U);
    EXPECT_EQ(file->errors[1].column, "phone");
    EXPECT_EQ(file->errors[1].code, "FIELD_TYPE_INVALID");
    EXPECT_EQ(file->errors[2].row, 3U);
    EXPECT_EQ(file->errors[2].code, "UNKNOWN_FIELD");
    ASSERT_EQ(file->rows.size(), 1U);
    EXPECT_EQ(file->rows[0].row, 4U);
    EXPECT_EQ(file->rows_total, 4U);
}

TEST(CustomerJson, RefusesInvalidJsonOrANonArray) {
    for (const std::string_view text :
         {"[{\"customer_id\": }]", "{\"customer_id\": \"C-1\"}", ""}) {
        auto file = parse_customer_json(text);
        ASSERT_FALSE(file.has_value()) << text;
        EXPECT_EQ(file.error().code, "CUSTOMER_FILE_INVALID");
    }
}

// --- one row ---------------------------------------------------------------------------------

TEST(CustomerFromRow, ProtectsTheResidentNumberAndNormalisesTheRest) {
    const RegisterKeys keys = test_keys();
    auto record = customer_from_row(row_of({{"customer_id", " C-1 "},
                                            {"holder_type", "Individual"},
                                            {"name", " 홍길동 "},
                                            {"resident_number", "900101-1234567"},
                                            {"phone", "+82 10 1234 5678"},
                                            {"email", "hong@example.kr"},
                                            {"certificate_serials", "7F; 0a:1b ;"}}),
                                    keys,
                                    today);
    ASSERT_TRUE(record.has_value()) << record.error().front().message;
    EXPECT_EQ(record->customer_id, "C-1");
    EXPECT_EQ(record->holder_type, domain::HolderType::individual);
    EXPECT_EQ(record->name, "홍길동");
    EXPECT_EQ(record->birth_date, "1990-01-01");  // from the resident number
    EXPECT_EQ(record->phone, "01012345678");
    EXPECT_EQ(record->certificate_serials, (std::vector<std::string>{"0a1b", "7f"}));
    // HMAC-SHA256 of the 13 digits under bytes 32..63 of test_keys(), computed by Python's hmac.
    EXPECT_EQ(to_hex(record->idn_hash),
              "0ed9006afb97334379c3aaec1bdb1c7435c43cb69628d0e98ed3efb74193c438");
    EXPECT_EQ(text_of(decrypt_idn(keys, record->idn_ciphertext).value()), "9001011234567");
    EXPECT_EQ(record->updated_at, today);
}

TEST(CustomerFromRow, IdentifiesACompanyByItsBusinessNumber) {
    const RegisterKeys keys = test_keys();
    auto record = customer_from_row(row_of({{"customer_id", "B-1"},
                                            {"holder_type", "corporate"},
                                            {"name", "주식회사 도장"},
                                            {"business_number", "220-81-62517"},
                                            {"corporate_number", "110111-1234567"},
                                            {"representative", "김대표"},
                                            {"email", "ceo@dojang.example"}}),
                                    keys,
                                    today);
    ASSERT_TRUE(record.has_value()) << record.error().front().message;
    EXPECT_EQ(record->business_number, "2208162517");
    EXPECT_EQ(record->corporate_number, "1101111234567");
    EXPECT_EQ(record->birth_date, "");
    // HMAC-SHA256 of the 10 digits under bytes 32..63 of test_keys(), computed by Python's hmac.
    EXPECT_EQ(to_hex(record->idn_hash),
              "b1c70b5ba3e4d849bdb7c1285c256e0b648f2356557b43cc2d2adb4a5c1021f4");
}

TEST(CustomerFromRow, ReportsEveryProblemOfTheRowAtOnce) {
    auto record = customer_from_row(row_of({{"customer_id", "C 1"},
                                            {"holder_type", "individual"},
                                            {"name", ""},
                                            {"birth_date", "1991-01-01"},
                                            {"resident_number", "900101-1234567"},
                                            {"business_number", "1234567890"},
                                            {"phone", "02-123-4567"},
                                            {"email", "nobody"},
                                            {"certificate_serials", "0a;zz"}}),
                                    test_keys(),
                                    today);
    ASSERT_FALSE(record.has_value());
    std::vector<std::string> codes;
    for (const RowError& error : record.error()) {
        codes.push_back(error.column + ":" + error.code);
        EXPECT_EQ(error.row, 2U);
        EXPECT_EQ(error.message.find("1234567"), std::string::npos) << error.message;
    }
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes,
              (std::vector<std::string>{"birth_date:BIRTH_DATE_MISMATCH",
                                        "business_number:BUSINESS_NUMBER_INVALID",
                                        "certificate_serials:SERIAL_INVALID",
                                        "customer_id:CUSTOMER_ID_INVALID",
                                        "email:EMAIL_INVALID",
                                        "name:NAME_MISSING",
                                        "phone:PHONE_INVALID"}));
}

TEST(CustomerFromRow, RequiresTheRightNumberForEachHolderType) {
    auto person = customer_from_row(row_of({{"customer_id", "C-1"},
                                            {"holder_type", "individual"},
                                            {"name", "a"},
                                            {"phone", "01012345678"}}),
                                    test_keys(),
                                    today);
    ASSERT_FALSE(person.has_value());
    EXPECT_EQ(person.error().front().code, "RESIDENT_NUMBER_MISSING");

    auto company = customer_from_row(row_of({{"customer_id", "B-1"},
                                             {"holder_type", "corporate"},
                                             {"name", "b"},
                                             {"resident_number", "9001011234567"},
                                             {"email", "b@example.kr"}}),
                                     test_keys(),
                                     today);
    ASSERT_FALSE(company.has_value());
    std::vector<std::string> codes;
    for (const RowError& error : company.error()) {
        codes.push_back(error.code);
    }
    EXPECT_EQ(codes,
              (std::vector<std::string>{"RESIDENT_NUMBER_NOT_ALLOWED", "BUSINESS_NUMBER_MISSING"}));

    auto nobody = customer_from_row(row_of({{"customer_id", "C-2"},
                                            {"holder_type", "person"},
                                            {"name", "c"},
                                            {"resident_number", "9001011234567"}}),
                                    test_keys(),
                                    today);
    ASSERT_FALSE(nobody.has_value());
    codes.clear();
    for (const RowError& error : nobody.error()) {
        codes.push_back(error.code);
    }
    EXPECT_EQ(codes, (std::vector<std::string>{"HOLDER_TYPE_INVALID", "CONTACT_MISSING"}));
}

TEST(CustomerFromRow, RefusesInvalidUtf8AndControlCharacters) {
    auto record = customer_from_row(row_of({{"customer_id", "C-1"},
                                            {"holder_type", "individual"},
                                            {"name", "\xED\xA0\x80"},  // a UTF-16 surrogate
                                            {"representative", "a\x01"},
                                            {"resident_number", "9001011234567"},
                                            {"phone", "01012345678"}}),
                                    test_keys(),
                                    today);
    ASSERT_FALSE(record.has_value());
    ASSERT_EQ(record.error().size(), 2U);
    EXPECT_EQ(record.error()[0].code, "ENCODING_INVALID");
    EXPECT_EQ(record.error()[1].code, "TEXT_INVALID");
}

// --- whole imports ---------------------------------------------------------------------------

TEST_F(Import, StoresGoodRowsAndReportsBadOnesByRow) {
    const std::string path =
        write("customers.csv",
              header + "C-1,individual,홍길동,1990-01-01,900101-1234567,,,,010-1234-5678,,0a1b\n" +
                  "C-2,individual,김영희,,990231-2234567,,,,010-2222-3333,,\n" +
                  "B-1,corporate,주식회사 도장,,,220-81-62517,110111-1234567,김대표,,"
                  "ceo@dojang.example,\n" +
                  "C-3,individual,이철수,,850505-1234567,,,,not-a-phone,,\n" +
                  "C-4,individual,박민수,,020202-3234567,,,,010-4444-5555,m@example.kr,\n");
    auto report = import(path);
    ASSERT_TRUE(report.has_value()) << report.error().describe();
    EXPECT_EQ(report->inserted, 3U);
    EXPECT_EQ(report->updated, 0U);
    EXPECT_EQ(report->rejected, 2U);
    ASSERT_EQ(report->errors.size(), 2U);
    EXPECT_EQ(report->errors[0],
              (RowError{3,
                        "resident_number",
                        "RESIDENT_NUMBER_INVALID",
                        "not a valid resident registration number (주민등록번호가 올바르지 "
                        "않습니다)"}));
    EXPECT_EQ(report->errors[1].row, 5U);
    EXPECT_EQ(report->errors[1].column, "phone");
    EXPECT_EQ(count(), 3U);
    auto stored = find("C-1");
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->certificate_serials, (std::vector<std::string>{"0a1b"}));
    EXPECT_EQ(text_of(decrypt_idn(keys_, stored->idn_ciphertext).value()), "9001011234567");
    EXPECT_FALSE(find("C-2").has_value());
}

TEST_F(Import, UpdatesOnReimportInsteadOfDuplicating) {
    const std::string first =
        write("a.csv",
              header + "C-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,,0a1b\n" +
                  "C-2,individual,김영희,,950505-2234567,,,,010-2222-3333,,\n");
    ASSERT_TRUE(import(first).has_value());
    clock_.advance(std::chrono::hours{24});
    const std::string second =
        write("b.csv",
              header + "C-1,individual,홍길동,,900101-1234567,,,,010-9999-8888,,0c\n" +
                  "C-2,individual,김영희,,950505-2234567,,,,010-2222-3333,,\n" +
                  "C-3,individual,이철수,,850505-1234567,,,,010-3333-4444,,\n");
    auto report = import(second);
    ASSERT_TRUE(report.has_value()) << report.error().describe();
    EXPECT_EQ(report->inserted, 1U);
    EXPECT_EQ(report->updated, 2U);
    EXPECT_EQ(report->rejected, 0U);
    EXPECT_EQ(count(), 3U);
    auto updated = find("C-1");
    ASSERT_TRUE(updated.has_value());
    EXPECT_EQ(updated->phone, "01099998888");
    EXPECT_EQ(updated->certificate_serials, (std::vector<std::string>{"0c"}));
    EXPECT_EQ(updated->updated_at, today + std::chrono::hours{24});
    // As stored: no personal field in clear.
    auto stored = find("C-1", true);
    ASSERT_TRUE(stored.has_value());
    for (const std::string* field :
         {&stored->name, &stored->birth_date, &stored->phone, &stored->email}) {
        EXPECT_TRUE(field->empty() || field->starts_with("s1:")) << *field;
    }
    EXPECT_EQ(stored->phone.find("01099998888"), std::string::npos);
    EXPECT_EQ(stored->name.find("홍길동"), std::string::npos);
}

TEST_F(Import, RejectsANumberThatBelongsToAnotherCustomer) {
    ASSERT_TRUE(import(write("a.csv",
                             header + "C-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,,\n"))
                    .has_value());
    auto report =
        import(write("b.csv",
                     header + "C-9,individual,홍길동,,9001011234567,,,,010-1234-5678,,\n" +
                         "C-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,,\n" +
                         "C-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,,\n"));
    ASSERT_TRUE(report.has_value()) << report.error().describe();
    EXPECT_EQ(report->updated, 1U);
    EXPECT_EQ(report->rejected, 2U);
    ASSERT_EQ(report->errors.size(), 2U);
    EXPECT_EQ(report->errors[0].row, 2U);
    EXPECT_EQ(report->errors[0].column, "resident_number");
    EXPECT_EQ(report->errors[0].code, "CUSTOMER_IDN_CONFLICT");
    EXPECT_NE(report->errors[0].message.find("C-1"), std::string::npos);
    EXPECT_EQ(report->errors[1].row, 4U);
    EXPECT_EQ(report->errors[1].code, "CUSTOMER_ID_DUPLICATE");
    EXPECT_FALSE(find("C-9").has_value());
}

TEST_F(Import, ReadsJsonByExtensionOrContent) {
    const std::string json = R"([{"customer_id": "C-1", "holder_type": "individual",
        "name": "홍길동", "resident_number": "900101-1234567", "phone": "010-1234-5678"}])";
    auto by_extension = import(write("customers.json", json));
    ASSERT_TRUE(by_extension.has_value()) << by_extension.error().describe();
    EXPECT_EQ(by_extension->inserted, 1U);
    auto by_content = import(write("customers.txt", "\n  " + json));
    ASSERT_TRUE(by_content.has_value()) << by_content.error().describe();
    EXPECT_EQ(by_content->updated, 1U);
    auto forced = import(write("customers.dat", json), CustomerFileFormat::csv);
    ASSERT_FALSE(forced.has_value());
    EXPECT_EQ(forced.error().code, "CUSTOMER_FILE_INVALID");
}

TEST_F(Import, RefusesAMissingFile) {
    auto report = import(dir_.path() + "/none.csv");
    ASSERT_FALSE(report.has_value());
    EXPECT_EQ(report.error().kind, ErrorKind::not_found);
}

TEST_F(Import, ImportsTenThousandRowsInBatchesWithProgress) {
    std::ostringstream csv;
    csv << header;
    constexpr std::size_t rows = 10'000;
    for (std::size_t i = 0; i < rows; ++i) {
        // Distinct, valid resident numbers: 1990-01-01 + i % 28 days, serial part from i.
        char number[16];
        std::snprintf(number, sizeof number, "9001%02zu1%06zu", i % 28 + 1, i);
        csv << "C-" << i << ",individual,고객" << i << ",," << number << ",,,,010-"
            << 1000 + i % 9000 << "-" << 1000 + i % 7000 << ",,\n";
    }
    const std::string path = write("many.csv", csv.str());
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    auto report = import(path, CustomerFileFormat::csv, [&](std::size_t done, std::size_t total) {
        calls.emplace_back(done, total);
    });
    ASSERT_TRUE(report.has_value()) << report.error().describe();
    EXPECT_EQ(report->inserted, rows);
    EXPECT_EQ(report->rejected, 0U) << report->errors.front().message;
    EXPECT_EQ(count(), rows);
    ASSERT_EQ(calls.size(), rows / import_batch_rows + 1);
    EXPECT_EQ(calls.front(), (std::pair<std::size_t, std::size_t>{import_batch_rows, rows}));
    EXPECT_EQ(calls.back(), (std::pair<std::size_t, std::size_t>{rows, rows}));

    auto again = import(path, CustomerFileFormat::csv);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->updated, rows);
    EXPECT_EQ(count(), rows);
}

TEST_F(Import, RecordsEachBatchInTheAuditLog) {
    ASSERT_TRUE(import(write("a.csv",
                             header + "C-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,,\n"))
                    .has_value());
    std::vector<store::AuditEntry> entries;
    ASSERT_TRUE(database_
                    ->transact([&](store::Transaction& tx) -> Result<void> {
                        auto all = tx.audit().entries();
                        DOJANG_TRY(all);
                        entries = *all;
                        return ok();
                    })
                    .has_value());
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].action, "customers.import");
    EXPECT_NE(entries[0].details.find("\"inserted\":1"), std::string::npos);
    EXPECT_EQ(entries[0].details.find("1234567"), std::string::npos);
}

}  // namespace
}  // namespace dojang::ra
