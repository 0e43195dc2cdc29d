// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Csr::parse() on arbitrary bytes, then the proof-of-possession and policy
// checks of every built-in profile (and of the same profiles with ECDSA allowed).
#include "dojang/pkix/pkix.hpp"
#include "dojang/policy/policy.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

std::vector<dojang::policy::Profile> profiles() {
    auto all = dojang::policy::built_in_profiles("1.2.410.200005", "http://ca.example");
    const std::size_t built_in = all.size();
    for (std::size_t i = 0; i < built_in; ++i) {
        dojang::policy::Profile with_ec = all[i];
        with_ec.allow_ec = true;
        all.push_back(std::move(with_ec));
    }
    return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<dojang::policy::Profile> all_profiles = profiles();
    const dojang::Bytes input(data, data + size);
    auto csr = dojang::pkix::Csr::parse(input);
    if (!csr) {
        if (csr.error().kind != dojang::ErrorKind::invalid_request) {
            __builtin_trap();
        }
        return 0;
    }
    const bool signed_by_key = csr->has_valid_signature();
    (void)dojang::pkix::name_to_string(csr->subject());
    (void)dojang::pkix::name_to_display(csr->subject());
    for (const auto& profile : all_profiles) {
        auto violations = dojang::policy::check_request(*csr, csr->subject(), profile);
        // A request without proof of possession is never acceptable.
        if (!signed_by_key && violations.empty()) {
            __builtin_trap();
        }
        if (!violations.empty()) {
            const auto error = dojang::policy::rejection(std::move(violations));
            if (error.kind != dojang::ErrorKind::policy_rejected &&
                error.kind != dojang::ErrorKind::bad_proof_of_possession) {
                __builtin_trap();
            }
        }
    }
    return 0;
}
