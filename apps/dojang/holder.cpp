// SPDX-License-Identifier: Apache-2.0
#include "holder.hpp"

#include "dojang/holder/password.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli_errors.hpp"

namespace dojang::holder {

Lang locale_lang() {
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') {
            return std::string_view(value).substr(0, 2) == "en" ? Lang::en : Lang::ko;
        }
    }
    return Lang::ko;
}

cmpclient::Waiter busy_countdown(const Say& say) {
    return [&say](std::chrono::seconds wait, int attempt, int max_attempts) {
        using namespace std::chrono_literals;
        for (auto left = wait; left > 0s; left -= 1s) {
            std::cerr << "\r" << say("서버가 혼잡합니다. ", "the server is busy; ") << left.count()
                      << say("초 후 다시 시도합니다 (", " s until attempt ") << attempt << "/"
                      << max_attempts << say(")   ", "   ") << std::flush;
            std::this_thread::sleep_for(1s);
        }
        std::cerr << "\r" << std::string(60, ' ') << "\r" << std::flush;
    };
}

Result<SecretBytes> new_password(const Say& say, const std::string& file) {
    auto password = read_password(file, std::string(say("새 인증서 암호: ", "new password: ")));
    DOJANG_TRY(password);
    auto strong = check_password_policy(*password);
    DOJANG_TRY(strong);
    if (file.empty()) {
        auto again = read_password(file, std::string(say("한 번 더: ", "once more: ")));
        DOJANG_TRY(again);
        if (!std::equal(password->bytes().begin(),
                        password->bytes().end(),
                        again->bytes().begin(),
                        again->bytes().end())) {
            return fail(ErrorKind::invalid_request,
                        "PASSWORD_MISMATCH",
                        "the two passwords differ (두 암호가 다릅니다)");
        }
    }
    return password;
}

int report(const Result<void>& result) {
    if (result) {
        return 0;
    }
    app::print_error(std::cerr, result.error());
    return app::exit_code(result.error().kind);
}

Result<SecretBytes> read_password(const std::string& file, const std::string& prompt) {
    if (!file.empty()) {
        auto bytes = read_file(file);
        DOJANG_TRY(bytes);
        const auto end = std::find(bytes->begin(), bytes->end(), '\n');
        bytes->erase(end, bytes->end());
        if (!bytes->empty() && bytes->back() == '\r') {
            bytes->pop_back();
        }
        return SecretBytes(std::move(*bytes));
    }
    if (isatty(STDIN_FILENO) == 0) {
        return fail(ErrorKind::invalid_request,
                    "PASSWORD_MISSING",
                    "no terminal to ask for the password; use --password-file (암호 파일을 "
                    "지정하십시오)");
    }
    std::cerr << prompt << std::flush;
    termios saved{};
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
    SecretBytes password(line);
    std::fill(line.begin(), line.end(), '\0');
    return password;
}

Result<pkix::Certificate> read_certificate(const std::string& path) {
    auto bytes = read_file(path);
    DOJANG_TRY(bytes);
    return pkix::Certificate::parse(*bytes);
}

}  // namespace dojang::holder
