// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dojang {

using Bytes = std::vector<std::uint8_t>;

/// Lower-case hexadecimal, two digits per byte.
std::string to_hex(std::span<const std::uint8_t> bytes);

/// Parses hexadecimal (either case, no separators); invalid_request on anything else.
Result<Bytes> from_hex(std::string_view hex);

/// Standard base64 with padding.
std::string to_base64(std::span<const std::uint8_t> bytes);

/// Decodes standard or URL-safe base64; padding optional; invalid_request on bad input.
Result<Bytes> from_base64(std::string_view text);

/// The bytes of a string, unchanged.
inline Bytes to_bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

/// Reads a whole file; not_found or internal with the path in the detail.
Result<Bytes> read_file(const std::string& path);

/// Writes a file atomically: temporary file in the same folder, fsync, rename, fsync folder.
/// `mode` is the permission of the new file (0600 for keys).
Result<void> write_file_atomic(const std::string& path,
                               std::span<const std::uint8_t> content,
                               unsigned mode = 0644);

/// Makes renames and removals in `folder` durable (fsync of the folder). internal with the
/// path in the detail when the folder cannot be opened or flushed.
Result<void> sync_folder(const std::string& folder);

}  // namespace dojang
