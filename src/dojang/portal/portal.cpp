// SPDX-License-Identifier: Apache-2.0
#include "dojang/portal/portal.hpp"

#include "dojang/core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <utility>

namespace dojang::portal {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view prefix = "/portal/";

/// Content types of the files the portal build produces; anything else is not served.
std::optional<std::string_view> content_type_of(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    }};
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view extension = name.substr(dot);
    for (const auto& [known, type] : types) {
        if (extension == known) {
            return type;
        }
    }
    return std::nullopt;
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

/// A relative path made only of plain names: no "..", no dot files, no empty segments, no
/// escapes, no backslashes. Everything the build writes has this shape.
bool is_plain_relative_path(std::string_view path) {
    if (path.empty() || path.size() > 200) {
        return false;
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const std::string_view segment = path.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (segment.empty() || segment.front() == '.') {
            return false;
        }
        for (const char c : segment) {
            if (!is_name_char(c)) {
                return false;
            }
        }
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return true;
}

/// esbuild's `[name]-[hash]` file names: eight upper-case letters or digits before the extension.
bool has_content_hash(std::string_view name) {
    const auto slash = name.rfind('/');
    std::string_view file = slash == std::string_view::npos ? name : name.substr(slash + 1);
    const auto dot = file.find('.');
    if (dot == std::string_view::npos) {
        return false;
    }
    const std::string_view stem = file.substr(0, dot);
    const auto dash = stem.rfind('-');
    if (dash == std::string_view::npos || stem.size() - dash - 1 != 8) {
        return false;
    }
    for (const char c : stem.substr(dash + 1)) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

void add_security_headers(http::Response& response) {
    response.headers.emplace_back("Content-Security-Policy", std::string(content_security_policy));
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    response.headers.emplace_back("X-Frame-Options", "DENY");
    response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
}

http::Response finish(http::Response response, std::string_view cache_control) {
    response.headers.emplace_back("Cache-Control", std::string(cache_control));
    add_security_headers(response);
    return response;
}

http::Response not_found() {
    return finish(http::Response::text(404,
                                       "페이지를 찾을 수 없습니다. Page not found.\n"
                                       "/portal/ 에서 시작하십시오. Start at /portal/.\n"),
                  "no-store");
}

http::Response not_built() {
    auto response = http::Response::text(
        503,
        "웹 포털이 설치되지 않았습니다. The web portal is not installed on this server.\n\n"
        "The API (/api/v1) works. Operators: build the portal with Node.js and npm "
        "(`make build`), or point DOJANG_PORTAL_DIR at a built portal/dist directory.\n");
    response.headers.emplace_back("Retry-After", "3600");
    return finish(std::move(response), "no-store");
}

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad()) {
        return std::nullopt;
    }
    return std::move(out).str();
}

/// The file at `relative` inside `root`, only when its real location (symbolic links resolved)
/// is still inside the real `root` and it is a regular file.
std::optional<fs::path> contained_file(const fs::path& root, std::string_view relative) {
    std::error_code error;
    const fs::path real_root = fs::canonical(root, error);
    if (error) {
        return std::nullopt;
    }
    const fs::path real = fs::canonical(real_root / fs::path(relative), error);
    if (error) {
        return std::nullopt;
    }
    const std::string root_text = real_root.string() + "/";
    if (!real.string().starts_with(root_text) || !fs::is_regular_file(real, error)) {
        return std::nullopt;
    }
    return real;
}

/// Whether the client takes gzip: a coding "gzip" (or "x-gzip"; names are case-insensitive)
/// in Accept-Encoding whose q is not 0 (RFC 9110 §12.5.3). "*" is not taken as gzip.
bool accepts_gzip(std::string_view accept_encoding) {
    const auto trimmed = [](std::string_view text) {
        while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
            text.remove_prefix(1);
        }
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
            text.remove_suffix(1);
        }
        return text;
    };
    const auto lowered = [](std::string_view text) {
        std::string out(text);
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
            return static_cast<char>(std::tolower(c));
        });
        return out;
    };
    std::size_t start = 0;
    while (start <= accept_encoding.size()) {
        const auto comma = accept_encoding.find(',', start);
        const std::string_view item = accept_encoding.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        start = comma == std::string_view::npos ? accept_encoding.size() + 1 : comma + 1;
        auto semicolon = item.find(';');
        const std::string coding = lowered(trimmed(item.substr(0, semicolon)));
        if (coding != "gzip" && coding != "x-gzip") {
            continue;
        }
        double q = 1.0;
        while (semicolon != std::string_view::npos) {
            const auto next = item.find(';', semicolon + 1);
            const std::string_view parameter = trimmed(item.substr(
                semicolon + 1,
                next == std::string_view::npos ? std::string_view::npos : next - semicolon - 1));
            semicolon = next;
            const auto equals = parameter.find('=');
            if (equals == std::string_view::npos ||
                lowered(trimmed(parameter.substr(0, equals))) != "q") {
                continue;
            }
            const std::string_view value = trimmed(parameter.substr(equals + 1));
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), q);
            if (error != std::errc{} || end != value.data() + value.size()) {
                q = 0.0;  // an unreadable weight: not taken as a yes
            }
        }
        return q > 0.0;
    }
    return false;
}

http::Response file_response(const fs::path& root,
                             std::string_view relative,
                             std::string_view cache_control,
                             const http::Request& request) {
    const auto type = content_type_of(relative);
    auto path = type ? contained_file(root, relative) : std::nullopt;
    if (!path) {
        return not_found();
    }
    // The build writes a gzip copy beside each script, style sheet and page (<name>.gz);
    // it is sent to clients that take gzip, and the file itself to the others.
    const bool compressible = type->starts_with("text/") || *type == "application/json";
    bool gzipped = false;
    if (compressible && accepts_gzip(request.header("accept-encoding"))) {
        if (auto packed = contained_file(root, std::string(relative) + ".gz")) {
            path = std::move(packed);
            gzipped = true;
        }
    }
    std::error_code size_error;
    std::error_code time_error;
    const auto size = fs::file_size(*path, size_error);
    const auto modified = fs::last_write_time(*path, time_error);
    if (size_error || time_error) {
        return not_found();
    }
    const std::string etag = "\"" + std::to_string(size) + "-" +
                             std::to_string(modified.time_since_epoch().count()) +
                             (gzipped ? "-gz" : "") + "\"";
    auto described = [&](http::Response response) {
        response.headers.emplace_back("ETag", etag);
        if (compressible) {
            response.headers.emplace_back("Vary", "Accept-Encoding");
        }
        if (gzipped && response.status == 200) {
            response.headers.emplace_back("Content-Encoding", "gzip");
        }
        return finish(std::move(response), cache_control);
    };
    if (request.header("if-none-match") == etag) {
        return described(http::Response{304, {}, {}});
    }
    auto body = read_file(*path);
    if (!body) {
        return not_found();
    }
    return described(http::Response::bytes(200, std::string(*type), std::move(*body)));
}

http::Response config_json(const Settings& settings) {
    auto response = http::Response::bytes(200,
                                          "application/json",
                                          "{\"organisation\":" + json_quote(settings.organisation) +
                                              ",\"contact\":" + json_quote(settings.contact) + "}");
    return finish(std::move(response), "no-cache");
}

/// /portal/officer, /portal/officer/ and /portal/officer/<page> (no file extension).
bool is_officer_page(std::string_view relative) {
    if (relative == "officer" || relative == "officer/") {
        return true;
    }
    if (!relative.starts_with("officer/")) {
        return false;
    }
    const std::string_view rest = relative.substr(8);
    return rest.find('.') == std::string_view::npos &&
           is_plain_relative_path(rest.ends_with('/') ? rest.substr(0, rest.size() - 1) : rest);
}

}  // namespace

std::string default_assets_dir() {
    if (const char* configured = std::getenv("DOJANG_PORTAL_DIR");
        configured != nullptr && *configured != '\0') {
        return configured;
    }
    std::error_code error;
#ifdef DOJANG_PORTAL_BUILD_DIR
    if (fs::is_regular_file(fs::path(DOJANG_PORTAL_BUILD_DIR) / "index.html", error)) {
        return DOJANG_PORTAL_BUILD_DIR;
    }
#endif
#ifdef DOJANG_PORTAL_INSTALL_DIR
    return DOJANG_PORTAL_INSTALL_DIR;
#else
    return "/usr/local/share/dojang/portal";
#endif
}

http::Response serve(const Settings& settings, const http::Request& request) {
    const std::string_view path = request.path;
    if (path == "/portal") {
        http::Response redirect{308, {}, {}};
        redirect.headers.emplace_back("Location", "/portal/");
        return finish(std::move(redirect), "no-cache");
    }
    if (!path.starts_with(prefix)) {
        return not_found();
    }
    const std::string_view relative = path.substr(prefix.size());
    const fs::path root = settings.assets_dir.empty() ? fs::path(default_assets_dir())
                                                      : fs::path(settings.assets_dir);
    std::error_code error;
    if (!fs::is_regular_file(root / "index.html", error)) {
        return not_built();
    }
    // The certificate manager is a page of the applicant shell (#/certificates).
    if (relative.empty() || relative == "index.html" || relative == "certificates" ||
        relative == "certificates/") {
        return file_response(root, "index.html", "no-cache", request);
    }
    if (relative == "config.json") {
        return config_json(settings);
    }
    if (is_officer_page(relative)) {
        return file_response(root, "officer.html", "no-cache", request);
    }
    if (!relative.starts_with("assets/") || !is_plain_relative_path(relative)) {
        return not_found();
    }
    return file_response(
        root,
        relative,
        has_content_hash(relative) ? "public, max-age=31536000, immutable" : "no-cache",
        request);
}

void add_routes(http::Router& router, Settings settings) {
    auto shared = std::make_shared<const Settings>(std::move(settings));
    router.add("GET", "/portal", [shared](const http::Request& request) {
        return serve(*shared, request);
    });
    router.add_prefix("GET", std::string(prefix), [shared](const http::Request& request) {
        return serve(*shared, request);
    });
}

}  // namespace dojang::portal
