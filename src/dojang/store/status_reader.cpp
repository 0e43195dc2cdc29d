// SPDX-License-Identifier: Apache-2.0
#include "dojang/store/status_reader.hpp"

namespace dojang::store {

namespace {

/// Runs one read of the certificates in a transaction of its own and returns what it read.
template <typename T, typename Read>
Result<T> read_certificates(Database& database, Read read) {
    std::optional<T> value;
    auto done = database.transact([&](Transaction& tx) -> Result<void> {
        auto found = read(tx.certificates());
        DOJANG_TRY(found);
        value = std::move(*found);
        return ok();
    });
    DOJANG_TRY(done);
    return std::move(*value);
}

}  // namespace

Result<std::optional<CertificateRecord>> DatabaseStatusReader::find(const SerialNumber& serial) {
    return read_certificates<std::optional<CertificateRecord>>(
        *database_, [&](CertificateRepository& certificates) { return certificates.find(serial); });
}

Result<std::vector<RevokedEntry>> DatabaseStatusReader::revoked_unexpired(const std::string& ca,
                                                                          Seconds now) {
    return read_certificates<std::vector<RevokedEntry>>(
        *database_, [&](CertificateRepository& certificates) {
            return certificates.revoked_unexpired(ca, now);
        });
}

Result<std::vector<CertificateRecord>> DatabaseStatusReader::all_signed(const std::string& ca,
                                                                        std::size_t limit) {
    return read_certificates<std::vector<CertificateRecord>>(
        *database_,
        [&](CertificateRepository& certificates) { return certificates.all_signed(ca, limit); });
}

}  // namespace dojang::store
