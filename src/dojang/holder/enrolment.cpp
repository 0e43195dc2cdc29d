// SPDX-License-Identifier: Apache-2.0
#include "dojang/holder/enrolment.hpp"

#include "dojang/crypto/openssl.hpp"
#include "dojang/holder/identity.hpp"
#include "dojang/holder/password.hpp"
#include "dojang/keystore/key_file.hpp"
#include "dojang/keystore/npki_store.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/npki/vid.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace dojang::holder {
namespace {

namespace fs = std::filesystem;
using keystore::NpkiStore;

constexpr const char* backup_suffix = ".old";

/// The folder a certificate goes to (as NpkiStore::add() computes it).
fs::path folder_of(const NpkiStore& store, const pkix::Certificate& certificate) {
    return store.home() / keystore::ca_folder_of(certificate.get()) / "USER" /
           keystore::dn_folder_of(X509_get_subject_name(certificate.get()));
}

/// Keeps a copy of the certificate and key a new certificate is about to replace, until the CA
/// has confirmed the new one: signCert.der.old, signPri.key.old. False when there is none.
Result<bool> back_up_folder(const fs::path& folder) {
    std::error_code error;
    if (!fs::exists(folder / keystore::sign_certificate_file, error)) {
        return false;
    }
    for (const char* name : {keystore::sign_key_file, keystore::sign_certificate_file}) {
        auto content = read_file((folder / name).string());
        if (!content) {
            continue;
        }
        auto written = write_file_atomic((folder / name).string() + backup_suffix, *content, 0600);
        DOJANG_TRY(written);
    }
    return true;
}

void drop_backup(const fs::path& folder) {
    std::error_code error;
    for (const char* name : {keystore::sign_key_file, keystore::sign_certificate_file}) {
        fs::remove(folder / (std::string(name) + backup_suffix), error);
    }
}

/// A new key pair and its PKCS#8 form, which carries R into the key file.
struct NewKey {
    crypto::PkeyPtr pair;
    crypto::Pkcs8Ptr info;
    Bytes key_file;  ///< encrypted, once seal() has run
};

Result<NewKey> generate(crypto::KeyAlgorithm algorithm, EnrolmentListener& listener) {
    listener.generating_key();
    auto pair = crypto::generate_key(algorithm);
    DOJANG_TRY(pair);
    crypto::Pkcs8Ptr info(EVP_PKEY2PKCS8(pair->get()));
    if (!info) {
        return crypto::openssl_failure(ErrorKind::internal, "KEY_FAILED", "cannot encode the key");
    }
    return NewKey{std::move(*pair), std::move(info), {}};
}

/// Attaches R and encrypts the key file before the request goes out, so that installing, which
/// happens while the CA waits for the confirmation, is quick.
Result<void> seal(NewKey& key,
                  const std::optional<Bytes>& random_num,
                  const SecretBytes& password,
                  EnrolmentListener& listener) {
    if (random_num) {
        auto attached = npki::set_random_num(key.info.get(), *random_num);
        DOJANG_TRY(attached);
    }
    listener.encrypting_key(keystore::default_pbes2_iterations);
    auto key_file = keystore::encrypt_key_file(key.info.get(), password);
    DOJANG_TRY(key_file);
    key.key_file = std::move(*key_file);
    return ok();
}

/// What the install step did, read once the CA exchange is over.
struct Installation {
    fs::path folder;         ///< the new certificate's folder; empty until installed
    fs::path backup_folder;  ///< whose former files are kept as *.old until the CA confirms
};

/// The install step of both use cases, called before the CA is told the certificate was
/// accepted: a certificate for another key is refused (the CA then revokes it); the files it
/// replaces in `replaced` (default: its own folder) are copied to *.old; then key and
/// certificate are stored, so a confirmed certificate is never lost with its key.
cmpclient::Install install_step(const NpkiStore& store,
                                const NewKey& key,
                                const std::optional<fs::path>& replaced,
                                EnrolmentListener& listener,
                                Installation& installation) {
    return [&store, &key, replaced, &listener, &installation](
               const pkix::Certificate& certificate) -> Result<void> {
        if (!keystore::key_matches_certificate(key.info.get(), certificate.get())) {
            return fail(ErrorKind::internal,
                        "KEY_CERTIFICATE_MISMATCH",
                        "the CA certified another key (다른 키로 발급되었습니다)");
        }
        const fs::path folder = folder_of(store, certificate);
        installation.backup_folder = replaced.value_or(folder);
        auto backup = back_up_folder(installation.backup_folder);
        DOJANG_TRY(backup);
        if (*backup) {
            listener.kept_previous(installation.backup_folder);
        }
        auto added = store.add(certificate, key.key_file, true);
        DOJANG_TRY(added);
        installation.folder = folder;
        return ok();
    };
}

/// After the CA exchange: the exchange must have installed the certificate; the copies of the
/// replaced files are no longer needed.
Result<void> finish(const Installation& installation) {
    if (installation.folder.empty()) {
        return fail(ErrorKind::internal,
                    "CERTIFICATE_NOT_INSTALLED",
                    "the CA exchange ended without installing the certificate");
    }
    drop_backup(installation.backup_folder);
    return ok();
}

/// The identity binding of a certificate issued with R: with the holder's number, the VID is
/// recomputed as `dojang vid-check` does; without it, the CA set the VID from its register.
Result<VidCheck> check_vid(const pkix::Certificate& certificate,
                           const std::optional<std::string>& idn,
                           const Bytes& random_num) {
    auto identify = identify_data_of(certificate);
    DOJANG_TRY(identify);
    if (!*identify) {
        return VidCheck::absent;
    }
    if (!idn) {
        return VidCheck::unchecked;
    }
    auto matches = npki::vid_matches(**identify, *idn, random_num);
    DOJANG_TRY(matches);
    if (!*matches) {
        return fail(ErrorKind::forbidden,
                    "VID_MISMATCH",
                    "the certificate's VID does not match this identification number and R; the "
                    "certificate is stored, contact the CA (VID 가 식별번호와 일치하지 않습니다. "
                    "인증기관에 문의하십시오)");
    }
    return VidCheck::matches;
}

/// The digits of a number as written: "900101-1234567" and a trailing newline are fine.
std::string digits_of(const SecretBytes& text) {
    std::string digits;
    for (const auto byte : text.bytes()) {
        if (std::isdigit(byte) != 0) {
            digits.push_back(static_cast<char>(byte));
        }
    }
    return digits;
}

}  // namespace

Enrol cmp_enrol(const cmpclient::Session& session) {
    return [&session](std::string_view reference,
                      const SecretBytes& code,
                      EVP_PKEY* new_key,
                      std::span<const std::uint8_t> random_num,
                      const cmpclient::Install& install) {
        return cmpclient::enroll(session, reference, code, new_key, random_num, install);
    };
}

UpdateKey cmp_update_key(const cmpclient::Session& session,
                         const pkix::Certificate& current,
                         EVP_PKEY* current_key) {
    return [&session, &current, current_key](EVP_PKEY* new_key, const cmpclient::Install& install) {
        return cmpclient::update_key(session, current, current_key, new_key, install);
    };
}

Result<void> check_reference(std::string_view reference) {
    if (reference.empty() || !std::all_of(reference.begin(), reference.end(), [](unsigned char c) {
            return std::isdigit(c) != 0;
        })) {
        return fail(ErrorKind::invalid_request,
                    "REFERENCE_INVALID",
                    "the reference number is digits only (참조번호는 숫자입니다)");
    }
    return ok();
}

Result<Issued> issue_certificate(const IssueRequest& request,
                                 const cmpclient::ServerTrust& trust,
                                 const Enrol& enrol,
                                 EnrolmentListener& listener) {
    auto reference = check_reference(request.reference);
    DOJANG_TRY(reference);
    auto strong = check_password_policy(request.password);
    DOJANG_TRY(strong);
    std::optional<std::string> idn;
    if (request.identification_number) {
        idn = digits_of(*request.identification_number);
    }
    const NpkiStore store(request.home);
    auto key = generate(request.key_algorithm, listener);
    DOJANG_TRY(key);
    auto random_num = npki::generate_random_num();
    DOJANG_TRY(random_num);
    if (idn) {
        // The VID this key's R gives for the number (korea.md): a wrong number is refused here,
        // not after the CA has issued a certificate that will not match it.
        auto vid = npki::compute_vid(*idn, *random_num);
        DOJANG_TRY(vid);
    }
    auto sealed = seal(*key, *random_num, request.password, listener);
    DOJANG_TRY(sealed);
    listener.requesting();
    Installation installation;
    auto enrolled = enrol(request.reference,
                          request.code,
                          key->pair.get(),
                          *random_num,
                          install_step(store, *key, std::nullopt, listener, installation));
    DOJANG_TRY(enrolled);
    auto finished = finish(installation);
    DOJANG_TRY(finished);
    std::vector<pkix::Certificate> unpinned;
    for (auto& published : enrolled->ca_pubs) {
        if (X509_cmp(published.get(), trust.root.get()) != 0) {
            unpinned.push_back(std::move(published));
        }
    }
    auto vid = check_vid(enrolled->certificate, idn, *random_num);
    return Issued{std::move(enrolled->certificate),
                  std::move(installation.folder),
                  std::move(*random_num),
                  std::move(vid),
                  std::move(unpinned)};
}

Result<Renewed> renew_certificate(const RenewRequest& request,
                                  const PKCS8_PRIV_KEY_INFO* current_key,
                                  const UpdateKey& update,
                                  EnrolmentListener& listener) {
    // The renewed certificate keeps the identifyData (VID) of the old one (cmp/README.md), and
    // the VID is bound to R: the new key keeps the old R, or VID checks would fail.
    auto random_num = npki::random_num_of(current_key);
    DOJANG_TRY(random_num);
    const NpkiStore store(request.home);
    auto key = generate(request.key_algorithm, listener);
    DOJANG_TRY(key);
    auto sealed = seal(*key, *random_num, request.password, listener);
    DOJANG_TRY(sealed);
    listener.requesting();
    Installation installation;
    auto renewed =
        update(key->pair.get(), install_step(store, *key, request.folder, listener, installation));
    DOJANG_TRY(renewed);
    auto finished = finish(installation);
    DOJANG_TRY(finished);
    return Renewed{std::move(renewed->certificate), std::move(installation.folder)};
}

}  // namespace dojang::holder
