// SPDX-License-Identifier: Apache-2.0
#include "dojang/log/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace dojang::log {

Result<void> init(std::string_view level) {
    const auto parsed = spdlog::level::from_str(std::string(level));
    if (parsed == spdlog::level::off && level != "off") {
        return fail(
            ErrorKind::invalid_request,
            "LOG_LEVEL_INVALID",
            "log level '" + std::string(level) + "' is not trace, debug, info, warn or error");
    }
    spdlog::drop("dojangd");
    auto logger = spdlog::stderr_color_mt("dojangd");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    logger->set_level(parsed);
    spdlog::set_default_logger(logger);
    return ok();
}

}  // namespace dojang::log
