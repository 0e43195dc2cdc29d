// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/endpoint.hpp"
#include "dojang/holder/enrolment.hpp"
#include "dojang/holder/identity.hpp"
#include "dojang/holder/password.hpp"
#include "dojang/keystore/key_file.hpp"
#include "dojang/keystore/npki_store.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dojang::holder {
namespace {

namespace fs = std::filesystem;

const SecretBytes password{std::string_view("Dojang-pass-2024!")};
constexpr const char* idn = "900101-1234567";

TEST(HolderPassword, AsksForTenCharactersMixingLettersDigitsAndSymbols) {
    EXPECT_TRUE(check_password_policy(password));
    for (const char* weak : {"Dj-2024!", "abcdefghij1", "1234567890!", "abcdefghij!"}) {
        auto checked = check_password_policy(SecretBytes(std::string_view(weak)));
        ASSERT_FALSE(checked) << weak;
        EXPECT_EQ(checked.error().code, "PASSWORD_TOO_WEAK");
    }
}

TEST(HolderReference, IsDigitsOnly) {
    EXPECT_TRUE(check_reference("1234567890"));
    for (const char* bad : {"", "12345-6789", "12345abc", " 1234"}) {
        auto checked = check_reference(bad);
        ASSERT_FALSE(checked) << bad;
        EXPECT_EQ(checked.error().code, "REFERENCE_INVALID");
    }
}

crypto::PkeyPtr p256_key() {
    auto key = crypto::generate_key(crypto::KeyAlgorithm::p256);
    EXPECT_TRUE(key);
    return std::move(*key);
}

/// A certificate for `key` named C=KR,O=dojang,CN=`common_name`, signed by `issuer_key` in the
/// name of `issuer` (itself when null), with `extension` when given.
pkix::Certificate certificate_for(EVP_PKEY* key,
                                  const char* common_name,
                                  long serial,
                                  EVP_PKEY* issuer_key,
                                  const X509* issuer = nullptr,
                                  X509_EXTENSION* extension = nullptr) {
    crypto::X509Ptr certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    X509_NAME* name = X509_get_subject_name(certificate.get());
    for (const auto& [field, value] :
         {std::pair{"C", "KR"}, std::pair{"O", "dojang"}, std::pair{"CN", common_name}}) {
        X509_NAME_add_entry_by_txt(
            name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value), -1, -1, 0);
    }
    X509_set_issuer_name(certificate.get(),
                         issuer != nullptr ? X509_get_subject_name(issuer) : name);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
    X509_set_pubkey(certificate.get(), key);
    if (extension != nullptr) {
        X509_add_ext(certificate.get(), extension, -1);
    }
    EXPECT_GT(X509_sign(certificate.get(), issuer_key, EVP_sha256()), 0);
    return pkix::Certificate::adopt(std::move(certificate));
}

pkix::Certificate copy_of(const pkix::Certificate& certificate) {
    X509_up_ref(certificate.get());
    return pkix::Certificate::adopt(crypto::X509Ptr(certificate.get()));
}

/// Records the steps the use cases report, in order.
struct Recorder : EnrolmentListener {
    void generating_key() override { steps.emplace_back("generate"); }
    void encrypting_key(int /*iterations*/) override { steps.emplace_back("encrypt"); }
    void requesting() override { steps.emplace_back("request"); }
    void kept_previous(const fs::path& folder) override { kept.push_back(folder); }

    std::vector<std::string> steps;
    std::vector<fs::path> kept;
};

/// The CA side of the exchange, played here: it certifies the key it is sent (or another one),
/// with the VID of `vid_number` and R when set, calls the install step, and then answers with
/// `answer` (an error stands for a failed confirmation), recording what it saw.
struct FakeCa {
    EVP_PKEY* ca_key = nullptr;
    const pkix::Certificate* root = nullptr;
    fs::path home;  ///< the holder's store, looked into when the install step returns
    long serial = 100;

    std::optional<std::string> vid_number;
    bool certify_another_key = false;
    bool skip_install = false;
    std::optional<Error> answer;
    std::vector<pkix::Certificate> ca_pubs;

    int requests = 0;
    std::string reference;
    std::string code;
    Bytes random_num;
    bool stored_when_installed = false;

    Result<cmpclient::Enrolled> certify(EVP_PKEY* new_key,
                                        std::span<const std::uint8_t> r,
                                        const cmpclient::Install& install,
                                        std::vector<std::string>& steps) {
        ++requests;
        random_num.assign(r.begin(), r.end());
        steps.emplace_back("send");
        crypto::X509ExtPtr extension;
        if (vid_number) {
            auto vid = npki::compute_vid(*vid_number, r);
            EXPECT_TRUE(vid);
            auto made = npki::identify_data_extension("홍길동", *vid);
            EXPECT_TRUE(made);
            extension = std::move(*made);
        }
        crypto::PkeyPtr other;
        if (certify_another_key) {
            other = p256_key();
        }
        auto certificate = certificate_for(certify_another_key ? other.get() : new_key,
                                           "홍길동",
                                           ++serial,
                                           ca_key,
                                           root->get(),
                                           extension.get());
        if (!skip_install) {
            auto installed = install(certificate);
            if (!installed) {
                return tl::unexpected(installed.error());
            }
            auto stored = keystore::NpkiStore(home).find("");
            stored_when_installed = stored &&
                                    X509_cmp(stored->certificate.get(), certificate.get()) == 0 &&
                                    fs::exists(stored->key_path());
            steps.emplace_back("installed");
        }
        if (answer) {
            return tl::unexpected(*answer);
        }
        std::vector<pkix::Certificate> published;
        for (const auto& ca_pub : ca_pubs) {
            published.push_back(copy_of(ca_pub));
        }
        return cmpclient::Enrolled{std::move(certificate), {}, std::move(published)};
    }
};

class Enrolment : public ::testing::Test {
protected:
    Enrolment()
        : ca_key_(p256_key()),
          root_(certificate_for(ca_key_.get(), "Test Root", 1, ca_key_.get())),
          trust_{*cmpclient::parse_endpoint("http://127.0.0.1:8080"),
                 copy_of(root_),
                 {},
                 home() / ".dojang" / "servers" / "127.0.0.1_8080"} {
        ca_.ca_key = ca_key_.get();
        ca_.root = &root_;
        ca_.home = home();
    }

    [[nodiscard]] fs::path home() const { return fs::path(dir_.path()) / "NPKI"; }

    [[nodiscard]] IssueRequest request() const {
        IssueRequest made;
        made.reference = "1234567890";
        made.code = SecretBytes(std::string_view("1111-2222-3333-4444"));
        made.password = password;
        made.key_algorithm = crypto::KeyAlgorithm::p256;
        made.home = home();
        return made;
    }

    Enrol enrol() {
        return [this](std::string_view reference,
                      const SecretBytes& code,
                      EVP_PKEY* new_key,
                      std::span<const std::uint8_t> random_num,
                      const cmpclient::Install& install) {
            ca_.reference = std::string(reference);
            ca_.code = std::string(code.chars(), code.size());
            return ca_.certify(new_key, random_num, install, recorder_.steps);
        };
    }

    Result<Issued> issue(const IssueRequest& made) {
        return issue_certificate(made, trust_, enrol(), recorder_);
    }

    [[nodiscard]] std::size_t stored() const {
        auto entries = keystore::NpkiStore(home()).list();
        EXPECT_TRUE(entries);
        return entries ? entries->size() : 0;
    }

    testing::TempDir dir_;
    crypto::PkeyPtr ca_key_;
    pkix::Certificate root_;
    cmpclient::ServerTrust trust_;
    FakeCa ca_;
    Recorder recorder_;
};

TEST_F(Enrolment, RefusesABadRequestBeforeAnythingIsSent) {
    auto bad_reference = request();
    bad_reference.reference = "12345-67890";
    auto weak = request();
    weak.password = SecretBytes(std::string_view("password"));
    auto bad_number = request();
    bad_number.identification_number = SecretBytes(std::string_view("90010112345"));
    for (const auto& [made, code] : {std::pair{&bad_reference, "REFERENCE_INVALID"},
                                     std::pair{&weak, "PASSWORD_TOO_WEAK"},
                                     std::pair{&bad_number, "IDN_INVALID"}}) {
        auto issued = issue(*made);
        ASSERT_FALSE(issued) << code;
        EXPECT_EQ(issued.error().code, code);
    }
    EXPECT_EQ(ca_.requests, 0);
    EXPECT_FALSE(fs::exists(home()));
}

TEST_F(Enrolment, InstallsKeyAndCertificateBeforeTheCaIsTold) {
    auto issued = issue(request());
    ASSERT_TRUE(issued) << issued.error().describe();
    EXPECT_EQ(recorder_.steps,
              (std::vector<std::string>{"generate", "encrypt", "request", "send", "installed"}));
    EXPECT_TRUE(ca_.stored_when_installed);
    EXPECT_TRUE(recorder_.kept.empty());
    EXPECT_EQ(ca_.reference, "1234567890");
    EXPECT_EQ(ca_.code, "1111-2222-3333-4444");
    // The request carried the R that the key file keeps and the holder is shown.
    EXPECT_EQ(ca_.random_num, issued->random_num);
    EXPECT_EQ(issued->random_num.size(), npki::random_num_size);
    auto entry = keystore::NpkiStore(home()).find("");
    ASSERT_TRUE(entry) << entry.error().describe();
    EXPECT_EQ(entry->folder.string(), issued->folder.string());
    EXPECT_EQ(X509_cmp(entry->certificate.get(), issued->certificate.get()), 0);
    auto key_file = read_file(entry->key_path().string());
    ASSERT_TRUE(key_file);
    auto key = keystore::read_key_file(*key_file, password);
    ASSERT_TRUE(key) << key.error().describe();
    EXPECT_TRUE(keystore::key_matches_certificate(key->info.get(), entry->certificate.get()));
    auto random_num = npki::random_num_of(key->info.get());
    ASSERT_TRUE(random_num && *random_num);
    EXPECT_EQ(**random_num, issued->random_num);
    EXPECT_EQ(issued->vid, VidCheck::absent);
    EXPECT_TRUE(issued->unpinned_ca_pubs.empty());
}

TEST_F(Enrolment, RefusesACertificateForAnotherKey) {
    ca_.certify_another_key = true;
    auto issued = issue(request());
    ASSERT_FALSE(issued);
    EXPECT_EQ(issued.error().code, "KEY_CERTIFICATE_MISMATCH");
    EXPECT_EQ(stored(), 0U);
}

TEST_F(Enrolment, AnExchangeThatDidNotInstallIsAnError) {
    ca_.skip_install = true;
    auto issued = issue(request());
    ASSERT_FALSE(issued);
    EXPECT_EQ(issued.error().code, "CERTIFICATE_NOT_INSTALLED");
}

TEST_F(Enrolment, KeepsTheReplacedFilesUntilTheCaConfirms) {
    auto old_key = p256_key();
    const auto old_certificate =
        certificate_for(old_key.get(), "홍길동", 7, ca_key_.get(), root_.get());
    const Bytes old_key_file{'o', 'l', 'd'};
    auto folder = keystore::NpkiStore(home()).add(old_certificate, old_key_file, false);
    ASSERT_TRUE(folder) << folder.error().describe();
    // The confirmation fails: the new certificate is installed, the old files stay as *.old.
    ca_.answer = fail(ErrorKind::unavailable, "CMP_TRANSFER_FAILED", "no answer").value();
    auto failed = issue(request());
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, "CMP_TRANSFER_FAILED");
    ASSERT_EQ(recorder_.kept.size(), 1U);
    EXPECT_EQ(recorder_.kept.front().string(), folder->string());
    EXPECT_EQ(read_file((*folder / "signPri.key.old").string()), old_key_file);
    EXPECT_EQ(read_file((*folder / "signCert.der.old").string()), *old_certificate.der());
    EXPECT_NE(read_file((*folder / "signCert.der").string()), *old_certificate.der());
    // Once the CA confirms, the copies go.
    ca_.answer.reset();
    auto issued = issue(request());
    ASSERT_TRUE(issued) << issued.error().describe();
    EXPECT_EQ(issued->folder.string(), folder->string());
    EXPECT_FALSE(fs::exists(*folder / "signPri.key.old"));
    EXPECT_FALSE(fs::exists(*folder / "signCert.der.old"));
    EXPECT_EQ(stored(), 1U);
}

TEST_F(Enrolment, ChecksTheVidWithTheIdentificationNumber) {
    ca_.vid_number = "9001011234567";
    auto unchecked = issue(request());
    ASSERT_TRUE(unchecked) << unchecked.error().describe();
    EXPECT_EQ(unchecked->vid, VidCheck::unchecked);

    auto with_number = request();
    with_number.identification_number = SecretBytes(std::string_view(idn));
    auto matches = issue(with_number);
    ASSERT_TRUE(matches) << matches.error().describe();
    EXPECT_EQ(matches->vid, VidCheck::matches);

    // The CA bound the certificate to another number: refused, but the certificate is stored.
    ca_.vid_number = "9001011234568";
    auto mismatch = issue(with_number);
    ASSERT_TRUE(mismatch) << mismatch.error().describe();
    ASSERT_FALSE(mismatch->vid);
    EXPECT_EQ(mismatch->vid.error().code, "VID_MISMATCH");
    auto entry = keystore::NpkiStore(home()).find("");
    ASSERT_TRUE(entry);
    EXPECT_EQ(X509_cmp(entry->certificate.get(), mismatch->certificate.get()), 0);
}

TEST_F(Enrolment, ReportsCaPubsThatAreNotThePinnedRoot) {
    auto stranger_key = p256_key();
    const auto stranger = certificate_for(stranger_key.get(), "Test Root", 1, stranger_key.get());
    ca_.ca_pubs.push_back(copy_of(root_));
    ca_.ca_pubs.push_back(copy_of(stranger));
    auto issued = issue(request());
    ASSERT_TRUE(issued) << issued.error().describe();
    ASSERT_EQ(issued->unpinned_ca_pubs.size(), 1U);
    EXPECT_EQ(X509_cmp(issued->unpinned_ca_pubs.front().get(), stranger.get()), 0);
}

TEST_F(Enrolment, RenewalKeepsRAndTheReplacedFilesUntilConfirmed) {
    auto issued = issue(request());
    ASSERT_TRUE(issued) << issued.error().describe();
    auto key_file = read_file((issued->folder / keystore::sign_key_file).string());
    ASSERT_TRUE(key_file);
    auto current = keystore::read_key_file(*key_file, password);
    ASSERT_TRUE(current) << current.error().describe();
    recorder_.steps.clear();

    RenewRequest renewal;
    renewal.home = home();
    renewal.folder = issued->folder;
    renewal.password = password;
    renewal.key_algorithm = crypto::KeyAlgorithm::p256;
    bool kept_during_exchange = false;
    const UpdateKey update = [&](EVP_PKEY* new_key, const cmpclient::Install& install) {
        auto answer = ca_.certify(new_key, {}, install, recorder_.steps);
        kept_during_exchange = fs::exists(issued->folder / "signCert.der.old");
        return answer;
    };
    auto renewed = renew_certificate(renewal, current->info.get(), update, recorder_);
    ASSERT_TRUE(renewed) << renewed.error().describe();
    EXPECT_EQ(recorder_.steps,
              (std::vector<std::string>{"generate", "encrypt", "request", "send", "installed"}));
    EXPECT_TRUE(kept_during_exchange);
    ASSERT_EQ(recorder_.kept.size(), 1U);
    EXPECT_EQ(recorder_.kept.front().string(), issued->folder.string());
    EXPECT_FALSE(fs::exists(issued->folder / "signCert.der.old"));
    EXPECT_EQ(renewed->folder.string(), issued->folder.string());
    auto new_file = read_file((renewed->folder / keystore::sign_key_file).string());
    ASSERT_TRUE(new_file);
    auto renewed_key = keystore::read_key_file(*new_file, password);
    ASSERT_TRUE(renewed_key) << renewed_key.error().describe();
    EXPECT_TRUE(
        keystore::key_matches_certificate(renewed_key->info.get(), renewed->certificate.get()));
    EXPECT_FALSE(
        keystore::key_matches_certificate(renewed_key->info.get(), issued->certificate.get()));
    auto random_num = npki::random_num_of(renewed_key->info.get());
    ASSERT_TRUE(random_num && *random_num);
    EXPECT_EQ(**random_num, issued->random_num);
}

TEST_F(Enrolment, FindsTheIdentifyDataOfACertificate) {
    auto none = identify_data_of(root_);
    ASSERT_TRUE(none) << none.error().describe();
    EXPECT_FALSE(*none);
    auto random_num = npki::generate_random_num();
    ASSERT_TRUE(random_num);
    auto vid = npki::compute_vid("9001011234567", *random_num);
    ASSERT_TRUE(vid);
    auto extension = npki::identify_data_extension("홍길동", *vid);
    ASSERT_TRUE(extension);
    auto key = p256_key();
    const auto holder =
        certificate_for(key.get(), "홍길동", 9, ca_key_.get(), root_.get(), extension->get());
    auto found = identify_data_of(holder);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->real_name, "홍길동");
    EXPECT_EQ((*found)->vid, *vid);
}

}  // namespace
}  // namespace dojang::holder
