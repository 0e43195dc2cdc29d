// SPDX-License-Identifier: Apache-2.0
#include "dojang/npki/vid.hpp"

#include "dojang/crypto/openssl.hpp"
#include "dojang/npki/asn1_types.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace dojang::npki {
namespace {

using HashContentPtr = crypto::Owned<DOJANG_HASH_CONTENT, DOJANG_HASH_CONTENT_free>;

struct AlgorithmInfo {
    HashAlgorithm algorithm;
    std::string_view oid;
};

constexpr std::array<AlgorithmInfo, 4> algorithms{{
    {HashAlgorithm::sha1, "1.3.14.3.2.26"},
    {HashAlgorithm::sha256, "2.16.840.1.101.3.4.2.1"},
    {HashAlgorithm::sha384, "2.16.840.1.101.3.4.2.2"},
    {HashAlgorithm::sha512, "2.16.840.1.101.3.4.2.3"},
}};

const EVP_MD* digest_of(HashAlgorithm algorithm) {
    switch (algorithm) {
        case HashAlgorithm::sha1:
            return EVP_sha1();
        case HashAlgorithm::sha256:
            return EVP_sha256();
        case HashAlgorithm::sha384:
            return EVP_sha384();
        case HashAlgorithm::sha512:
            return EVP_sha512();
    }
    return EVP_sha256();
}

bool is_digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// KISA: idn is the resident registration number (13 digits) or, for a business, the business
// registration number (10 digits), "without '-'". The RRN check digit is deliberately not
// verified: numbers issued since October 2020 no longer satisfy it. The number itself never
// appears in a detail: it is personal data.
std::vector<Violation> check_vid_input(std::string_view idn,
                                       std::span<const std::uint8_t> random_num) {
    std::vector<Violation> violations;
    if (!is_digits(idn) || (idn.size() != 13 && idn.size() != 10)) {
        violations.push_back(
            {"IDN_INVALID",
             "the identification number must be 13 digits (resident registration number) or 10 "
             "digits (business registration number), digits only; got " +
                 std::to_string(idn.size()) + " characters"});
    }
    if (random_num.size() != random_num_size) {
        violations.push_back(
            {"RANDOM_NUM_INVALID",
             "randomNum must be exactly 20 bytes; got " + std::to_string(random_num.size())});
    }
    return violations;
}

tl::unexpected<Error> invalid_input(std::vector<Violation> violations) {
    Error error{ErrorKind::invalid_request, {}, {}, {}, std::move(violations)};
    if (error.violations.size() == 1) {
        error.code = error.violations.front().code;
        error.detail = error.violations.front().detail;
    } else {
        error.code = "VID_INPUT_INVALID";
        error.detail = "the identification number and randomNum are both invalid";
    }
    return tl::unexpected<Error>(std::move(error));
}

Result<Bytes> digest(std::span<const std::uint8_t> data, const EVP_MD* md) {
    Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    const int done = EVP_Digest(data.data(), data.size(), out.data(), nullptr, md, nullptr);
    if (done != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "DIGEST_FAILED", "hashing failed");
    }
    return out;
}

}  // namespace

std::string_view oid_of(HashAlgorithm algorithm) {
    const auto* found = std::find_if(algorithms.begin(), algorithms.end(), [&](const auto& info) {
        return info.algorithm == algorithm;
    });
    return found != algorithms.end() ? found->oid : std::string_view{};
}

std::optional<HashAlgorithm> hash_algorithm_of(std::string_view oid) {
    const auto* found = std::find_if(
        algorithms.begin(), algorithms.end(), [&](const auto& info) { return info.oid == oid; });
    if (found == algorithms.end()) {
        return std::nullopt;
    }
    return found->algorithm;
}

std::size_t vid_size(HashAlgorithm algorithm) {
    return static_cast<std::size_t>(EVP_MD_get_size(digest_of(algorithm)));
}

Result<SecretBytes> vid_hash_content(std::string_view idn,
                                     std::span<const std::uint8_t> random_num) {
    auto violations = check_vid_input(idn, random_num);
    if (!violations.empty()) {
        return invalid_input(std::move(violations));
    }
    HashContentPtr content(DOJANG_HASH_CONTENT_new());
    if (!content) {
        return crypto::openssl_failure(ErrorKind::internal, "ASN1_FAILED", "out of memory");
    }
    const int idn_set = ASN1_STRING_set(content->idn, idn.data(), static_cast<int>(idn.size()));
    const int random_set = ASN1_STRING_set(
        content->random_num, random_num.data(), static_cast<int>(random_num.size()));
    if (idn_set != 1 || random_set != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "ASN1_FAILED", "cannot build the VID hash content");
    }
    // KISA: randomNum is a BIT STRING with 0 unused bits. Without BITS_LEFT OpenSSL would derive
    // the unused-bit count from R's trailing zero bits and drop trailing zero bytes.
    content->random_num->flags &= ~0x07L;
    content->random_num->flags |= ASN1_STRING_FLAG_BITS_LEFT;

    unsigned char* out = nullptr;
    const int length = i2d_DOJANG_HASH_CONTENT(content.get(), &out);
    if (length <= 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "ENCODING_FAILED", "cannot encode the VID hash content");
    }
    SecretBytes der(Bytes(out, out + length));
    OPENSSL_clear_free(out, static_cast<std::size_t>(length));
    return der;
}

Result<Bytes> compute_vid(std::string_view idn,
                          std::span<const std::uint8_t> random_num,
                          HashAlgorithm algorithm) {
    auto content = vid_hash_content(idn, random_num);
    DOJANG_TRY(content);
    const EVP_MD* md = digest_of(algorithm);
    auto inner = digest(content->bytes(), md);
    DOJANG_TRY(inner);
    const SecretBytes inner_secret(std::move(*inner));
    return digest(inner_secret.bytes(), md);
}

Result<Bytes> generate_random_num() {
    return crypto::random_bytes(random_num_size);
}

}  // namespace dojang::npki
