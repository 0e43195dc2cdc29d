// SPDX-License-Identifier: Apache-2.0
#include "dojang/keystore/key_file.hpp"

#include "dojang/crypto/openssl.hpp"
#include "dojang/keystore/library_context.hpp"
#include "dojang/npki/oids.hpp"
#include "dojang/npki/random_num.hpp"

#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <array>
#include <climits>
#include <cstdint>
#include <string_view>

namespace dojang::keystore {
namespace {

using SigPtr = crypto::Owned<X509_SIG, X509_SIG_free>;
using PbeParamPtr = crypto::Owned<PBEPARAM, PBEPARAM_free>;
using Pbe2ParamPtr = crypto::Owned<PBE2PARAM, PBE2PARAM_free>;
using Pbkdf2ParamPtr = crypto::Owned<PBKDF2PARAM, PBKDF2PARAM_free>;
using CipherCtxPtr = crypto::Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using AlgorPtr = crypto::Owned<X509_ALGOR, X509_ALGOR_free>;
using Asn1StringPtr = crypto::Owned<ASN1_STRING, ASN1_STRING_free>;

/// seedCBCWithSHA1 (KISA): PBKDF1-SHA1 key and IV derivation, SEED-CBC.
constexpr const char* seed_cbc_with_sha1_oid = "1.2.410.200004.1.15";
/// The IV of the old direct SEED form, fixed by the clients that wrote it.
constexpr std::string_view seed_direct_iv = "0123456789012345";
constexpr std::size_t seed_block = 16;
constexpr std::size_t legacy_salt_size = 8;

tl::unexpected<Error> malformed(std::string detail) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request, "KEY_FILE_MALFORMED", std::move(detail));
}

tl::unexpected<Error> unsupported(std::string detail) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request, "KEY_FILE_UNSUPPORTED", std::move(detail));
}

/// The one answer for every decryption failure: no oracle between padding and structure.
tl::unexpected<Error> wrong_password() {
    ERR_clear_error();
    return fail(ErrorKind::unauthenticated,
                "WRONG_PASSWORD",
                "the password is not correct (인증서 암호가 맞지 않습니다)");
}

Result<long> checked_iterations(const ASN1_INTEGER* integer, long max_iterations) {
    std::int64_t value = -1;
    if (integer == nullptr || ASN1_INTEGER_get_int64(&value, integer) != 1) {
        value = -1;
    }
    ERR_clear_error();
    if (value < 1 || value > max_iterations) {
        return fail(ErrorKind::invalid_request,
                    "KEY_FILE_ITERATIONS",
                    "the key file asks for " +
                        (value < 1 ? std::string("an invalid number of") : std::to_string(value)) +
                        " key-derivation iterations; at most " + std::to_string(max_iterations) +
                        " are accepted (암호화 반복 횟수가 허용 범위를 벗어났습니다)");
    }
    return static_cast<long>(value);
}

/// PBEParameter ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER } (RFC 8018 A.3),
/// the shape of the Korean SEED forms' parameters too.
Result<PbeParamPtr> pbe_param(int type, const void* parameter) {
    if (type != V_ASN1_SEQUENCE || parameter == nullptr) {
        return malformed("the key file's PBE parameters are missing");
    }
    const auto* sequence = static_cast<const ASN1_STRING*>(parameter);
    const unsigned char* cursor = ASN1_STRING_get0_data(sequence);
    const unsigned char* end = cursor + ASN1_STRING_length(sequence);
    PbeParamPtr param(d2i_PBEPARAM(nullptr, &cursor, ASN1_STRING_length(sequence)));
    if (!param || cursor != end || param->salt == nullptr || ASN1_STRING_length(param->salt) <= 0 ||
        ASN1_STRING_length(param->salt) > 64) {
        return malformed("the key file's PBE parameters are malformed");
    }
    return param;
}

bool is_pkcs12_pbe(int nid) {
    switch (nid) {
        case NID_pbe_WithSHA1And3_Key_TripleDES_CBC:
        case NID_pbe_WithSHA1And2_Key_TripleDES_CBC:
        case NID_pbe_WithSHA1And128BitRC2_CBC:
        case NID_pbe_WithSHA1And40BitRC2_CBC:
            return true;
        default:
            return false;
    }
}

bool is_allowed_prf(int nid) {
    switch (nid) {
        case NID_hmacWithSHA1:
        case NID_hmacWithSHA224:
        case NID_hmacWithSHA256:
        case NID_hmacWithSHA384:
        case NID_hmacWithSHA512:
            return true;
        default:
            return false;
    }
}

Result<KeyFileInfo> inspect_pbes2(int type, const void* parameter, long max_iterations) {
    if (type != V_ASN1_SEQUENCE || parameter == nullptr) {
        return malformed("the key file's PBES2 parameters are missing");
    }
    // RFC 8018 A.4: PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }.
    const auto* sequence = static_cast<const ASN1_STRING*>(parameter);
    const unsigned char* cursor = ASN1_STRING_get0_data(sequence);
    Pbe2ParamPtr pbe2(d2i_PBE2PARAM(nullptr, &cursor, ASN1_STRING_length(sequence)));
    if (!pbe2 || pbe2->keyfunc == nullptr || pbe2->encryption == nullptr) {
        return malformed("the key file's PBES2 parameters are malformed");
    }
    // Only PBKDF2: scrypt would let a file pick its own memory cost.
    if (OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2) {
        return unsupported("the key file uses a key derivation other than PBKDF2");
    }
    if (pbe2->keyfunc->parameter == nullptr || pbe2->keyfunc->parameter->type != V_ASN1_SEQUENCE) {
        return malformed("the key file's PBKDF2 parameters are missing");
    }
    const ASN1_STRING* kdf_parameters = pbe2->keyfunc->parameter->value.sequence;
    cursor = ASN1_STRING_get0_data(kdf_parameters);
    Pbkdf2ParamPtr kdf(d2i_PBKDF2PARAM(nullptr, &cursor, ASN1_STRING_length(kdf_parameters)));
    if (!kdf || kdf->salt == nullptr || kdf->salt->type != V_ASN1_OCTET_STRING) {
        return malformed("the key file's PBKDF2 parameters are malformed");
    }
    auto iterations = checked_iterations(kdf->iter, max_iterations);
    DOJANG_TRY(iterations);
    // RFC 8018 A.2: prf DEFAULT algid-hmacWithSHA1.
    const int prf = kdf->prf == nullptr ? NID_hmacWithSHA1 : OBJ_obj2nid(kdf->prf->algorithm);
    if (!is_allowed_prf(prf)) {
        return unsupported("the key file's PBKDF2 uses an unsupported PRF");
    }
    KeyFileInfo info;
    info.iterations = *iterations;
    info.prf = OBJ_nid2sn(prf);
    const int cipher = OBJ_obj2nid(pbe2->encryption->algorithm);
    switch (cipher) {
        case NID_aes_128_cbc:
        case NID_aes_192_cbc:
        case NID_aes_256_cbc:
            info.format = KeyFileFormat::pbes2_aes;
            break;
        case NID_seed_cbc:
            info.format = KeyFileFormat::pbes2_seed;
            break;
        default:
            return unsupported("the key file's PBES2 cipher is not AES-CBC or SEED-CBC");
    }
    info.cipher = OBJ_nid2sn(cipher);
    return info;
}

/// PBKDF1 (RFC 8018 5.1) with SHA-1: T1 = SHA1(P || S), Ti = SHA1(Ti-1); all 20 bytes.
Result<SecretBytes> pbkdf1_sha1(const SecretBytes& password,
                                const ASN1_OCTET_STRING* salt,
                                long iterations) {
    crypto::MdCtxPtr context(EVP_MD_CTX_new());
    std::vector<std::uint8_t> derived(SHA_DIGEST_LENGTH);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha1(), nullptr) != 1 ||
        EVP_DigestUpdate(context.get(), password.bytes().data(), password.size()) != 1 ||
        EVP_DigestUpdate(context.get(),
                         ASN1_STRING_get0_data(salt),
                         static_cast<std::size_t>(ASN1_STRING_length(salt))) != 1 ||
        EVP_DigestFinal_ex(context.get(), derived.data(), nullptr) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "KDF_FAILED", "PBKDF1 failed");
    }
    for (long i = 1; i < iterations; ++i) {
        if (EVP_Digest(
                derived.data(), derived.size(), derived.data(), nullptr, EVP_sha1(), nullptr) !=
            1) {
            OPENSSL_cleanse(derived.data(), derived.size());
            return crypto::openssl_failure(ErrorKind::internal, "KDF_FAILED", "PBKDF1 failed");
        }
    }
    return SecretBytes(std::move(derived));
}

/// A scratch buffer for plaintext key material, wiped on destruction.
struct WipedBuffer {
    explicit WipedBuffer(std::size_t size) : data(size) {}
    WipedBuffer(const WipedBuffer&) = delete;
    WipedBuffer& operator=(const WipedBuffer&) = delete;
    ~WipedBuffer() { OPENSSL_cleanse(data.data(), data.size()); }
    std::vector<std::uint8_t> data;
};

struct SeedKey {
    std::array<std::uint8_t, seed_block> key{};
    std::array<std::uint8_t, seed_block> iv{};
    SeedKey() = default;
    SeedKey(const SeedKey&) = delete;
    SeedKey& operator=(const SeedKey&) = delete;
    ~SeedKey() {
        OPENSSL_cleanse(key.data(), key.size());
        OPENSSL_cleanse(iv.data(), iv.size());
    }
};

/// korea.md: DK = PBKDF1-SHA1(password, salt, c), key = DK[0..15]; IV = SHA1(DK[16..19])[0..15]
/// for seedCBCWithSHA1, the fixed "0123456789012345" for the direct form.
Result<void> derive_seed_key(const SecretBytes& password,
                             const PBEPARAM* param,
                             KeyFileFormat format,
                             SeedKey& out) {
    std::int64_t iterations = 0;
    ASN1_INTEGER_get_int64(&iterations, param->iter);
    auto derived = pbkdf1_sha1(password, param->salt, static_cast<long>(iterations));
    DOJANG_TRY(derived);
    const auto dk = derived->bytes();
    std::copy_n(dk.begin(), seed_block, out.key.begin());
    if (format == KeyFileFormat::seed_cbc_with_sha1) {
        const Bytes digest = crypto::sha1(dk.subspan(seed_block, 4));
        std::copy_n(digest.begin(), seed_block, out.iv.begin());
    } else {
        std::copy_n(seed_direct_iv.begin(), seed_block, out.iv.begin());
    }
    return ok();
}

Result<crypto::Pkcs8Ptr> decrypt_seed(const X509_SIG* encrypted,
                                      KeyFileFormat format,
                                      const SecretBytes& password) {
    auto cipher = detail::seed_cbc();
    DOJANG_TRY(cipher);
    const X509_ALGOR* algorithm = nullptr;
    const ASN1_OCTET_STRING* ciphertext = nullptr;
    X509_SIG_get0(encrypted, &algorithm, &ciphertext);
    const void* parameter = nullptr;
    int type = 0;
    X509_ALGOR_get0(nullptr, &type, &parameter, algorithm);
    auto param = pbe_param(type, parameter);
    DOJANG_TRY(param);
    const int length = ASN1_STRING_length(ciphertext);
    if (length <= 0 || length % static_cast<int>(seed_block) != 0) {
        return malformed("the key file's ciphertext is not whole SEED blocks");
    }
    SeedKey seed;
    auto derived = derive_seed_key(password, param->get(), format, seed);
    DOJANG_TRY(derived);
    CipherCtxPtr context(EVP_CIPHER_CTX_new());
    WipedBuffer plain(static_cast<std::size_t>(length) + seed_block);
    std::uint8_t* out = plain.data.data();
    int written = 0;
    int final_written = 0;
    if (!context ||
        EVP_DecryptInit_ex(context.get(), *cipher, nullptr, seed.key.data(), seed.iv.data()) != 1 ||
        EVP_DecryptUpdate(
            context.get(), out, &written, ASN1_STRING_get0_data(ciphertext), length) != 1) {
        return crypto::openssl_failure(ErrorKind::internal, "KEY_DECRYPTION_FAILED", "SEED failed");
    }
    if (EVP_DecryptFinal_ex(context.get(), out + written, &final_written) != 1) {
        return wrong_password();
    }
    const long total = static_cast<long>(written) + final_written;
    const unsigned char* cursor = out;
    crypto::Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, total));
    if (!info || cursor != out + total) {
        return wrong_password();
    }
    return info;
}

Result<Bytes> encrypt_legacy_seed(const PKCS8_PRIV_KEY_INFO* info,
                                  const SecretBytes& password,
                                  int iterations) {
    auto cipher = detail::seed_cbc();
    DOJANG_TRY(cipher);
    auto salt = crypto::random_bytes(legacy_salt_size);
    DOJANG_TRY(salt);
    PbeParamPtr param(PBEPARAM_new());
    auto oid = npki::detail::oid_object(seed_cbc_with_sha1_oid);
    DOJANG_TRY(oid);
    if (!param ||
        ASN1_OCTET_STRING_set(param->salt, salt->data(), static_cast<int>(salt->size())) != 1 ||
        ASN1_INTEGER_set(param->iter, iterations) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "cannot build PBE parameters");
    }
    SeedKey seed;
    auto derived = derive_seed_key(password, param.get(), KeyFileFormat::seed_cbc_with_sha1, seed);
    DOJANG_TRY(derived);
    unsigned char* plain = nullptr;
    const int plain_length = i2d_PKCS8_PRIV_KEY_INFO(info, &plain);
    if (plain_length <= 0) {
        return crypto::openssl_failure(
            ErrorKind::internal, "KEY_ENCODING_FAILED", "cannot encode the key");
    }
    Bytes ciphertext(static_cast<std::size_t>(plain_length) + seed_block);
    int written = 0;
    int final_written = 0;
    CipherCtxPtr context(EVP_CIPHER_CTX_new());
    const bool encrypted =
        context &&
        EVP_EncryptInit_ex(context.get(), *cipher, nullptr, seed.key.data(), seed.iv.data()) == 1 &&
        EVP_EncryptUpdate(context.get(), ciphertext.data(), &written, plain, plain_length) == 1 &&
        EVP_EncryptFinal_ex(context.get(), ciphertext.data() + written, &final_written) == 1;
    OPENSSL_clear_free(plain, static_cast<std::size_t>(plain_length));
    if (!encrypted) {
        return crypto::openssl_failure(ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "SEED failed");
    }
    ciphertext.resize(static_cast<std::size_t>(written + final_written));

    // EncryptedPrivateKeyInfo { seedCBCWithSHA1 PBEParameter, encryptedData }, encoded by
    // OpenSSL's own templates.
    Asn1StringPtr packed(ASN1_item_pack(param.get(), ASN1_ITEM_rptr(PBEPARAM), nullptr));
    SigPtr sig(X509_SIG_new());
    X509_ALGOR* algorithm = nullptr;
    ASN1_OCTET_STRING* data = nullptr;
    if (!packed || !sig) {
        return crypto::openssl_failure(
            ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "cannot encode the key file");
    }
    X509_SIG_getm(sig.get(), &algorithm, &data);
    if (X509_ALGOR_set0(algorithm, oid->release(), V_ASN1_SEQUENCE, packed.get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "cannot encode the key file");
    }
    packed.release();  // owned by the algorithm now
    if (ASN1_OCTET_STRING_set(data, ciphertext.data(), static_cast<int>(ciphertext.size())) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "cannot encode the key file");
    }
    return crypto::to_der(static_cast<const X509_SIG*>(sig.get()), i2d_X509_SIG);
}

/// The EncryptedPrivateKeyInfo at the start of a key file, and how many bytes follow it.
struct ParsedSig {
    SigPtr sig;
    std::size_t trailing_bytes = 0;
};

/// Bytes after the EncryptedPrivateKeyInfo are tolerated: Korean tools that re-encrypt a key in
/// place without truncating the file leave the tail of the longer old one behind (a 2025
/// TradeSign test folder carries 46 such bytes after each key). The element itself must be
/// whole; what follows it is never read, and dojang never writes it back.
Result<ParsedSig> parse_sig(const Bytes& der) {
    const unsigned char* cursor = der.data();
    SigPtr encrypted(d2i_X509_SIG(nullptr, &cursor, static_cast<long>(der.size())));
    if (!encrypted) {
        return malformed(
            "the key file is not a PKCS#8 EncryptedPrivateKeyInfo (키 파일 형식이 올바르지 "
            "않습니다)");
    }
    const auto consumed = static_cast<std::size_t>(cursor - der.data());
    return ParsedSig{std::move(encrypted), der.size() - consumed};
}

}  // namespace

std::string to_string(KeyFileFormat format) {
    switch (format) {
        case KeyFileFormat::seed_cbc_with_sha1:
            return "seedCBCWithSHA1 (PBKDF1-SHA1, SEED-CBC)";
        case KeyFileFormat::seed_direct:
            return "SEED-CBC (PBKDF1-SHA1, fixed IV)";
        case KeyFileFormat::pbes2_seed:
            return "PBES2 (PBKDF2, SEED-CBC)";
        case KeyFileFormat::pbes2_aes:
            return "PBES2 (PBKDF2, AES-CBC)";
        case KeyFileFormat::pkcs12_pbe:
            return "PKCS#12 PBE";
    }
    return "unknown";
}

bool KeyFileInfo::is_weak() const {
    return format != KeyFileFormat::pbes2_aes || prf == LN_hmacWithSHA1 ||
           iterations < default_pbes2_iterations;
}

namespace detail {

Result<KeyFileInfo> inspect_algorithm(const X509_ALGOR* algorithm, long max_iterations) {
    const ASN1_OBJECT* oid = nullptr;
    int type = 0;
    const void* parameter = nullptr;
    X509_ALGOR_get0(&oid, &type, &parameter, algorithm);
    const int nid = OBJ_obj2nid(oid);
    if (nid == NID_pbes2) {
        return inspect_pbes2(type, parameter, max_iterations);
    }
    KeyFileInfo info;
    if (npki::detail::oid_text(oid) == seed_cbc_with_sha1_oid) {
        info.format = KeyFileFormat::seed_cbc_with_sha1;
        info.cipher = SN_seed_cbc;
    } else if (nid == NID_seed_cbc) {
        info.format = KeyFileFormat::seed_direct;
        info.cipher = SN_seed_cbc;
    } else if (is_pkcs12_pbe(nid)) {
        info.format = KeyFileFormat::pkcs12_pbe;
        info.cipher = OBJ_nid2sn(nid);
    } else {
        return unsupported(
            "the key file's encryption algorithm is not supported (지원하지 않는 "
            "암호화 방식입니다)");
    }
    auto param = pbe_param(type, parameter);
    DOJANG_TRY(param);
    auto iterations = checked_iterations((*param)->iter, max_iterations);
    DOJANG_TRY(iterations);
    info.iterations = *iterations;
    return info;
}

Result<crypto::Pkcs8Ptr> decrypt(const X509_SIG* encrypted,
                                 const KeyFileInfo& info,
                                 const SecretBytes& password) {
    if (password.size() > INT_MAX) {
        return wrong_password();
    }
    switch (info.format) {
        case KeyFileFormat::seed_cbc_with_sha1:
        case KeyFileFormat::seed_direct:
            return decrypt_seed(encrypted, info.format, password);
        case KeyFileFormat::pbes2_seed: {
            auto cipher = seed_cbc();
            DOJANG_TRY(cipher);
            break;
        }
        case KeyFileFormat::pbes2_aes:
        case KeyFileFormat::pkcs12_pbe:
            break;
    }
    const char* chars = password.empty() ? "" : password.chars();
    crypto::Pkcs8Ptr decrypted(PKCS8_decrypt_ex(
        encrypted, chars, static_cast<int>(password.size()), library_context(), nullptr));
    if (!decrypted) {
        return wrong_password();
    }
    return decrypted;
}

}  // namespace detail

Result<KeyFileInfo> inspect_key_file(const Bytes& der, long max_iterations) {
    auto encrypted = parse_sig(der);
    DOJANG_TRY(encrypted);
    const X509_ALGOR* algorithm = nullptr;
    X509_SIG_get0(encrypted->sig.get(), &algorithm, nullptr);
    auto info = detail::inspect_algorithm(algorithm, max_iterations);
    DOJANG_TRY(info);
    info->trailing_bytes = encrypted->trailing_bytes;
    return info;
}

Result<Bytes> without_trailing_bytes(const Bytes& der, long max_iterations) {
    auto info = inspect_key_file(der, max_iterations);
    DOJANG_TRY(info);
    const auto end = der.end() - static_cast<std::ptrdiff_t>(info->trailing_bytes);
    return Bytes(der.begin(), end);
}

Result<DecryptedKey> read_key_file(const Bytes& der,
                                   const SecretBytes& password,
                                   long max_iterations) {
    auto encrypted = parse_sig(der);
    DOJANG_TRY(encrypted);
    const X509_ALGOR* algorithm = nullptr;
    X509_SIG_get0(encrypted->sig.get(), &algorithm, nullptr);
    auto info = detail::inspect_algorithm(algorithm, max_iterations);
    DOJANG_TRY(info);
    info->trailing_bytes = encrypted->trailing_bytes;
    if (info->format == KeyFileFormat::pkcs12_pbe) {
        return unsupported("a PKCS#12 PBE belongs in a .pfx, not in a key file");
    }
    auto decrypted = detail::decrypt(encrypted->sig.get(), *info, password);
    DOJANG_TRY(decrypted);
    return DecryptedKey{std::move(*decrypted), std::move(*info)};
}

Result<Bytes> encrypt_key_file(const PKCS8_PRIV_KEY_INFO* info,
                               const SecretBytes& password,
                               const KeyFileOptions& options) {
    switch (options.encryption) {
        case KeyFileEncryption::pbes2_aes256:
            return crypto::encrypt_pkcs8_der(
                info,
                password,
                options.iterations > 0 ? options.iterations : default_pbes2_iterations);
        case KeyFileEncryption::legacy_seed_cbc:
            return encrypt_legacy_seed(
                info,
                password,
                options.iterations > 0 ? options.iterations : legacy_seed_iterations);
    }
    return fail(ErrorKind::internal, "KEY_ENCRYPTION_FAILED", "unknown key file encryption");
}

Result<std::optional<Bytes>> random_num_of(const DecryptedKey& key) {
    return npki::random_num_of(key.info.get());
}

Result<crypto::PkeyPtr> private_key_of(const PKCS8_PRIV_KEY_INFO* info) {
    crypto::PkeyPtr key(EVP_PKCS82PKEY_ex(info, detail::library_context(), nullptr));
    if (!key) {
        return crypto::openssl_failure(ErrorKind::invalid_request,
                                       "KEY_UNSUPPORTED",
                                       "the private key's algorithm is not supported");
    }
    return key;
}

bool key_matches_certificate(const PKCS8_PRIV_KEY_INFO* info, X509* certificate) {
    crypto::PkeyPtr key(EVP_PKCS82PKEY(info));
    const bool matches = key && X509_check_private_key(certificate, key.get()) == 1;
    ERR_clear_error();
    return matches;
}

}  // namespace dojang::keystore
