// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dojang {

/// Secret material (passwords, passphrases, keys): zeroed on destruction, never formatted.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::string_view text) : data_(text.begin(), text.end()) {}
    explicit SecretBytes(std::vector<std::uint8_t> bytes) : data_(std::move(bytes)) {}
    SecretBytes(const SecretBytes&) = default;
    SecretBytes& operator=(const SecretBytes&) = default;
    SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) { other.wipe(); }
    SecretBytes& operator=(SecretBytes&& other) noexcept {
        if (this != &other) {
            wipe();
            data_ = std::move(other.data_);
            other.wipe();
        }
        return *this;
    }
    ~SecretBytes() { wipe(); }

    [[nodiscard]] std::span<const std::uint8_t> bytes() const { return data_; }
    [[nodiscard]] const char* chars() const {
        return reinterpret_cast<const char*>(data_.data());  // NOLINT: byte view of text
    }
    [[nodiscard]] std::size_t size() const { return data_.size(); }
    [[nodiscard]] bool empty() const { return data_.empty(); }

private:
    void wipe() noexcept;
    std::vector<std::uint8_t> data_;
};

}  // namespace dojang
