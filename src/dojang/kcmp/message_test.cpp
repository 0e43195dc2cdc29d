// SPDX-License-Identifier: Apache-2.0
#include "dojang/kcmp/message.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/testing/testing.hpp"

#include <gtest/gtest.h>
#include <openssl/cmp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>

namespace dojang::kcmp {
namespace {

Bytes sample_ir() {
    auto bytes = read_file(testing::vectors_dir() + "/kr-cmp/initech_sample_ir.der");
    EXPECT_TRUE(bytes) << "missing tests/vectors/kr-cmp/initech_sample_ir.der";
    return bytes ? *bytes : Bytes{};
}

/// DER of the Name "CN=dojang test CA", made by OpenSSL.
Bytes ca_name() {
    crypto::Owned<X509_NAME, X509_NAME_free> name(X509_NAME_new());
    X509_NAME_add_entry_by_txt(name.get(),
                               "CN",
                               MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("dojang test CA"),  // NOLINT
                               -1,
                               -1,
                               0);
    auto der = crypto::to_der(static_cast<const X509_NAME*>(name.get()), i2d_X509_NAME);
    EXPECT_TRUE(der);
    return der ? *der : Bytes{};
}

const SecretBytes code(std::string_view("1234567890123456"));

std::string to_string(const Bytes& bytes) {
    return {bytes.begin(), bytes.end()};
}

bool contains(const Bytes& haystack, std::string_view text) {
    const Bytes needle = to_bytes(text);
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

TEST(KoreanMessage, ReadsTheRealSampleIrAsTheKoreanProfile) {
    auto message = read_message(sample_ir());
    ASSERT_TRUE(message) << message.error().describe();
    const Header& header = message->header;
    EXPECT_EQ(header.pvno, 1);
    EXPECT_EQ(header.sender_form, NameForm::directory_name);
    EXPECT_EQ(header.recipient_form, NameForm::directory_name);
    EXPECT_EQ(header.protection_alg, password_based_mac_oid);
    ASSERT_TRUE(header.password_based_mac);
    EXPECT_EQ(to_string(header.password_based_mac->salt), "aaaaabbbbb");
    EXPECT_EQ(header.password_based_mac->owf, sha1_oid);
    EXPECT_EQ(header.password_based_mac->iterations, 2);
    EXPECT_EQ(header.password_based_mac->mac, des_mac_oid);
    ASSERT_TRUE(header.sender_kid);
    EXPECT_EQ(to_string(*header.sender_kid), "431943");
    ASSERT_TRUE(header.transaction_id && header.sender_nonce);
    EXPECT_EQ(header.transaction_id->size(), 16U);
    EXPECT_EQ(header.sender_nonce->size(), 16U);
    EXPECT_FALSE(header.recip_nonce);
    EXPECT_EQ(message->body, body_ir);
    ASSERT_TRUE(message->protection);
    EXPECT_EQ(message->protection->size(), 8U);
    // The ProtectedPart whose desMAC des_mac_test knows (1,572 bytes).
    EXPECT_EQ(message->protected_part.size(), 1572U);
    const KoreanTraits traits = korean_traits(*message);
    EXPECT_TRUE(traits.any());
    EXPECT_TRUE(traits.old_pvno);
    EXPECT_TRUE(traits.des_mac);
    EXPECT_FALSE(traits.sender_not_directory);
    EXPECT_FALSE(traits.no_transaction_id);
    EXPECT_EQ(traits.describe(), "old pvno, desMAC");
    // Its authorization code is not public: the test code does not verify it.
    EXPECT_FALSE(*des_mac_verifies(*message, code));
}

TEST(KoreanMessage, TheRfcMessagesOfTheFuzzCorpusAreNotKorean) {
    const std::filesystem::path corpus = std::filesystem::path(testing::vectors_dir()) /
                                         "../../src/dojang/cmp/fuzz-corpus/cmp_server_fuzz";
    std::size_t read = 0;
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
        if (entry.path().filename().string().starts_with("korean-")) {
            continue;  // the Korean seeds of the same corpus
        }
        auto bytes = read_file(entry.path().string());
        ASSERT_TRUE(bytes) << entry.path();
        auto message = read_message(*bytes);
        if (!message) {
            continue;  // not one PKIMessage (a seed of several)
        }
        ++read;
        EXPECT_FALSE(korean_traits(*message).any())
            << entry.path().filename() << ": " << korean_traits(*message).describe();
        EXPECT_EQ(message->header.pvno, 2) << entry.path().filename();
    }
    EXPECT_GE(read, 5U);
}

TEST(KoreanMessage, AnErrorAnswersInTheRequestsOwnFormProtectedWithItsDesMac) {
    auto request = read_message(sample_ir());
    ASSERT_TRUE(request);
    const std::string text = "참조번호 또는 인가코드가 올바르지 않습니다";
    auto answer = error_answer(*request,
                               ca_name(),
                               Seconds{std::chrono::seconds{1'780'000'000}},
                               OSSL_CMP_PKIFAILUREINFO_badMessageCheck,
                               text,
                               code);
    ASSERT_TRUE(answer) << answer.error().describe();
    // OpenSSL reads it and encodes it back byte for byte.
    const unsigned char* cursor = answer->data();
    crypto::Owned<OSSL_CMP_MSG, OSSL_CMP_MSG_free> parsed(
        d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(answer->size())));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(cursor, answer->data() + answer->size());
    EXPECT_EQ(OSSL_CMP_MSG_get_bodytype(parsed.get()), static_cast<int>(body_error));
    auto again = crypto::to_der(static_cast<const OSSL_CMP_MSG*>(parsed.get()), i2d_OSSL_CMP_MSG);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *answer);
    const ASN1_OCTET_STRING* recip_nonce =
        OSSL_CMP_HDR_get0_recipNonce(OSSL_CMP_MSG_get0_header(parsed.get()));
    ASSERT_NE(recip_nonce, nullptr);
    EXPECT_EQ(Bytes(recip_nonce->data, recip_nonce->data + recip_nonce->length),
              *request->header.sender_nonce);
    EXPECT_TRUE(contains(*answer, text));

    // Read as the client reads it: the same pvno, tid and PBM, and a desMAC it can check.
    auto read = read_message(*answer);
    ASSERT_TRUE(read) << read.error().describe();
    EXPECT_EQ(read->header.pvno, 1);
    EXPECT_EQ(read->header.transaction_id, request->header.transaction_id);
    EXPECT_EQ(read->header.sender_form, NameForm::directory_name);
    EXPECT_EQ(read->header.protection_alg_der, request->header.protection_alg_der);
    EXPECT_NE(read->header.sender_nonce, request->header.sender_nonce);
    EXPECT_EQ(read->body, body_error);
    EXPECT_TRUE(*des_mac_verifies(*read, code));
    EXPECT_FALSE(*des_mac_verifies(*read, SecretBytes(std::string_view("1234567890123457"))));
}

TEST(KoreanMessage, WithoutTheSecretTheErrorIsUnprotected) {
    auto request = read_message(sample_ir());
    ASSERT_TRUE(request);
    auto answer = error_answer(*request,
                               ca_name(),
                               Seconds{std::chrono::seconds{1'780'000'000}},
                               OSSL_CMP_PKIFAILUREINFO_badRequest,
                               "x",
                               std::nullopt);
    ASSERT_TRUE(answer) << answer.error().describe();
    auto read = read_message(*answer);
    ASSERT_TRUE(read);
    EXPECT_TRUE(read->header.protection_alg.empty());
    EXPECT_FALSE(read->protection);
}

TEST(KoreanMessage, RefusesWhatIsNotAPkiMessage) {
    const Bytes sample = sample_ir();
    for (const Bytes& bad : {Bytes{}, Bytes{0x30, 0x00}, Bytes(sample.begin(), sample.end() - 1)}) {
        auto message = read_message(bad);
        ASSERT_FALSE(message);
        EXPECT_EQ(message.error().code, "CMP_MESSAGE_MALFORMED");
    }
    Bytes trailing = sample;
    trailing.push_back(0);
    EXPECT_FALSE(read_message(trailing));
}

}  // namespace
}  // namespace dojang::kcmp
