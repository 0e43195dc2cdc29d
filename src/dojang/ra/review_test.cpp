// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/review.hpp"

#include "dojang/ca/issuer.hpp"
#include "dojang/ca/test_fixtures.hpp"
#include "dojang/ra/online.hpp"
#include "dojang/ra/retention.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

namespace dojang::ra {
namespace {

const Bytes pdf = to_bytes(std::string("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"));
const Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

class ReviewTest : public ::testing::Test {
protected:
    void SetUp() override { start(1); }

    void start(std::size_t approvals, bool code_by_other_channel = false) {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
        if (!std::filesystem::exists(dir_.path() + "/register.key")) {
            ASSERT_TRUE(create_register_keys(dir_.path() + "/register.key"));
        }
        auto keys = load_register_keys(dir_.path() + "/register.key");
        ASSERT_TRUE(keys.has_value());
        ReissueSettings reissue_settings;
        reissue_settings.code_by_other_channel = code_by_other_channel;
        reissue_.emplace(*database_, *issuer_, ca_.issuing, *keys, clock_, reissue_settings);
        online_.emplace(*database_,
                        *reissue_,
                        *keys,
                        clock_,
                        OtpSettings{},
                        DocumentFiles(dir_.path() + "/documents"));
        review_.emplace(*database_,
                        *reissue_,
                        *keys,
                        DocumentFiles(dir_.path() + "/documents"),
                        clock_,
                        ReviewSettings{approvals, std::chrono::hours{8}, "https://portal"});
        store::CustomerRecord company;
        company.customer_id = "c9";
        company.holder_type = domain::HolderType::corporate;
        company.name = "주식회사 도장";
        company.business_number = "1208147521";
        company.representative = "김대표";
        company.idn_hash = *idn_hash(*keys, "1208147521");
        company.idn_ciphertext = *encrypt_idn(*keys, "1208147521");
        company.phone = "01055556666";
        company.email = "ceo@dojang.example";
        company.updated_at = clock_.now();
        ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto saved = tx.customers().upsert(company);
            DOJANG_TRY(saved);
            return ok();
        }));
        for (const auto* name : {"kim", "lee"}) {
            ASSERT_TRUE(add_officer(*database_, clock_, name, name, "correct horse 9!", false));
        }
    }

    static OnlineRequest company() {
        OnlineRequest request;
        request.holder_type = domain::HolderType::corporate;
        request.name = "주식회사 도장";
        request.business_number = "120-81-47521";
        request.phone = "010-5555-6666";
        request.email = "ceo@dojang.example";
        request.channel = "email";
        return request;
    }

    /// The body of the applicant's message whose dedupe key starts with `prefix`, or empty.
    std::string message_body(const std::string& application_id, const std::string& prefix) {
        std::string body;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto messages = tx.outbox().for_application(application_id);
            DOJANG_TRY(messages);
            for (const auto& message : *messages) {
                if (message.dedupe_key.starts_with(prefix)) {
                    body = message.body;
                }
            }
            return ok();
        }));
        return body;
    }

    std::string sent_code(const std::string& application_id) {
        std::vector<store::OutboxMessage> messages;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            messages = *tx.outbox().for_application(application_id);
            return ok();
        }));
        std::smatch match;
        for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
            if (it->dedupe_key.starts_with("otp:") &&
                std::regex_search(it->body, match, std::regex("[0-9]{6}"))) {
                return match.str();
            }
        }
        return {};
    }

    /// A company application past its code, with its documents uploaded.
    OnlineCreated in_review(bool with_documents = true) {
        auto created = online_->apply(company());
        EXPECT_TRUE(created.has_value()) << created.error().describe();
        auto verified =
            online_->verify(created->application_id, sent_code(created->application_id));
        EXPECT_TRUE(verified.has_value()) << verified.error().describe();
        EXPECT_EQ(verified->status, "in_review");
        EXPECT_FALSE(verified->codes.has_value());
        EXPECT_EQ(verified->required_documents,
                  (std::vector<std::string>{"business_registration", "representative_id"}));
        if (with_documents) {
            EXPECT_TRUE(online_->upload_document(created->application_id,
                                                 created->status_token,
                                                 "business_registration",
                                                 "application/pdf",
                                                 pdf));
            EXPECT_TRUE(online_->upload_document(created->application_id,
                                                 created->status_token,
                                                 "representative_id",
                                                 "image/png",
                                                 png));
        }
        return *created;
    }

    /// A company registered at the counter whose documents the back office reviews.
    Codes walk_in_held_for_review() {
        WalkInRequest request;
        request.holder_type = domain::HolderType::corporate;
        request.name = "주식회사 도장";
        request.business_number = "120-81-47521";
        request.phone = "010-5555-6666";
        request.email = "ceo@dojang.example";
        request.reason = domain::ReissueReason::forgot_password;
        request.back_office_review = true;
        auto codes = reissue_->register_walk_in(request);
        EXPECT_TRUE(codes.has_value()) << codes.error().describe();
        return codes ? *codes : Codes{};
    }

    /// A certificate requested with `codes` and a fresh CSR.
    Result<IssuedCertificate> issue_with(const Codes& codes) {
        return reissue_->issue(CertificateRequest{codes.reference_number,
                                                  codes.authorization_code,
                                                  ca::fixtures::openssl_csr(),
                                                  std::nullopt,
                                                  std::nullopt,
                                                  npki::HashAlgorithm::sha256});
    }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
    std::optional<ReissueService> reissue_;
    std::optional<OnlineApplications> online_;
    std::optional<ReviewService> review_;
};

TEST(Documents, AreJudgedByTheirContent) {
    EXPECT_EQ(*sniff_document(pdf, "application/pdf"), "application/pdf");
    EXPECT_EQ(*sniff_document(png, ""), "image/png");
    EXPECT_EQ(*sniff_document(Bytes{0xFF, 0xD8, 0xFF, 0xE0}, "image/jpeg"), "image/jpeg");
    EXPECT_EQ(sniff_document(to_bytes(std::string("<html>")), "application/pdf").error().code,
              "DOCUMENT_TYPE_NOT_ALLOWED");
    EXPECT_EQ(sniff_document(pdf, "image/png").error().code, "DOCUMENT_TYPE_NOT_ALLOWED");
    EXPECT_EQ(sniff_document(Bytes{}, "").error().code, "DOCUMENT_EMPTY");
}

TEST_F(ReviewTest, ACompanyIsApprovedByAnOfficerAndSeesItsCodesOnce) {
    const auto created = in_review();
    auto queue =
        review_->queue(domain::ApplicationStatus::in_review, domain::HolderType::corporate);
    ASSERT_TRUE(queue.has_value());
    ASSERT_EQ(queue->size(), 1U);
    EXPECT_EQ((*queue)[0].name, "주식회사 도장");
    EXPECT_EQ((*queue)[0].documents.size(), 2U);

    auto detail = review_->detail(created.application_id);
    ASSERT_TRUE(detail.has_value());
    EXPECT_EQ(detail->customer.representative, "김대표");
    EXPECT_TRUE(detail->customer.idn_ciphertext.empty());
    auto document = review_->document(created.application_id, "business_registration");
    ASSERT_TRUE(document.has_value());
    EXPECT_EQ(document->first, pdf);
    EXPECT_EQ(document->second, "application/pdf");

    // Before the decision the status shows no codes.
    auto before = online_->status(created.application_id, created.status_token);
    ASSERT_TRUE(before.has_value());
    EXPECT_EQ(before->application.status, domain::ApplicationStatus::in_review);
    EXPECT_FALSE(before->codes.has_value());

    auto approved = review_->approve("kim", created.application_id);
    ASSERT_TRUE(approved.has_value()) << approved.error().describe();
    EXPECT_EQ(*approved, "approved");
    auto first = online_->status(created.application_id, created.status_token);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(first->codes.has_value());
    EXPECT_EQ(first->codes->reference_number.size(), 10U);
    auto second = online_->status(created.application_id, created.status_token);
    ASSERT_TRUE(second.has_value());
    EXPECT_FALSE(second->codes.has_value());

    // The codes work for the certificate: the secret behind the reference is the one shown.
    auto secret = reissue_->authorization_secret(first->codes->reference_number);
    ASSERT_TRUE(secret.has_value());
    std::string digits = first->codes->authorization_code;
    digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
    EXPECT_EQ(std::string(secret->bytes().begin(), secret->bytes().end()), digits);

    // Documents no longer change; a second decision is refused.
    EXPECT_EQ(
        online_
            ->upload_document(
                created.application_id, created.status_token, "representative_id", "image/png", png)
            .error()
            .code,
        "APPLICATION_CLOSED");
    EXPECT_EQ(review_->reject("lee", created.application_id, "other", "x").error().code,
              "APPLICATION_NOT_IN_REVIEW");
}

TEST_F(ReviewTest, DocumentsOnlyAfterTheCodeAndOnlyTheKindsRequired) {
    auto created = online_->apply(company());
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    const auto upload = [&](const char* kind) {
        return online_->upload_document(
            created->application_id, created->status_token, kind, "application/pdf", pdf);
    };
    // Before the one-time code: nothing is stored, however valid the file.
    auto early = upload("business_registration");
    ASSERT_FALSE(early.has_value());
    EXPECT_EQ(early.error().code, "DOCUMENTS_BEFORE_VERIFICATION");
    EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/documents") &&
                 !std::filesystem::is_empty(dir_.path() + "/documents"));
    ASSERT_TRUE(online_->verify(created->application_id, sent_code(created->application_id)));
    // A kind the company's application does not list (a proxy's) is refused.
    auto unlisted = upload("power_of_attorney");
    ASSERT_FALSE(unlisted.has_value());
    EXPECT_EQ(unlisted.error().code, "DOCUMENT_NOT_REQUIRED");
    EXPECT_TRUE(upload("business_registration").has_value());
}

TEST_F(ReviewTest, AProxysNameAndPhoneAreSealedAndShownToTheOfficer) {
    auto request = company();
    request.proxy_name = "김대리";
    request.proxy_phone = "010-7777-8888";
    auto created = online_->apply(request);
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    ASSERT_TRUE(online_->verify(created->application_id, sent_code(created->application_id)));
    std::optional<store::OnlineApplication> stored;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        stored = *tx.otp().find_application(created->application_id);
        return ok();
    }));
    ASSERT_TRUE(stored.has_value());
    EXPECT_TRUE(stored->proxy_name.starts_with("s1:")) << stored->proxy_name;
    EXPECT_EQ(stored->proxy_name.find("김대리"), std::string::npos);
    EXPECT_EQ(stored->proxy_phone.find("01077778888"), std::string::npos);
    auto detail = review_->detail(created->application_id);
    ASSERT_TRUE(detail.has_value()) << detail.error().describe();
    ASSERT_TRUE(detail->online.has_value());
    EXPECT_EQ(detail->online->proxy_name, "김대리");
    EXPECT_EQ(detail->online->proxy_phone, "01077778888");
    EXPECT_EQ(detail->required_documents,
              (std::vector<std::string>{
                  "business_registration", "representative_id", "power_of_attorney", "proxy_id"}));
}

TEST_F(ReviewTest, AReplacedDocumentLeavesNoFileBehind) {
    const auto created = in_review();
    const auto files_in = [&] {
        std::size_t count = 0;
        for ([[maybe_unused]] const auto& file :
             std::filesystem::directory_iterator(dir_.path() + "/documents")) {
            ++count;
        }
        return count;
    };
    ASSERT_EQ(files_in(), 2U);
    auto again = online_->upload_document(
        created.application_id, created.status_token, "representative_id", "application/pdf", pdf);
    ASSERT_TRUE(again.has_value()) << again.error().describe();
    EXPECT_EQ(files_in(), 2U);  // the PNG's file is gone, the new PDF is there
    auto detail = review_->detail(created.application_id);
    ASSERT_TRUE(detail.has_value());
    for (const auto& document : detail->documents) {
        EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/documents/" + document.stored_name))
            << document.kind;
    }
}

TEST_F(ReviewTest, OneApplicationTakesAtMostTwentyUploads) {
    const auto created = in_review();  // two uploads so far
    for (std::size_t i = 2; i < max_application_uploads; ++i) {
        ASSERT_TRUE(online_->upload_document(created.application_id,
                                             created.status_token,
                                             "business_registration",
                                             "application/pdf",
                                             pdf))
            << i;
    }
    auto refused = online_->upload_document(created.application_id,
                                            created.status_token,
                                            "business_registration",
                                            "application/pdf",
                                            pdf);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "DOCUMENT_UPLOADS_EXHAUSTED");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& file :
         std::filesystem::directory_iterator(dir_.path() + "/documents")) {
        ++files;
    }
    EXPECT_EQ(files, 2U);  // the refused upload left no file behind
}

TEST_F(ReviewTest, ApprovalNeedsTheRequiredDocuments) {
    const auto created = in_review(false);
    auto refused = review_->approve("kim", created.application_id);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "DOCUMENT_MISSING");
    EXPECT_EQ(refused.error().violations.size(), 2U);
}

TEST_F(ReviewTest, ARejectionCarriesItsReasonToTheApplicant) {
    const auto created = in_review();
    EXPECT_EQ(review_->reject("kim", created.application_id, "other", "").error().code,
              "REJECTION_REASON_INVALID");
    EXPECT_EQ(review_->reject("kim", created.application_id, "because", "").error().code,
              "REJECTION_REASON_INVALID");
    ASSERT_TRUE(review_->reject("kim", created.application_id, "unreadable_document", "흐릿함"));
    auto status = online_->status(created.application_id, created.status_token);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->application.status, domain::ApplicationStatus::rejected);
    ASSERT_TRUE(status->rejection.has_value());
    EXPECT_EQ(status->rejection->reason, "unreadable_document");
    EXPECT_FALSE(status->codes.has_value());
    bool told = false;
    for (const auto& message : status->messages) {
        told = told || message.dedupe_key.starts_with("rejected:");
    }
    EXPECT_TRUE(told);
}

TEST_F(ReviewTest, ARejectionForADocumentIsPutRightWithoutStartingOver) {
    const auto created = in_review();
    const std::string& id = created.application_id;
    ASSERT_TRUE(review_->reject("kim", id, "unreadable_document", "흐릿함"));
    // The message links to the application, which opens on any device with a fresh code.
    EXPECT_NE(message_body(id, "rejected:").find("https://portal#/continue/" + id),
              std::string::npos);
    // A stranger cannot send it back; the applicant replaces the document and resubmits.
    EXPECT_EQ(online_->resubmit(id, "0000").error().code, "STATUS_TOKEN_INVALID");
    ASSERT_TRUE(
        online_->upload_document(id, created.status_token, "representative_id", "image/png", png));
    ASSERT_TRUE(online_->resubmit(id, created.status_token));
    auto status = online_->status(id, created.status_token);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->application.status, domain::ApplicationStatus::in_review);
    EXPECT_EQ(status->events.back().kind, "resubmitted");
    auto queue =
        review_->queue(domain::ApplicationStatus::in_review, domain::HolderType::corporate);
    ASSERT_TRUE(queue.has_value());
    ASSERT_EQ(queue->size(), 1U);
    // Once back in review it is not resubmitted twice, and an officer decides again.
    EXPECT_EQ(online_->resubmit(id, created.status_token).error().code, "APPLICATION_CLOSED");
    auto approved = review_->approve("lee", id);
    ASSERT_TRUE(approved.has_value()) << approved.error().describe();
    EXPECT_EQ(*approved, "approved");
}

TEST_F(ReviewTest, ARejectionForTheDetailsTakesNoDocuments) {
    const auto created = in_review();
    ASSERT_TRUE(review_->reject("kim", created.application_id, "info_mismatch", ""));
    EXPECT_EQ(
        online_
            ->upload_document(
                created.application_id, created.status_token, "representative_id", "image/png", png)
            .error()
            .code,
        "APPLICATION_CLOSED");
    EXPECT_EQ(online_->resubmit(created.application_id, created.status_token).error().code,
              "APPLICATION_CLOSED");
}

TEST_F(ReviewTest, ADocumentMissingAfterTheRejectionKeepsItRejected) {
    const auto created = in_review(false);
    ASSERT_TRUE(online_->upload_document(created.application_id,
                                         created.status_token,
                                         "business_registration",
                                         "application/pdf",
                                         pdf));
    ASSERT_TRUE(review_->reject("kim", created.application_id, "missing_document", ""));
    auto refused = online_->resubmit(created.application_id, created.status_token);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "DOCUMENT_MISSING");
    ASSERT_EQ(refused.error().violations.size(), 1U);
    EXPECT_EQ(refused.error().violations[0].detail, "representative_id");
    EXPECT_EQ(online_->status(created.application_id, created.status_token)->application.status,
              domain::ApplicationStatus::rejected);
}

TEST_F(ReviewTest, AnApprovalBeforeARejectionDoesNotCountAfterTheResubmission) {
    start(2);
    const auto created = in_review();
    ASSERT_EQ(*review_->approve("kim", created.application_id), "awaiting_second_approval");
    ASSERT_TRUE(review_->reject("lee", created.application_id, "unreadable_document", ""));
    ASSERT_TRUE(online_->upload_document(
        created.application_id, created.status_token, "representative_id", "image/png", png));
    ASSERT_TRUE(online_->resubmit(created.application_id, created.status_token));
    EXPECT_EQ(*review_->approve("lee", created.application_id), "awaiting_second_approval");
    EXPECT_EQ(*review_->approve("kim", created.application_id), "approved");
}

TEST_F(ReviewTest, AnApprovedCompanyOpensItsApplicationOnAnotherDevice) {
    const auto created = in_review();
    ASSERT_EQ(*review_->approve("kim", created.application_id), "approved");
    // The approval message links to the application.
    EXPECT_NE(message_body(created.application_id, "approved:")
                  .find("https://portal#/continue/" + created.application_id),
              std::string::npos);
    // Shown once on the status page, and again after a fresh code.
    auto first = online_->status(created.application_id, created.status_token);
    ASSERT_TRUE(first.has_value() && first->codes.has_value());
    clock_.advance(std::chrono::minutes{2});
    ASSERT_TRUE(online_->resend(created.application_id, std::nullopt));
    auto opened = online_->verify(created.application_id, sent_code(created.application_id));
    ASSERT_TRUE(opened.has_value()) << opened.error().describe();
    EXPECT_EQ(opened->status, "approved");
    EXPECT_EQ(opened->status_token, created.status_token);
    ASSERT_TRUE(opened->codes.has_value());
    EXPECT_EQ(opened->codes->authorization_code, first->codes->authorization_code);
    EXPECT_TRUE(issue_with(*opened->codes).has_value());
}

TEST_F(ReviewTest, TheOfficerSeesTheRegistersCertificatesWithTheirStatus) {
    // The register lists one certificate of this CA, revoked, and one this CA never issued.
    auto issued = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
    ASSERT_TRUE(issued.has_value());
    ASSERT_TRUE(ca::revoke(
        *database_, clock_, issued->serial, domain::RevocationReason::key_compromise, "test"));
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto company = tx.customers().find("c9");
        DOJANG_TRY(company);
        (*company)->certificate_serials = {issued->serial.hex(), "0badc0de"};
        auto saved = tx.customers().upsert(**company);
        DOJANG_TRY(saved);
        return ok();
    }));
    const auto created = in_review();
    auto detail = review_->detail(created.application_id);
    ASSERT_TRUE(detail.has_value()) << detail.error().describe();
    ASSERT_EQ(detail->certificates.size(), 1U);
    EXPECT_EQ(detail->certificates[0].serial, issued->serial);
    EXPECT_EQ(detail->certificates[0].status, domain::CertificateStatus::revoked);
    EXPECT_EQ(detail->certificates[0].reason, domain::RevocationReason::key_compromise);
    EXPECT_TRUE(detail->certificates[0].der.empty());
    EXPECT_EQ(detail->unknown_serials, (std::vector<std::string>{"0badc0de"}));
}

TEST_F(ReviewTest, ASecondApprovalMustComeFromAnotherOfficer) {
    database_.reset();
    start(2);
    const auto created = in_review();
    EXPECT_EQ(*review_->approve("kim", created.application_id), "awaiting_second_approval");
    EXPECT_EQ(review_->approve("kim", created.application_id).error().code, "REVIEW_SAME_OFFICER");
    EXPECT_EQ(*review_->approve("lee", created.application_id), "approved");
}

TEST_F(ReviewTest, AWalkInHeldForReviewGetsItsCodesAtTheCounterAndTheyWorkAfterApproval) {
    const Codes codes = walk_in_held_for_review();
    EXPECT_TRUE(*reissue_->in_review(codes.reference_number));
    // The codes are right but do not work yet, and trying does not use them up.
    auto early = issue_with(codes);
    ASSERT_FALSE(early.has_value());
    EXPECT_EQ(early.error().code, "APPLICATION_IN_REVIEW");
    // In the console's queue (no online record, no uploaded documents: the counter has them).
    auto queue = review_->queue(std::nullopt, std::nullopt);
    ASSERT_TRUE(queue.has_value());
    ASSERT_EQ(queue->size(), 1U);
    EXPECT_EQ(queue->front().application.id, codes.application_id);
    ASSERT_TRUE(review_->detail(codes.application_id).has_value());
    EXPECT_EQ(*review_->approve("kim", codes.application_id), "approved");
    EXPECT_FALSE(*reissue_->in_review(codes.reference_number));
    // The same codes now work.
    auto issued = issue_with(codes);
    ASSERT_TRUE(issued.has_value()) << issued.error().describe();
}

TEST_F(ReviewTest, AWalkInHeldForReviewCanBeRejected) {
    const Codes codes = walk_in_held_for_review();
    ASSERT_TRUE(review_->reject("kim", codes.application_id, "info_mismatch", ""));
    EXPECT_FALSE(*reissue_->in_review(codes.reference_number));
    auto refused = issue_with(codes);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, "APPLICATION_NOT_APPROVED");
}

TEST_F(ReviewTest, TheAuthorizationCodeMayAlsoGoOverTheOtherChannel) {
    database_.reset();
    start(1, true);
    const auto created = in_review();  // the one-time code went by e-mail
    ASSERT_EQ(*review_->approve("kim", created.application_id), "approved");
    auto status = online_->status(created.application_id, created.status_token);
    ASSERT_TRUE(status.has_value() && status->codes.has_value());
    std::vector<store::OutboxMessage> messages;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        messages = *tx.outbox().for_application(created.application_id);
        return ok();
    }));
    const auto by_sms = std::find_if(messages.begin(), messages.end(), [](const auto& message) {
        return message.dedupe_key.starts_with("authorization_code:");
    });
    ASSERT_NE(by_sms, messages.end());
    EXPECT_EQ(by_sms->channel, "sms");
    EXPECT_EQ(by_sms->destination, "01055556666");
    EXPECT_NE(by_sms->body.find(status->codes->authorization_code), std::string::npos);
}

TEST_F(ReviewTest, WithoutTheSettingTheCodeIsNotSent) {
    const auto created = in_review();
    ASSERT_EQ(*review_->approve("kim", created.application_id), "approved");
    std::vector<store::OutboxMessage> messages;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        messages = *tx.outbox().for_application(created.application_id);
        return ok();
    }));
    for (const auto& message : messages) {
        EXPECT_FALSE(message.dedupe_key.starts_with("authorization_code:"));
    }
}

TEST_F(ReviewTest, OfficersSignInWithTheirPasswordOnly) {
    auto wrong = review_->sign_in("kim", "correct horse 9?");
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().code, "OFFICER_SIGN_IN_FAILED");
    auto stranger = review_->sign_in("nobody", "correct horse 9!");
    ASSERT_FALSE(stranger.has_value());
    EXPECT_EQ(stranger.error().code, "OFFICER_SIGN_IN_FAILED");
    EXPECT_EQ(stranger.error().detail, wrong.error().detail);

    auto session = review_->sign_in("kim", "correct horse 9!");
    ASSERT_TRUE(session.has_value()) << session.error().describe();
    EXPECT_EQ(*review_->authenticate(session->token, true), "kim");
    EXPECT_FALSE(review_->authenticate(session->token, false).has_value());  // not an API token
    EXPECT_EQ(review_->csrf_token(session->token), session->csrf_token);
    EXPECT_NE(review_->csrf_token("other"), session->csrf_token);
    clock_.advance(std::chrono::hours{9});
    EXPECT_FALSE(review_->authenticate(session->token, true).has_value());  // expired

    auto token = add_officer(*database_, clock_, "api", "", "another horse 9!", true);
    ASSERT_TRUE(token.has_value() && token->has_value());
    EXPECT_EQ(*review_->authenticate(**token, false), "api");
    EXPECT_EQ(
        add_officer(*database_, clock_, "Bad Name", "", "short", false).error().violations.size(),
        2U);
}

/// A sign-in one second after the last (this process checks at most 8 passwords a second).
Result<OfficerSignIn> sign_in_later(ReviewService& review,
                                    ManualClock& clock,
                                    const std::string& name,
                                    const std::string& password,
                                    const std::string& client) {
    clock.advance(std::chrono::seconds{1});
    return review.sign_in(name, password, client);
}

TEST_F(ReviewTest, RepeatedFailuresThrottleANameAndAnUnknownNameAlike) {
    for (const char* name : {"kim", "nobody"}) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            EXPECT_EQ(
                sign_in_later(
                    *review_, clock_, name, "guess " + std::to_string(attempt), "198.51.100.1")
                    .error()
                    .code,
                "OFFICER_SIGN_IN_FAILED");
        }
        // Even the right password waits now: the answer does not tell a guess that was right.
        auto throttled = sign_in_later(*review_, clock_, name, "correct horse 9!", "198.51.100.2");
        ASSERT_FALSE(throttled.has_value());
        EXPECT_EQ(throttled.error().code, "OFFICER_SIGN_IN_THROTTLED");
        EXPECT_TRUE(throttled.error().violations.empty());
        // 15 minutes after the first of the five failures, which was 5 seconds ago.
        EXPECT_EQ(throttled.error().retry_after, std::chrono::seconds{895});
    }
    clock_.advance(std::chrono::minutes{15});
    auto session = sign_in_later(*review_, clock_, "kim", "correct horse 9!", "198.51.100.2");
    ASSERT_TRUE(session.has_value()) << session.error().describe();
}

TEST_F(ReviewTest, TenFailuresInARowLockAnAccountUntilAnotherOfficerUnlocksIt) {
    for (int round = 0; round < 2; ++round) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            ASSERT_EQ(sign_in_later(*review_, clock_, "kim", "guess", "198.51.100.1").error().code,
                      "OFFICER_SIGN_IN_FAILED");
        }
        clock_.advance(std::chrono::minutes{16});
    }
    auto locked = sign_in_later(*review_, clock_, "kim", "correct horse 9!", "198.51.100.1");
    ASSERT_FALSE(locked.has_value());
    EXPECT_EQ(locked.error().code, "OFFICER_LOCKED");
    clock_.advance(std::chrono::hours{48});  // a lock does not wear off
    EXPECT_EQ(
        sign_in_later(*review_, clock_, "kim", "correct horse 9!", "198.51.100.1").error().code,
        "OFFICER_LOCKED");
    ASSERT_TRUE(review_->unlock("lee", "kim"));
    auto session = sign_in_later(*review_, clock_, "kim", "correct horse 9!", "198.51.100.1");
    ASSERT_TRUE(session.has_value()) << session.error().describe();
    std::vector<std::string> actions;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto entries = tx.audit().entries();
        DOJANG_TRY(entries);
        for (const auto& entry : *entries) {
            if (entry.action.starts_with("officer.") && entry.action != "officer.sign_in_failed" &&
                entry.action != "officer.add") {
                actions.push_back(entry.action + ":" + entry.actor);
            }
        }
        return ok();
    }));
    EXPECT_EQ(actions,
              (std::vector<std::string>{
                  "officer.locked:kim", "officer.unlock:lee", "officer.sign_in:kim"}));
}

TEST_F(ReviewTest, OneAddressGuessingManyNamesIsThrottled) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        ASSERT_EQ(sign_in_later(
                      *review_, clock_, "name" + std::to_string(attempt), "guess", "203.0.113.9")
                      .error()
                      .code,
                  "OFFICER_SIGN_IN_FAILED");
    }
    EXPECT_EQ(
        sign_in_later(*review_, clock_, "kim", "correct horse 9!", "203.0.113.9").error().code,
        "OFFICER_SIGN_IN_THROTTLED");
    EXPECT_TRUE(
        sign_in_later(*review_, clock_, "kim", "correct horse 9!", "203.0.113.10").has_value());
}

TEST_F(ReviewTest, PasswordChecksPerSecondAreBounded) {
    ReviewSettings settings;
    settings.password_checks_per_second = 2;
    auto keys = load_register_keys(dir_.path() + "/register.key");
    ASSERT_TRUE(keys.has_value());
    ReviewService bounded(
        *database_, *reissue_, *keys, DocumentFiles(dir_.path() + "/documents"), clock_, settings);
    EXPECT_EQ(bounded.sign_in("a", "x", "192.0.2.1").error().code, "OFFICER_SIGN_IN_FAILED");
    EXPECT_EQ(bounded.sign_in("b", "x", "192.0.2.2").error().code, "OFFICER_SIGN_IN_FAILED");
    auto busy = bounded.sign_in("kim", "correct horse 9!", "192.0.2.3");
    ASSERT_FALSE(busy.has_value());
    EXPECT_EQ(busy.error().code, "SIGN_IN_BUSY");
    EXPECT_EQ(busy.error().kind, ErrorKind::unavailable);
    clock_.advance(std::chrono::seconds{1});
    EXPECT_TRUE(bounded.sign_in("kim", "correct horse 9!", "192.0.2.3").has_value());
}

std::size_t audited(store::Database& database, const std::string& action) {
    std::size_t count = 0;
    EXPECT_TRUE(database.transact([&](store::Transaction& tx) -> Result<void> {
        auto entries = tx.audit().entries();
        DOJANG_TRY(entries);
        for (const auto& entry : *entries) {
            count += entry.action == action ? 1U : 0U;
        }
        return ok();
    }));
    return count;
}

TEST_F(ReviewTest, UnverifiedApplicationsAreErasedAfterADayWithEverythingTheyStored) {
    const DocumentFiles files(dir_.path() + "/documents");
    auto never = online_->apply(company());
    ASSERT_TRUE(never.has_value());
    auto stranger = company();
    stranger.business_number = "220-81-62517";
    auto other = online_->apply(stranger);
    ASSERT_TRUE(other.has_value());
    clock_.advance(std::chrono::minutes{2});
    const auto kept = in_review();  // verified: not the purge's business
    clock_.advance(std::chrono::hours{23});
    auto early = purge_expired(*database_, files, clock_, RetentionSettings{});
    ASSERT_TRUE(early.has_value()) << early.error().describe();
    EXPECT_EQ(early->applications, 0U);
    clock_.advance(std::chrono::hours{2});
    auto purged = purge_expired(*database_, files, clock_, RetentionSettings{});
    ASSERT_TRUE(purged.has_value()) << purged.error().describe();
    // The first application was cancelled by the verified one; the stranger's never verified.
    EXPECT_EQ(purged->applications, 1U);
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        EXPECT_FALSE(tx.applications().find(other->application_id)->has_value());
        EXPECT_FALSE(tx.otp().find_application(other->application_id)->has_value());
        EXPECT_FALSE(tx.otp().latest_challenge(other->application_id)->has_value());
        EXPECT_TRUE(tx.applications().events(other->application_id)->empty());
        EXPECT_TRUE(tx.outbox().for_application(other->application_id)->empty());
        EXPECT_TRUE(tx.applications().find(kept.application_id)->has_value());
        return ok();
    }));
    EXPECT_EQ(audited(*database_, "application.erase"), 1U);
}

TEST_F(ReviewTest, DocumentsOfADecidedApplicationGoAfterTheRetentionPeriod) {
    const DocumentFiles files(dir_.path() + "/documents");
    const auto created = in_review();
    ASSERT_TRUE(review_->reject("kim", created.application_id, "other", "not needed"));
    const auto files_in = [&] {
        std::size_t count = 0;
        for ([[maybe_unused]] const auto& file :
             std::filesystem::directory_iterator(dir_.path() + "/documents")) {
            ++count;
        }
        return count;
    };
    ASSERT_EQ(files_in(), 2U);
    clock_.advance(std::chrono::days{89});
    auto early = purge_expired(*database_, files, clock_, RetentionSettings{});
    ASSERT_TRUE(early.has_value());
    EXPECT_EQ(early->documents, 0U);
    EXPECT_EQ(files_in(), 2U);
    clock_.advance(std::chrono::days{2});
    auto purged = purge_expired(*database_, files, clock_, RetentionSettings{});
    ASSERT_TRUE(purged.has_value()) << purged.error().describe();
    EXPECT_EQ(purged->documents, 2U);
    EXPECT_EQ(purged->files_left, 0U);
    EXPECT_EQ(files_in(), 0U);
    auto detail = review_->detail(created.application_id);
    ASSERT_TRUE(detail.has_value());
    EXPECT_TRUE(detail->documents.empty());
    EXPECT_EQ(audited(*database_, "document.delete"), 2U);
}

}  // namespace
}  // namespace dojang::ra
