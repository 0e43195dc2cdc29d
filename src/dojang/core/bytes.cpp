// SPDX-License-Identifier: Apache-2.0
#include "dojang/core/bytes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

namespace dojang {
namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";
constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int base64_value(char c) {
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    const auto pos = base64_alphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

Error io_error(const std::string& what, const std::string& path) {
    const int saved = errno;
    // A full disk is a dependency down, not a bug: unavailable (503, exit 7), with its own code.
    const bool full = saved == ENOSPC || saved == EDQUOT;
    const ErrorKind kind = saved == ENOENT ? ErrorKind::not_found
                           : full          ? ErrorKind::unavailable
                                           : ErrorKind::internal;
    return Error{kind,
                 full ? "DISK_FULL" : "FILE_IO",
                 what + " " + path + ": " + std::strerror(saved),
                 {},
                 {}};
}

}  // namespace

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        text.push_back(hex_digits[byte >> 4U]);
        text.push_back(hex_digits[byte & 0x0FU]);
    }
    return text;
}

Result<Bytes> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return fail(ErrorKind::invalid_request, "BAD_HEX", "hexadecimal text has an odd length");
    }
    Bytes bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = hex_value(hex[i]);
        const int low = hex_value(hex[i + 1]);
        if (high < 0 || low < 0) {
            return fail(ErrorKind::invalid_request, "BAD_HEX", "text is not hexadecimal");
        }
        bytes.push_back(static_cast<std::uint8_t>(high * 16 + low));
    }
    return bytes;
}

std::string to_base64(std::span<const std::uint8_t> bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v =
            (std::uint32_t{bytes[i]} << 16U) | (std::uint32_t{bytes[i + 1]} << 8U) | bytes[i + 2];
        text.push_back(base64_alphabet[(v >> 18U) & 63U]);
        text.push_back(base64_alphabet[(v >> 12U) & 63U]);
        text.push_back(base64_alphabet[(v >> 6U) & 63U]);
        text.push_back(base64_alphabet[v & 63U]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t{bytes[i]} << 16U;
        if (rest == 2) {
            v |= std::uint32_t{bytes[i + 1]} << 8U;
        }
        text.push_back(base64_alphabet[(v >> 18U) & 63U]);
        text.push_back(base64_alphabet[(v >> 12U) & 63U]);
        text.push_back(rest == 2 ? base64_alphabet[(v >> 6U) & 63U] : '=');
        text.push_back('=');
    }
    return text;
}

Result<Bytes> from_base64(std::string_view text) {
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
    }
    if (text.size() % 4 == 1) {
        return fail(ErrorKind::invalid_request, "BAD_BASE64", "base64 text has a bad length");
    }
    Bytes bytes;
    bytes.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const int value = base64_value(c);
        if (value < 0) {
            return fail(ErrorKind::invalid_request, "BAD_BASE64", "text is not base64");
        }
        buffer = (buffer << 6U) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(
                static_cast<std::uint8_t>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
        }
    }
    return bytes;
}

Result<Bytes> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return tl::unexpected(io_error("cannot open", path));
    }
    Bytes content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return tl::unexpected(io_error("cannot read", path));
    }
    return content;
}

Result<void> write_file_atomic(const std::string& path,
                               std::span<const std::uint8_t> content,
                               unsigned mode) {
    const std::filesystem::path target(path);
    const std::filesystem::path folder =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::random_device entropy;
    const std::string temp =
        (folder / ("." + target.filename().string() + ".tmp" + std::to_string(entropy()))).string();

    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        return tl::unexpected(io_error("cannot create", temp));
    }
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            Error error = io_error("cannot write", temp);
            ::close(fd);
            ::unlink(temp.c_str());
            return tl::unexpected(error);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
        Error error = io_error("cannot flush", temp);
        ::close(fd);
        ::unlink(temp.c_str());
        return tl::unexpected(error);
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        Error error = io_error("cannot rename onto", path);
        ::unlink(temp.c_str());
        return tl::unexpected(error);
    }
    (void)sync_folder(folder.string());  // the file itself is complete either way
    return ok();
}

Result<void> sync_folder(const std::string& folder) {
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        return tl::unexpected(io_error("cannot open", folder));
    }
    const int synced = ::fsync(dir);
    ::close(dir);
    if (synced != 0) {
        return tl::unexpected(io_error("cannot flush", folder));
    }
    return ok();
}

}  // namespace dojang
