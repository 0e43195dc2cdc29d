// SPDX-License-Identifier: Apache-2.0
// Test helper for tests/crash/crash.sh.
//   crash_issuer issue DATA CSR   issues forever, printing each serial once it is committed
//   crash_issuer check DATA       checks every certificate row after a crash
#include "dojang/ca/issuer.hpp"

#include <openssl/x509.h>

#include <iostream>

#include "data_dir.hpp"

namespace {

using namespace dojang;

int issue_forever(const std::string& data, const std::string& csr_file) {
    auto csr = read_file(csr_file);
    auto installation = app::open(data, true, "crash test");
    if (!csr || !installation) {
        std::cerr << "cannot open " << data << "\n";
        return 1;
    }
    SystemClock clock;
    auto issuer = ca::Issuer::create(*installation->issuing,
                                     installation->config.profiles,
                                     {installation->config.server.base_url},
                                     *installation->database,
                                     clock);
    if (!issuer) {
        std::cerr << issuer.error().describe() << "\n";
        return 1;
    }
    ca::IssueRequest request;
    request.csr = *csr;
    for (;;) {
        auto issued = issuer->issue(request);
        if (!issued) {
            std::cerr << issued.error().describe() << "\n";
            return 1;
        }
        std::cout << issued->serial.hex() << std::endl;  // flushed: only committed serials appear
    }
}

/// Every issued or revoked row holds a certificate whose serial and TBSCertificate are the
/// ones recorded before signing; intended rows hold none.
int check(const std::string& data) {
    auto installation = app::open(data, false);
    if (!installation) {
        std::cerr << installation.error().describe() << "\n";
        return 1;
    }
    std::vector<store::CertificateRecord> rows;
    auto read = installation->database->transact([&](store::Transaction& tx) -> Result<void> {
        auto listed = tx.certificates().list(std::nullopt, 100000000, 0);
        DOJANG_TRY(listed);
        rows = std::move(*listed);
        return ok();
    });
    if (!read) {
        std::cerr << read.error().describe() << "\n";
        return 1;
    }
    std::size_t issued = 0;
    std::size_t intended = 0;
    int problems = 0;
    for (const auto& row : rows) {
        if (row.status == domain::CertificateStatus::intended) {
            ++intended;
            if (!row.der.empty()) {
                std::cerr << row.serial.hex() << ": intended row holds a certificate\n";
                ++problems;
            }
            continue;
        }
        ++issued;
        auto certificate = pkix::Certificate::parse(row.der);
        if (!certificate) {
            std::cerr << row.serial.hex() << ": issued row without a valid certificate\n";
            ++problems;
            continue;
        }
        unsigned char* tbs = nullptr;
        const int length = i2d_re_X509_tbs(certificate->get(), &tbs);
        const bool same_tbs = length > 0 && Bytes(tbs, tbs + length) == row.tbs;
        OPENSSL_free(tbs);
        if (certificate->serial()->hex() != row.serial.hex() || !same_tbs) {
            std::cerr << row.serial.hex() << ": certificate differs from the recorded intent\n";
            ++problems;
        }
    }
    std::cout << "rows " << rows.size() << " issued " << issued << " intended " << intended
              << " problems " << problems << "\n";
    return problems == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "issue") {
        return issue_forever(args[1], args[2]);
    }
    if (args.size() == 2 && args[0] == "check") {
        return check(args[1]);
    }
    std::cerr << "usage: crash_issuer issue DATA CSR | crash_issuer check DATA\n";
    return 2;
}
