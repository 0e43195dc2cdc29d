// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Responder::answer() on arbitrary bytes. Every answer is an OCSPResponse,
// and `good` is said only for a DER request whose CertIDs all name our issuer and its serial.
#include "dojang/ocsp/test_fuzz_responder.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static dojang::ocsp::fuzzing::Rig rig;
    const dojang::Bytes request = rig.with_run_values(dojang::Bytes(data, data + size));
    const auto answer = rig.responder().answer(request);
    if (!answer.der) {
        __builtin_trap();
    }
    const auto reading = dojang::ocsp::fuzzing::read_response(*answer.der);
    if (!reading.parsed) {
        __builtin_trap();
    }
    if (reading.status == OCSP_RESPONSE_STATUS_SUCCESSFUL && reading.any_good &&
        !rig.is_for_our_certificate(request)) {
        __builtin_trap();
    }
    return 0;
}
