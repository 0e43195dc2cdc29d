// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmpclient/trust.hpp"

#include "dojang/core/bytes.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <memory>

namespace dojang::cmpclient {
namespace {

namespace fs = std::filesystem;

constexpr auto fetch_timeout = std::chrono::seconds{30};

struct StackDeleter {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), StackDeleter>;

Result<std::string> pem_of(const std::vector<pkix::Certificate>& certificates) {
    std::string text;
    for (const auto& certificate : certificates) {
        auto pem = certificate.pem();
        DOJANG_TRY(pem);
        text += *pem;
    }
    return text;
}

Result<void> write_text(const fs::path& path, const std::string& text) {
    return write_file_atomic(path.string(), to_bytes(text), 0644);
}

/// Whether `certificate` verifies up to `root` with `chain` as intermediates.
bool chains_to(const pkix::Certificate& root,
               const std::vector<pkix::Certificate>& chain,
               X509* certificate) {
    X509StorePtr store(X509_STORE_new());
    if (!store || X509_STORE_add_cert(store.get(), root.get()) != 1) {
        ERR_clear_error();
        return false;
    }
    X509StackPtr untrusted(sk_X509_new_null());
    for (const auto& link : chain) {
        if (X509_up_ref(link.get()) != 1) {
            return false;
        }
        if (sk_X509_push(untrusted.get(), link.get()) <= 0) {
            X509_free(link.get());
            return false;
        }
    }
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                            X509_STORE_CTX_free);
    const bool verified =
        context &&
        X509_STORE_CTX_init(context.get(), store.get(), certificate, untrusted.get()) == 1 &&
        X509_verify_cert(context.get()) == 1;
    ERR_clear_error();
    return verified;
}

}  // namespace

std::string fingerprint(const pkix::Certificate& certificate) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (X509_digest(certificate.get(), EVP_sha256(), digest.data(), &length) != 1) {
        ERR_clear_error();
        return "?";
    }
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        std::array<char, 4> hex{};
        std::snprintf(hex.data(), hex.size(), "%02X", digest[i]);
        if (!text.empty()) {
            text += ':';
        }
        text += hex.data();
    }
    return text;
}

fs::path trust_folder(const fs::path& home, const Endpoint& endpoint) {
    return home / ".dojang" / "servers" / endpoint.key();
}

Result<PinState> pin(const fs::path& folder,
                     const Endpoint& endpoint,
                     const pkix::Certificate& root,
                     const std::vector<pkix::Certificate>& chain) {
    if (X509_check_issued(root.get(), root.get()) != X509_V_OK) {
        return fail(
            ErrorKind::forbidden, "CHAIN_UNTRUSTED", "the server's root is not self-issued");
    }
    for (const auto& link : chain) {
        if (!chains_to(root, chain, link.get())) {
            return fail(ErrorKind::forbidden,
                        "CHAIN_UNTRUSTED",
                        "the server's CA chain does not verify to its root (인증기관 인증서를 "
                        "신뢰할 수 없습니다): " +
                            link.subject());
        }
    }
    PinState state = PinState::first_use;
    auto stored = read_file((folder / "root.pem").string());
    if (stored) {
        auto pinned = pkix::Certificate::parse(*stored);
        DOJANG_TRY(pinned);
        if (X509_cmp(pinned->get(), root.get()) != 0) {
            return fail(ErrorKind::forbidden,
                        "ROOT_CHANGED",
                        "the server's root certificate is not the one pinned on first use "
                        "(최상위 인증서가 바뀌었습니다): pinned " +
                            fingerprint(*pinned) + ", served " + fingerprint(root) +
                            "; if the change is expected, remove " + folder.string());
        }
        state = PinState::matched;
    }
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) {
        return fail(ErrorKind::internal,
                    "TRUST_WRITE_FAILED",
                    "cannot create " + folder.string(),
                    error.message());
    }
    if (state == PinState::first_use) {
        auto root_pem = root.pem();
        DOJANG_TRY(root_pem);
        auto written = write_text(folder / "root.pem", *root_pem);
        DOJANG_TRY(written);
    }
    auto chain_pem = pem_of(chain);
    DOJANG_TRY(chain_pem);
    auto written = write_text(folder / "chain.pem", *chain_pem);
    if (written) {
        written = write_text(folder / "url", endpoint.url() + "\n");
    }
    DOJANG_TRY(written);
    return state;
}

Result<std::pair<ServerTrust, PinState>> establish_trust(const fs::path& home,
                                                         const Endpoint& endpoint) {
    auto root_pem = http_get(endpoint.url() + "/ca/root.pem", fetch_timeout);
    DOJANG_TRY(root_pem);
    auto chain_pem = http_get(endpoint.url() + "/ca/issuing.pem", fetch_timeout);
    DOJANG_TRY(chain_pem);
    auto roots = pkix::parse_pem_bundle(std::string(root_pem->begin(), root_pem->end()));
    DOJANG_TRY(roots);
    auto chain = pkix::parse_pem_bundle(std::string(chain_pem->begin(), chain_pem->end()));
    DOJANG_TRY(chain);
    if (roots->size() != 1 || chain->empty()) {
        return fail(ErrorKind::invalid_request,
                    "CA_CERTIFICATES_MALFORMED",
                    "the server did not serve one root and its CA chain");
    }
    // The issuing bundle may carry the root too; keep only what lies below it.
    std::vector<pkix::Certificate> below;
    for (auto& link : *chain) {
        if (X509_cmp(link.get(), roots->front().get()) != 0) {
            below.push_back(std::move(link));
        }
    }
    const fs::path folder = trust_folder(home, endpoint);
    auto state = pin(folder, endpoint, roots->front(), below);
    DOJANG_TRY(state);
    return std::make_pair(
        ServerTrust{endpoint, std::move(roots->front()), std::move(below), folder}, *state);
}

Result<ServerTrust> load_trust(const fs::path& folder) {
    auto root_pem = read_file((folder / "root.pem").string());
    if (!root_pem) {
        return fail(ErrorKind::not_found,
                    "TRUST_MISSING",
                    "no pinned root in " + folder.string() + " (신뢰할 인증기관 정보가 없습니다)");
    }
    auto root = pkix::Certificate::parse(*root_pem);
    DOJANG_TRY(root);
    std::vector<pkix::Certificate> chain;
    auto chain_pem = read_file((folder / "chain.pem").string());
    if (chain_pem) {
        auto parsed = pkix::parse_pem_bundle(std::string(chain_pem->begin(), chain_pem->end()));
        DOJANG_TRY(parsed);
        chain = std::move(*parsed);
    }
    auto url = read_file((folder / "url").string());
    DOJANG_TRY(url);
    std::string text(url->begin(), url->end());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    auto endpoint = parse_endpoint(text);
    DOJANG_TRY(endpoint);
    return ServerTrust{std::move(*endpoint), std::move(*root), std::move(chain), folder};
}

Result<ServerTrust> trust_for(const fs::path& home, X509* certificate) {
    std::error_code error;
    const fs::path servers = home / ".dojang" / "servers";
    for (const auto& entry : fs::directory_iterator(servers, error)) {
        auto trust = load_trust(entry.path());
        if (trust && issuer_of(*trust, certificate) != nullptr) {
            return trust;
        }
    }
    return fail(ErrorKind::not_found,
                "ISSUER_UNKNOWN",
                "no server known to this device issued the certificate; name it with --server "
                "(발급한 서버를 알 수 없습니다)");
}

const pkix::Certificate* issuer_of(const ServerTrust& trust, X509* certificate) {
    const auto issued = [&](const pkix::Certificate& candidate) {
        if (X509_check_issued(candidate.get(), certificate) != X509_V_OK) {
            return false;
        }
        EVP_PKEY* key = X509_get0_pubkey(candidate.get());
        const bool signed_by = key != nullptr && X509_verify(certificate, key) == 1;
        ERR_clear_error();
        return signed_by;
    };
    for (const auto& candidate : trust.chain) {
        if (issued(candidate)) {
            return &candidate;
        }
    }
    return issued(trust.root) ? &trust.root : nullptr;
}

Result<X509StorePtr> trust_store(const ServerTrust& trust) {
    X509StorePtr store(X509_STORE_new());
    if (!store || X509_STORE_add_cert(store.get(), trust.root.get()) != 1) {
        return crypto::openssl_failure(
            ErrorKind::internal, "TRUST_STORE_FAILED", "cannot build the trust store");
    }
    return store;
}

STACK_OF(X509) * chain_stack(const ServerTrust& trust) {
    STACK_OF(X509)* stack = sk_X509_new_null();
    if (stack == nullptr) {
        return nullptr;
    }
    for (const auto& link : trust.chain) {
        if (X509_up_ref(link.get()) != 1 || sk_X509_push(stack, link.get()) <= 0) {
            sk_X509_pop_free(stack, X509_free);
            return nullptr;
        }
    }
    return stack;
}

}  // namespace dojang::cmpclient
