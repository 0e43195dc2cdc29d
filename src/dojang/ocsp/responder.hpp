// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/ca/authority.hpp"
#include "dojang/store/status_reader.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <shared_mutex>

namespace dojang::ocsp {

/// How long responses are valid and when they are signed again.
struct Settings {
    std::chrono::hours validity{72};  ///< nextUpdate − thisUpdate (RFC 5019 / BR: 8 h..10 d)
    std::chrono::hours refresh_before{36};  ///< re-sign when less than this remains
    /// Pre-signed responses kept in memory at most (~1 KB each). Beyond it, one is dropped at
    /// random for each new one; a dropped serial is read and signed again when asked for.
    std::size_t cache_entries = 10000;
};

/// An encoded OCSPResponse and the times an HTTP cache needs.
struct Answer {
    std::shared_ptr<const Bytes> der;
    std::optional<Seconds> this_update;  ///< set for signed (successful) responses
    std::optional<Seconds> next_update;
};

/// RFC 6960 responder for one CA, signed by a delegated responder (4.2.2.2). Responses for
/// single-certificate requests with SHA-1 CertIDs are pre-signed and kept in memory (RFC 5019
/// 2.1.1: nonces are not echoed), up to Settings::cache_entries of them; a serial missing from
/// memory is looked up in the database (another process may have issued it, or it was dropped
/// to keep the bound) and signed once. Other requests are signed on demand,
/// for issued serials only. Serials this CA never issued get `unauthorized` (RFC 5019 2.2.3),
/// never `good`. Thread-safe: lookups take a shared lock; updates an exclusive one.
class Responder {
public:
    Responder(const ca::Authority& issuer,
              pkix::Certificate responder_certificate,
              crypto::Signer responder_key,
              store::StatusReader& certificates,
              const Clock& clock,
              Settings settings);

    /// Answers a DER OCSPRequest (RFC 6960 4.1). Always returns an OCSPResponse:
    /// malformedRequest for garbage (4.2.1), unauthorized for other CAs' certificates.
    [[nodiscard]] Answer answer(const Bytes& request);

    /// Signs every issued and revoked certificate's response afresh (start-up).
    Result<void> warm();
    /// Re-signs one serial's response from the database (after revocation, issuance).
    Result<void> refresh(const SerialNumber& serial);
    /// Brings cached statuses in line with the database's revocations (made by this or
    /// another process): re-signs entries whose revoked/good status changed. Returns how many.
    Result<std::size_t> sync_revocations();
    /// Re-signs the responses whose nextUpdate is less than refresh_before away; returns
    /// how many were re-signed.
    Result<std::size_t> refresh_due();
    /// Number of cached responses.
    [[nodiscard]] std::size_t size() const;

private:
    struct Entry {
        Answer answer;
        bool revoked = false;
    };
    Result<std::optional<store::CertificateRecord>> load(const SerialNumber& serial) const;
    /// Signs `record`'s response and keeps it (dropping another one beyond the bound).
    Result<Answer> store_entry(const store::CertificateRecord& record);
    /// refresh(), answering with the response now kept; nullopt when the serial is not ours.
    Result<std::optional<Answer>> refresh_answer(const SerialNumber& serial);
    /// Drops one entry other than `keep`, picked at random, while the cache is over the bound.
    /// Needs mutex_ held exclusively.
    void trim(const std::string& keep);
    Result<Answer> sign(
        const std::vector<std::pair<OCSP_CERTID*, const store::CertificateRecord*>>& items) const;
    Result<Answer> sign_record(const store::CertificateRecord& record) const;
    bool is_our_issuer(OCSP_CERTID* id) const;

    const ca::Authority* issuer_;
    pkix::Certificate responder_certificate_;
    crypto::Signer responder_key_;
    store::StatusReader* certificates_;  ///< read-only: the responder changes nothing
    const Clock* clock_;
    Settings settings_;
    Bytes issuer_name_der_;
    Bytes issuer_key_;  ///< the issuer's subjectPublicKey BIT STRING contents
    std::shared_ptr<const Bytes> malformed_;
    std::shared_ptr<const Bytes> unauthorized_;
    std::shared_ptr<const Bytes> internal_error_;
    std::shared_ptr<const Bytes> try_later_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, Entry> cache_;              ///< by serial hex
    std::mt19937_64 random_{std::random_device{}()};  ///< picks what trim() drops; under mutex_
};

}  // namespace dojang::ocsp
