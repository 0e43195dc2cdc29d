// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/store/store.hpp"

namespace dojang::store {

/// What the OCSP responder reads about certificates, and nothing it could change: a narrow,
/// read-only role. A node that only answers OCSP can be given one that reads a replica.
class StatusReader {
public:
    virtual ~StatusReader() = default;
    /// The row, or std::nullopt when the serial is unknown.
    virtual Result<std::optional<CertificateRecord>> find(const SerialNumber& serial) = 0;
    /// Revoked certificates of `ca` whose notAfter is not before `now`.
    virtual Result<std::vector<RevokedEntry>> revoked_unexpired(const std::string& ca,
                                                                Seconds now) = 0;
    /// At most `limit` issued and revoked certificates of `ca`, in serial order.
    virtual Result<std::vector<CertificateRecord>> all_signed(const std::string& ca,
                                                              std::size_t limit) = 0;
};

/// The StatusReader of a Database: each read in a transaction of its own, writing nothing.
class DatabaseStatusReader final : public StatusReader {
public:
    explicit DatabaseStatusReader(Database& database) : database_(&database) {}

    Result<std::optional<CertificateRecord>> find(const SerialNumber& serial) override;
    Result<std::vector<RevokedEntry>> revoked_unexpired(const std::string& ca,
                                                        Seconds now) override;
    Result<std::vector<CertificateRecord>> all_signed(const std::string& ca,
                                                      std::size_t limit) override;

private:
    Database* database_;
};

}  // namespace dojang::store
