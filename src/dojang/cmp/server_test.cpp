// SPDX-License-Identifier: Apache-2.0
#include "dojang/cmp/server.hpp"

#include "dojang/ca/test_fixtures.hpp"
#include "dojang/cmp/routes.hpp"
#include "dojang/kcmp/des_mac.hpp"
#include "dojang/kcmp/message.hpp"
#include "dojang/npki/encrypted_vid.hpp"
#include "dojang/npki/identify_data.hpp"
#include "dojang/npki/oids.hpp"
#include "dojang/npki/random_num.hpp"
#include "dojang/npki/vid.hpp"
#include "dojang/pkix/der_writer.hpp"
#include "dojang/sqlite/sqlite.hpp"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <array>
#include <functional>
#include <string_view>

namespace dojang::cmp {
namespace {

using domain::ReissueReason;

/// OpenSSL's CMP client sends its messages to the server in-process.
OSSL_CMP_MSG* transfer(OSSL_CMP_CTX* context, const OSSL_CMP_MSG* request) {
    auto* server = static_cast<Server*>(OSSL_CMP_CTX_get_transfer_cb_arg(context));
    unsigned char* out = nullptr;
    const int length = i2d_OSSL_CMP_MSG(const_cast<OSSL_CMP_MSG*>(request), &out);
    const Bytes der(out, out + length);
    OPENSSL_free(out);
    auto answer = server->handle(der);
    if (!answer) {
        return nullptr;
    }
    const unsigned char* cursor = answer->data();
    return d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(answer->size()));
}

void free_sequence(ASN1_SEQUENCE_ANY* sequence) {
    sk_ASN1_TYPE_pop_free(sequence, ASN1_TYPE_free);
}

/// What a Korean CMP client sends that `openssl cmp` cannot (OpenSSL 3.0 has no API for other
/// regInfo entries): the ir's first CertReqMsg gets `encrypted_vid` in its regInfo, and the
/// message is MAC-protected again with the client's secret.
struct EncryptedVidTransfer {
    Server* server;
    Bytes encrypted_vid;
    /// When set, the ir is kept here and not sent (the test sends it in another form).
    std::optional<Bytes>* captured = nullptr;
};

OSSL_CMP_MSG* transfer_with_encrypted_vid(OSSL_CMP_CTX* context, const OSSL_CMP_MSG* request) {
    auto* how = static_cast<EncryptedVidTransfer*>(OSSL_CMP_CTX_get_transfer_cb_arg(context));
    if (OSSL_CMP_MSG_get_bodytype(request) != 0) {  // 0: ir (RFC 4210 5.1.2)
        OSSL_CMP_CTX_set_transfer_cb_arg(context, how->server);
        OSSL_CMP_MSG* answer = transfer(context, request);
        OSSL_CMP_CTX_set_transfer_cb_arg(context, how);
        return answer;
    }
    // PKIMessage ::= SEQUENCE { header, body [0] EXPLICIT CertReqMessages, protection [0],
    // extraCerts [1] }: take the body apart, add the regInfo entry, drop the protection.
    unsigned char* out = nullptr;
    const int length = i2d_OSSL_CMP_MSG(request, &out);
    const unsigned char* cursor = out;
    crypto::Owned<ASN1_SEQUENCE_ANY, free_sequence> parts(
        d2i_ASN1_SEQUENCE_ANY(nullptr, &cursor, length));
    OPENSSL_free(out);
    EXPECT_TRUE(parts && sk_ASN1_TYPE_num(parts.get()) >= 2);
    const ASN1_STRING* body = sk_ASN1_TYPE_value(parts.get(), 1)->value.asn1_string;
    const unsigned char* content = ASN1_STRING_get0_data(body);
    long content_length = 0;
    int tag = 0;
    int tag_class = 0;
    ASN1_get_object(&content, &content_length, &tag, &tag_class, ASN1_STRING_length(body));
    crypto::Owned<OSSL_CRMF_MSGS, OSSL_CRMF_MSGS_free> messages(
        d2i_OSSL_CRMF_MSGS(nullptr, &content, content_length));
    EXPECT_TRUE(messages);
    OSSL_CRMF_MSG* first = sk_OSSL_CRMF_MSG_value(messages.get(), 0);
    auto with_vid = npki::with_reg_info(first, npki::encrypted_vid_oid, how->encrypted_vid);
    EXPECT_TRUE(with_vid) << with_vid.error().detail;
    sk_OSSL_CRMF_MSG_set(messages.get(), 0, with_vid->release());
    OSSL_CRMF_MSG_free(first);
    out = nullptr;
    const int inner = i2d_OSSL_CRMF_MSGS(messages.get(), &out);
    Bytes wrapped(static_cast<std::size_t>(ASN1_object_size(1, inner, 0)));
    unsigned char* write = wrapped.data();
    ASN1_put_object(&write, 1, inner, 0, V_ASN1_CONTEXT_SPECIFIC);
    std::copy(out, out + inner, write);
    OPENSSL_free(out);
    cursor = wrapped.data();
    ASN1_TYPE* new_body = d2i_ASN1_TYPE(nullptr, &cursor, static_cast<long>(wrapped.size()));
    ASN1_TYPE_free(sk_ASN1_TYPE_value(parts.get(), 1));
    sk_ASN1_TYPE_set(parts.get(), 1, new_body);
    while (sk_ASN1_TYPE_num(parts.get()) > 2) {
        ASN1_TYPE_free(sk_ASN1_TYPE_pop(parts.get()));
    }
    out = nullptr;
    const int rebuilt_length = i2d_ASN1_SEQUENCE_ANY(parts.get(), &out);
    cursor = out;
    crypto::Owned<OSSL_CMP_MSG, OSSL_CMP_MSG_free> rebuilt(
        d2i_OSSL_CMP_MSG(nullptr, &cursor, rebuilt_length));
    OPENSSL_free(out);
    EXPECT_TRUE(rebuilt);
    EXPECT_EQ(OSSL_CMP_MSG_update_transactionID(context, rebuilt.get()), 1);  // protects again
    if (how->captured != nullptr) {
        auto der =
            crypto::to_der(static_cast<const OSSL_CMP_MSG*>(rebuilt.get()), i2d_OSSL_CMP_MSG);
        EXPECT_TRUE(der);
        *how->captured = der ? std::optional(*der) : std::nullopt;
        return nullptr;
    }
    OSSL_CMP_CTX_set_transfer_cb_arg(context, how->server);
    OSSL_CMP_MSG* answer = transfer(context, rebuilt.get());
    OSSL_CMP_CTX_set_transfer_cb_arg(context, how);
    return answer;
}

/// The in-process transfer with a look at each request before the server gets it.
struct WatchedTransfer {
    Server* server;
    std::function<void(const OSSL_CMP_MSG*)> before;
};

OSSL_CMP_MSG* watched_transfer(OSSL_CMP_CTX* context, const OSSL_CMP_MSG* request) {
    auto* watch = static_cast<WatchedTransfer*>(OSSL_CMP_CTX_get_transfer_cb_arg(context));
    watch->before(request);
    OSSL_CMP_CTX_set_transfer_cb_arg(context, watch->server);
    OSSL_CMP_MSG* answer = transfer(context, request);
    OSSL_CMP_CTX_set_transfer_cb_arg(context, watch);
    return answer;
}

/// Two nodes behind a load balancer: each message goes to the other node than the one before.
struct Alternating {
    std::array<Server*, 2> nodes;
    std::size_t next = 0;
};

OSSL_CMP_MSG* alternating_transfer(OSSL_CMP_CTX* context, const OSSL_CMP_MSG* request) {
    auto* two = static_cast<Alternating*>(OSSL_CMP_CTX_get_transfer_cb_arg(context));
    Server* node = two->nodes.at(two->next);
    two->next = 1 - two->next;
    OSSL_CMP_CTX_set_transfer_cb_arg(context, node);
    OSSL_CMP_MSG* answer = transfer(context, request);
    OSSL_CMP_CTX_set_transfer_cb_arg(context, two);
    return answer;
}

std::string digits(const std::string& code) {
    std::string out;
    for (const char c : code) {
        if (c >= '0' && c <= '9') {
            out.push_back(c);
        }
    }
    return out;
}

class CmpServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = ca::fixtures::issuing_store(dir_.path(), ca_.issuing, clock_);
        ASSERT_TRUE(opened.issuer.has_value());
        database_ = std::move(opened.database);
        issuer_.emplace(std::move(*opened.issuer));
        ASSERT_TRUE(ra::create_register_keys(dir_.path() + "/register.key"));
        auto keys = ra::load_register_keys(dir_.path() + "/register.key");
        ASSERT_TRUE(keys.has_value());
        reissue_.emplace(*database_, *issuer_, ca_.issuing, *keys, clock_, ra::ReissueSettings{});
        renewal_.emplace(*database_, *issuer_, ca_.issuing, clock_, ra::RenewalSettings{});
        auto cmp_key = crypto::generate_key(crypto::KeyAlgorithm::p256);
        ASSERT_TRUE(cmp_key.has_value());
        auto cmp_certificate = ca::make_cmp_server_certificate(ca_.issuing,
                                                               cmp_key->get(),
                                                               "C=KR,O=dojang,CN=dojang CMP Server",
                                                               std::chrono::days{730},
                                                               clock_.now());
        ASSERT_TRUE(cmp_certificate.has_value()) << cmp_certificate.error().describe();
        cmp_certificate_.emplace(std::move(*cmp_certificate));
        cmp_key_.emplace(std::move(*cmp_key));
        auto vid_key = crypto::generate_key(crypto::KeyAlgorithm::rsa2048);
        ASSERT_TRUE(vid_key.has_value());
        auto vid_certificate =
            ca::make_vid_encryption_certificate(ca_.issuing,
                                                vid_key->get(),
                                                "C=KR,O=dojang,CN=dojang VID Encryption",
                                                std::chrono::days{730},
                                                clock_.now());
        ASSERT_TRUE(vid_certificate.has_value()) << vid_certificate.error().describe();
        vid_certificate_.emplace(std::move(*vid_certificate));
        vid_key_.emplace(std::move(*vid_key));
        server_.emplace(services());
        auto old = issuer_->issue(ca::fixtures::request(ca::fixtures::openssl_csr()));
        ASSERT_TRUE(old.has_value());
        old_serial_ = old->serial;
        clock_.advance(std::chrono::days{100});
        auto codes = reissue_->register_walk_in(walk_in());
        ASSERT_TRUE(codes.has_value()) << codes.error().describe();
        codes_ = *codes;
    }

    ServerServices services() {
        return ServerServices{*reissue_,
                              *renewal_,
                              ca_.issuing,
                              *cmp_certificate_,
                              *cmp_key_,
                              *database_,
                              clock_,
                              &*vid_certificate_,
                              &*vid_key_,
                              std::chrono::seconds{1}};
    }

    ra::WalkInRequest walk_in() const {
        ra::WalkInRequest request;
        request.name = "홍길동";
        request.phone = "010-1234-5678";
        request.email = "hong@example.com";
        request.resident_number = "900101-1234567";
        request.reason = ReissueReason::forgot_password;
        request.old_serial = old_serial_.hex();
        return request;
    }

    /// A client context as `openssl cmp -ref -secret -newkey -subject` sets it up.
    crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free> client(const std::string& secret) {
        crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free> context(OSSL_CMP_CTX_new(nullptr, nullptr));
        const std::string& reference = codes_.reference_number;
        OSSL_CMP_CTX_set1_referenceValue(context.get(),
                                         reinterpret_cast<const unsigned char*>(reference.data()),
                                         static_cast<int>(reference.size()));
        OSSL_CMP_CTX_set1_secretValue(context.get(),
                                      reinterpret_cast<const unsigned char*>(secret.data()),
                                      static_cast<int>(secret.size()));
        key_.reset(EVP_RSA_gen(2048));
        EVP_PKEY_up_ref(key_.get());
        OSSL_CMP_CTX_set0_newPkey(context.get(), 1, key_.get());
        crypto::Owned<X509_NAME, X509_NAME_free> subject(X509_NAME_new());
        X509_NAME_add_entry_by_txt(subject.get(),
                                   "CN",
                                   MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("x"),
                                   -1,
                                   -1,
                                   0);
        OSSL_CMP_CTX_set1_subjectName(context.get(), subject.get());
        OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_UNPROTECTED_ERRORS, 1);
        OSSL_CMP_CTX_set_transfer_cb(context.get(), transfer);
        OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), &*server_);
        return context;
    }

    store::CertificateRecord certificate(const SerialNumber& serial) {
        std::optional<store::CertificateRecord> record;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            record = *tx.certificates().find(serial);
            return ok();
        }));
        return *record;
    }

    /// A certificate the holder has today, for a key of its own (kur and rr sign with it).
    std::pair<pkix::Certificate, crypto::PkeyPtr> holder_certificate() {
        crypto::PkeyPtr key(EVP_RSA_gen(2048));
        ca::IssueRequest request;
        request.public_key = *crypto::public_key_der(key.get());
        request.subject = "C=KR,O=dojang,OU=personal,CN=홍길동";
        auto issued = issuer_->issue(request);
        EXPECT_TRUE(issued.has_value()) << issued.error().describe();
        return {std::move(issued->certificate), std::move(key)};
    }

    /// A client context as `openssl cmp -cert -key -srvcert` sets it up for kur and rr.
    crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free> signed_client(
        const pkix::Certificate& certificate, EVP_PKEY* key) {
        crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free> context(OSSL_CMP_CTX_new(nullptr, nullptr));
        OSSL_CMP_CTX_set1_cert(context.get(), certificate.get());
        OSSL_CMP_CTX_set1_pkey(context.get(), key);
        OSSL_CMP_CTX_set1_srvCert(context.get(), cmp_certificate_->get());
        key_.reset(EVP_RSA_gen(2048));
        EVP_PKEY_up_ref(key_.get());
        OSSL_CMP_CTX_set0_newPkey(context.get(), 1, key_.get());
        OSSL_CMP_CTX_set_transfer_cb(context.get(), transfer);
        OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), &*server_);
        return context;
    }

    /// A client context as `openssl cmp -cmd p10cr -csr` sets it up: a PKCS#10 request for a
    /// new key (key_), signed by it, with `attribute` added before signing when given.
    crypto::Owned<OSSL_CMP_CTX, OSSL_CMP_CTX_free> p10_client(
        const std::string& secret, const std::function<void(X509_REQ*)>& attribute = {}) {
        auto context = client(secret);
        crypto::X509ReqPtr request(X509_REQ_new());
        crypto::Owned<X509_NAME, X509_NAME_free> subject(X509_NAME_new());
        X509_NAME_add_entry_by_txt(subject.get(),
                                   "CN",
                                   MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("x"),
                                   -1,
                                   -1,
                                   0);
        X509_REQ_set_subject_name(request.get(), subject.get());
        X509_REQ_set_pubkey(request.get(), key_.get());
        if (attribute) {
            attribute(request.get());
        }
        EXPECT_GT(X509_REQ_sign(request.get(), key_.get(), EVP_sha256()), 0);
        OSSL_CMP_CTX_set1_p10CSR(context.get(), request.get());
        return context;
    }

    /// The identifyData of an issued certificate, or nullopt when it has no subjectAltName.
    static std::optional<npki::IdentifyData> identify_data(const X509* certificate) {
        const int index = X509_get_ext_by_NID(certificate, NID_subject_alt_name, -1);
        if (index < 0) {
            return std::nullopt;
        }
        const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(certificate, index));
        auto parsed = npki::parse_identify_data(Bytes(value->data, value->data + value->length));
        EXPECT_TRUE(parsed.has_value()) << parsed.error().describe();
        return parsed ? std::optional<npki::IdentifyData>(std::move(*parsed)) : std::nullopt;
    }

    /// The customer the walk-in registered (the holder of codes_).
    store::CustomerRecord customer() {
        std::optional<store::CustomerRecord> record;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            auto application = *tx.applications().find(codes_.application_id);
            record = *tx.customers().find(application->customer_id);
            return ok();
        }));
        return *record;
    }

    /// The answer's statusString, joined.
    static std::string status_string(OSSL_CMP_CTX* context) {
        std::string text;
        const auto* strings = OSSL_CMP_CTX_get0_statusString(context);
        for (int i = 0; i < sk_ASN1_UTF8STRING_num(strings); ++i) {
            const ASN1_UTF8STRING* part = sk_ASN1_UTF8STRING_value(strings, i);
            text.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(part)),
                        static_cast<std::size_t>(ASN1_STRING_length(part)));
        }
        return text;
    }

    std::vector<store::AuditEntry> audit_entries() {
        std::vector<store::AuditEntry> entries;
        EXPECT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
            entries = *tx.audit().entries();
            return ok();
        }));
        return entries;
    }

    bool failed_with(OSSL_CMP_CTX* context, int bit) {
        ERR_clear_error();
        return (OSSL_CMP_CTX_get_failInfoCode(context) & (1 << bit)) != 0;
    }

    testing::TempDir dir_;
    ManualClock clock_{ca::fixtures::test_now()};
    ca::Hierarchy ca_ = ca::fixtures::hierarchy();
    std::unique_ptr<store::Database> database_;
    std::optional<ca::Issuer> issuer_;
    std::optional<ra::ReissueService> reissue_;
    std::optional<ra::RenewalService> renewal_;
    std::optional<pkix::Certificate> cmp_certificate_;
    std::optional<crypto::Signer> cmp_key_;
    std::optional<pkix::Certificate> vid_certificate_;
    std::optional<crypto::Signer> vid_key_;
    std::optional<Server> server_;
    SerialNumber old_serial_ = *SerialNumber::from_hex("01");
    ra::Codes codes_;
    crypto::PkeyPtr key_;
};

TEST_F(CmpServerTest, IrWithTheCodesCertifiesTheClientsKey) {
    auto context = client(digits(codes_.authorization_code));
    X509* issued = OSSL_CMP_exec_IR_ses(context.get());
    ASSERT_NE(issued, nullptr);
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(issued), key_.get()), 1);
    // The subject comes from the register, not from the template.
    EXPECT_EQ(pkix::name_to_string(X509_get_subject_name(issued)),
              "CN=홍길동,OU=personal,O=dojang,C=KR");
    EXPECT_EQ(OSSL_CMP_CTX_get_status(context.get()), OSSL_CMP_PKISTATUS_accepted);
}

TEST_F(CmpServerTest, CertConfConfirmsAndSupersedesTheOldCertificate) {
    auto context = client(digits(codes_.authorization_code));
    ASSERT_NE(OSSL_CMP_exec_IR_ses(context.get()), nullptr);
    auto status = reissue_->status(codes_.application_id);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->first.status, domain::ApplicationStatus::confirmed);
    EXPECT_EQ(certificate(old_serial_).status, domain::CertificateStatus::revoked);
    EXPECT_EQ(certificate(old_serial_).reason, domain::RevocationReason::superseded);
}

TEST_F(CmpServerTest, TheCodeAsShownWithHyphensWorksToo) {
    auto context = client(codes_.authorization_code);
    EXPECT_NE(OSSL_CMP_exec_IR_ses(context.get()), nullptr);
}

TEST_F(CmpServerTest, WrongCodeIsBadMessageCheckAndLeavesTheCodesUsable) {
    auto wrong = client("1111222233334444");
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(wrong.get()), nullptr);
    EXPECT_TRUE(failed_with(wrong.get(), OSSL_CMP_PKIFAILUREINFO_badMessageCheck));
    auto right = client(digits(codes_.authorization_code));
    EXPECT_NE(OSSL_CMP_exec_IR_ses(right.get()), nullptr);
}

TEST_F(CmpServerTest, UsedCodesAreRefusedAsDuplicate) {
    auto first = client(digits(codes_.authorization_code));
    ASSERT_NE(OSSL_CMP_exec_IR_ses(first.get()), nullptr);
    auto second = client(digits(codes_.authorization_code));
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(second.get()), nullptr);
    EXPECT_TRUE(failed_with(second.get(), OSSL_CMP_PKIFAILUREINFO_duplicateCertReq));
}

TEST_F(CmpServerTest, PolicyRejectionIsBadCertTemplate) {
    auto context = client(digits(codes_.authorization_code));
    crypto::PkeyPtr small(EVP_RSA_gen(1024));
    OSSL_CMP_CTX_set0_newPkey(context.get(), 1, small.release());
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_badCertTemplate));
    // A rejected request leaves the codes usable.
    auto again = client(digits(codes_.authorization_code));
    EXPECT_NE(OSSL_CMP_exec_IR_ses(again.get()), nullptr);
}

TEST_F(CmpServerTest, GenmAnswersTheCaCertificates) {
    auto context = client(digits(codes_.authorization_code));
    STACK_OF(OSSL_CMP_ITAV)* itavs = OSSL_CMP_exec_GENM_ses(context.get());
    ASSERT_NE(itavs, nullptr);
    ASSERT_EQ(sk_OSSL_CMP_ITAV_num(itavs), 1);
    char oid[64] = {};
    OBJ_obj2txt(oid, sizeof oid, OSSL_CMP_ITAV_get0_type(sk_OSSL_CMP_ITAV_value(itavs, 0)), 1);
    EXPECT_STREQ(oid, "1.3.6.1.5.5.7.4.17");
    sk_OSSL_CMP_ITAV_pop_free(itavs, OSSL_CMP_ITAV_free);
}

/// DER of an OBJECT IDENTIFIER, by OpenSSL.
Bytes oid_der(const char* dotted) {
    crypto::Owned<ASN1_OBJECT, ASN1_OBJECT_free> object(OBJ_txt2obj(dotted, 1));
    auto der = crypto::to_der(static_cast<const ASN1_OBJECT*>(object.get()), i2d_ASN1_OBJECT);
    EXPECT_TRUE(der);
    return der ? *der : Bytes{};
}

/// A message as Korean clients send it (korea.md, "How Korean clients talk to the CA"): pvno 1,
/// an rfc822Name " " sender, an empty directoryName recipient, PasswordBasedMac {"aaaaabbbbb",
/// SHA-1, 2, desMAC}, the reference number as senderKID, the PKIBody `body`, protected with the
/// desMAC under `code`.
Bytes korean_message(const std::string& reference, const std::string& code, const Bytes& body) {
    const Bytes salt = to_bytes("aaaaabbbbb");
    const Bytes sha1 = *pkix::der_sequence_of({oid_der("1.3.14.3.2.26")});
    const Bytes des_mac = *pkix::der_sequence_of({oid_der("1.3.14.3.2.10")});
    const Bytes parameters = *pkix::der_sequence_of(
        {*pkix::der_octet_string_value(salt), sha1, *pkix::der_integer_value(2), des_mac});
    const Bytes protection_alg =
        *pkix::der_sequence_of({oid_der("1.2.840.113533.7.66.13"), parameters});
    const Bytes empty_name = *pkix::der_sequence_of({});
    const Bytes transaction_id(16, 0x5a);
    const Bytes nonce(16, 0xa5);
    const Bytes header = *pkix::der_sequence_of(
        {*pkix::der_integer_value(1),
         *pkix::der_value(pkix::TagClass::context_specific, 1, false, to_bytes(" ")),
         *pkix::der_explicit(4, empty_name),
         *pkix::der_explicit(1, protection_alg),
         *pkix::der_explicit(2, *pkix::der_octet_string_value(to_bytes(reference))),
         *pkix::der_explicit(4, *pkix::der_octet_string_value(transaction_id)),
         *pkix::der_explicit(5, *pkix::der_octet_string_value(nonce))});
    const Bytes part = *pkix::der_sequence_of({header, body});
    auto key = kcmp::des_mac_key(salt, SecretBytes(std::string_view(code)), 2);
    auto mac = kcmp::des_mac(*key, part);
    const Bytes protection = *pkix::der_explicit(0, *pkix::der_bit_string_value(*mac));
    return *pkix::der_sequence_of({header, body, protection});
}

Bytes korean_genm(const std::string& reference, const std::string& code) {
    return korean_message(reference, code, *pkix::der_explicit(21, *pkix::der_sequence_of({})));
}

/// pkiconf [19] PKIConfirmContent ::= NULL, as the clients confirm.
Bytes korean_pkiconf(const std::string& reference, const std::string& code) {
    return korean_message(reference, code, *pkix::der_explicit(19, Bytes{0x05, 0x00}));
}

bool holds_text(const Bytes& der, std::string_view text) {
    const Bytes needle = to_bytes(text);
    return std::search(der.begin(), der.end(), needle.begin(), needle.end()) != der.end();
}

TEST_F(CmpServerTest, AKoreanGenmGetsTheVidCertificateInItsOwnForm) {
    const std::string code = digits(codes_.authorization_code);
    auto answer = server_->handle(korean_genm(codes_.reference_number, code));
    ASSERT_TRUE(answer) << answer.error().describe();
    auto read = kcmp::read_message(*answer);
    ASSERT_TRUE(read) << read.error().describe();
    EXPECT_EQ(read->header.pvno, 1);
    EXPECT_EQ(read->body, kcmp::body_genp);
    EXPECT_EQ(read->header.sender_form, kcmp::NameForm::directory_name);  // the CA's name
    EXPECT_EQ(read->header.recip_nonce, Bytes(16, 0xa5));
    EXPECT_EQ(read->header.transaction_id, Bytes(16, 0x5a));
    // Protected like the request: the client checks it with the code it has.
    EXPECT_TRUE(*kcmp::des_mac_verifies(*read, SecretBytes(std::string_view(code))));
    // OpenSSL reads it as a genp, and both infoTypes carry the VID encryption certificate.
    const unsigned char* cursor = answer->data();
    crypto::Owned<OSSL_CMP_MSG, OSSL_CMP_MSG_free> parsed(
        d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(answer->size())));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(OSSL_CMP_MSG_get_bodytype(parsed.get()), 22);
    const Bytes vid = *vid_certificate_->der();
    std::size_t copies = 0;
    for (auto at = answer->begin();
         (at = std::search(at, answer->end(), vid.begin(), vid.end())) != answer->end();
         ++at) {
        ++copies;
    }
    EXPECT_EQ(copies, 2U);
    // The same genm again (the gateway sends it with the ir) gets the same nonce.
    auto again = server_->handle(korean_genm(codes_.reference_number, code));
    ASSERT_TRUE(again);
    EXPECT_EQ(kcmp::read_message(*again)->header.sender_nonce, read->header.sender_nonce);
    // The codes are untouched.
    EXPECT_TRUE(reissue_->authorization_secret(codes_.reference_number).has_value());
}

TEST_F(CmpServerTest, TheGatewayFormCarriesKoreanMessagesInBase64) {
    http::Router router;
    add_routes(router, *server_);
    const std::string code = digits(codes_.authorization_code);
    auto post = [&router](std::string body) {
        http::Request request;
        request.method = "POST";
        request.target = request.path = "/cmp/gateway";
        request.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
        request.body = std::move(body);
        return router.dispatch(request);
    };
    // msg alone: the genp, base64 ('+' escaped as the form wants, or sent bare).
    std::string genm = to_base64(korean_genm(codes_.reference_number, code));
    std::string escaped;
    for (const char c : genm) {
        escaped += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
    }
    for (const std::string& form : {"type=0&msg=" + escaped + "&ip=10.0.0.1&port=4512",
                                    "type=0&msg=" + genm + "&ip=&port="}) {
        const http::Response response = post(form);
        ASSERT_EQ(response.status, 200U) << response.body;
        auto der = from_base64(response.body);
        ASSERT_TRUE(der) << response.body;
        auto read = kcmp::read_message(*der);
        ASSERT_TRUE(read);
        EXPECT_EQ(read->body, kcmp::body_genp);
    }
    // msg, msg2 and msg3: the answer is msg2's (here a refusal in Korean, protected).
    const std::string confirm = to_base64(korean_pkiconf(codes_.reference_number, code));
    const http::Response both = post("msg=" + escaped + "&msg2=" + confirm + "&msg3=" + confirm);
    ASSERT_EQ(both.status, 200U);
    auto answer = from_base64(both.body);
    ASSERT_TRUE(answer);
    EXPECT_EQ(kcmp::read_message(*answer)->body, kcmp::body_error);
    // What is not a message at all is "[ERROR" text.
    EXPECT_TRUE(post("msg=%%%").body.starts_with("[ERROR]"));
    EXPECT_TRUE(post("msg=bm90IGEgbWVzc2FnZQ%3D%3D").body.starts_with("[ERROR]"));
    EXPECT_TRUE(post("type=0").body.starts_with("[ERROR]"));
}

TEST_F(CmpServerTest, KoreanRefusalsAreInKoreanAndProtectedOnlyWhenTheCodeWasRight) {
    const std::string code = digits(codes_.authorization_code);
    // A right code, a message not served yet (a kur under the desMAC): protected, in Korean.
    auto answer = server_->handle(korean_message(
        codes_.reference_number, code, *pkix::der_explicit(7, *pkix::der_sequence_of({}))));
    ASSERT_TRUE(answer) << answer.error().describe();
    auto read = kcmp::read_message(*answer);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->body, kcmp::body_error);
    EXPECT_TRUE(*kcmp::des_mac_verifies(*read, SecretBytes(std::string_view(code))));
    EXPECT_TRUE(holds_text(*answer, "한국형 CMP(KISA)의 이 요청을 아직 처리하지 않습니다"));
    // A pkiconf with nothing issued to confirm.
    auto nothing = server_->handle(korean_pkiconf(codes_.reference_number, code));
    ASSERT_TRUE(nothing);
    EXPECT_EQ(kcmp::read_message(*nothing)->body, kcmp::body_error);
    EXPECT_TRUE(holds_text(*nothing, "확인할 발급이 없습니다"));
    // A wrong code, or an unknown reference: unprotected, and the same words.
    for (const auto& [reference, wrong] :
         {std::pair{codes_.reference_number, std::string("0000000000000000")},
          std::pair{std::string("431943"), code}}) {
        auto refused = server_->handle(korean_genm(reference, wrong));
        ASSERT_TRUE(refused) << refused.error().describe();
        auto refusal = kcmp::read_message(*refused);
        ASSERT_TRUE(refusal);
        EXPECT_EQ(refusal->body, kcmp::body_error);
        EXPECT_FALSE(refusal->protection);
        EXPECT_TRUE(holds_text(*refused, "참조번호 또는 인가코드가 올바르지 않습니다"));
    }
}

TEST_F(CmpServerTest, GarbageIsAnInvalidRequest) {
    auto answer = server_->handle(to_bytes("not a PKIMessage"));
    ASSERT_FALSE(answer.has_value());
    EXPECT_EQ(answer.error().kind, ErrorKind::invalid_request);
}

TEST_F(CmpServerTest, KurInsideTheWindowRenewsAndCertConfSupersedesTheOldCertificate) {
    auto [current, current_key] = holder_certificate();
    clock_.set(current.not_after() - std::chrono::days{10});
    auto context = signed_client(current, current_key.get());
    X509* renewed = OSSL_CMP_exec_KUR_ses(context.get());
    ASSERT_NE(renewed, nullptr) << status_string(context.get());
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(renewed), key_.get()), 1);
    EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(renewed), X509_get_subject_name(current.get())),
              0);
    EXPECT_EQ(pkix::from_asn1_time(X509_get0_notAfter(renewed)),
              ra::renewed_not_after(current.not_after()));
    // The answer was signed by the CMP server certificate the client pinned (-srvcert).
    EXPECT_EQ(OSSL_CMP_CTX_get_status(context.get()), OSSL_CMP_PKISTATUS_accepted);
    EXPECT_EQ(certificate(*current.serial()).status, domain::CertificateStatus::revoked);
    EXPECT_EQ(certificate(*current.serial()).reason, domain::RevocationReason::superseded);
}

TEST_F(CmpServerTest, KurBeforeTheWindowIsRefusedWithAReadableText) {
    auto [current, current_key] = holder_certificate();
    clock_.set(current.not_after() - std::chrono::days{60});
    auto context = signed_client(current, current_key.get());
    EXPECT_EQ(OSSL_CMP_exec_KUR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_notAuthorized));
    const std::string text = status_string(context.get());
    EXPECT_NE(text.find("renewal opens on"), std::string::npos) << text;
    EXPECT_NE(text.find("갱신은"), std::string::npos) << text;
    EXPECT_EQ(certificate(*current.serial()).status, domain::CertificateStatus::issued);
}

TEST_F(CmpServerTest, KurWithAnExpiredCertificateIsRefused) {
    auto [current, current_key] = holder_certificate();
    clock_.set(current.not_after() + std::chrono::days{1});
    auto context = signed_client(current, current_key.get());
    EXPECT_EQ(OSSL_CMP_exec_KUR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_notAuthorized));
    EXPECT_NE(status_string(context.get()).find("expired"), std::string::npos);
}

TEST_F(CmpServerTest, KurSignedWithAnotherKeyIsBadMessageCheck) {
    auto [current, current_key] = holder_certificate();
    clock_.set(current.not_after() - std::chrono::days{10});
    crypto::PkeyPtr stranger(EVP_RSA_gen(2048));
    auto context = signed_client(current, stranger.get());
    EXPECT_EQ(OSSL_CMP_exec_KUR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_badMessageCheck));
    EXPECT_EQ(certificate(*current.serial()).status, domain::CertificateStatus::issued);
}

TEST_F(CmpServerTest, RrRevokesWithTheRequestedReasonAndBlocksACompromisedKey) {
    auto [current, current_key] = holder_certificate();
    auto context = signed_client(current, current_key.get());
    OSSL_CMP_CTX_set1_oldCert(context.get(), current.get());
    OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_REVOCATION_REASON, 1);  // keyCompromise
    ASSERT_EQ(OSSL_CMP_exec_RR_ses(context.get()), 1) << status_string(context.get());
    EXPECT_EQ(certificate(*current.serial()).status, domain::CertificateStatus::revoked);
    EXPECT_EQ(certificate(*current.serial()).reason, domain::RevocationReason::key_compromise);
    // The revoked certificate authenticates nothing any more.
    auto again = signed_client(current, current_key.get());
    clock_.set(current.not_after() - std::chrono::days{10});
    EXPECT_EQ(OSSL_CMP_exec_KUR_ses(again.get()), nullptr);
    EXPECT_TRUE(failed_with(again.get(), OSSL_CMP_PKIFAILUREINFO_notAuthorized));
    EXPECT_NE(status_string(again.get()).find("revoked"), std::string::npos);
}

TEST_F(CmpServerTest, RrWithoutAReasonIsUnspecified) {
    auto [current, current_key] = holder_certificate();
    auto context = signed_client(current, current_key.get());
    OSSL_CMP_CTX_set1_oldCert(context.get(), current.get());
    ASSERT_EQ(OSSL_CMP_exec_RR_ses(context.get()), 1) << status_string(context.get());
    EXPECT_EQ(certificate(*current.serial()).reason, domain::RevocationReason::unspecified);
}

TEST_F(CmpServerTest, RrOfAnotherCertificateIsNotAuthorized) {
    auto [current, current_key] = holder_certificate();
    auto [other, other_key] = holder_certificate();
    auto context = signed_client(current, current_key.get());
    OSSL_CMP_CTX_set1_oldCert(context.get(), other.get());
    EXPECT_NE(OSSL_CMP_exec_RR_ses(context.get()), 1);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_notAuthorized));
    EXPECT_EQ(certificate(*other.serial()).status, domain::CertificateStatus::issued);
}

TEST_F(CmpServerTest, EveryMessageIsAuditedWithItsOutcome) {
    auto wrong = client("1111222233334444");
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(wrong.get()), nullptr);
    auto right = client(digits(codes_.authorization_code));
    ASSERT_NE(OSSL_CMP_exec_IR_ses(right.get()), nullptr);
    std::vector<std::string> seen;
    for (const auto& entry : audit_entries()) {
        if (entry.action.starts_with("cmp.")) {
            seen.push_back(entry.action + " " + entry.details);
        }
    }
    ASSERT_EQ(seen.size(), 3U);
    EXPECT_NE(seen[0].find("cmp.ir"), std::string::npos);
    EXPECT_NE(seen[0].find("\"fail_info\":\"badMessageCheck\""), std::string::npos) << seen[0];
    EXPECT_NE(seen[0].find("reference:" + codes_.reference_number), std::string::npos);
    EXPECT_NE(seen[1].find("\"answer\":\"ip\",\"outcome\":\"accepted\""), std::string::npos)
        << seen[1];
    EXPECT_NE(seen[2].find("cmp.certConf"), std::string::npos);
    EXPECT_NE(seen[2].find("\"answer\":\"pkiconf\""), std::string::npos) << seen[2];
}

constexpr std::string_view registered_idn = "9001011234567";

TEST_F(CmpServerTest, P10crWithRandomNumGetsTheVidOfTheRegisteredNumber) {
    auto random_num = npki::generate_random_num();
    ASSERT_TRUE(random_num.has_value());
    auto context = p10_client(digits(codes_.authorization_code), [&](X509_REQ* request) {
        ASSERT_TRUE(npki::add_random_num(request, *random_num));
    });
    X509* issued = OSSL_CMP_exec_P10CR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(issued), key_.get()), 1);
    auto data = identify_data(issued);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(data->real_name, "홍길동");
    auto vid = npki::compute_vid(registered_idn, *random_num);
    ASSERT_TRUE(vid.has_value());
    EXPECT_EQ(to_hex(data->vid), to_hex(*vid));
    EXPECT_TRUE(*npki::vid_matches(*data, registered_idn, *random_num));
    EXPECT_FALSE(*npki::vid_matches(*data, "9001011234568", *random_num));
}

TEST_F(CmpServerTest, P10crWithRandomNumAsOctetStringIsAccepted) {
    const Bytes random_num(npki::random_num_size, 0x5a);
    auto context = p10_client(digits(codes_.authorization_code), [&](X509_REQ* request) {
        ASSERT_EQ(X509_REQ_add1_attr_by_txt(request,
                                            "1.2.410.200004.10.1.1.3",
                                            V_ASN1_OCTET_STRING,
                                            random_num.data(),
                                            static_cast<int>(random_num.size())),
                  1);
    });
    X509* issued = OSSL_CMP_exec_P10CR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    auto data = identify_data(issued);
    ASSERT_TRUE(data.has_value());
    EXPECT_TRUE(*npki::vid_matches(*data, registered_idn, random_num));
}

TEST_F(CmpServerTest, P10crWithoutRandomNumHasNoVid) {
    auto context = p10_client(digits(codes_.authorization_code));
    X509* issued = OSSL_CMP_exec_P10CR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    EXPECT_FALSE(identify_data(issued).has_value());
}

TEST_F(CmpServerTest, RandomNumOfWrongLengthIsBadRequestAndLeavesTheCodesUsable) {
    const Bytes short_random_num(npki::random_num_size - 1, 0x5a);
    auto context = p10_client(digits(codes_.authorization_code), [&](X509_REQ* request) {
        ASSERT_EQ(X509_REQ_add1_attr_by_txt(request,
                                            "1.2.410.200004.10.1.1.3",
                                            V_ASN1_OCTET_STRING,
                                            short_random_num.data(),
                                            static_cast<int>(short_random_num.size())),
                  1);
    });
    EXPECT_EQ(OSSL_CMP_exec_P10CR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_badRequest));
    const std::string text = status_string(context.get());
    EXPECT_NE(text.find("exactly 20 bytes; got 19"), std::string::npos) << text;
    EXPECT_NE(text.find("20 바이트"), std::string::npos) << text;
    auto again = p10_client(digits(codes_.authorization_code));
    EXPECT_NE(OSSL_CMP_exec_P10CR_ses(again.get()), nullptr) << status_string(again.get());
}

TEST_F(CmpServerTest, RandomNumOfAnotherTypeIsBadRequest) {
    auto context = p10_client(digits(codes_.authorization_code), [&](X509_REQ* request) {
        ASSERT_EQ(X509_REQ_add1_attr_by_txt(request,
                                            "1.2.410.200004.10.1.1.3",
                                            MBSTRING_UTF8,
                                            reinterpret_cast<const unsigned char*>("0123456789"),
                                            -1),
                  1);
    });
    EXPECT_EQ(OSSL_CMP_exec_P10CR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_badRequest));
    EXPECT_NE(status_string(context.get()).find("BIT STRING"), std::string::npos);
}

TEST_F(CmpServerTest, RandomNumWithoutAReadableNumberInTheRegisterIsRefusedAsOverRest) {
    // As POST /api/v1/certificates with random_num: the RA needs the registered number to
    // compute the VID; without one the request is refused with a readable reason (badRequest,
    // IDN_NOT_REGISTERED) and the codes stay usable, so the holder can still get a certificate
    // without a VID.
    store::CustomerRecord holder = customer();
    holder.idn_ciphertext.clear();
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        auto upserted = tx.customers().upsert(holder);
        DOJANG_TRY(upserted);
        return ok();
    }));
    auto random_num = npki::generate_random_num();
    ASSERT_TRUE(random_num.has_value());
    auto context = p10_client(digits(codes_.authorization_code), [&](X509_REQ* request) {
        ASSERT_TRUE(npki::add_random_num(request, *random_num));
    });
    EXPECT_EQ(OSSL_CMP_exec_P10CR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_badRequest));
    const std::string text = status_string(context.get());
    EXPECT_NE(text.find("no identification number"), std::string::npos) << text;
    EXPECT_NE(text.find("등록된 식별번호가 없어"), std::string::npos) << text;
    auto again = p10_client(digits(codes_.authorization_code));
    X509* issued = OSSL_CMP_exec_P10CR_ses(again.get());
    ASSERT_NE(issued, nullptr) << status_string(again.get());
    EXPECT_FALSE(identify_data(issued).has_value());
}

TEST_F(CmpServerTest, AnIrForAnApplicationInReviewWaitsAndIsAnsweredWhenAnOfficerApproves) {
    ra::WalkInRequest request = walk_in();
    request.back_office_review = true;
    auto held = reissue_->register_walk_in(request);
    ASSERT_TRUE(held.has_value()) << held.error().describe();
    codes_ = *held;
    auto context = client(digits(codes_.authorization_code));
    int polls = 0;
    WatchedTransfer watch{
        &*server_, [&](const OSSL_CMP_MSG* message) {
            if (OSSL_CMP_MSG_get_bodytype(message) != 25) {  // pollReq
                return;
            }
            // The second poll finds the application approved (the review
            // console calls the same approve()).
            if (++polls == 2) {
                std::optional<store::ApplicationRecord> application;
                ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
                    application = *tx.applications().find(codes_.application_id);
                    return ok();
                }));
                ASSERT_TRUE(reissue_->approve(*application, customer(), {}, "officer:kim", false));
            }
        }};
    OSSL_CMP_CTX_set_transfer_cb(context.get(), watched_transfer);
    OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), &watch);
    X509* issued = OSSL_CMP_exec_IR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(issued), key_.get()), 1);
    EXPECT_EQ(polls, 2);
    std::vector<std::string> outcomes;
    for (const auto& entry : audit_entries()) {
        if (entry.action == "cmp.ir" || entry.action == "cmp.pollReq") {
            outcomes.push_back(
                entry.action + ":" +
                (entry.details.find("\"waiting\"") != std::string::npos ? "waiting" : "done"));
        }
    }
    EXPECT_EQ(
        outcomes,
        (std::vector<std::string>{"cmp.ir:waiting", "cmp.pollReq:waiting", "cmp.pollReq:done"}));
}

TEST_F(CmpServerTest, AnotherNodeTakesTheCertConfOfAnIssuedCertificate) {
    // A second server with nothing in memory: only the store connects the two messages.
    Server other(services());
    auto context = client(digits(codes_.authorization_code));
    Alternating two{{&*server_, &other}};
    OSSL_CMP_CTX_set_transfer_cb(context.get(), alternating_transfer);
    OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), &two);
    X509* issued = OSSL_CMP_exec_IR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    EXPECT_EQ(OSSL_CMP_CTX_get_status(context.get()), OSSL_CMP_PKISTATUS_accepted);
    auto status = reissue_->status(codes_.application_id);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->first.status, domain::ApplicationStatus::confirmed);
    EXPECT_EQ(certificate(old_serial_).reason, domain::RevocationReason::superseded);
    // The transaction ended: nothing of it is left in the store.
    std::size_t left = 1;
    ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
        left = tx.cmp().expired(clock_.now() + std::chrono::days{1})->size();
        return ok();
    }));
    EXPECT_EQ(left, 0U);
}

TEST_F(CmpServerTest, ARenewalIsConfirmedOnAnotherNode) {
    auto [current, current_key] = holder_certificate();
    clock_.set(current.not_after() - std::chrono::days{10});
    Server other(services());
    auto context = signed_client(current, current_key.get());
    Alternating two{{&*server_, &other}};
    OSSL_CMP_CTX_set_transfer_cb(context.get(), alternating_transfer);
    OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), &two);
    ASSERT_NE(OSSL_CMP_exec_KUR_ses(context.get()), nullptr) << status_string(context.get());
    EXPECT_EQ(certificate(*current.serial()).reason, domain::RevocationReason::superseded);
}

TEST_F(CmpServerTest, PollingMovesBetweenNodesUntilTheApprovalAndTheCertConf) {
    ra::WalkInRequest request = walk_in();
    request.back_office_review = true;
    auto held = reissue_->register_walk_in(request);
    ASSERT_TRUE(held.has_value()) << held.error().describe();
    codes_ = *held;
    Server other(services());
    auto context = client(digits(codes_.authorization_code));
    Alternating two{{&*server_, &other}};
    int messages = 0;
    WatchedTransfer watch{
        nullptr, [&](const OSSL_CMP_MSG*) {
            // ir (A), pollReq (B), then the officer approves, pollReq (A) gets
            // the certificate and certConf goes to B.
            if (++messages == 3) {
                std::optional<store::ApplicationRecord> application;
                ASSERT_TRUE(database_->transact([&](store::Transaction& tx) -> Result<void> {
                    application = *tx.applications().find(codes_.application_id);
                    return ok();
                }));
                ASSERT_TRUE(reissue_->approve(*application, customer(), {}, "officer:kim", false));
            }
        }};
    struct Both {
        WatchedTransfer* watch;
        Alternating* two;
    } both{&watch, &two};
    OSSL_CMP_CTX_set_transfer_cb(
        context.get(), [](OSSL_CMP_CTX* ctx, const OSSL_CMP_MSG* message) -> OSSL_CMP_MSG* {
            auto* pair = static_cast<Both*>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
            pair->watch->before(message);
            OSSL_CMP_CTX_set_transfer_cb_arg(ctx, pair->two);
            OSSL_CMP_MSG* answer = alternating_transfer(ctx, message);
            OSSL_CMP_CTX_set_transfer_cb_arg(ctx, pair);
            return answer;
        });
    OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), &both);
    X509* issued = OSSL_CMP_exec_IR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    EXPECT_EQ(messages, 4);  // ir, pollReq, pollReq, certConf
    auto status = reissue_->status(codes_.application_id);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->first.status, domain::ApplicationStatus::confirmed);
}

TEST_F(CmpServerTest, AForgedCertConfDoesNotEndTheHoldersTransaction) {
    auto context = client(digits(codes_.authorization_code));
    bool forged = false;
    WatchedTransfer watch{
        &*server_, [&](const OSSL_CMP_MSG* message) {
            if (OSSL_CMP_MSG_get_bodytype(message) != 24) {  // certConf
                return;
            }
            // Someone who saw the transactionID sends a certConf whose
            // protection does not verify: refused, and the holder's real
            // certConf still works.
            unsigned char* out = nullptr;
            const int length = i2d_OSSL_CMP_MSG(const_cast<OSSL_CMP_MSG*>(message), &out);
            Bytes der(out, out + length);
            OPENSSL_free(out);
            der.at(der.size() - 3) ^= 0x5a;  // inside the MAC value
            auto answer = server_->handle(der);
            ASSERT_TRUE(answer.has_value());
            const unsigned char* cursor = answer->data();
            crypto::Owned<OSSL_CMP_MSG, OSSL_CMP_MSG_free> refused(
                d2i_OSSL_CMP_MSG(nullptr, &cursor, static_cast<long>(answer->size())));
            ASSERT_TRUE(refused);
            EXPECT_EQ(OSSL_CMP_MSG_get_bodytype(refused.get()), 23);  // error
            forged = true;
        }};
    OSSL_CMP_CTX_set_transfer_cb(context.get(), watched_transfer);
    OSSL_CMP_CTX_set_transfer_cb_arg(context.get(), &watch);
    X509* issued = OSSL_CMP_exec_IR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    EXPECT_TRUE(forged);
    auto status = reissue_->status(codes_.application_id);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->first.status, domain::ApplicationStatus::confirmed);
}

TEST_F(CmpServerTest, AClientThatStopsPollingLeavesTheCodesUnused) {
    ra::WalkInRequest request = walk_in();
    request.back_office_review = true;
    auto held = reissue_->register_walk_in(request);
    ASSERT_TRUE(held.has_value());
    codes_ = *held;
    auto context = client(digits(codes_.authorization_code));
    OSSL_CMP_CTX_set_option(context.get(), OSSL_CMP_OPT_TOTAL_TIMEOUT, 2);
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(context.get()), nullptr);
    EXPECT_EQ(OSSL_CMP_CTX_get_status(context.get()), OSSL_CMP_PKISTATUS_waiting);
    EXPECT_TRUE(*reissue_->in_review(codes_.reference_number));
    EXPECT_TRUE(reissue_->authorization_secret(codes_.reference_number).has_value());
}

/// Makes the client add `how.encrypted_vid` to its ir (transfer_with_encrypted_vid).
void sends_encrypted_vid(OSSL_CMP_CTX* context, EncryptedVidTransfer& how) {
    OSSL_CMP_CTX_set_transfer_cb(context, transfer_with_encrypted_vid);
    OSSL_CMP_CTX_set_transfer_cb_arg(context, &how);
}

/// An EncryptedVID for `idn` and a fresh R, encrypted to `recipient`.
std::pair<Bytes, Bytes> encrypted_vid_for(std::string_view idn, const X509* recipient) {
    npki::ClaimedVid claim;
    claim.random_num = *npki::generate_random_num();
    claim.vid = *npki::compute_vid(idn, claim.random_num);
    auto sealed = npki::seal_vid(claim, recipient);
    EXPECT_TRUE(sealed.has_value());
    return {*sealed, claim.random_num};
}

TEST_F(CmpServerTest, IrWithAnEncryptedVidGetsTheVidOfTheRegisteredNumber) {
    auto [sealed, random_num] = encrypted_vid_for(registered_idn, vid_certificate_->get());
    auto context = client(digits(codes_.authorization_code));
    EncryptedVidTransfer how{&*server_, sealed};
    sends_encrypted_vid(context.get(), how);
    X509* issued = OSSL_CMP_exec_IR_ses(context.get());
    ASSERT_NE(issued, nullptr) << status_string(context.get());
    auto data = identify_data(issued);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(data->real_name, "홍길동");
    EXPECT_TRUE(*npki::vid_matches(*data, registered_idn, random_num));
}

/// The body OpenSSL's client gives an ir with an EncryptedVID of the registered number and a
/// fresh R to `vid`, captured and not sent (a test sends it in the Korean form); and that R.
std::pair<Bytes, Bytes> ir_body_with_encrypted_vid(OSSL_CMP_CTX* context,
                                                   Server& server,
                                                   const X509* vid) {
    auto [sealed, random_num] = encrypted_vid_for(registered_idn, vid);
    std::optional<Bytes> captured;
    EncryptedVidTransfer how{&server, sealed, &captured};
    sends_encrypted_vid(context, how);
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(context), nullptr);
    if (!captured) {
        ADD_FAILURE() << "the ir was not captured";
        return {};
    }
    auto rfc = kcmp::read_message(*captured);
    EXPECT_TRUE(rfc);
    return {rfc ? rfc->body_der : Bytes{}, random_num};
}

/// The certificate in an ip/cp/kup body (RFC 4210 5.3.4: CertRepMessage { caPubs [1] OPTIONAL,
/// response SEQUENCE OF CertResponse { certReqId, status, certifiedKeyPair { certOrEncCert
/// [0] CMPCertificate } } }), or nothing.
std::optional<Bytes> certificate_in(const Bytes& body) {
    auto tagged = pkix::read_der_value(body);
    auto content = tagged ? pkix::explicit_inner(*tagged) : std::nullopt;
    auto members = content ? pkix::der_members(*content) : std::nullopt;
    if (!members || members->empty()) {
        return std::nullopt;
    }
    auto responses = pkix::der_members(members->back());
    auto response =
        responses && !responses->empty() ? pkix::der_members(responses->front()) : std::nullopt;
    if (!response || response->size() < 3) {
        return std::nullopt;
    }
    auto pair = pkix::der_members((*response)[2]);
    auto certificate = pair && !pair->empty() ? pkix::explicit_inner(pair->front()) : std::nullopt;
    if (!certificate) {
        return std::nullopt;
    }
    return Bytes(certificate->encoding.begin(), certificate->encoding.end());
}

TEST_F(CmpServerTest, AKoreanIrWithAnEncryptedVidIsIssuedAndAnsweredInItsForm) {
    // The body an ir with an EncryptedVID to the genp's certificate has, sent as the Korean
    // clients send it: pvno 1, an rfc822Name sender, desMAC.
    const std::string code = digits(codes_.authorization_code);
    auto context = client(code);
    auto [body, random_num] =
        ir_body_with_encrypted_vid(context.get(), *server_, vid_certificate_->get());
    ASSERT_FALSE(body.empty());
    const Bytes korean_ir = korean_message(codes_.reference_number, code, body);
    ASSERT_TRUE(kcmp::korean_traits(*kcmp::read_message(korean_ir)).any());

    auto answer = server_->handle(korean_ir);
    ASSERT_TRUE(answer) << answer.error().describe();
    auto read = kcmp::read_message(*answer);
    ASSERT_TRUE(read) << read.error().describe();
    ASSERT_EQ(read->body, kcmp::body_ir + 1) << "not an ip";  // ip [1]
    EXPECT_EQ(read->header.pvno, 1);
    EXPECT_EQ(read->header.transaction_id, Bytes(16, 0x5a));
    EXPECT_EQ(read->header.recip_nonce, Bytes(16, 0xa5));
    EXPECT_TRUE(*kcmp::des_mac_verifies(*read, SecretBytes(std::string_view(code))));
    auto der = certificate_in(read->body_der);
    ASSERT_TRUE(der) << "no certificate in the ip";
    auto certificate = pkix::Certificate::parse(*der);
    ASSERT_TRUE(certificate);
    auto data = identify_data(certificate->get());
    ASSERT_TRUE(data.has_value());
    EXPECT_TRUE(*npki::vid_matches(*data, registered_idn, random_num));
    // pkiconf confirms it (a second one finds nothing to confirm).
    auto confirmed = server_->handle(korean_pkiconf(codes_.reference_number, code));
    ASSERT_TRUE(confirmed) << confirmed.error().describe();
    auto confirmation = kcmp::read_message(*confirmed);
    ASSERT_TRUE(confirmation);
    EXPECT_EQ(confirmation->body, kcmp::body_pki_conf) << to_hex(*confirmed);
    EXPECT_TRUE(*kcmp::des_mac_verifies(*confirmation, SecretBytes(std::string_view(code))));
    auto status = reissue_->status(codes_.application_id);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->first.status, domain::ApplicationStatus::confirmed);
    auto twice = server_->handle(korean_pkiconf(codes_.reference_number, code));
    ASSERT_TRUE(twice);
    EXPECT_EQ(kcmp::read_message(*twice)->body, kcmp::body_error);

    // The codes are used: the same ir again is an ip with a rejection and no certificate, in
    // its form, its statusString in Korean too.
    auto again = server_->handle(korean_ir);
    ASSERT_TRUE(again) << again.error().describe();
    auto refusal = kcmp::read_message(*again);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->header.pvno, 1);
    EXPECT_EQ(refusal->body, kcmp::body_ir + 1);
    EXPECT_FALSE(certificate_in(refusal->body_der));
    EXPECT_TRUE(holds_text(*again, "인가코드")) << to_hex(*again);
}

TEST_F(CmpServerTest, AKoreanKrrIsIssuedAsAnIrAndAnsweredWithKrp) {
    // SIGNGATE's reissue: the same CertReqMessages under krr [9], pvno 0.
    const std::string code = digits(codes_.authorization_code);
    auto context = client(code);
    auto [body, random_num] =
        ir_body_with_encrypted_vid(context.get(), *server_, vid_certificate_->get());
    ASSERT_FALSE(body.empty());
    auto ir_body = pkix::read_der_value(body);
    ASSERT_TRUE(ir_body);
    auto requests = pkix::explicit_inner(*ir_body);
    ASSERT_TRUE(requests);
    const Bytes krr_body = *pkix::der_explicit(9, requests->encoding);
    auto answer = server_->handle(korean_message(codes_.reference_number, code, krr_body));
    ASSERT_TRUE(answer) << answer.error().describe();
    auto read = kcmp::read_message(*answer);
    ASSERT_TRUE(read);
    ASSERT_EQ(read->body, kcmp::body_krp);
    EXPECT_TRUE(*kcmp::des_mac_verifies(*read, SecretBytes(std::string_view(code))));
    // KeyRecRepContent { status accepted, newSigCert [0] the certificate, caCerts [1] }.
    auto content = pkix::explicit_inner(*pkix::read_der_value(read->body_der));
    ASSERT_TRUE(content);
    auto members = pkix::der_members(*content);
    ASSERT_TRUE(members && members->size() >= 2);
    auto status = pkix::der_members((*members)[0]);
    ASSERT_TRUE(status && !status->empty());
    EXPECT_EQ(Bytes((*status)[0].encoding.begin(), (*status)[0].encoding.end()),
              (Bytes{0x02, 0x01, 0x00}));  // accepted
    ASSERT_EQ((*members)[1].tag, 0U);
    auto inner = pkix::explicit_inner((*members)[1]);
    ASSERT_TRUE(inner);
    auto certificate =
        pkix::Certificate::parse(Bytes(inner->encoding.begin(), inner->encoding.end()));
    ASSERT_TRUE(certificate);
    auto data = identify_data(certificate->get());
    ASSERT_TRUE(data.has_value());
    EXPECT_TRUE(*npki::vid_matches(*data, registered_idn, random_num));
    // pkiconf confirms it.
    auto confirmed = server_->handle(korean_pkiconf(codes_.reference_number, code));
    ASSERT_TRUE(confirmed);
    EXPECT_EQ(kcmp::read_message(*confirmed)->body, kcmp::body_pki_conf);
    auto application = reissue_->status(codes_.application_id);
    ASSERT_TRUE(application.has_value());
    EXPECT_EQ(application->first.status, domain::ApplicationStatus::confirmed);
}

TEST_F(CmpServerTest, AnEncryptedVidOfAnotherNumberIsRefusedAndLeavesTheCodesUsable) {
    auto [sealed, random_num] = encrypted_vid_for("8001011234567", vid_certificate_->get());
    auto context = client(digits(codes_.authorization_code));
    EncryptedVidTransfer how{&*server_, sealed};
    sends_encrypted_vid(context.get(), how);
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_badCertTemplate));
    const std::string text = status_string(context.get());
    EXPECT_NE(text.find("does not match the identification number"), std::string::npos) << text;
    auto again = client(digits(codes_.authorization_code));
    EXPECT_NE(OSSL_CMP_exec_IR_ses(again.get()), nullptr) << status_string(again.get());
}

TEST_F(CmpServerTest, AnEncryptedVidForAnotherCertificateIsBadRequest) {
    // Encrypted to the CMP server's certificate instead: certID names the wrong one.
    auto rsa = crypto::generate_key(crypto::KeyAlgorithm::rsa2048);
    ASSERT_TRUE(rsa.has_value());
    auto other = ca::make_vid_encryption_certificate(
        ca_.issuing, rsa->get(), "C=KR,O=dojang,CN=other", std::chrono::days{30}, clock_.now());
    ASSERT_TRUE(other.has_value());
    auto [sealed, random_num] = encrypted_vid_for(registered_idn, other->get());
    auto context = client(digits(codes_.authorization_code));
    EncryptedVidTransfer how{&*server_, sealed};
    sends_encrypted_vid(context.get(), how);
    EXPECT_EQ(OSSL_CMP_exec_IR_ses(context.get()), nullptr);
    EXPECT_TRUE(failed_with(context.get(), OSSL_CMP_PKIFAILUREINFO_badRequest));
    EXPECT_NE(status_string(context.get()).find("/ca/vid.pem"), std::string::npos);
}

TEST(CmpRegInfo, Utf8PairsCarryRandomNumAsFortyHexDigits) {
    auto found =
        random_num_of_utf8_pairs("version?1%randomNum?79EA7568A2D3776604E18BCD3A1B1B85B7DA0872%");
    ASSERT_TRUE(found.has_value()) << found.error().describe();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(to_hex(**found), "79ea7568a2d3776604e18bcd3a1b1b85b7da0872");
    auto last = random_num_of_utf8_pairs("randomNum?79EA7568A2D3776604E18BCD3A1B1B85B7DA0872");
    ASSERT_TRUE(last.has_value() && last->has_value());
    auto none = random_num_of_utf8_pairs("version?1%");
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->has_value());
}

TEST(CmpRegInfo, Utf8PairsWithAWrongRandomNumAreRefused) {
    for (const char* pairs : {"randomNum?79EA7568A2D3776604E18BCD3A1B1B85B7DA08%",
                              "randomNum?79EA7568A2D3776604E18BCD3A1B1B85B7DA0872FF%",
                              "randomNum?not hex%",
                              "randomNum?%",
                              "randomNum?79EA7568A2D3776604E18BCD3A1B1B85B7DA0872%"
                              "randomNum?79EA7568A2D3776604E18BCD3A1B1B85B7DA0872%"}) {
        auto found = random_num_of_utf8_pairs(pairs);
        ASSERT_FALSE(found.has_value()) << pairs;
        EXPECT_EQ(found.error().kind, ErrorKind::invalid_request);
        EXPECT_EQ(found.error().code, "RANDOM_NUM_INVALID");
    }
}

}  // namespace
}  // namespace dojang::cmp
