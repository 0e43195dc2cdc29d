// SPDX-License-Identifier: Apache-2.0
#include "dojang/dto/dto.hpp"

#include <gtest/gtest.h>

namespace dojang::dto {
namespace {

TEST(CertificateRequest, ParsesFieldsAndReportsEveryProblem) {
    auto good = parse_certificate_request(
        R"({"reference_number":"1234567890","authorization_code":"1111-2222-3333-4444","csr":"PEM"})");
    ASSERT_TRUE(good.has_value());
    EXPECT_EQ(good->reference_number, "1234567890");
    EXPECT_FALSE(good->random_num.has_value());
    auto bad = parse_certificate_request(R"({"reference_number":12,"csr":"PEM"})");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, "BODY_INVALID");
    EXPECT_EQ(bad.error().violations.size(), 2U);
    EXPECT_EQ(parse_certificate_request("[1,2]").error().code, "BODY_INVALID");
    EXPECT_EQ(parse_certificate_request("{not json").error().code, "BODY_INVALID");
}

TEST(Problem, CarriesCodeTitlesAndViolations) {
    Error error{ErrorKind::policy_rejected,
                "POLICY_REJECTED",
                "bad request",
                "secret cause",
                {{"RSA_KEY_TOO_SMALL", "too small"}}};
    const ErrorEntry entry{"POLICY_REJECTED",
                           422,
                           "Request refused",
                           "요청 거부",
                           "Use RSA-2048",
                           "RSA-2048을 쓰십시오"};
    const std::string json = problem_json(error, 422, &entry);
    EXPECT_NE(json.find(R"("code":"POLICY_REJECTED")"), std::string::npos);
    EXPECT_NE(json.find(R"("status":422)"), std::string::npos);
    EXPECT_NE(json.find("RSA_KEY_TOO_SMALL"), std::string::npos);
    EXPECT_NE(json.find("요청 거부"), std::string::npos);
    EXPECT_EQ(json.find("secret cause"), std::string::npos);  // causes stay in the logs
}

ApplicationRequest company_by_proxy() {
    ApplicationRequest request;
    request.holder_type = "corporate";
    request.reason = "expired";
    request.name = "주식회사 도장";
    request.business_number = "1234567890";
    request.representative_name = "김대표";
    request.proxy_name = "이대리";
    request.proxy_phone = "010-9876-5432";
    request.phone = "010-1234-5678";
    request.email = "ceo@dojang.example";
    request.channel = "email";
    request.old_serial = "0a1b";
    return request;
}

TEST(ApplicationRequest, WrittenAsTheServerReadsIt) {
    const ApplicationRequest company = company_by_proxy();
    EXPECT_EQ(parse_application_request(to_json(company)), company);

    ApplicationRequest person;
    person.holder_type = "individual";
    person.reason = "forgot_password";
    person.name = "홍길동";
    person.birth_date = "1990-01-01";
    person.resident_number = "900101-1234567";
    person.phone = "010-1234-5678";
    person.email = "hong@example.com";
    person.channel = "sms";
    const std::string json = to_json(person);
    EXPECT_EQ(parse_application_request(json), person);
    // Empty optional members are left out, as the holder client always sent them.
    EXPECT_EQ(json.find("old_serial"), std::string::npos);
    EXPECT_EQ(json.find("proxy"), std::string::npos);
    EXPECT_EQ(json.find("business_number"), std::string::npos);
}

TEST(ApplicationRequest, RefusesAProxyWithoutItsPhone) {
    auto bad = parse_application_request(
        R"({"holder_type":"individual","reason":"expired","name":"홍길동",)"
        R"("phone":"010","email":"e","proxy":{"name":"이대리"}})");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, "BODY_INVALID");
    ASSERT_EQ(bad.error().violations.size(), 1U);
    EXPECT_EQ(bad.error().violations[0].detail, "phone is required");
}

TEST(OtpRequest, VerifyAndResendBodiesRoundTrip) {
    const OtpRequest verify{"123456", std::nullopt};
    EXPECT_EQ(to_json(verify), R"({"code":"123456"})");
    EXPECT_EQ(parse_otp_request(to_json(verify), true), verify);
    // An empty entry stays a code, so that the server counts it as a wrong one.
    EXPECT_EQ(to_json(OtpRequest{"", std::nullopt}), R"({"code":""})");
    const OtpRequest resend{std::nullopt, "email"};
    EXPECT_EQ(to_json(resend), R"({"channel":"email"})");
    EXPECT_EQ(parse_otp_request(to_json(resend), false), resend);
    EXPECT_EQ(to_json(OtpRequest{}), "{}");
}

TEST(OtpRequest, RefusesACodeThatIsNotAString) {
    auto bad = parse_otp_request(R"({"code":123456})", true);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, "BODY_INVALID");
    EXPECT_EQ(bad.error().violations.at(0).detail, "code must be a string");
    EXPECT_EQ(parse_otp_request("{}", true).error().violations.at(0).code, "FIELD_MISSING");
}

TEST(Problem, RoundTripsThroughTheClientsParser) {
    Error error{ErrorKind::unauthenticated,
                "OTP_INVALID",
                "the code is wrong",
                "secret cause",
                {{"ATTEMPTS_LEFT", "4"}},
                std::chrono::seconds{30}};
    const ErrorEntry entry{
        "OTP_INVALID", 401, "Wrong code", "코드가 틀립니다", "Type it again", "다시 입력하십시오"};
    auto parsed = parse_problem(problem_json(error, 401, &entry));
    ASSERT_TRUE(parsed.has_value());
    const Problem expected{"/api/v1/errors#OTP_INVALID",
                           "Wrong code",
                           "코드가 틀립니다",
                           401,
                           "OTP_INVALID",
                           "the code is wrong",
                           "Type it again",
                           "다시 입력하십시오",
                           30,
                           {{"ATTEMPTS_LEFT", "4"}}};
    EXPECT_EQ(*parsed, expected);
}

TEST(Problem, RefusesABodyThatIsNoObjectAndIgnoresMistypedMembers) {
    auto html = parse_problem("<html>502 Bad Gateway</html>");
    ASSERT_FALSE(html.has_value());
    EXPECT_EQ(html.error().code, "RESPONSE_MALFORMED");
    EXPECT_EQ(html.error().kind, ErrorKind::internal);
    // RFC 9457 section 3.1: a member of the wrong type is ignored, the others are kept.
    auto mistyped = parse_problem(R"({"code":"BUSY","status":"503","title":7,"violations":{}})");
    ASSERT_TRUE(mistyped.has_value());
    EXPECT_EQ(mistyped->code, "BUSY");
    EXPECT_EQ(mistyped->status, 0U);
    EXPECT_EQ(mistyped->title, "");
    EXPECT_TRUE(mistyped->violations.empty());
}

TEST(ApplicationResponse, RoundTripsInTheServersShape) {
    const ApplicationResponse created{
        "a0123", "token", "sms", "2026-01-01T00:05:00Z", "a code was sent", "보냈습니다"};
    const std::string json = to_json(created);
    EXPECT_EQ(json,
              R"({"application_id":"a0123","status":"submitted","status_token":"token",)"
              R"("channel":"sms","code_expires_at":"2026-01-01T00:05:00Z",)"
              R"("message":{"en":"a code was sent","ko":"보냈습니다"}})");
    EXPECT_EQ(parse_application_response(json), created);
}

TEST(ApplicationResponse, RefusesAnAnswerWithoutItsToken) {
    auto bad = parse_application_response(R"({"application_id":"a0123","message":"hi"})");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().kind, ErrorKind::internal);
    EXPECT_EQ(bad.error().code, "RESPONSE_MALFORMED");
    const std::vector<Violation> expected{
        {"FIELD_MISSING", "status_token is required"},
        {"FIELD_MISSING", "channel is required"},
        {"FIELD_MISSING", "code_expires_at is required"},
        {"FIELD_INVALID", "message must be an object"},
    };
    EXPECT_EQ(bad.error().violations, expected);
    EXPECT_EQ(parse_application_response("[]").error().code, "RESPONSE_MALFORMED");
}

TEST(OtpVerifyResponse, RoundTripsWithCodesOrDocuments) {
    const OtpVerifyResponse approved{
        "a0123",
        "approved",
        CodesEntry{"1234567890", "1111-2222-3333-4444", "2026-01-08T00:00:00Z"},
        {},
        {}};
    EXPECT_EQ(to_json(approved),
              R"({"application_id":"a0123","status":"approved","reference_number":"1234567890",)"
              R"("authorization_code":"1111-2222-3333-4444","expires_at":"2026-01-08T00:00:00Z"})");
    EXPECT_EQ(parse_otp_verify_response(to_json(approved)), approved);
    const OtpVerifyResponse in_review{
        "a0123", "in_review", std::nullopt, {"power_of_attorney", "proxy_id"}, {}};
    EXPECT_EQ(to_json(in_review),
              R"({"application_id":"a0123","status":"in_review",)"
              R"("required_documents":["power_of_attorney","proxy_id"]})");
    EXPECT_EQ(parse_otp_verify_response(to_json(in_review)), in_review);
    const OtpVerifyResponse opened{"a0123", "rejected", std::nullopt, {"proxy_id"}, "5e"};
    EXPECT_EQ(to_json(opened),
              R"({"application_id":"a0123","status":"rejected",)"
              R"("required_documents":["proxy_id"],"status_token":"5e"})");
    EXPECT_EQ(parse_otp_verify_response(to_json(opened)), opened);
}

TEST(OtpVerifyResponse, RefusesCodesWithoutTheAuthorizationCode) {
    auto bad = parse_otp_verify_response(
        R"({"application_id":"a0123","status":"approved","reference_number":"1234567890",)"
        R"("expires_at":"2026-01-08T00:00:00Z"})");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, "RESPONSE_MALFORMED");
    ASSERT_EQ(bad.error().violations.size(), 1U);
    EXPECT_EQ(bad.error().violations[0].detail, "authorization_code is required");
    auto no_documents = parse_otp_verify_response(
        R"({"application_id":"a0123","status":"in_review","required_documents":[1]})");
    ASSERT_FALSE(no_documents.has_value());
    EXPECT_EQ(no_documents.error().violations.at(0).detail,
              "required_documents must be an array of strings");
}

ApplicationStatusResponse rejected_status() {
    ApplicationStatusResponse status;
    status.application_id = "a0123";
    status.status = "rejected";
    status.holder_type = "corporate";
    status.reason = "expired";
    status.events = {{"2026-01-01T00:00:00Z", "submitted", ""},
                     {"2026-01-01T00:01:00Z", "verified", "sms"}};
    status.messages = {{"sms", "sent", 1, "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z"},
                       {"email", "pending", 0, "2026-01-01T00:03:00Z", std::nullopt}};
    status.required_documents = {"business_registration", "representative_id"};
    status.documents = {{"business_registration",
                         "application/pdf",
                         1234,
                         "ab12",
                         "2026-01-01T00:02:00Z",
                         std::nullopt}};
    status.review = RejectionEntry{"rejected", "unreadable_document", "scan it again"};
    return status;
}

TEST(ApplicationStatusResponse, RoundTripsInTheServersShape) {
    const ApplicationStatusResponse status = rejected_status();
    const std::string json = to_json(status);
    EXPECT_EQ(json,
              R"({"application_id":"a0123","status":"rejected","holder_type":"corporate",)"
              R"("reason":"expired","events":[{"at":"2026-01-01T00:00:00Z","kind":"submitted",)"
              R"("detail":""},{"at":"2026-01-01T00:01:00Z","kind":"verified","detail":"sms"}],)"
              R"("messages":[{"channel":"sms","status":"sent","attempts":1,)"
              R"("created_at":"2026-01-01T00:00:00Z","sent_at":"2026-01-01T00:00:02Z"},)"
              R"({"channel":"email","status":"pending","attempts":0,)"
              R"("created_at":"2026-01-01T00:03:00Z","sent_at":null}],)"
              R"("required_documents":["business_registration","representative_id"],)"
              R"("documents":[{"kind":"business_registration","media_type":"application/pdf",)"
              R"("size":1234,"sha256":"ab12","uploaded_at":"2026-01-01T00:02:00Z"}],)"
              R"("review":{"decision":"rejected","reason":"unreadable_document",)"
              R"("text":"scan it again"}})");
    EXPECT_EQ(parse_application_status_response(json), status);

    ApplicationStatusResponse approved = rejected_status();
    approved.status = "approved";
    approved.review.reset();
    approved.codes = CodesEntry{"1234567890", "1111-2222-3333-4444", "2026-01-08T00:00:00Z"};
    const std::string with_codes = to_json(approved);
    EXPECT_NE(with_codes.find(R"("codes":{"reference_number":"1234567890",)"), std::string::npos);
    EXPECT_EQ(parse_application_status_response(with_codes), approved);
}

TEST(ApplicationStatusResponse, NamesEveryMalformedMemberWithItsPlace) {
    auto bad = parse_application_status_response(
        R"({"application_id":"a0123","status":"in_review","holder_type":"corporate",)"
        R"("reason":"expired","events":[{"kind":"submitted","detail":""},7],)"
        R"("messages":[{"channel":"sms","status":"sent","attempts":"1",)"
        R"("created_at":"2026-01-01T00:00:00Z","sent_at":null}],)"
        R"("required_documents":[],"documents":{},"codes":{"reference_number":"1"}})");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, "RESPONSE_MALFORMED");
    const std::vector<Violation> expected{
        {"FIELD_MISSING", "events[0].at is required"},
        {"FIELD_INVALID", "events[1] must be an object"},
        {"FIELD_INVALID", "messages[0].attempts must be an integer"},
        {"FIELD_INVALID", "documents must be an array"},
        {"FIELD_MISSING", "codes.authorization_code is required"},
        {"FIELD_MISSING", "codes.expires_at is required"},
    };
    EXPECT_EQ(bad.error().violations, expected);
}

// The answers only the server writes: the shapes it wrote before the wire types, member order
// included (the officers' review page shows members in that order).
TEST(ServerAnswers, KeepTheirShapes) {
    EXPECT_EQ(to_json(ConfirmResponse{"0a1b"}), R"({"status":"confirmed","serial":"0a1b"})");
    EXPECT_EQ(to_json(OtpResendResponse{"a0123", "email", "2026-01-01T00:05:00Z"}),
              R"({"application_id":"a0123","channel":"email",)"
              R"("code_expires_at":"2026-01-01T00:05:00Z"})");
    EXPECT_EQ(to_json(DocumentEntry{
                  "proxy_id", "image/png", 10, "ab", "2026-01-01T00:02:00Z", std::nullopt}),
              R"({"kind":"proxy_id","media_type":"image/png","size":10,"sha256":"ab",)"
              R"("uploaded_at":"2026-01-01T00:02:00Z"})");
    EXPECT_EQ(to_json(SignInResponse{"kim", "csrf", "2026-01-01T08:00:00Z"}),
              R"({"officer":"kim","csrf_token":"csrf","expires_at":"2026-01-01T08:00:00Z"})");
    EXPECT_EQ(to_json(DecisionResponse{"a0123", "awaiting_second_approval"}),
              R"({"id":"a0123","status":"awaiting_second_approval"})");
    EXPECT_EQ(to_json(UnlockResponse{"lee"}), R"({"username":"lee","status":"unlocked"})");

    const DocumentEntry document{"proxy_id",
                                 "image/png",
                                 10,
                                 "ab",
                                 "2026-01-01T00:02:00Z",
                                 "/api/v1/reviews/a0123/documents/proxy_id"};
    const std::string document_json =
        R"({"kind":"proxy_id","media_type":"image/png","size":10,"sha256":"ab",)"
        R"("uploaded_at":"2026-01-01T00:02:00Z","url":"/api/v1/reviews/a0123/documents/proxy_id"})";
    EXPECT_EQ(to_json(document), document_json);
    EXPECT_EQ(to_json(std::vector<ReviewQueueEntry>{{"a0123",
                                                     "individual",
                                                     "홍길동",
                                                     "lost_device",
                                                     "in_review",
                                                     "2026-01-01T00:00:00Z",
                                                     {document}}}),
              R"({"items":[{"id":"a0123","holder_type":"individual","name":"홍길동",)"
              R"("reason":"lost_device","status":"in_review","created_at":"2026-01-01T00:00:00Z",)"
              R"("documents":[)" +
                  document_json + "]}]}");
    EXPECT_EQ(to_json(std::vector<ReviewQueueEntry>{}), R"({"items":[]})");

    ReviewDetailResponse detail;
    detail.application = {"a0123",
                          "individual",
                          "lost_device",
                          "in_review",
                          "",
                          "2026-01-01T00:00:00Z",
                          {"sms", "01012345678", "hong@example.com", "이대리", "01098765432"}};
    detail.register_entry = {"c1",
                             "individual",
                             "홍길동",
                             "1990-01-01",
                             "",
                             "",
                             "",
                             "01012345678",
                             "hong@example.com",
                             {"0a1b"}};
    detail.required_documents = {"power_of_attorney", "proxy_id"};
    detail.documents = {document};
    detail.events = {{"2026-01-01T00:00:00Z", "submitted", ""}};
    detail.approvals = {{"kim", "approve", "", "", "2026-01-01T01:00:00Z"}};
    detail.certificates = {
        {"0a1b", "revoked", "CN=x", "2027-01-01T00:00:00Z", "2026-01-01T02:00:00Z", "superseded"},
        {"0c", "unknown", "", "", "", ""}};
    EXPECT_EQ(to_json(detail),
              R"({"application":{"id":"a0123","holder_type":"individual","reason":"lost_device",)"
              R"("status":"in_review","old_serial":"","created_at":"2026-01-01T00:00:00Z",)"
              R"("applicant":{"channel":"sms","phone":"01012345678","email":"hong@example.com",)"
              R"("proxy":{"name":"이대리","phone":"01098765432"}}},)"
              R"("register":{"customer_id":"c1","holder_type":"individual","name":"홍길동",)"
              R"("birth_date":"1990-01-01","business_number":"","corporate_number":"",)"
              R"("representative":"","phone":"01012345678","email":"hong@example.com",)"
              R"("certificate_serials":["0a1b"]},)"
              R"("required_documents":["power_of_attorney","proxy_id"],"documents":[)" +
                  document_json +
                  R"(],"events":[{"at":"2026-01-01T00:00:00Z","kind":"submitted","detail":""}],)"
                  R"("approvals":[{"officer":"kim","decision":"approve","reason":"","text":"",)"
                  R"("at":"2026-01-01T01:00:00Z"}],"certificates":[{"serial":"0a1b",)"
                  R"("status":"revoked","subject":"CN=x","not_after":"2027-01-01T00:00:00Z",)"
                  R"("revoked_at":"2026-01-01T02:00:00Z","revocation_reason":"superseded"},)"
                  R"({"serial":"0c","status":"unknown"}]})");
    // Without a proxy the applicant has no "proxy" member.
    detail.application.applicant.proxy_name.clear();
    EXPECT_EQ(to_json(detail).find(R"("proxy":)"), std::string::npos);
}

}  // namespace
}  // namespace dojang::dto
