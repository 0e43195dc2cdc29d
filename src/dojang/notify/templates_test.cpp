// SPDX-License-Identifier: Apache-2.0
#include "dojang/notify/templates.hpp"

#include <gtest/gtest.h>

#include <array>

namespace dojang::notify {
namespace {

constexpr std::array kinds{TemplateKind::otp,
                           TemplateKind::approved,
                           TemplateKind::rejected,
                           TemplateKind::security_notice,
                           TemplateKind::issued,
                           TemplateKind::expiry_reminder,
                           TemplateKind::authorization_code};

TEST(Templates, RendersTheOneTimeCodeInKorean) {
    auto rendered = Templates::builtin().render(
        TemplateKind::otp, Language::ko, {{"code", "482913"}, {"minutes", "5"}});

    ASSERT_TRUE(rendered.has_value()) << rendered.error().describe();
    EXPECT_EQ(rendered->subject, "[도장] 인증번호 안내");
    EXPECT_NE(rendered->body.find("인증번호는 482913입니다"), std::string::npos);
    EXPECT_NE(rendered->body.find("5분 안에"), std::string::npos);
}

TEST(Templates, RendersTheOneTimeCodeInEnglish) {
    auto rendered = Templates::builtin().render(
        TemplateKind::otp, Language::en, {{"code", "482913"}, {"minutes", "5"}});

    ASSERT_TRUE(rendered.has_value()) << rendered.error().describe();
    EXPECT_NE(rendered->body.find("Your verification code is 482913."), std::string::npos);
    EXPECT_NE(rendered->body.find("within 5 minutes"), std::string::npos);
}

TEST(Templates, RendersTheSecurityNoticeWithTimePlaceAndContact) {
    const std::map<std::string, std::string> vars{{"reissued_at", "2026-03-02 14:05 KST"},
                                                  {"origin", "203.0.113.7"},
                                                  {"contact", "1588-0000"}};

    auto korean = Templates::builtin().render(TemplateKind::security_notice, Language::ko, vars);
    auto english = Templates::builtin().render(TemplateKind::security_notice, Language::en, vars);

    ASSERT_TRUE(korean.has_value()) << korean.error().describe();
    ASSERT_TRUE(english.has_value()) << english.error().describe();
    EXPECT_NE(korean->body.find("귀하의 인증서가 2026-03-02 14:05 KST에 재발급되었습니다"),
              std::string::npos);
    EXPECT_NE(korean->body.find("본인이 아니면 즉시 1588-0000로 연락하십시오"), std::string::npos);
    EXPECT_NE(english->body.find("Your certificate was reissued at 2026-03-02 14:05 KST from "
                                 "203.0.113.7. If this was not you, call 1588-0000"),
              std::string::npos);
}

TEST(Templates, PutsVariablesInTheSubjectToo) {
    auto rendered = Templates::builtin().render(
        TemplateKind::expiry_reminder,
        Language::ko,
        {{"days_left", "7"}, {"not_after", "2026-04-01"}, {"portal_url", "https://x.example"}});

    ASSERT_TRUE(rendered.has_value()) << rendered.error().describe();
    EXPECT_EQ(rendered->subject, "[도장] 인증서 만료 7일 전 안내");
}

TEST(Templates, RefusesAMissingVariableAndNamesIt) {
    auto rendered =
        Templates::builtin().render(TemplateKind::rejected, Language::en, {{"reason", "other"}});

    ASSERT_FALSE(rendered.has_value());
    EXPECT_EQ(rendered.error().kind, ErrorKind::invalid_request);
    EXPECT_EQ(rendered.error().code, "TEMPLATE_VARIABLE_MISSING");
    EXPECT_NE(rendered.error().detail.find("status_url"), std::string::npos);
}

TEST(Templates, HasEveryKindInBothLanguagesWithTheSameVariables) {
    for (const TemplateKind kind : kinds) {
        const auto korean = Templates::builtin().variables(kind, Language::ko);
        const auto english = Templates::builtin().variables(kind, Language::en);
        EXPECT_FALSE(korean.empty()) << to_string(kind);
        EXPECT_EQ(korean, english) << to_string(kind);
        std::map<std::string, std::string> vars;
        for (const auto& name : korean) {
            vars[name] = "x";
        }
        for (const Language language : {Language::ko, Language::en}) {
            auto rendered = Templates::builtin().render(kind, language, vars);
            ASSERT_TRUE(rendered.has_value()) << to_string(kind) << " " << to_string(language);
            EXPECT_EQ(rendered->body.find('{'), std::string::npos) << to_string(kind);
        }
    }
}

TEST(Templates, KeepsBracesThatAreNotVariables) {
    constexpr std::array texts{TemplateText{
        TemplateKind::otp, Language::en, "{ x }", "code {code} in {} and {Not-A-Name}"}};
    const Templates templates(texts);

    auto rendered = templates.render(TemplateKind::otp, Language::en, {{"code", "1"}});

    ASSERT_TRUE(rendered.has_value()) << rendered.error().describe();
    EXPECT_EQ(rendered->subject, "{ x }");
    EXPECT_EQ(rendered->body, "code 1 in {} and {Not-A-Name}");
}

TEST(Templates, ParsesAndNamesKindsAndLanguages) {
    for (const TemplateKind kind : kinds) {
        auto parsed = template_kind_from_string(to_string(kind));
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, kind);
    }
    EXPECT_EQ(language_from_string("ko").value(), Language::ko);
    EXPECT_EQ(language_from_string("en").value(), Language::en);
    EXPECT_FALSE(language_from_string("jp").has_value());
    EXPECT_FALSE(template_kind_from_string("welcome").has_value());
}

}  // namespace
}  // namespace dojang::notify
