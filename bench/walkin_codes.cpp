// SPDX-License-Identifier: Apache-2.0
// walkin_codes: prepares approved applications for bench/run's issuance-over-the-protocols rows.
// It opens a data directory (while no dojangd serve runs on it) and registers --count holders
// verified in person through ra::ReissueService::register_walk_in, the code behind
// `dojangd admin applications register`, without starting a process and decrypting the CA key
// for each one. Each holder has their own resident number, phone and e-mail, and no old
// certificate (reason forgot_password). Writes one line per application to --out:
// "reference_number authorization_code" (the code with its hyphens), and a RESULT line to stdout.
// Asserts nothing.
#include "dojang/ra/reissue.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "authority.hpp"
#include "data_dir.hpp"

int main(int argc, char** argv) {
    using namespace dojang;
    CLI::App cli{"walkin_codes: approved walk-in applications for the issuance benches"};
    std::string data;
    std::string out_path;
    int count = 1000;
    int first = 0;
    cli.add_option("--data", data, "initialised data directory (dojangd init)")->required();
    cli.add_option("--out", out_path, "file for the 'reference code' lines")->required();
    cli.add_option("--count", count, "applications to register")->check(CLI::Range(1, 900000));
    cli.add_option("--first", first, "number of the first holder (keeps numbers unique)")
        ->check(CLI::Range(0, 999999));
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return cli.exit(error);
    }
    if (first + count > 1000000) {
        std::cerr << "walkin_codes: holder numbers have six digits: --first + --count <= 1000000\n";
        return 2;
    }

    auto installation = app::open(data, true, "bench walk-in applications");
    if (!installation) {
        std::cerr << "walkin_codes: " << installation.error().describe() << "\n";
        return 1;
    }
    SystemClock clock;
    auto authority = app::open_registration_authority(*installation, clock);
    if (!authority) {
        std::cerr << "walkin_codes: " << authority.error().describe() << "\n";
        return 1;
    }
    ra::ReissueService& service = (*authority)->reissue;

    std::ofstream out(out_path, std::ios::trunc);
    if (!out) {
        std::cerr << "walkin_codes: cannot write " << out_path << "\n";
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    for (int index = first; index < first + count; ++index) {
        char digits[16];
        ra::WalkInRequest request;
        request.name = "벤치" + std::to_string(index);
        std::snprintf(digits, sizeof digits, "0107%07d", index);
        request.phone = digits;
        request.email = "bench" + std::to_string(index) + "@example.com";
        // YYMMDD, the century digit (1: born in the 1900s), six digits of our own.
        std::snprintf(digits, sizeof digits, "8001011%06d", index);
        request.resident_number = digits;
        request.reason = domain::ReissueReason::forgot_password;
        request.officer = "bench";
        auto codes = service.register_walk_in(request);
        if (!codes) {
            std::cerr << "walkin_codes: application " << index << ": " << codes.error().describe()
                      << "\n";
            return 1;
        }
        out << codes->reference_number << ' ' << codes->authorization_code << '\n';
    }
    out.close();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("RESULT walkin count=%d seconds=%.2f per_second=%.1f\n",
                count,
                seconds,
                seconds > 0 ? count / seconds : 0.0);
    return out ? 0 : 1;
}
