// SPDX-License-Identifier: Apache-2.0
#include "dojang/store/status_reader.hpp"

namespace dojang::store {

Result<std::optional<CertificateRecord>> DatabaseStatusReader::find(const SerialNumber& serial) {
    return read_in_transaction<std::optional<CertificateRecord>>(
        *database_, [&](Transaction& tx) { return tx.certificates().find(serial); });
}

Result<std::vector<RevokedEntry>> DatabaseStatusReader::revoked_unexpired(const std::string& ca,
                                                                          Seconds now) {
    return read_in_transaction<std::vector<RevokedEntry>>(
        *database_, [&](Transaction& tx) { return tx.certificates().revoked_unexpired(ca, now); });
}

Result<std::vector<CertificateRecord>> DatabaseStatusReader::all_signed(const std::string& ca,
                                                                        std::size_t limit) {
    return read_in_transaction<std::vector<CertificateRecord>>(
        *database_, [&](Transaction& tx) { return tx.certificates().all_signed(ca, limit); });
}

}  // namespace dojang::store
