// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Certificate::parse() on arbitrary bytes, then what callers read from it.
#include "dojang/pkix/pkix.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const dojang::Bytes input(data, data + size);
    auto certificate = dojang::pkix::Certificate::parse(input);
    if (!certificate) {
        if (certificate.error().kind != dojang::ErrorKind::invalid_request) {
            __builtin_trap();
        }
        return 0;
    }
    (void)certificate->serial();
    (void)certificate->not_before();
    (void)certificate->not_after();
    (void)certificate->subject();
    (void)dojang::pkix::name_to_display(X509_get_issuer_name(certificate->get()));
    // What parses as DER re-encodes to DER that parses again.
    auto der = certificate->der();
    if (!der || !dojang::pkix::is_der(*der) || !dojang::pkix::Certificate::parse(*der)) {
        __builtin_trap();
    }
    return 0;
}
