// SPDX-License-Identifier: Apache-2.0
#include "dojang/core/bytes.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/keystore/backup.hpp"
#include "dojang/keystore/key_file.hpp"
#include "dojang/keystore/npki_store.hpp"
#include "dojang/keystore/pkcs12.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace dojang::keystore {
namespace {

namespace fs = std::filesystem;

// vectors/README.md, npki-yessign-test.
constexpr std::string_view yessign_password = "WTuA8Ev0lWXVFSiI!";
constexpr std::string_view yessign_random_num = "7858b4328390805129f01c97fe6ca4a520cbd479";
constexpr std::string_view yessign_serial_hex = "459c75";
constexpr int fast_iterations = 2048;

Pkcs12Options fast_pkcs12() {
    Pkcs12Options options;
    options.iterations = fast_iterations;
    return options;
}

std::string vector_path(const std::string& name) {
    return testing::vectors_dir() + "/npki-yessign-test/" + name;
}

Bytes vector_file(const std::string& name) {
    auto bytes = read_file(vector_path(name));
    EXPECT_TRUE(bytes) << name;
    return bytes ? *bytes : Bytes{};
}

SecretBytes password() {
    return SecretBytes(yessign_password);
}

pkix::Certificate yessign_certificate() {
    auto certificate = pkix::Certificate::parse(vector_file("signCert.der"));
    EXPECT_TRUE(certificate);
    return std::move(*certificate);
}

Bytes der_of(const PKCS8_PRIV_KEY_INFO* info) {
    auto der = crypto::to_der(info, i2d_PKCS8_PRIV_KEY_INFO);
    EXPECT_TRUE(der);
    return der ? *der : Bytes{};
}

std::string random_num_hex(const PKCS8_PRIV_KEY_INFO* info) {
    auto random_num = npki::random_num_of(info);
    if (!random_num || !*random_num) {
        return "none";
    }
    return to_hex(**random_num);
}

/// The yessign key, decrypted (by the reader under test, checked against the plain vector).
crypto::Pkcs8Ptr yessign_key() {
    auto key = read_key_file(vector_file("signPri.key"), password());
    EXPECT_TRUE(key) << (key ? "" : key.error().describe());
    return key ? std::move(key->info) : crypto::Pkcs8Ptr{};
}

void write(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT: byte output
              static_cast<std::streamsize>(bytes.size()));
}

/// An EncryptedPrivateKeyInfo whose header asks for `iterations`, built with OpenSSL's own
/// encoders and a dummy ciphertext (no derivation is ever run to make it).
Bytes key_file_with_iterations(bool pbes2, std::int64_t iterations) {
    crypto::Owned<X509_SIG, X509_SIG_free> sig(X509_SIG_new());
    X509_ALGOR* algorithm = nullptr;
    ASN1_OCTET_STRING* data = nullptr;
    X509_SIG_getm(sig.get(), &algorithm, &data);
    unsigned char salt[8] = {1, 2, 3, 4, 5, 6, 7, 8};  // NOLINT: OpenSSL wants a C array
    if (pbes2) {
        crypto::Owned<X509_ALGOR, X509_ALGOR_free> pbe(PKCS5_pbe2_set_iv_ex(
            EVP_aes_256_cbc(), 1, salt, 8, nullptr, NID_hmacWithSHA256, nullptr));
        // Rewrite the iteration count inside the PBKDF2 parameters.
        const unsigned char* cursor = ASN1_STRING_get0_data(pbe->parameter->value.sequence);
        crypto::Owned<PBE2PARAM, PBE2PARAM_free> pbe2(
            d2i_PBE2PARAM(nullptr, &cursor, ASN1_STRING_length(pbe->parameter->value.sequence)));
        const ASN1_STRING* kdf_sequence = pbe2->keyfunc->parameter->value.sequence;
        cursor = ASN1_STRING_get0_data(kdf_sequence);
        crypto::Owned<PBKDF2PARAM, PBKDF2PARAM_free> kdf(
            d2i_PBKDF2PARAM(nullptr, &cursor, ASN1_STRING_length(kdf_sequence)));
        ASN1_INTEGER_set_int64(kdf->iter, iterations);
        ASN1_TYPE_free(pbe2->keyfunc->parameter);
        pbe2->keyfunc->parameter = nullptr;
        ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), kdf.get(), &pbe2->keyfunc->parameter);
        auto* packed = ASN1_item_pack(pbe2.get(), ASN1_ITEM_rptr(PBE2PARAM), nullptr);
        X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_pbes2), V_ASN1_SEQUENCE, packed);
    } else {
        crypto::Owned<PBEPARAM, PBEPARAM_free> param(PBEPARAM_new());
        ASN1_OCTET_STRING_set(param->salt, salt, 8);
        ASN1_INTEGER_set_int64(param->iter, iterations);
        auto* packed = ASN1_item_pack(param.get(), ASN1_ITEM_rptr(PBEPARAM), nullptr);
        X509_ALGOR_set0(algorithm, OBJ_txt2obj("1.2.410.200004.1.15", 1), V_ASN1_SEQUENCE, packed);
    }
    const unsigned char block[16] = {};
    ASN1_OCTET_STRING_set(data, block, 16);
    auto der = crypto::to_der(static_cast<const X509_SIG*>(sig.get()), i2d_X509_SIG);
    return der ? *der : Bytes{};
}

// --- key files -------------------------------------------------------------------------------

TEST(KeystoreKeyFile, DecryptsTheYessignSeedCbcWithSha1Vector) {
    auto key = read_key_file(vector_file("signPri.key"), password());

    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(key->file.format, KeyFileFormat::seed_cbc_with_sha1);
    EXPECT_EQ(key->file.iterations, 2048);
    EXPECT_EQ(der_of(key->info.get()), vector_file("plainSignPri-with-r.der"));
}

TEST(KeystoreKeyFile, YieldsTheYessignRandomNum) {
    auto key = read_key_file(vector_file("signPri.key"), password());
    ASSERT_TRUE(key);

    auto random_num = random_num_of(*key);

    ASSERT_TRUE(random_num && *random_num);
    EXPECT_EQ(to_hex(**random_num), yessign_random_num);
}

TEST(KeystoreKeyFile, YessignKeyMatchesItsCertificate) {
    auto key = yessign_key();
    auto certificate = yessign_certificate();

    EXPECT_TRUE(key_matches_certificate(key.get(), certificate.get()));
}

TEST(KeystoreKeyFile, WrongPasswordIsOneGenericError) {
    auto key = read_key_file(vector_file("signPri.key"), SecretBytes(std::string_view("wrong")));

    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().kind, ErrorKind::unauthenticated);
    EXPECT_EQ(key.error().code, "WRONG_PASSWORD");
}

TEST(KeystoreKeyFile, WrongPasswordOnPbes2IsTheSameError) {
    auto file = encrypt_key_file(yessign_key().get(), password(), {.iterations = fast_iterations});
    ASSERT_TRUE(file);

    auto key = read_key_file(*file, SecretBytes(std::string_view("wrong")));

    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, "WRONG_PASSWORD");
}

TEST(KeystoreKeyFile, BytesAfterTheKeyAreIgnoredAndNeverKept) {
    // A key file as Korean tools leave it after re-encrypting in place (vectors/README.md).
    const Bytes with_tail = vector_file("trailing-bytes/signPri.key");
    const Bytes clean = vector_file("signPri.key");
    ASSERT_EQ(with_tail.size(), clean.size() + 46);

    auto header = inspect_key_file(with_tail);
    ASSERT_TRUE(header) << header.error().describe();
    EXPECT_EQ(header->trailing_bytes, 46U);
    EXPECT_EQ(header->format, KeyFileFormat::seed_cbc_with_sha1);
    auto key = read_key_file(with_tail, password());
    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(der_of(key->info.get()), vector_file("plainSignPri-with-r.der"));
    EXPECT_EQ(key->file.trailing_bytes, 46U);
    auto wrong = read_key_file(with_tail, SecretBytes(std::string_view("wrong")));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "WRONG_PASSWORD");

    auto kept = without_trailing_bytes(with_tail);
    ASSERT_TRUE(kept);
    EXPECT_EQ(*kept, clean);
    auto unchanged = without_trailing_bytes(clean);
    ASSERT_TRUE(unchanged);
    EXPECT_EQ(*unchanged, clean);
    EXPECT_EQ(inspect_key_file(clean)->trailing_bytes, 0U);
}

TEST(KeystoreKeyFile, TruncatedFilesAreMalformed) {
    const Bytes full = vector_file("signPri.key");
    for (const std::size_t length :
         {std::size_t{0}, std::size_t{1}, std::size_t{20}, full.size() / 2, full.size() - 1}) {
        const Bytes truncated(full.begin(), full.begin() + static_cast<long>(length));

        auto key = read_key_file(truncated, password());

        ASSERT_FALSE(key) << length;
        EXPECT_EQ(key.error().kind, ErrorKind::invalid_request) << length;
        EXPECT_EQ(key.error().code, "KEY_FILE_MALFORMED") << length;
    }
}

TEST(KeystoreKeyFile, RefusesAbsurdIterationCountsBeforeDeriving) {
    for (const bool pbes2 : {false, true}) {
        for (const std::int64_t iterations :
             {std::int64_t{0}, std::int64_t{-5}, std::int64_t{10'000'001}, std::int64_t{1} << 40}) {
            auto key = read_key_file(key_file_with_iterations(pbes2, iterations), password());

            ASSERT_FALSE(key) << iterations;
            EXPECT_EQ(key.error().code, "KEY_FILE_ITERATIONS") << pbes2 << " " << iterations;
        }
    }
}

TEST(KeystoreKeyFile, AcceptsIterationsUpToTheCap) {
    auto header = inspect_key_file(key_file_with_iterations(true, 10'000'000));

    ASSERT_TRUE(header) << header.error().describe();
    EXPECT_EQ(header->iterations, 10'000'000);
}

TEST(KeystoreKeyFile, WritesPbes2Sha256Aes256With600000IterationsByDefault) {
    auto file = encrypt_key_file(yessign_key().get(), password());
    ASSERT_TRUE(file);

    auto header = inspect_key_file(*file);

    ASSERT_TRUE(header);
    EXPECT_EQ(header->format, KeyFileFormat::pbes2_aes);
    EXPECT_EQ(header->prf, "hmacWithSHA256");
    EXPECT_EQ(header->cipher, "AES-256-CBC");
    EXPECT_EQ(header->iterations, 600'000);
    EXPECT_FALSE(header->is_weak());
}

TEST(KeystoreKeyFile, Pbes2RoundTripKeepsTheKeyAndR) {
    auto original = yessign_key();
    auto file = encrypt_key_file(original.get(), password(), {.iterations = fast_iterations});
    ASSERT_TRUE(file);

    auto key = read_key_file(*file, password());

    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(der_of(key->info.get()), der_of(original.get()));
    EXPECT_EQ(random_num_hex(key->info.get()), yessign_random_num);
}

TEST(KeystoreKeyFile, LegacySeedRoundTripKeepsTheKeyAndR) {
    auto original = yessign_key();
    auto file = encrypt_key_file(
        original.get(), password(), {.encryption = KeyFileEncryption::legacy_seed_cbc});
    ASSERT_TRUE(file);

    auto key = read_key_file(*file, password());

    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(key->file.format, KeyFileFormat::seed_cbc_with_sha1);
    EXPECT_EQ(key->file.iterations, 2048);
    EXPECT_TRUE(key->file.is_weak());
    EXPECT_EQ(der_of(key->info.get()), der_of(original.get()));
}

TEST(KeystoreKeyFile, ReadsPbes2SeedWrittenByOpenssl) {
    testing::TempDir dir;
    write(dir.path() + "/pass", to_bytes(std::string(yessign_password) + "\n"));
    std::string output;
    const int status = testing::run(
        "openssl pkcs8 -topk8 -inform DER -outform DER -in " +
            vector_path("plainSignPri-with-r.der") + " -out " + dir.path() +
            "/key -v2 seed-cbc -v2prf hmacWithSHA1 -iter 2048 -passout file:" + dir.path() +
            "/pass -provider legacy -provider default",
        &output);
    ASSERT_EQ(status, 0) << output;

    auto key = read_key_file(*read_file(dir.path() + "/key"), password());

    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(key->file.format, KeyFileFormat::pbes2_seed);
    EXPECT_EQ(key->file.prf, "hmacWithSHA1");
    auto certificate = yessign_certificate();
    EXPECT_TRUE(key_matches_certificate(key->info.get(), certificate.get()));
}

TEST(KeystoreKeyFile, ReadsTheDirectSeedFormBuiltWithTheOpensslCli) {
    testing::TempDir dir;
    write(dir.path() + "/pass", to_bytes(std::string(yessign_password) + "\n"));
    std::string output;
    const int status = testing::run(testing::source_dir() +
                                        "/src/dojang/keystore/testdata/make_seed_key.sh direct " +
                                        vector_path("plainSignPri-with-r.der") + " " + dir.path() +
                                        "/pass 0102030405060708 4 " + dir.path() + "/key",
                                    &output);
    ASSERT_EQ(status, 0) << output;

    auto key = read_key_file(*read_file(dir.path() + "/key"), password());

    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_EQ(key->file.format, KeyFileFormat::seed_direct);
    EXPECT_EQ(key->file.iterations, 4);
    EXPECT_EQ(random_num_hex(key->info.get()), yessign_random_num);
}

// --- PKCS#12 ---------------------------------------------------------------------------------

TEST(KeystorePkcs12, ImportsTheYessignPfxWithR) {
    auto contents = import_pkcs12(vector_file("cert.pfx"), password());

    ASSERT_TRUE(contents) << contents.error().describe();
    EXPECT_EQ(random_num_hex(contents->key.get()), yessign_random_num);
    EXPECT_EQ(der_of(contents->key.get()), vector_file("plainSignPri-with-r.der"));
    auto serial = pkix::Certificate::adopt(std::move(contents->certificate)).serial();
    ASSERT_TRUE(serial);
    EXPECT_EQ(serial->hex(), yessign_serial_hex);
}

TEST(KeystorePkcs12, WrongPasswordIsRefused) {
    auto contents = import_pkcs12(vector_file("cert.pfx"), SecretBytes(std::string_view("x")));

    ASSERT_FALSE(contents);
    EXPECT_EQ(contents.error().code, "WRONG_PASSWORD");
}

TEST(KeystorePkcs12, TruncatedFileIsMalformed) {
    const Bytes full = vector_file("cert.pfx");
    const Bytes truncated(full.begin(), full.begin() + static_cast<long>(full.size() / 3));

    auto contents = import_pkcs12(truncated, password());

    ASSERT_FALSE(contents);
    EXPECT_EQ(contents.error().code, "PKCS12_MALFORMED");
}

TEST(KeystorePkcs12, RefusesAnAbsurdMacIterationCount) {
    const Bytes pfx = vector_file("cert.pfx");
    const unsigned char* cursor = pfx.data();
    crypto::Owned<PKCS12, PKCS12_free> p12(
        d2i_PKCS12(nullptr, &cursor, static_cast<long>(pfx.size())));
    ASSERT_TRUE(p12);
    const ASN1_INTEGER* iterations = nullptr;
    PKCS12_get0_mac(nullptr, nullptr, nullptr, &iterations, p12.get());
    ASSERT_NE(iterations, nullptr);
    // The MAC's own field, rewritten in place: PKCS12 is opaque and has no setter for it.
    ASN1_INTEGER_set_int64(const_cast<ASN1_INTEGER*>(iterations), 2'000'000'000);  // NOLINT
    auto hostile = crypto::to_der(static_cast<const PKCS12*>(p12.get()), i2d_PKCS12);
    ASSERT_TRUE(hostile);

    auto contents = import_pkcs12(*hostile, password());

    ASSERT_FALSE(contents);
    EXPECT_EQ(contents.error().code, "KEY_FILE_ITERATIONS");
}

TEST(KeystorePkcs12, ExportRoundTripKeepsKeyCertificateAndR) {
    auto key = yessign_key();
    auto certificate = yessign_certificate();
    auto pfx = export_pkcs12(key.get(), certificate.get(), {}, password(), fast_pkcs12());
    ASSERT_TRUE(pfx) << pfx.error().describe();

    auto contents = import_pkcs12(*pfx, password());

    ASSERT_TRUE(contents) << contents.error().describe();
    EXPECT_EQ(der_of(contents->key.get()), der_of(key.get()));
    EXPECT_EQ(X509_cmp(contents->certificate.get(), certificate.get()), 0);
    EXPECT_EQ(random_num_hex(contents->key.get()), yessign_random_num);
}

TEST(KeystorePkcs12, OpensslReadsTheExportWithRAsKeyAttribute) {
    auto key = yessign_key();
    auto certificate = yessign_certificate();
    auto pfx = export_pkcs12(key.get(), certificate.get(), {}, password(), fast_pkcs12());
    ASSERT_TRUE(pfx);
    testing::TempDir dir;
    write(dir.path() + "/out.p12", *pfx);
    write(dir.path() + "/pass", to_bytes(std::string(yessign_password) + "\n"));
    std::string output;

    const int status = testing::run("openssl pkcs12 -info -nodes -in " + dir.path() +
                                        "/out.p12 -passin file:" + dir.path() + "/pass",
                                    &output);

    ASSERT_EQ(status, 0) << output;
    EXPECT_NE(output.find("1.2.410.200004.10.1.1.3: 78 58 B4 32 83 90 80 51 29 F0 1C 97 FE 6C "
                          "A4 A5 20 CB D4 79"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("PBES2, PBKDF2, AES-256-CBC"), std::string::npos) << output;
    EXPECT_NE(output.find("MAC: sha256"), std::string::npos) << output;
}

// --- NPKI folder store -----------------------------------------------------------------------

TEST(KeystoreNpkiStore, NamesFoldersAfterTheCaAndTheSubjectLeafFirst) {
    auto certificate = yessign_certificate();

    EXPECT_EQ(ca_folder_of(certificate.get()), "yessign");
    EXPECT_EQ(dn_folder_of(X509_get_subject_name(certificate.get())),
              "cn=HKD(KILDONG.HONG)009104120200225191000030,ou=INITECH,ou=personal4IB,o=yessign,"
              "c=kr");
}

TEST(KeystoreNpkiStore, AddsListsAndFindsBySerialOrSubject) {
    testing::TempDir home;
    NpkiStore store(home.path());
    auto certificate = yessign_certificate();

    auto folder = store.add(certificate, vector_file("signPri.key"), false);

    ASSERT_TRUE(folder) << folder.error().describe();
    auto entries = store.list();
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 1U);
    EXPECT_EQ((*entries)[0].ca_folder, "yessign");
    for (const char* selector : {"459c75", "459C75", "4562037", "KILDONG", ""}) {
        auto found = store.find(selector);
        ASSERT_TRUE(found) << selector;
        EXPECT_EQ(found->folder, *folder);
    }
    EXPECT_EQ(read_file(((*entries)[0].key_path()).string()), vector_file("signPri.key"));
    struct stat info {};
    ASSERT_EQ(::stat((*entries)[0].key_path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0600U);
}

TEST(KeystoreNpkiStore, RefusesToOverwriteWithoutReplace) {
    testing::TempDir home;
    NpkiStore store(home.path());
    auto certificate = yessign_certificate();
    ASSERT_TRUE(store.add(certificate, vector_file("signPri.key"), false));

    auto again = store.add(certificate, vector_file("signPri.key"), false);

    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "CERTIFICATE_EXISTS");
    EXPECT_TRUE(store.add(certificate, vector_file("signPri.key"), true));
}

TEST(KeystoreNpkiStore, UnknownSelectorIsNotFound) {
    testing::TempDir home;
    NpkiStore store(home.path());
    ASSERT_TRUE(store.add(yessign_certificate(), vector_file("signPri.key"), false));

    auto found = store.find("no-such-holder");

    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().kind, ErrorKind::not_found);
}

/// The file names in a certificate folder, sorted.
std::vector<std::string> names_in(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& file : fs::directory_iterator(folder)) {
        names.push_back(file.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

class KeystoreReplaceKeys : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(store_.add(
            yessign_certificate(), old_sign_, false, {{std::string(km_key_file), old_km_}}));
        auto entry = store_.find("");
        ASSERT_TRUE(entry);
        entry_.emplace(std::move(*entry));
    }

    Bytes file(const char* name) const { return *read_file((entry_->folder / name).string()); }

    testing::TempDir home_;
    NpkiStore store_{home_.path()};
    std::optional<StoredCertificate> entry_;
    const Bytes old_sign_ = to_bytes("old sign key");
    const Bytes old_km_ = to_bytes("old km key");
    const Bytes new_sign_ = to_bytes("new sign key");
    const Bytes new_km_ = to_bytes("new km key");
};

TEST_F(KeystoreReplaceKeys, ReplacesBothKeysAndLeavesNothingBehind) {
    ASSERT_TRUE(store_.replace_keys(*entry_, {{sign_key_file, new_sign_}, {km_key_file, new_km_}}));
    EXPECT_EQ(file(sign_key_file), new_sign_);
    EXPECT_EQ(file(km_key_file), new_km_);
    EXPECT_EQ(names_in(entry_->folder),
              (std::vector<std::string>{"kmPri.key", "signCert.der", "signPri.key"}));
    EXPECT_EQ(store_.replace_keys(*entry_, {{"signCert.der", new_sign_}}).error().code,
              "STORE_FILE_UNKNOWN");
}

TEST_F(KeystoreReplaceKeys, ACrashBeforeTheMarkerKeepsBothOldKeys) {
    // Both new files written, no marker yet, and a temporary file of a write cut short.
    ASSERT_TRUE(write_file_atomic((entry_->folder / "signPri.key.new").string(), new_sign_, 0600));
    ASSERT_TRUE(write_file_atomic((entry_->folder / "kmPri.key.new").string(), new_km_, 0600));
    ASSERT_TRUE(
        write_file_atomic((entry_->folder / ".kmPri.key.new.tmp12345").string(), new_km_, 0600));
    ASSERT_TRUE(store_.list());
    EXPECT_EQ(file(sign_key_file), old_sign_);
    EXPECT_EQ(file(km_key_file), old_km_);
    EXPECT_EQ(names_in(entry_->folder),
              (std::vector<std::string>{"kmPri.key", "signCert.der", "signPri.key"}));
}

TEST_F(KeystoreReplaceKeys, ACrashAfterTheMarkerFinishesWithBothNewKeys) {
    // Committed, and the signing key already renamed into place when the process died.
    ASSERT_TRUE(write_file_atomic((entry_->folder / "signPri.key").string(), new_sign_, 0600));
    ASSERT_TRUE(write_file_atomic((entry_->folder / "kmPri.key.new").string(), new_km_, 0600));
    ASSERT_TRUE(write_file_atomic((entry_->folder / ".replacing").string(),
                                  to_bytes(std::string("signPri.key\nkmPri.key\n")),
                                  0600));
    ASSERT_TRUE(store_.list());
    EXPECT_EQ(file(sign_key_file), new_sign_);
    EXPECT_EQ(file(km_key_file), new_km_);
    EXPECT_EQ(names_in(entry_->folder),
              (std::vector<std::string>{"kmPri.key", "signCert.der", "signPri.key"}));
}

TEST_F(KeystoreReplaceKeys, AMarkerNamingOtherFilesTouchesNothingElse) {
    ASSERT_TRUE(write_file_atomic((entry_->folder / "signCert.der.new").string(), new_sign_, 0600));
    ASSERT_TRUE(write_file_atomic((entry_->folder / ".replacing").string(),
                                  to_bytes(std::string("signCert.der\n../../x\n")),
                                  0600));
    ASSERT_TRUE(store_.list());
    EXPECT_EQ(file(sign_key_file), old_sign_);
    EXPECT_TRUE(fs::exists(entry_->folder / "signCert.der.new"));  // not a key file: left alone
    EXPECT_FALSE(fs::exists(entry_->folder / ".replacing"));
}

// --- backups ---------------------------------------------------------------------------------

class KeystoreBackup : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(store_.add(yessign_certificate(), vector_file("signPri.key"), false));
    }
    testing::TempDir home_;
    testing::TempDir other_home_;
    testing::TempDir media_;
    NpkiStore store_{home_.path()};
    NpkiStore restored_{other_home_.path()};
    Seconds now_{std::chrono::seconds{1'700'000'000}};
};

TEST_F(KeystoreBackup, RoundTripRestoresIdenticalFilesAndIsRecorded) {
    auto copied = backup_store(store_, media_.path(), now_);
    ASSERT_TRUE(copied) << copied.error().describe();
    EXPECT_EQ(*copied, 2U);

    auto restored = restore_store(restored_, media_.path());

    ASSERT_TRUE(restored) << restored.error().describe();
    auto entry = restored_.find("459c75");
    ASSERT_TRUE(entry);
    EXPECT_EQ(read_file(entry->key_path().string()), vector_file("signPri.key"));
    auto record = last_backup(store_);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->at, now_);
    EXPECT_FALSE(last_backup(restored_));
}

TEST_F(KeystoreBackup, TamperedFileIsDetectedAndNothingIsRestored) {
    ASSERT_TRUE(backup_store(store_, media_.path(), now_));
    const fs::path key = fs::path(media_.path()) / "yessign" / "USER" /
                         dn_folder_of(X509_get_subject_name(yessign_certificate().get())) /
                         "signPri.key";
    Bytes content = *read_file(key.string());
    content[content.size() / 2] ^= 0x01U;
    write(key.string(), content);

    auto restored = restore_store(restored_, media_.path());

    ASSERT_FALSE(restored);
    EXPECT_EQ(restored.error().code, "BACKUP_TAMPERED");
    ASSERT_EQ(restored.error().violations.size(), 1U);
    EXPECT_EQ(restored.error().violations[0].code, "BACKUP_CHECKSUM_MISMATCH");
    EXPECT_FALSE(fs::exists(fs::path(other_home_.path()) / "yessign"));
}

TEST_F(KeystoreBackup, ManifestPathsOutsideTheLayoutAreRefused) {
    const Bytes content = to_bytes("x");
    write(media_.path() + "/" + backup_manifest_name,
          to_bytes("# dojang-npki-backup 1 2024-01-01T00:00:00Z\n" +
                   to_hex(crypto::sha256(content)) + "  ../../etc/USER/x/signPri.key\n"));

    auto restored = restore_store(restored_, media_.path());

    ASSERT_FALSE(restored);
    EXPECT_EQ(restored.error().code, "BACKUP_TAMPERED");
    EXPECT_EQ(restored.error().violations[0].code, "BACKUP_PATH_INVALID");
}

TEST_F(KeystoreBackup, RefusesAFolderThatHoldsABackup) {
    ASSERT_TRUE(backup_store(store_, media_.path(), now_));

    auto again = backup_store(store_, media_.path(), now_);

    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "BACKUP_EXISTS");
}

}  // namespace
}  // namespace dojang::keystore
