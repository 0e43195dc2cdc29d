// SPDX-License-Identifier: Apache-2.0
#include "dojang/keystore/pkcs12.hpp"

#include "dojang/crypto/openssl.hpp"
#include "dojang/keystore/library_context.hpp"

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include <climits>
#include <memory>
#include <string>

namespace dojang::keystore {
namespace {

struct SafeBagsFree {
    void operator()(STACK_OF(PKCS12_SAFEBAG) * bags) const noexcept {
        sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    }
};
struct Pkcs7sFree {
    void operator()(STACK_OF(PKCS7) * safes) const noexcept {
        sk_PKCS7_pop_free(safes, PKCS7_free);
    }
};
using SafeBagsPtr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), SafeBagsFree>;
using Pkcs7sPtr = std::unique_ptr<STACK_OF(PKCS7), Pkcs7sFree>;
using Pkcs12Ptr = crypto::Owned<PKCS12, PKCS12_free>;
using SafeBagPtr = crypto::Owned<PKCS12_SAFEBAG, PKCS12_SAFEBAG_free>;
using AlgorPtr = crypto::Owned<X509_ALGOR, X509_ALGOR_free>;
using SigPtr = crypto::Owned<X509_SIG, X509_SIG_free>;

tl::unexpected<Error> malformed(std::string detail) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request, "PKCS12_MALFORMED", std::move(detail));
}

tl::unexpected<Error> wrong_password() {
    ERR_clear_error();
    return fail(ErrorKind::unauthenticated,
                "WRONG_PASSWORD",
                "the password is not correct (인증서 암호가 맞지 않습니다)");
}

tl::unexpected<Error> export_failed(const char* what) {
    return crypto::openssl_failure(ErrorKind::internal, "PKCS12_EXPORT_FAILED", what);
}

const char* password_chars(const SecretBytes& password) {
    return password.empty() ? "" : password.chars();
}

/// Collects keys and certificates from one SafeContents.
Result<void> collect(const STACK_OF(PKCS12_SAFEBAG) * bags,
                     const SecretBytes& password,
                     long max_iterations,
                     std::vector<crypto::Pkcs8Ptr>& keys,
                     std::vector<crypto::X509Ptr>& certificates) {
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
        const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
        switch (PKCS12_SAFEBAG_get_nid(bag)) {
            case NID_keyBag: {
                const PKCS8_PRIV_KEY_INFO* info = PKCS12_SAFEBAG_get0_p8inf(bag);
                if (info == nullptr) {
                    return malformed("a PKCS#12 key bag is empty");
                }
                crypto::Pkcs8Ptr copy(static_cast<PKCS8_PRIV_KEY_INFO*>(
                    ASN1_item_dup(ASN1_ITEM_rptr(PKCS8_PRIV_KEY_INFO), info)));
                if (!copy) {
                    return malformed("a PKCS#12 key bag is malformed");
                }
                keys.push_back(std::move(copy));
                break;
            }
            case NID_pkcs8ShroudedKeyBag: {
                const X509_SIG* encrypted = PKCS12_SAFEBAG_get0_pkcs8(bag);
                if (encrypted == nullptr) {
                    return malformed("a PKCS#12 shrouded key bag is empty");
                }
                const X509_ALGOR* algorithm = nullptr;
                X509_SIG_get0(encrypted, &algorithm, nullptr);
                auto info = detail::inspect_algorithm(algorithm, max_iterations);
                DOJANG_TRY(info);
                auto key = detail::decrypt(encrypted, *info, password);
                DOJANG_TRY(key);
                keys.push_back(std::move(*key));
                break;
            }
            case NID_certBag: {
                if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) {
                    break;  // SDSI certificates: not ours to read
                }
                crypto::X509Ptr certificate(PKCS12_SAFEBAG_get1_cert(bag));
                if (!certificate) {
                    return malformed("a PKCS#12 certificate bag is malformed");
                }
                certificates.push_back(std::move(certificate));
                break;
            }
            default:
                break;  // CRLs, secrets and nested safes carry nothing dojang imports
        }
    }
    return ok();
}

Result<SafeBagsPtr> open_safe(PKCS7* safe, const SecretBytes& password, long max_iterations) {
    // The content of a ContentInfo is OPTIONAL in its syntax: check every pointer before use
    // (CVE-2024-0727 was a missing check of exactly this).
    switch (OBJ_obj2nid(safe->type)) {
        case NID_pkcs7_data: {
            if (safe->d.data == nullptr) {
                return malformed("a PKCS#12 safe has no content");
            }
            SafeBagsPtr bags(PKCS12_unpack_p7data(safe));
            if (!bags) {
                return malformed("a PKCS#12 safe is malformed");
            }
            return bags;
        }
        case NID_pkcs7_encrypted: {
            const PKCS7_ENCRYPT* encrypted = safe->d.encrypted;
            if (encrypted == nullptr || encrypted->enc_data == nullptr ||
                encrypted->enc_data->algorithm == nullptr ||
                encrypted->enc_data->enc_data == nullptr) {
                return malformed("a PKCS#12 encrypted safe has no content");
            }
            auto info = detail::inspect_algorithm(encrypted->enc_data->algorithm, max_iterations);
            DOJANG_TRY(info);
            if (info->format == KeyFileFormat::pbes2_seed) {
                auto seed = detail::seed_cbc();
                DOJANG_TRY(seed);
            }
            auto* decrypted = PKCS12_item_decrypt_d2i_ex(encrypted->enc_data->algorithm,
                                                         ASN1_ITEM_rptr(PKCS12_SAFEBAGS),
                                                         password_chars(password),
                                                         static_cast<int>(password.size()),
                                                         encrypted->enc_data->enc_data,
                                                         1,
                                                         detail::library_context(),
                                                         nullptr);
            if (decrypted == nullptr) {
                return wrong_password();
            }
            return SafeBagsPtr(static_cast<STACK_OF(PKCS12_SAFEBAG)*>(decrypted));
        }
        default:
            ERR_clear_error();
            return fail(ErrorKind::invalid_request,
                        "KEY_FILE_UNSUPPORTED",
                        "the PKCS#12 file uses public-key protected safes, which dojang does not "
                        "read");
    }
}

}  // namespace

Result<Bytes> export_pkcs12(const PKCS8_PRIV_KEY_INFO* key,
                            X509* certificate,
                            const std::vector<X509*>& chain,
                            const SecretBytes& password,
                            const Pkcs12Options& options) {
    if (password.size() > INT_MAX || options.iterations < 1) {
        return fail(ErrorKind::invalid_request, "PKCS12_OPTIONS", "bad PKCS#12 options");
    }
    const char* pass = password_chars(password);
    const int pass_length = static_cast<int>(password.size());
    // localKeyID pairs the key with its certificate (RFC 7292 4.2); SHA-1 of the certificate,
    // as OpenSSL and Windows write it.
    unsigned char key_id[EVP_MAX_MD_SIZE];  // NOLINT: X509_digest writes into a C array
    unsigned int key_id_length = 0;
    if (X509_digest(certificate, EVP_sha1(), key_id, &key_id_length) != 1) {
        return export_failed("cannot digest the certificate");
    }
    const auto label = [&](PKCS12_SAFEBAG* bag) {
        return PKCS12_add_localkeyid(bag, key_id, static_cast<int>(key_id_length)) == 1 &&
               (options.friendly_name.empty() ||
                PKCS12_add_friendlyname_utf8(bag,
                                             options.friendly_name.c_str(),
                                             static_cast<int>(options.friendly_name.size())) == 1);
    };

    // 1. Certificates, in a PBES2/AES-256-CBC encrypted safe (PKCS12_pack_p7encdata picks
    //    PBKDF2-HMAC-SHA256 for a cipher NID).
    STACK_OF(PKCS12_SAFEBAG)* raw_certificate_bags = nullptr;
    PKCS12_SAFEBAG* certificate_bag = PKCS12_add_cert(&raw_certificate_bags, certificate);
    SafeBagsPtr certificate_bags(raw_certificate_bags);
    if (certificate_bag == nullptr || !label(certificate_bag)) {
        return export_failed("cannot add the certificate");
    }
    for (X509* other : chain) {
        STACK_OF(PKCS12_SAFEBAG)* bags = certificate_bags.get();
        if (PKCS12_add_cert(&bags, other) == nullptr) {
            return export_failed("cannot add a chain certificate");
        }
    }

    // 2. The key, attributes and all, shrouded with PBES2 (16-byte salt, HMAC-SHA256,
    //    AES-256-CBC) through OpenSSL's PKCS#8 encoder.
    auto salt = crypto::random_bytes(16);
    DOJANG_TRY(salt);
    AlgorPtr pbe(PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(),
                                      options.iterations,
                                      salt->data(),
                                      static_cast<int>(salt->size()),
                                      nullptr,
                                      NID_hmacWithSHA256,
                                      nullptr));
    if (!pbe) {
        return export_failed("PBES2 setup failed");
    }
    SigPtr shrouded(PKCS8_set0_pbe(
        pass, pass_length, const_cast<PKCS8_PRIV_KEY_INFO*>(key), pbe.get()));  // NOLINT
    if (!shrouded) {
        return export_failed("cannot encrypt the key");
    }
    pbe.release();  // owned by `shrouded`
    SafeBagPtr key_bag(PKCS12_SAFEBAG_create0_pkcs8(shrouded.get()));
    if (!key_bag) {
        return export_failed("cannot make the key bag");
    }
    shrouded.release();  // owned by `key_bag`
    if (!label(key_bag.get())) {
        return export_failed("cannot label the key bag");
    }
    SafeBagsPtr key_bags(sk_PKCS12_SAFEBAG_new_null());
    if (!key_bags || sk_PKCS12_SAFEBAG_push(key_bags.get(), key_bag.get()) <= 0) {
        return export_failed("cannot collect the key bag");
    }
    key_bag.release();

    // 3. The authenticated safe, then the MAC (HMAC-SHA256 with the PKCS#12 KDF).
    STACK_OF(PKCS7)* raw_safes = nullptr;
    // PKCS12_add_safe() takes the password as a C string: hand it a NUL-terminated copy.
    std::string terminated(pass, password.size());
    const int added = PKCS12_add_safe(&raw_safes,
                                      certificate_bags.get(),
                                      NID_aes_256_cbc,
                                      options.iterations,
                                      terminated.c_str());
    OPENSSL_cleanse(terminated.data(), terminated.size());
    if (added != 1) {
        Pkcs7sPtr cleanup(raw_safes);
        return export_failed("cannot encrypt the certificates");
    }
    Pkcs7sPtr safes(raw_safes);
    STACK_OF(PKCS7)* safes_view = safes.get();
    if (PKCS12_add_safe(&safes_view, key_bags.get(), -1, 0, nullptr) != 1) {
        return export_failed("cannot add the key safe");
    }
    Pkcs12Ptr p12(PKCS12_add_safes(safes.get(), 0));
    if (!p12 ||
        PKCS12_set_mac(
            p12.get(), pass, pass_length, nullptr, 0, options.iterations, EVP_sha256()) != 1) {
        return export_failed("cannot seal the PKCS#12 file");
    }
    return crypto::to_der(static_cast<const PKCS12*>(p12.get()), i2d_PKCS12);
}

Result<Pkcs12Contents> import_pkcs12(const Bytes& der,
                                     const SecretBytes& password,
                                     long max_iterations) {
    if (password.size() > INT_MAX) {
        return wrong_password();
    }
    const unsigned char* cursor = der.data();
    Pkcs12Ptr p12(d2i_PKCS12(nullptr, &cursor, static_cast<long>(der.size())));
    if (!p12 || cursor != der.data() + der.size()) {
        return malformed("the file is not a PKCS#12 (.pfx/.p12) file (PKCS#12 형식이 아닙니다)");
    }
    // 1. The MAC, its iteration count checked first (RFC 7292 K.5 iterations DEFAULT 1).
    if (PKCS12_mac_present(p12.get()) == 1) {
        const ASN1_INTEGER* iterations = nullptr;
        PKCS12_get0_mac(nullptr, nullptr, nullptr, &iterations, p12.get());
        std::int64_t count = 1;
        if (iterations != nullptr && ASN1_INTEGER_get_int64(&count, iterations) != 1) {
            count = -1;
        }
        if (count < 1 || count > max_iterations) {
            ERR_clear_error();
            return fail(ErrorKind::invalid_request,
                        "KEY_FILE_ITERATIONS",
                        "the PKCS#12 MAC asks for an iteration count outside 1.." +
                            std::to_string(max_iterations));
        }
        if (PKCS12_verify_mac(
                p12.get(), password_chars(password), static_cast<int>(password.size())) != 1) {
            return wrong_password();
        }
    }
    // 2. Every safe, then every bag.
    Pkcs7sPtr safes(PKCS12_unpack_authsafes(p12.get()));
    if (!safes) {
        return malformed("the PKCS#12 file's safes are malformed");
    }
    std::vector<crypto::Pkcs8Ptr> keys;
    std::vector<crypto::X509Ptr> certificates;
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
        auto bags = open_safe(sk_PKCS7_value(safes.get(), i), password, max_iterations);
        DOJANG_TRY(bags);
        auto collected = collect(bags->get(), password, max_iterations, keys, certificates);
        DOJANG_TRY(collected);
    }
    // 3. One key, and the certificate whose public key is the key's.
    if (keys.size() != 1) {
        return fail(ErrorKind::invalid_request,
                    "PKCS12_NO_KEY",
                    keys.empty() ? "the PKCS#12 file holds no private key (개인키가 없습니다)"
                                 : "the PKCS#12 file holds more than one private key");
    }
    Pkcs12Contents contents;
    contents.key = std::move(keys.front());
    for (auto& certificate : certificates) {
        if (!contents.certificate &&
            key_matches_certificate(contents.key.get(), certificate.get())) {
            contents.certificate = std::move(certificate);
        } else {
            contents.chain.push_back(std::move(certificate));
        }
    }
    if (!contents.certificate) {
        return fail(ErrorKind::invalid_request,
                    "PKCS12_NO_CERTIFICATE",
                    "the PKCS#12 file holds no certificate for its key (인증서가 없습니다)");
    }
    return contents;
}

}  // namespace dojang::keystore
