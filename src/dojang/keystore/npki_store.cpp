// SPDX-License-Identifier: Apache-2.0
#include "dojang/keystore/npki_store.hpp"

#include "dojang/crypto/openssl.hpp"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <system_error>

namespace dojang::keystore {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

/// A name component safe on every file system NPKI lives on: no separators, no controls.
std::string path_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out.push_back(c == '/' || c == '\\' || byte < 0x20 || byte == 0x7f ? '_' : c);
    }
    if (out.empty() || out == "." || out == "..") {
        out = "_" + out;
    }
    return out;
}

std::string entry_utf8(const X509_NAME_ENTRY* entry) {
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (length < 0) {
        ERR_clear_error();
        return {};
    }
    std::string value(reinterpret_cast<const char*>(utf8),  // NOLINT: UTF-8 bytes
                      static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return value;
}

Result<void> make_private_folder(const fs::path& folder) {
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) {
        return fail(ErrorKind::internal,
                    "STORE_WRITE_FAILED",
                    "cannot create " + folder.string(),
                    error.message());
    }
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, error);
    return ok();
}

bool contains_text(std::string_view haystack, std::string_view needle) {
    return lower(haystack).find(lower(needle)) != std::string::npos;
}

constexpr const char* replacing_marker = ".replacing";
constexpr std::string_view new_suffix = ".new";

bool is_key_file(std::string_view name) {
    return name == sign_key_file || name == km_key_file;
}

/// Renames `from` onto `to` and makes the rename durable.
Result<void> durable_rename(const fs::path& from, const fs::path& to) {
    std::error_code error;
    fs::rename(from, to, error);
    if (error) {
        return fail(ErrorKind::internal,
                    "STORE_WRITE_FAILED",
                    "cannot rename " + from.string() + " onto " + to.string(),
                    error.message());
    }
    return sync_folder(to.parent_path().string());
}

/// Finishes or undoes what a crash interrupted in one certificate folder (replace_keys() and
/// write_file_atomic()), so that every key file is whole and of one generation.
void recover_folder(const fs::path& folder) {
    std::error_code error;
    const fs::path marker = folder / replacing_marker;
    if (auto names = read_file(marker.string())) {
        // Committed: roll forward every new file still waiting.
        const std::string text(names->begin(), names->end());
        std::size_t start = 0;
        while (start < text.size()) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            const std::string name = text.substr(start, end - start);
            start = end + 1;
            const fs::path waiting = folder / (name + std::string(new_suffix));
            if (is_key_file(name) && fs::exists(waiting, error)) {
                (void)durable_rename(waiting, folder / name);
            }
        }
        fs::remove(marker, error);
        (void)sync_folder(folder.string());
    }
    // Not committed, or leftovers: new key files without a marker, and the temporary files of
    // interrupted atomic writes (".<name>.tmp<digits>").
    for (const auto& file : fs::directory_iterator(folder, error)) {
        const std::string name = file.path().filename().string();
        const bool uncommitted =
            name.size() > new_suffix.size() && name.ends_with(new_suffix) &&
            is_key_file(std::string_view(name).substr(0, name.size() - new_suffix.size()));
        const bool temporary = name.starts_with(".") && name.find(".tmp") != std::string::npos;
        if (uncommitted || temporary) {
            fs::remove(file.path(), error);
        }
    }
}

}  // namespace

fs::path npki_home(const std::string& explicit_home) {
    if (!explicit_home.empty()) {
        return explicit_home;
    }
    if (const char* home = std::getenv("DOJANG_HOME"); home != nullptr && *home != '\0') {
        return home;
    }
    const char* user_home = std::getenv("HOME");
    return fs::path(user_home != nullptr ? user_home : ".") / "NPKI";
}

std::string ca_folder_of(const X509* certificate) {
    constexpr std::array<const char*, 5> known{
        "yessign", "KICA", "SignKorea", "CrossCert", "TradeSign"};
    const X509_NAME* issuer = X509_get_issuer_name(certificate);
    const int index = X509_NAME_get_index_by_NID(issuer, NID_organizationName, -1);
    if (index < 0) {
        return "dojang";
    }
    const std::string organization = entry_utf8(X509_NAME_get_entry(issuer, index));
    for (const char* folder : known) {
        if (lower(organization) == lower(folder)) {
            return folder;
        }
    }
    return organization.empty() ? "dojang" : path_safe(organization);
}

std::string dn_folder_of(const X509_NAME* subject) {
    std::string folder;
    for (int i = X509_NAME_entry_count(subject) - 1; i >= 0; --i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
        const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
        const char* key = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
        if (!folder.empty()) {
            folder += ',';
        }
        folder += key != nullptr ? lower(key) : "oid";
        folder += '=';
        folder += entry_utf8(entry);
    }
    return path_safe(folder);
}

std::string serial_decimal(const X509* certificate) {
    crypto::BignumPtr number(ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr));
    if (!number) {
        ERR_clear_error();
        return {};
    }
    char* text = BN_bn2dec(number.get());
    if (text == nullptr) {
        ERR_clear_error();
        return {};
    }
    std::string decimal(text);
    OPENSSL_free(text);
    return decimal;
}

Result<std::vector<StoredCertificate>> NpkiStore::list() const {
    std::vector<StoredCertificate> entries;
    std::error_code error;
    if (!fs::is_directory(home_, error)) {
        return entries;
    }
    for (const auto& ca : fs::directory_iterator(home_, error)) {
        const fs::path user = ca.path() / "USER";
        if (!fs::is_directory(user, error)) {
            continue;
        }
        for (const auto& folder : fs::directory_iterator(user, error)) {
            if (folder.is_directory(error)) {
                recover_folder(folder.path());
            }
            const fs::path certificate_path = folder.path() / sign_certificate_file;
            if (!fs::is_regular_file(certificate_path, error)) {
                continue;
            }
            auto bytes = read_file(certificate_path.string());
            if (!bytes) {
                continue;
            }
            auto certificate = pkix::Certificate::parse(*bytes);
            if (!certificate) {
                continue;
            }
            entries.push_back(StoredCertificate{folder.path(),
                                                ca.path().filename().string(),
                                                folder.path().filename().string(),
                                                std::move(*certificate)});
        }
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return std::tie(a.ca_folder, a.dn_folder) < std::tie(b.ca_folder, b.dn_folder);
    });
    return entries;
}

Result<StoredCertificate> NpkiStore::find(std::string_view selector) const {
    auto entries = list();
    DOJANG_TRY(entries);
    std::vector<StoredCertificate> matches;
    auto wanted_serial = SerialNumber::from_hex(selector);
    for (auto& entry : *entries) {
        bool match = selector.empty();
        if (!match && wanted_serial) {
            auto serial = entry.certificate.serial();
            match = serial && serial->hex() == wanted_serial->hex();
        }
        match = match || (!selector.empty() && serial_decimal(entry.certificate.get()) == selector);
        match =
            match || (!selector.empty() && (contains_text(entry.certificate.subject(), selector) ||
                                            contains_text(entry.dn_folder, selector)));
        if (match) {
            matches.push_back(std::move(entry));
        }
    }
    if (matches.empty()) {
        return fail(ErrorKind::not_found,
                    "CERTIFICATE_NOT_FOUND",
                    selector.empty()
                        ? "no certificate in " + home_.string() + " (저장된 인증서가 없습니다)"
                        : "no certificate matches '" + std::string(selector) +
                              "' (해당 인증서가 없습니다)");
    }
    if (matches.size() > 1) {
        Error error{ErrorKind::conflict,
                    "CERTIFICATE_AMBIGUOUS",
                    "several certificates match; name one by its serial (여러 인증서가 "
                    "해당합니다. 일련번호로 지정하십시오)",
                    {},
                    {}};
        for (const auto& match : matches) {
            auto serial = match.certificate.serial();
            error.violations.push_back({serial ? serial->hex() : "?", match.certificate.subject()});
        }
        return tl::unexpected(std::move(error));
    }
    return std::move(matches.front());
}

Result<fs::path> NpkiStore::add(
    const pkix::Certificate& certificate,
    const Bytes& key_file,
    bool replace,
    const std::vector<std::pair<std::string, Bytes>>& other_files) const {
    const fs::path folder = home_ / ca_folder_of(certificate.get()) / "USER" /
                            dn_folder_of(X509_get_subject_name(certificate.get()));
    std::error_code error;
    if (!replace && fs::exists(folder / sign_certificate_file, error)) {
        return fail(ErrorKind::conflict,
                    "CERTIFICATE_EXISTS",
                    folder.string() +
                        " already holds a certificate; use --replace to overwrite it (이미 "
                        "저장된 인증서가 있습니다)");
    }
    for (const auto& file : other_files) {
        const std::string& name = file.first;
        if (std::find_if(npki_files.begin(), npki_files.end(), [&](const char* known) {
                return name == known;
            }) == npki_files.end()) {
            return fail(ErrorKind::invalid_request,
                        "STORE_FILE_UNKNOWN",
                        name + " is not a file of an NPKI folder");
        }
    }
    auto made = make_private_folder(folder);
    DOJANG_TRY(made);
    auto der = certificate.der();
    DOJANG_TRY(der);
    // Keys first, the certificate last: a folder with a certificate always has its key.
    auto written = write_file_atomic((folder / sign_key_file).string(), key_file, 0600);
    for (const auto& [name, content] : other_files) {
        if (!written) {
            break;
        }
        const bool is_key = name == km_key_file || name == sign_key_file;
        written = write_file_atomic((folder / name).string(), content, is_key ? 0600 : 0644);
    }
    if (written) {
        written = write_file_atomic((folder / sign_certificate_file).string(), *der, 0644);
    }
    DOJANG_TRY(written);
    return folder;
}

Result<void> NpkiStore::replace_keys(
    const StoredCertificate& entry,
    const std::vector<std::pair<std::string, Bytes>>& key_files) const {
    std::string names;
    for (const auto& [name, content] : key_files) {
        if (!is_key_file(name)) {
            return fail(ErrorKind::internal, "STORE_FILE_UNKNOWN", "not a key file name");
        }
        names += name + "\n";
    }
    // 1. Every new key beside its old one; 2. the marker (commit); 3. the renames; 4. done.
    for (const auto& [name, content] : key_files) {
        auto written = write_file_atomic(
            (entry.folder / (name + std::string(new_suffix))).string(), content, 0600);
        if (!written) {
            return written;
        }
    }
    auto committed =
        write_file_atomic((entry.folder / replacing_marker).string(), to_bytes(names), 0600);
    if (!committed) {
        return committed;
    }
    for (const auto& [name, content] : key_files) {
        auto renamed =
            durable_rename(entry.folder / (name + std::string(new_suffix)), entry.folder / name);
        if (!renamed) {
            return renamed;  // the marker stays: the next list() rolls forward
        }
    }
    std::error_code error;
    fs::remove(entry.folder / replacing_marker, error);
    return sync_folder(entry.folder.string());
}

}  // namespace dojang::keystore
