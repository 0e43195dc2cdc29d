// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/templates.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

namespace dojang::notify {
namespace {

constexpr std::array all_kinds{TemplateKind::otp,
                               TemplateKind::approved,
                               TemplateKind::rejected,
                               TemplateKind::security_notice,
                               TemplateKind::issued,
                               TemplateKind::expiry_reminder,
                               TemplateKind::authorization_code,
                               TemplateKind::cancelled,
                               TemplateKind::revoked};
constexpr std::array all_languages{Language::ko, Language::en};

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/// The variable name of a `{name}` starting at text[at], or nullopt for a literal brace.
std::optional<std::string_view> variable_at(std::string_view text, std::size_t at) {
    const std::size_t close = text.find('}', at + 1);
    if (close == std::string_view::npos || close == at + 1) {
        return std::nullopt;
    }
    const std::string_view name = text.substr(at + 1, close - at - 1);
    if (!std::all_of(name.begin(), name.end(), is_name_char)) {
        return std::nullopt;
    }
    return name;
}

/// Appends the names of `text` to `names`.
void collect(std::string_view text, std::set<std::string>& names) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') {
            continue;
        }
        if (auto name = variable_at(text, i)) {
            names.emplace(*name);
            i += name->size() + 1;
        }
    }
}

Result<std::string> fill(std::string_view text,
                         const std::map<std::string, std::string>& vars,
                         TemplateKind kind) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{') {
            if (auto name = variable_at(text, i)) {
                const auto value = vars.find(std::string(*name));
                if (value == vars.end()) {
                    return fail(ErrorKind::invalid_request,
                                "TEMPLATE_VARIABLE_MISSING",
                                "the " + std::string(to_string(kind)) + " notification needs '" +
                                    std::string(*name) + "'");
                }
                out += value->second;
                i += name->size() + 1;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

}  // namespace

std::string_view to_string(TemplateKind kind) {
    switch (kind) {
        case TemplateKind::otp:
            return "otp";
        case TemplateKind::approved:
            return "approved";
        case TemplateKind::rejected:
            return "rejected";
        case TemplateKind::security_notice:
            return "security_notice";
        case TemplateKind::issued:
            return "issued";
        case TemplateKind::expiry_reminder:
            return "expiry_reminder";
        case TemplateKind::authorization_code:
            return "authorization_code";
        case TemplateKind::cancelled:
            return "cancelled";
        case TemplateKind::revoked:
            return "revoked";
    }
    return "otp";
}

std::string_view to_string(Language language) {
    switch (language) {
        case Language::ko:
            return "ko";
        case Language::en:
            return "en";
    }
    return "ko";
}

Result<TemplateKind> template_kind_from_string(std::string_view text) {
    for (const TemplateKind kind : all_kinds) {
        if (to_string(kind) == text) {
            return kind;
        }
    }
    return fail(ErrorKind::invalid_request,
                "TEMPLATE_UNKNOWN",
                "unknown notification '" + std::string(text) + "'");
}

Result<Language> language_from_string(std::string_view text) {
    for (const Language language : all_languages) {
        if (to_string(language) == text) {
            return language;
        }
    }
    return fail(ErrorKind::invalid_request,
                "LANGUAGE_UNKNOWN",
                "unknown language '" + std::string(text) + "' (ko or en)");
}

const Templates& Templates::builtin() {
    static const Templates templates(builtin_texts());
    return templates;
}

const TemplateText* Templates::find(TemplateKind kind, Language language) const {
    for (const TemplateText& text : texts_) {
        if (text.kind == kind && text.language == language) {
            return &text;
        }
    }
    return nullptr;
}

Result<Rendered> Templates::render(TemplateKind kind,
                                   Language language,
                                   const std::map<std::string, std::string>& vars) const {
    const TemplateText* text = find(kind, language);
    if (text == nullptr) {
        return fail(ErrorKind::internal,
                    "TEMPLATE_UNKNOWN",
                    "no " + std::string(to_string(language)) + " text for the " +
                        std::string(to_string(kind)) + " notification");
    }
    auto subject = fill(text->subject, vars, kind);
    DOJANG_TRY(subject);
    auto body = fill(text->body, vars, kind);
    DOJANG_TRY(body);
    return Rendered{std::move(*subject), std::move(*body)};
}

std::vector<std::string> Templates::variables(TemplateKind kind, Language language) const {
    std::set<std::string> names;
    if (const TemplateText* text = find(kind, language)) {
        collect(text->subject, names);
        collect(text->body, names);
    }
    return {names.begin(), names.end()};
}

}  // namespace dojang::notify
