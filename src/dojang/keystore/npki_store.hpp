// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/error.hpp"
#include "dojang/pkix/pkix.hpp"

#include <openssl/x509.h>

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dojang::keystore {

/// File names inside a certificate's folder (korea.md, "Where certificates live").
inline constexpr const char* sign_certificate_file = "signCert.der";
inline constexpr const char* sign_key_file = "signPri.key";
inline constexpr const char* km_certificate_file = "kmCert.der";
inline constexpr const char* km_key_file = "kmPri.key";
/// Every file an NPKI certificate folder may hold, in the order they are written.
inline constexpr std::array<const char*, 4> npki_files{
    sign_key_file, km_key_file, km_certificate_file, sign_certificate_file};

/// The NPKI home: `explicit_home` if not empty, else $DOJANG_HOME, else ~/NPKI (Linux layout).
std::filesystem::path npki_home(const std::string& explicit_home = {});

/// The CA folder of a certificate: the issuer's O matched to the Korean CA folders (yessign,
/// KICA, SignKorea, CrossCert, TradeSign), else the issuer's O with unsafe characters replaced.
std::string ca_folder_of(const X509* certificate);

/// The subject DN folder: leaf first, lower-case keys, "cn=홍길동,ou=…,o=yessign,c=kr"; '/' and
/// control characters are replaced so the name is always one path component.
std::string dn_folder_of(const X509_NAME* subject);

/// The decimal form of a certificate's serial number (what Korean clients show).
std::string serial_decimal(const X509* certificate);

/// One certificate folder of the store.
struct StoredCertificate {
    std::filesystem::path folder;  ///< <home>/<CA>/USER/<DN folder>
    std::string ca_folder;
    std::string dn_folder;
    pkix::Certificate certificate;

    [[nodiscard]] std::filesystem::path certificate_path() const {
        return folder / sign_certificate_file;
    }
    [[nodiscard]] std::filesystem::path key_path() const { return folder / sign_key_file; }
};

/// The NPKI folder store of one holder: `<home>/<CA>/USER/<DN>/{signCert.der, signPri.key}`.
/// Every write is atomic (temporary file, fsync, rename, fsync folder); keys are mode 0600.
class NpkiStore {
public:
    explicit NpkiStore(std::filesystem::path home) : home_(std::move(home)) {}

    [[nodiscard]] const std::filesystem::path& home() const { return home_; }

    /// Every folder with a readable signCert.der, sorted by CA and DN folder. A missing home is
    /// an empty store; unparsable certificates are skipped.
    [[nodiscard]] Result<std::vector<StoredCertificate>> list() const;

    /// The one certificate whose serial (hex or decimal) is `selector`, or whose subject or DN
    /// folder contains it; with an empty selector, the only certificate of the store.
    /// not_found CERTIFICATE_NOT_FOUND; conflict CERTIFICATE_AMBIGUOUS when several match.
    [[nodiscard]] Result<StoredCertificate> find(std::string_view selector) const;

    /// Stores a certificate, its encrypted key file and optional further NPKI files (name,
    /// content) in the folder the certificate's issuer and subject name. conflict
    /// CERTIFICATE_EXISTS when the folder holds a certificate and `replace` is false.
    [[nodiscard]] Result<std::filesystem::path> add(
        const pkix::Certificate& certificate,
        const Bytes& key_file,
        bool replace,
        const std::vector<std::pair<std::string, Bytes>>& other_files = {}) const;

    /// Replaces key files of a stored certificate as one change (signPri.key and
    /// kmPri.key under a new password): each new file is written beside the old one as
    /// `<name>.new`, then the marker `.replacing` names them (the commit point), then each is
    /// renamed into place and the marker removed. list() finishes a replacement interrupted
    /// after its marker and drops the new files of one interrupted before it, and removes the
    /// temporary files of interrupted writes: after a crash at any step the folder holds all
    /// the old keys or all the new ones. internal STORE_FILE_UNKNOWN for another file name.
    [[nodiscard]] Result<void> replace_keys(
        const StoredCertificate& entry,
        const std::vector<std::pair<std::string, Bytes>>& key_files) const;

private:
    std::filesystem::path home_;
};

}  // namespace dojang::keystore
