// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/documents.hpp"

#include "dojang/crypto/digest.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

namespace dojang::ra {
namespace {

bool starts_with(std::span<const std::uint8_t> content, std::span<const std::uint8_t> magic) {
    return content.size() >= magic.size() &&
           std::equal(magic.begin(), magic.end(), content.begin());
}

Error not_allowed(std::string detail) {
    return Error{ErrorKind::policy_rejected,
                 "DOCUMENT_TYPE_NOT_ALLOWED",
                 std::move(detail) +
                     " (PDF, JPEG 또는 PNG 파일만 제출할 수 있습니다: only PDF, JPEG or PNG)",
                 {},
                 {}};
}

}  // namespace

const std::vector<std::string>& document_kinds() {
    static const std::vector<std::string> kinds{"business_registration",
                                                "representative_id",
                                                "seal_certificate",
                                                "corporate_register",
                                                "power_of_attorney",
                                                "proxy_id"};
    return kinds;
}

Result<std::string> sniff_document(std::span<const std::uint8_t> content,
                                   std::string_view declared_type) {
    static constexpr std::array<std::uint8_t, 5> pdf{'%', 'P', 'D', 'F', '-'};
    static constexpr std::array<std::uint8_t, 3> jpeg{0xFF, 0xD8, 0xFF};
    static constexpr std::array<std::uint8_t, 8> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (content.empty()) {
        return fail(ErrorKind::invalid_request,
                    "DOCUMENT_EMPTY",
                    "the file is empty (빈 파일입니다. 파일을 다시 선택하십시오)");
    }
    std::string type;
    if (starts_with(content, pdf)) {
        type = "application/pdf";
    } else if (starts_with(content, jpeg)) {
        type = "image/jpeg";
    } else if (starts_with(content, png)) {
        type = "image/png";
    } else {
        return tl::unexpected(not_allowed("the file is not a PDF, JPEG or PNG"));
    }
    // The declared type (without parameters) must agree: a mislabelled upload is refused.
    const std::string declared(declared_type.substr(0, declared_type.find(';')));
    if (!declared.empty() && declared != type &&
        !(declared == "image/jpg" && type == "image/jpeg")) {
        return tl::unexpected(not_allowed("the file's content (" + type +
                                          ") does not match its type (" + declared + ")"));
    }
    return type;
}

Result<store::DocumentRecord> DocumentFiles::write(const std::string& application_id,
                                                   const std::string& kind,
                                                   std::string_view declared_type,
                                                   std::span<const std::uint8_t> content,
                                                   Seconds now) const {
    const auto& kinds = document_kinds();
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        return fail(ErrorKind::not_found,
                    "DOCUMENT_KIND_UNKNOWN",
                    "unknown document kind '" + kind + "' (알 수 없는 서류 종류입니다)");
    }
    if (content.size() > max_document_bytes) {
        return fail(ErrorKind::invalid_request,
                    "DOCUMENT_TOO_LARGE",
                    "documents may be at most 10 MB (서류는 10MB 이하여야 합니다)");
    }
    auto type = sniff_document(content, declared_type);
    DOJANG_TRY(type);
    auto name = crypto::random_bytes(16);
    DOJANG_TRY(name);
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    std::filesystem::permissions(directory_, std::filesystem::perms::owner_all, ec);
    store::DocumentRecord record;
    record.application_id = application_id;
    record.kind = kind;
    record.media_type = *type;
    record.size = static_cast<std::int64_t>(content.size());
    record.sha256 = crypto::sha256(content);
    record.stored_name = to_hex(*name) + ".bin";
    record.uploaded_at = now;
    auto written = write_file_atomic(
        (std::filesystem::path(directory_) / record.stored_name).string(), content, 0600);
    DOJANG_TRY(written);
    return record;
}

Result<Bytes> DocumentFiles::read(const store::DocumentRecord& record) const {
    auto content = read_file((std::filesystem::path(directory_) / record.stored_name).string());
    if (!content || !crypto::constant_time_equal(crypto::sha256(*content), record.sha256)) {
        return fail(ErrorKind::unavailable,
                    "DOCUMENT_UNREADABLE",
                    "the stored document is missing or does not match its checksum");
    }
    return content;
}

bool DocumentFiles::remove(const store::DocumentRecord& record) const {
    std::error_code ec;
    return std::filesystem::remove(std::filesystem::path(directory_) / record.stored_name, ec) &&
           !ec;
}

}  // namespace dojang::ra
