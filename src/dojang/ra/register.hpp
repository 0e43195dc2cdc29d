// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/core/secret.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace dojang::ra {

/// Size of the register key file: a 32-byte AES-256-GCM key, then a 32-byte HMAC-SHA256 key.
inline constexpr std::size_t register_key_file_size = 64;

/// The two keys that protect identification numbers in the customer register. They live in a
/// file outside the database (`secrets/register.key`), so a copy of the database alone reveals
/// no number. Copyable; the key bytes are wiped when the last copy is destroyed.
class RegisterKeys {
public:
    /// From the 64 bytes of a key file; invalid_request REGISTER_KEY_INVALID on another size.
    static Result<RegisterKeys> from_bytes(SecretBytes material);

    /// The AES-256-GCM key (32 bytes).
    [[nodiscard]] std::span<const std::uint8_t> encryption_key() const {
        return material_.bytes().first(32);
    }
    /// The HMAC-SHA256 key (32 bytes).
    [[nodiscard]] std::span<const std::uint8_t> hash_key() const {
        return material_.bytes().subspan(32, 32);
    }

private:
    explicit RegisterKeys(SecretBytes material) : material_(std::move(material)) {}
    SecretBytes material_;
};

/// Reads the key file at `path`: not_found REGISTER_KEY_MISSING when it does not exist,
/// invalid_request REGISTER_KEY_INVALID when it is not 64 bytes.
Result<RegisterKeys> load_register_keys(const std::string& path);

/// Creates a fresh key file from the CSPRNG at `path` (mode 0600, written atomically).
/// Never replaces a key: conflict REGISTER_KEY_EXISTS when the file is already there, since
/// every number in the register would become unreadable.
Result<void> create_register_keys(const std::string& path);

/// The keyed hash (HMAC-SHA256, 32 bytes) of an identification number, for matching without
/// storing the number. Separators ('-' and spaces) are ignored; invalid_request IDN_INVALID
/// when anything but digits remains.
Result<Bytes> idn_hash(const RegisterKeys& keys, std::string_view idn);

/// AES-256-GCM encryption of an identification number (separators removed as for idn_hash()):
/// a fresh 12-byte nonce ‖ ciphertext ‖ 16-byte tag, with the AAD "dojang-idn-v1".
Result<Bytes> encrypt_idn(const RegisterKeys& keys, std::string_view idn);

/// Decrypts what encrypt_idn() produced; internal IDN_DECRYPT_FAILED when the bytes were
/// changed or another key made them.
Result<SecretBytes> decrypt_idn(const RegisterKeys& keys, std::span<const std::uint8_t> sealed);

// Validation. Each function accepts the usual written forms, returns the canonical form, and
// fails with invalid_request, a stable code and a detail in English and Korean that never
// repeats the value (a resident number must not reach a log through an error message).

/// 주민등록번호: 13 digits (one '-' after the sixth allowed); the first six digits a real
/// date, the seventh 1-8 (century and sex; 5-8 for foreign residents), the date not after
/// `today`. No checksum: numbers issued since October 2020 do not satisfy it.
/// Code RESIDENT_NUMBER_INVALID.
Result<std::string> normalize_resident_number(std::string_view text, Seconds today);

/// The birth date (YYYY-MM-DD) encoded in a normalised resident registration number.
std::string resident_birth_date(std::string_view digits);

/// 사업자등록번호: 10 digits ("123-45-67890" allowed) whose last digit is the check digit
/// (weights 1,3,7,1,3,7,1,3,5 plus the tens of the ninth digit times 5). BUSINESS_NUMBER_INVALID.
Result<std::string> normalize_business_number(std::string_view text);

/// Whether the tenth digit of 10 digits is the business registration check digit.
bool has_business_number_check_digit(std::string_view digits);

/// 법인등록번호: 13 digits ("110111-1234567" allowed); the check digit is not required.
/// Code CORPORATE_NUMBER_INVALID.
Result<std::string> normalize_corporate_number(std::string_view text);

/// A Korean mobile number (01X) as digits: "010-1234-5678", "+82 10 1234 5678" and
/// "(010) 1234.5678" all become "01012345678". Code PHONE_INVALID.
Result<std::string> normalize_mobile_phone(std::string_view text);

/// An e-mail address, trimmed: one '@', a non-empty local part, a dot inside the domain, no
/// spaces. Code EMAIL_INVALID.
Result<std::string> normalize_email(std::string_view text);

/// A date of birth YYYY-MM-DD: a real calendar date from 1900 on, not after `today`.
/// Code BIRTH_DATE_INVALID.
Result<std::string> normalize_birth_date(std::string_view text, Seconds today);

/// A resident number for display: birth date and the seventh digit, the rest hidden
/// ("900101-1******"). Anything that is not 13 digits becomes "*************".
std::string mask_resident_number(std::string_view digits);

}  // namespace dojang::ra
