// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/cmpclient/endpoint.hpp"
#include "dojang/core/error.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/pkix/pkix.hpp"

#include <openssl/x509_vfy.h>

#include <filesystem>
#include <string>
#include <vector>

namespace dojang::cmpclient {

using X509StorePtr = crypto::Owned<X509_STORE, X509_STORE_free>;

/// What the holder trusts of one server: its root (pinned on first use) and the CA chain below
/// it, kept in `<NPKI home>/.dojang/servers/<host_port>/` (root.pem, chain.pem, url).
struct ServerTrust {
    Endpoint endpoint;
    pkix::Certificate root;
    std::vector<pkix::Certificate> chain;  ///< issuing CA and its issuers below the root
    std::filesystem::path folder;
};

/// Whether the root was pinned just now or matched the pin.
enum class PinState { first_use, matched };

/// SHA-256 fingerprint of a certificate, "AB:CD:…" as `openssl x509 -fingerprint` prints it.
std::string fingerprint(const pkix::Certificate& certificate);

/// The folder that holds the trust of `endpoint` under an NPKI home.
std::filesystem::path trust_folder(const std::filesystem::path& home, const Endpoint& endpoint);

/// Pins `root` for the folder on first use, or checks it against the pin: forbidden
/// ROOT_CHANGED (both fingerprints in the detail) when it differs. Every chain certificate must
/// verify up to the root (forbidden CHAIN_UNTRUSTED otherwise); the chain is then stored too.
Result<PinState> pin(const std::filesystem::path& folder,
                     const Endpoint& endpoint,
                     const pkix::Certificate& root,
                     const std::vector<pkix::Certificate>& chain);

/// Fetches GET /ca/root.pem and /ca/issuing.pem from the server and pins them (pin()).
Result<std::pair<ServerTrust, PinState>> establish_trust(const std::filesystem::path& home,
                                                         const Endpoint& endpoint);

/// The stored trust of one folder. not_found TRUST_MISSING when nothing is pinned there.
Result<ServerTrust> load_trust(const std::filesystem::path& folder);

/// The stored trust of the server whose chain issued `certificate`. not_found
/// ISSUER_UNKNOWN when no pinned server issued it.
Result<ServerTrust> trust_for(const std::filesystem::path& home, X509* certificate);

/// The chain certificate that issued `certificate` (signature checked), or nullptr.
const pkix::Certificate* issuer_of(const ServerTrust& trust, X509* certificate);

/// An X509_STORE holding the pinned root only.
Result<X509StorePtr> trust_store(const ServerTrust& trust);

/// The chain as a new STACK_OF(X509) (each certificate up-referenced); free with
/// OSSL_STACK_OF_X509_free / sk_X509_pop_free.
STACK_OF(X509) * chain_stack(const ServerTrust& trust);

}  // namespace dojang::cmpclient
