// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"

#include <iosfwd>
#include <memory>
#include <string>

namespace dojang::app {

struct Installation;

/// `dojangd admin applications register`: a holder verified in person (창구 등록).
struct WalkInOptions {
    std::string data;
    std::string holder_type = "individual";
    std::string name;
    std::string phone;
    std::string email;
    std::string idn;              ///< resident number (individuals)
    std::string business_number;  ///< 사업자등록번호 (companies)
    std::string reason;
    std::string old_serial;
    bool back_office_review = false;  ///< documents reviewed in the console before the codes work
    bool json = false;
};

/// Registers an approved application and prints `reference_number: …` and
/// `authorization_code: …` (or a JSON object with those keys).
Result<void> register_walk_in(const WalkInOptions& options, const Clock& clock, std::ostream& out);

}  // namespace dojang::app
