// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/pkix/pkix.hpp"

#include <openssl/x509_vfy.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace dojang::cmpclient {

/// RFC 6960 4.2.1 CertStatus.
enum class CertificateStatus { good, revoked, unknown };

/// What an OCSP responder said of one certificate.
struct StatusAnswer {
    CertificateStatus status = CertificateStatus::unknown;
    std::optional<int> reason;  ///< CRLReason of a revoked certificate, when given
    std::optional<Seconds> revoked_at;
    std::string url;  ///< the responder that answered
};

/// The OCSP URLs of a certificate's Authority Information Access extension.
std::vector<std::string> ocsp_urls_of(X509* certificate);

/// Asks the responder at `url` (RFC 6960 over HTTP POST, OpenSSL's HTTP client) for the
/// status of `certificate` issued by `issuer`; the signed answer must verify to `trusted`
/// (the pinned root), with `issuer` as an intermediate. Errors: unavailable
/// OCSP_UNREACHABLE when nothing answered, forbidden OCSP_RESPONSE_UNTRUSTED when the answer
/// does not verify or does not name the certificate, unavailable OCSP_REFUSED for a responder
/// error (tryLater, internalError...).
Result<StatusAnswer> check_status(const std::string& url,
                                  X509* certificate,
                                  X509* issuer,
                                  X509_STORE* trusted,
                                  std::chrono::seconds timeout);

}  // namespace dojang::cmpclient
