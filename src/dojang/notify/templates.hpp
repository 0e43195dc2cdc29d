// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/error.hpp"

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::notify {

/// The notifications dojang sends.
enum class TemplateKind {
    otp,                 ///< The one-time code: {code}, {minutes}.
    approved,            ///< Application approved: {reference_hint}, {status_url}.
    rejected,            ///< Application rejected: {reason}, {status_url}.
    security_notice,     ///< Certificate reissued: {reissued_at}, {origin}, {contact}.
    issued,              ///< Certificate issued: {serial}, {not_after}.
    expiry_reminder,     ///< Certificate about to expire: {days_left}, {not_after}, {portal_url}.
    authorization_code,  ///< The 인가코드 over the other channel: {authorization_code},
                         ///< {reference_hint}, {expires_at}.
    cancelled,           ///< An earlier application replaced by a newer one: {contact}.
    revoked,             ///< A revocation application (폐지 신청) done: {serials}, {contact}.
};

/// The languages of the texts.
enum class Language { ko, en };

/// Stable lower-case names ("security_notice", "ko"), as stored and configured.
std::string_view to_string(TemplateKind kind);
std::string_view to_string(Language language);
/// Parses a name; invalid_request (TEMPLATE_UNKNOWN / LANGUAGE_UNKNOWN) otherwise.
Result<TemplateKind> template_kind_from_string(std::string_view text);
Result<Language> language_from_string(std::string_view text);

/// One text: `{name}` marks a variable; any other brace is literal.
struct TemplateText {
    TemplateKind kind;
    Language language;
    std::string_view subject;  ///< E-mail subject.
    std::string_view body;     ///< E-mail body and SMS text.
};

/// The built-in texts, every kind in every language (texts.cpp: the one place to edit them).
std::span<const TemplateText> builtin_texts();

/// A rendered notification.
struct Rendered {
    std::string subject;
    std::string body;
};

/// Renders notification texts. Immutable after construction; thread-safe.
class Templates {
public:
    /// Texts from `texts`, which must outlive this object.
    explicit Templates(std::span<const TemplateText> texts) : texts_(texts) {}
    /// The built-in Korean and English texts.
    static const Templates& builtin();

    /// The text of `kind` in `language` with every `{name}` replaced by vars[name]. A variable
    /// the text uses but `vars` lacks is invalid_request (TEMPLATE_VARIABLE_MISSING, naming
    /// it), never a silent blank; variables the text does not use are ignored. `internal` when
    /// there is no such text.
    [[nodiscard]] Result<Rendered> render(TemplateKind kind,
                                          Language language,
                                          const std::map<std::string, std::string>& vars) const;

    /// The variable names used by the text of `kind` in `language`, sorted, without repeats.
    [[nodiscard]] std::vector<std::string> variables(TemplateKind kind, Language language) const;

private:
    [[nodiscard]] const TemplateText* find(TemplateKind kind, Language language) const;
    std::span<const TemplateText> texts_;
};

}  // namespace dojang::notify
