// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/register.hpp"

#include "dojang/crypto/aead.hpp"
#include "dojang/crypto/digest.hpp"

#include <array>
#include <chrono>
#include <filesystem>
#include <string_view>

namespace dojang::ra {
namespace {

constexpr std::string_view idn_aad = "dojang-idn-v1";

/// A refusal whose detail says what is wrong in English and Korean, never the value itself.
tl::unexpected<Error> invalid(std::string code, std::string_view english, std::string_view korean) {
    return fail(ErrorKind::invalid_request,
                std::move(code),
                std::string(english) + " (" + std::string(korean) + ")");
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int digit(char c) {
    return c - '0';
}

bool all_digits(std::string_view text) {
    for (const char c : text) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

/// `text` without the characters in `separators`.
std::string without(std::string_view text, std::string_view separators) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (separators.find(c) == std::string_view::npos) {
            out.push_back(c);
        }
    }
    return out;
}

/// Digits with an optional single '-' at `dash_at` (e.g. "900101-1234567"); empty when the
/// text has another shape.
std::string digits_with_optional_dash(std::string_view text,
                                      std::size_t length,
                                      std::size_t dash_at) {
    text = trim(text);
    std::string digits(text);
    if (text.size() == length + 1 && text[dash_at] == '-') {
        digits.erase(dash_at, 1);
    }
    return digits.size() == length && all_digits(digits) ? digits : std::string{};
}

bool is_real_date(int year, int month, int day) {
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    return month >= 1 && month <= 12 && day >= 1 && date.ok();
}

bool is_after(int year, int month, int day, Seconds today) {
    const std::chrono::year_month_day now{std::chrono::floor<std::chrono::days>(today)};
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    return date > now;
}

std::string two_digits(int value) {
    return std::string{static_cast<char>('0' + value / 10), static_cast<char>('0' + value % 10)};
}

std::string format_date(int year, int month, int day) {
    return std::to_string(year) + "-" + two_digits(month) + "-" + two_digits(day);
}

/// Century of a resident number from its seventh digit: 1, 2, 5, 6 → 1900s; 3, 4, 7, 8 → 2000s.
int century_of(char code) {
    switch (code) {
        case '1':
        case '2':
        case '5':
        case '6':
            return 1900;
        case '3':
        case '4':
        case '7':
        case '8':
            return 2000;
        default:
            return 0;
    }
}

/// Digits of an identification number, separators removed; IDN_INVALID otherwise.
Result<std::string> idn_digits(std::string_view idn) {
    std::string digits = without(trim(idn), "- ");
    if (digits.empty() || !all_digits(digits)) {
        return invalid("IDN_INVALID",
                       "an identification number consists of digits",
                       "식별번호는 숫자로만 이루어져야 합니다");
    }
    return digits;
}

}  // namespace

Result<RegisterKeys> RegisterKeys::from_bytes(SecretBytes material) {
    if (material.size() != register_key_file_size) {
        return fail(ErrorKind::invalid_request,
                    "REGISTER_KEY_INVALID",
                    "the register key must be exactly 64 bytes (고객 등록부 키는 64바이트여야 "
                    "합니다)",
                    "it has " + std::to_string(material.size()));
    }
    return RegisterKeys(std::move(material));
}

Result<RegisterKeys> load_register_keys(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        return fail(ErrorKind::not_found,
                    "REGISTER_KEY_MISSING",
                    "the customer register key " + path +
                        " does not exist (고객 등록부 키 파일이 없습니다)");
    }
    auto bytes = read_file(path);
    DOJANG_TRY(bytes);
    auto keys = RegisterKeys::from_bytes(SecretBytes(std::move(*bytes)));
    if (!keys) {
        Error failure = keys.error();
        failure.detail += ": " + path;
        return tl::unexpected(failure);
    }
    return keys;
}

Result<void> create_register_keys(const std::string& path) {
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
        return fail(ErrorKind::conflict,
                    "REGISTER_KEY_EXISTS",
                    path + " already exists; a new key would make every stored number unreadable");
    }
    auto random = crypto::random_bytes(register_key_file_size);
    DOJANG_TRY(random);
    const SecretBytes material(std::move(*random));
    return write_file_atomic(path, material.bytes(), 0600);
}

Result<Bytes> idn_hash(const RegisterKeys& keys, std::string_view idn) {
    auto digits = idn_digits(idn);
    DOJANG_TRY(digits);
    const SecretBytes secret{std::string_view(*digits)};
    return crypto::hmac_sha256(keys.hash_key(), secret.bytes());
}

Result<Bytes> encrypt_idn(const RegisterKeys& keys, std::string_view idn) {
    auto digits = idn_digits(idn);
    DOJANG_TRY(digits);
    const SecretBytes plain{std::string_view(*digits)};
    // A fresh random nonce per encryption (crypto::aead_seal): GCM must never reuse a nonce
    // under one key, and 2^32 encryptions with random 96-bit nonces stay far inside NIST SP
    // 800-38D's bound.
    auto sealed = crypto::aead_seal(keys.encryption_key(), plain.bytes(), idn_aad);
    if (!sealed) {
        return tl::unexpected(Error{ErrorKind::internal,
                                    "IDN_ENCRYPT_FAILED",
                                    "AES-256-GCM encryption failed",
                                    sealed.error().cause,
                                    {}});
    }
    return sealed;
}

Result<SecretBytes> decrypt_idn(const RegisterKeys& keys, std::span<const std::uint8_t> sealed) {
    auto plain = crypto::aead_open(keys.encryption_key(), sealed, idn_aad);
    if (!plain) {
        return tl::unexpected(Error{ErrorKind::internal,
                                    "IDN_DECRYPT_FAILED",
                                    "a stored identification number cannot be decrypted",
                                    plain.error().cause,
                                    {}});
    }
    return plain;
}

Result<std::string> normalize_resident_number(std::string_view text, Seconds today) {
    const std::string digits = digits_with_optional_dash(text, 13, 6);
    const auto refused = [] {
        return invalid("RESIDENT_NUMBER_INVALID",
                       "not a valid resident registration number",
                       "주민등록번호가 올바르지 않습니다");
    };
    if (digits.empty()) {
        return refused();
    }
    const int century = century_of(digits[6]);
    if (century == 0) {
        return refused();
    }
    const int year = century + digit(digits[0]) * 10 + digit(digits[1]);
    const int month = digit(digits[2]) * 10 + digit(digits[3]);
    const int day = digit(digits[4]) * 10 + digit(digits[5]);
    if (!is_real_date(year, month, day) || is_after(year, month, day, today)) {
        return refused();
    }
    return digits;
}

std::string resident_birth_date(std::string_view digits) {
    if (digits.size() != 13 || !all_digits(digits) || century_of(digits[6]) == 0) {
        return {};
    }
    return format_date(century_of(digits[6]) + digit(digits[0]) * 10 + digit(digits[1]),
                       digit(digits[2]) * 10 + digit(digits[3]),
                       digit(digits[4]) * 10 + digit(digits[5]));
}

bool has_business_number_check_digit(std::string_view digits) {
    if (digits.size() != 10 || !all_digits(digits)) {
        return false;
    }
    // National Tax Service rule: weights 1,3,7,1,3,7,1,3,5 on the first nine digits, plus the
    // tens of (ninth digit × 5); the tenth digit brings the sum to a multiple of ten.
    constexpr std::array<int, 9> weights{1, 3, 7, 1, 3, 7, 1, 3, 5};
    int sum = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        sum += digit(digits[i]) * weights[i];
    }
    sum += digit(digits[8]) * 5 / 10;
    return (10 - sum % 10) % 10 == digit(digits[9]);
}

Result<std::string> normalize_business_number(std::string_view text) {
    text = trim(text);
    std::string digits;
    if (text.size() == 12 && text[3] == '-' && text[6] == '-') {
        digits = without(text, "-");
    } else {
        digits = std::string(text);
    }
    if (!has_business_number_check_digit(digits)) {
        return invalid("BUSINESS_NUMBER_INVALID",
                       "not a valid business registration number: 10 digits with a check digit",
                       "사업자등록번호가 올바르지 않습니다");
    }
    return digits;
}

Result<std::string> normalize_corporate_number(std::string_view text) {
    std::string digits = digits_with_optional_dash(text, 13, 6);
    if (digits.empty()) {
        return invalid("CORPORATE_NUMBER_INVALID",
                       "not a valid corporate registration number: 13 digits",
                       "법인등록번호가 올바르지 않습니다");
    }
    return digits;
}

Result<std::string> normalize_mobile_phone(std::string_view text) {
    std::string digits = without(trim(text), " -.()");
    if (digits.starts_with("+82")) {
        digits.erase(0, 3);
        if (!digits.starts_with('0')) {
            digits.insert(0, "0");
        }
    }
    // 010 numbers have 11 digits; the old 011, 016-019 numbers 10 or 11.
    const bool shaped = all_digits(digits) && digits.starts_with("01") &&
                        std::string_view("016789").find(digits.size() > 2 ? digits[2] : 'x') !=
                            std::string_view::npos &&
                        (digits.size() == 11 || (digits.size() == 10 && digits[2] != '0'));
    if (!shaped) {
        return invalid("PHONE_INVALID",
                       "not a Korean mobile number such as 010-1234-5678",
                       "휴대전화 번호가 올바르지 않습니다");
    }
    return digits;
}

Result<std::string> normalize_email(std::string_view text) {
    text = trim(text);
    const auto at = text.find('@');
    const bool shaped = [&] {
        if (at == std::string_view::npos || at == 0 || text.size() > 254 ||
            text.find('@', at + 1) != std::string_view::npos) {
            return false;
        }
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte <= 0x20 || byte == 0x7f) {
                return false;
            }
        }
        const std::string_view domain = text.substr(at + 1);
        const auto dot = domain.find('.');
        return dot != std::string_view::npos && dot > 0 && !domain.ends_with('.') &&
               domain.find("..") == std::string_view::npos;
    }();
    if (!shaped) {
        return invalid(
            "EMAIL_INVALID", "not a valid e-mail address", "이메일 주소가 올바르지 않습니다");
    }
    return std::string(text);
}

Result<std::string> normalize_birth_date(std::string_view text, Seconds today) {
    text = trim(text);
    const auto refused = [] {
        return invalid("BIRTH_DATE_INVALID",
                       "not a valid date of birth, YYYY-MM-DD",
                       "생년월일이 올바르지 않습니다 (YYYY-MM-DD)");
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text.substr(0, 4)) ||
        !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2))) {
        return refused();
    }
    const int year = std::stoi(std::string(text.substr(0, 4)));
    const int month = std::stoi(std::string(text.substr(5, 2)));
    const int day = std::stoi(std::string(text.substr(8, 2)));
    if (year < 1900 || !is_real_date(year, month, day) || is_after(year, month, day, today)) {
        return refused();
    }
    return std::string(text);
}

std::string mask_resident_number(std::string_view digits) {
    if (digits.size() != 13 || !all_digits(digits)) {
        return std::string(13, '*');
    }
    return std::string(digits.substr(0, 6)) + "-" + digits[6] + "******";
}

}  // namespace dojang::ra
