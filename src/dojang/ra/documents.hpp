// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/store/review.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::ra {

/// Largest document accepted; the HTTP edge refuses a bigger body before reading it.
inline constexpr std::size_t max_document_bytes = 10U * 1024U * 1024U;
/// All documents of one application together (a company or a proxy needs two; a scan at a
/// readable resolution is well under half of this).
inline constexpr std::size_t max_application_document_bytes = 16U * 1024U * 1024U;
/// Uploads one application may make, replacements included.
inline constexpr std::size_t max_application_uploads = 20;

/// The kinds of document an application may carry (product.md, companies and proxies).
const std::vector<std::string>& document_kinds();

/// The media type of `content` judged by its bytes (PDF, JPEG or PNG), whatever the client
/// said. Errors: policy_rejected DOCUMENT_TYPE_NOT_ALLOWED (anything else, or a declared type
/// that disagrees with the content), DOCUMENT_EMPTY.
Result<std::string> sniff_document(std::span<const std::uint8_t> content,
                                   std::string_view declared_type);

/// Document files, outside any web root, under generated names; the database keeps their
/// SHA-256 and the file is checked against it when read back.
class DocumentFiles {
public:
    /// Files live in `directory` (created on first write, mode 0700).
    explicit DocumentFiles(std::string directory) : directory_(std::move(directory)) {}

    /// Checks `content` and writes it; the record to store. Errors: DOCUMENT_KIND_UNKNOWN,
    /// DOCUMENT_TOO_LARGE, DOCUMENT_TYPE_NOT_ALLOWED, unavailable (disk).
    Result<store::DocumentRecord> write(const std::string& application_id,
                                        const std::string& kind,
                                        std::string_view declared_type,
                                        std::span<const std::uint8_t> content,
                                        Seconds now) const;

    /// The bytes of a stored document, verified against its SHA-256. Errors: unavailable
    /// DOCUMENT_UNREADABLE (missing or altered file).
    Result<Bytes> read(const store::DocumentRecord& record) const;

    /// Deletes the file of a document that is no longer recorded (replaced by a new upload, or
    /// written for a record that could not be stored). Best effort: false when the file could
    /// not be removed (nothing refers to it any more).
    bool remove(const store::DocumentRecord& record) const;

private:
    std::string directory_;
};

}  // namespace dojang::ra
