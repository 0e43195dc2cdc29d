// SPDX-License-Identifier: Apache-2.0
#include "dojang/kcmp/message.hpp"

#include "dojang/crypto/digest.hpp"
#include "dojang/crypto/openssl.hpp"
#include "dojang/kcmp/des_mac.hpp"
#include "dojang/pkix/der.hpp"
#include "dojang/pkix/der_writer.hpp"

#include <openssl/asn1.h>
#include <openssl/cmp.h>
#include <openssl/crmf.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <array>
#include <climits>

namespace dojang::kcmp {
namespace {

using pkix::DerValue;
using pkix::TagClass;

constexpr std::uint32_t general_name_rfc822 = 1;
constexpr std::uint32_t general_name_directory = 4;
constexpr std::size_t nonce_size = 16;

tl::unexpected<Error> malformed(const std::string& what) {
    ERR_clear_error();
    return fail(ErrorKind::invalid_request,
                "CMP_MESSAGE_MALFORMED",
                "the request is not a DER PKIMessage (RFC 4210): " + what);
}

bool is_context(const DerValue& value, bool constructed) {
    return value.tag_class == TagClass::context_specific && value.constructed == constructed;
}

std::optional<std::string> oid_text(const DerValue& value) {
    if (!value.is_universal(pkix::der_object_identifier) || value.encoding.size() > LONG_MAX) {
        return std::nullopt;
    }
    const unsigned char* cursor = value.encoding.data();
    crypto::Owned<ASN1_OBJECT, ASN1_OBJECT_free> object(
        d2i_ASN1_OBJECT(nullptr, &cursor, static_cast<long>(value.encoding.size())));
    std::array<char, 128> text{};
    const int length =
        object ? OBJ_obj2txt(text.data(), static_cast<int>(text.size()), object.get(), 1) : 0;
    ERR_clear_error();
    if (length <= 0 || static_cast<std::size_t>(length) >= text.size()) {
        return std::nullopt;
    }
    return std::string(text.data(), static_cast<std::size_t>(length));
}

std::optional<std::int64_t> integer_of(const DerValue& value) {
    if (!value.is_universal(pkix::der_integer)) {
        return std::nullopt;
    }
    const unsigned char* cursor = value.encoding.data();
    crypto::Owned<ASN1_INTEGER, ASN1_INTEGER_free> integer(
        d2i_ASN1_INTEGER(nullptr, &cursor, static_cast<long>(value.encoding.size())));
    std::int64_t out = 0;
    const bool read = integer && ASN1_INTEGER_get_int64(&out, integer.get()) == 1;
    ERR_clear_error();
    return read ? std::optional(out) : std::nullopt;
}

std::optional<Bytes> octets_of(const DerValue& value) {
    if (!value.is_universal(pkix::der_octet_string)) {
        return std::nullopt;
    }
    return Bytes(value.contents.begin(), value.contents.end());
}

std::optional<Bytes> bits_of(const DerValue& value) {
    constexpr std::uint32_t bit_string = 3;
    if (!value.is_universal(bit_string)) {
        return std::nullopt;
    }
    const unsigned char* cursor = value.encoding.data();
    crypto::Owned<ASN1_BIT_STRING, ASN1_BIT_STRING_free> bits(
        d2i_ASN1_BIT_STRING(nullptr, &cursor, static_cast<long>(value.encoding.size())));
    ERR_clear_error();
    if (!bits) {
        return std::nullopt;
    }
    const unsigned char* data = ASN1_STRING_get0_data(bits.get());
    return Bytes(data, data + ASN1_STRING_length(bits.get()));
}

/// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }.
std::optional<std::pair<std::string, std::optional<DerValue>>> algorithm_of(const DerValue& value) {
    if (!value.is_universal(pkix::der_sequence)) {
        return std::nullopt;
    }
    auto members = pkix::der_members(value);
    if (!members || members->empty() || members->size() > 2) {
        return std::nullopt;
    }
    auto oid = oid_text((*members)[0]);
    if (!oid) {
        return std::nullopt;
    }
    return std::pair{*oid, members->size() == 2 ? std::optional((*members)[1]) : std::nullopt};
}

/// PBMParameter ::= SEQUENCE { salt OCTET STRING, owf AlgorithmIdentifier, iterationCount
/// INTEGER, mac AlgorithmIdentifier } (RFC 4210 5.1.3.1).
std::optional<PasswordBasedMac> password_based_mac_of(const DerValue& parameters) {
    if (!parameters.is_universal(pkix::der_sequence)) {
        return std::nullopt;
    }
    auto members = pkix::der_members(parameters);
    if (!members || members->size() != 4) {
        return std::nullopt;
    }
    auto salt = octets_of((*members)[0]);
    auto owf = algorithm_of((*members)[1]);
    auto iterations = integer_of((*members)[2]);
    auto mac = algorithm_of((*members)[3]);
    if (!salt || !owf || !iterations || !mac) {
        return std::nullopt;
    }
    return PasswordBasedMac{std::move(*salt), owf->first, *iterations, mac->first};
}

NameForm form_of(const DerValue& name, std::string& rfc822) {
    if (name.tag_class != TagClass::context_specific) {
        return NameForm::other;
    }
    if (name.tag == general_name_directory && name.constructed) {
        return NameForm::directory_name;
    }
    if (name.tag == general_name_rfc822 && !name.constructed) {
        rfc822.assign(name.contents.begin(), name.contents.end());
        return NameForm::rfc822_name;
    }
    return NameForm::other;
}

Result<void> read_header(const DerValue& header, Header& out) {
    if (!header.is_universal(pkix::der_sequence)) {
        return malformed("the header is not a SEQUENCE");
    }
    auto members = pkix::der_members(header);
    if (!members || members->size() < 3) {
        return malformed("the header lacks pvno, sender or recipient");
    }
    auto pvno = integer_of((*members)[0]);
    if (!pvno) {
        return malformed("pvno is not an INTEGER");
    }
    out.pvno = *pvno;
    out.sender_form = form_of((*members)[1], out.sender_rfc822);
    out.sender_der.assign((*members)[1].encoding.begin(), (*members)[1].encoding.end());
    std::string ignored;
    out.recipient_form = form_of((*members)[2], ignored);
    out.recipient_der.assign((*members)[2].encoding.begin(), (*members)[2].encoding.end());
    std::uint32_t last_tag = 0;
    bool first = true;
    for (std::size_t i = 3; i < members->size(); ++i) {
        const DerValue& field = (*members)[i];
        // [0] messageTime .. [8] generalInfo, each EXPLICIT, in order (X.680 SEQUENCE).
        if (!is_context(field, true) || field.tag > 8 || (!first && field.tag <= last_tag)) {
            return malformed("a header field is out of place");
        }
        first = false;
        last_tag = field.tag;
        auto inner = pkix::explicit_inner(field);
        if (!inner) {
            return malformed("a header field does not hold one value");
        }
        switch (field.tag) {
            case 1: {
                auto algorithm = algorithm_of(*inner);
                if (!algorithm) {
                    return malformed("protectionAlg is not an AlgorithmIdentifier");
                }
                out.protection_alg = algorithm->first;
                out.protection_alg_der.assign(inner->encoding.begin(), inner->encoding.end());
                if (out.protection_alg == password_based_mac_oid) {
                    if (!algorithm->second) {
                        return malformed("PasswordBasedMac without parameters");
                    }
                    out.password_based_mac = password_based_mac_of(*algorithm->second);
                    if (!out.password_based_mac) {
                        return malformed("the PasswordBasedMac parameters do not read");
                    }
                }
                break;
            }
            case 2:
            case 3:
            case 4:
            case 5:
            case 6: {
                auto octets = octets_of(*inner);
                if (!octets) {
                    return malformed("a key identifier or nonce is not an OCTET STRING");
                }
                std::optional<Bytes>* slots[] = {&out.sender_kid,
                                                 &out.recip_kid,
                                                 &out.transaction_id,
                                                 &out.sender_nonce,
                                                 &out.recip_nonce};
                *slots[field.tag - 2] = std::move(*octets);
                break;
            }
            default:
                break;  // messageTime, freeText, generalInfo: not used by the profile
        }
    }
    return ok();
}

Result<Bytes> random_nonce() {
    return crypto::random_bytes(nonce_size);
}

/// [tag] EXPLICIT around a value that may have failed to encode.
Result<Bytes> tagged(std::uint32_t tag, const Result<Bytes>& inner) {
    DOJANG_TRY(inner);
    return pkix::der_explicit(tag, *inner);
}

/// A SEQUENCE of `parts` in order; the first part that failed to encode fails it.
Result<Bytes> sequence_of_parts(const std::vector<Result<Bytes>>& parts) {
    Bytes fields;
    for (const auto& part : parts) {
        DOJANG_TRY(part);
        fields.insert(fields.end(), part->begin(), part->end());
    }
    return pkix::der_value(TagClass::universal, pkix::der_sequence, true, fields);
}

/// The first 16 bytes of SHA-256(first ‖ second): the nonces and ids the profile derives.
Bytes derived_id(const std::optional<Bytes>& first, const std::optional<Bytes>& second) {
    Bytes seed = first.value_or(Bytes{});
    const Bytes more = second.value_or(Bytes{});
    seed.insert(seed.end(), more.begin(), more.end());
    Bytes id = crypto::sha256(seed);
    id.resize(nonce_size);
    return id;
}

/// The DER of an OBJECT IDENTIFIER given in dotted form, by OpenSSL.
Result<Bytes> oid_der(std::string_view dotted) {
    crypto::Owned<ASN1_OBJECT, ASN1_OBJECT_free> object(
        OBJ_txt2obj(std::string(dotted).c_str(), 1));
    return crypto::to_der(static_cast<const ASN1_OBJECT*>(object.get()), i2d_ASN1_OBJECT);
}

/// RFC 4210 5.1.3.1's PasswordBasedMac of `data` under `secret`, computed by OpenSSL
/// (OSSL_CRMF_pbm_new); nothing when OpenSSL cannot (an algorithm it does not have).
std::optional<Bytes> password_based_mac(const OSSL_CRMF_PBMPARAMETER* parameters,
                                        std::span<const std::uint8_t> data,
                                        const SecretBytes& secret) {
    unsigned char* mac = nullptr;
    std::size_t mac_length = 0;
    if (OSSL_CRMF_pbm_new(nullptr,
                          nullptr,
                          parameters,
                          data.data(),
                          data.size(),
                          secret.bytes().data(),
                          secret.size(),
                          &mac,
                          &mac_length) != 1) {
        return std::nullopt;
    }
    Bytes out(mac, mac + mac_length);
    OPENSSL_free(mac);
    return out;
}

}  // namespace

std::string KoreanTraits::describe() const {
    std::string out;
    for (const auto& [present, name] : {std::pair{old_pvno, "old pvno"},
                                        std::pair{sender_not_directory, "rfc822Name sender"},
                                        std::pair{des_mac, "desMAC"},
                                        std::pair{korean_body, "krr or pkiconf"},
                                        std::pair{no_transaction_id, "no transactionID"}}) {
        if (present) {
            out += (out.empty() ? "" : ", ") + std::string(name);
        }
    }
    return out;
}

Result<Message> read_message(std::span<const std::uint8_t> der) {
    auto outer = pkix::read_der_value(der);
    if (!outer || !outer->rest.empty() || !outer->is_universal(pkix::der_sequence)) {
        return malformed("not one DER SEQUENCE");
    }
    auto members = pkix::der_members(*outer);
    if (!members || members->size() < 2 || members->size() > 4) {
        return malformed("a PKIMessage has a header, a body and at most two more fields");
    }
    Message message;
    auto header = read_header((*members)[0], message.header);
    DOJANG_TRY(header);
    const DerValue& body = (*members)[1];
    if (!is_context(body, true) || !pkix::explicit_inner(body)) {
        return malformed("the body is not a tagged PKIBody choice");
    }
    message.body = body.tag;
    message.body_der.assign(body.encoding.begin(), body.encoding.end());
    for (std::size_t i = 2; i < members->size(); ++i) {
        const DerValue& field = (*members)[i];
        auto inner = is_context(field, true) ? pkix::explicit_inner(field) : std::nullopt;
        if (!inner || field.tag > 1 || (i == 3 && field.tag != 1)) {
            return malformed("protection [0] and extraCerts [1] only, in order");
        }
        if (field.tag == 0) {
            message.protection = bits_of(*inner);
            if (!message.protection) {
                return malformed("the protection is not a BIT STRING");
            }
        } else {
            auto certificates = pkix::der_members(*inner);
            if (!certificates) {
                return malformed("extraCerts is not a SEQUENCE");
            }
            message.extra_certs = certificates->size();
            message.extra_certs_der = Bytes(field.encoding.begin(), field.encoding.end());
        }
    }
    auto part = pkix::der_sequence_of({(*members)[0].encoding, body.encoding});
    DOJANG_TRY(part);
    message.protected_part = std::move(*part);
    return message;
}

KoreanTraits korean_traits(const Message& message) {
    KoreanTraits traits;
    traits.old_pvno = message.header.pvno < 2;
    traits.sender_not_directory = message.header.sender_form == NameForm::rfc822_name;
    traits.des_mac =
        message.header.password_based_mac && message.header.password_based_mac->mac == des_mac_oid;
    traits.korean_body = message.body == body_krr || message.body == body_pki_conf;
    traits.no_transaction_id = !message.header.transaction_id;
    return traits;
}

Result<bool> des_mac_verifies(const Message& message, const SecretBytes& secret) {
    const auto& pbm = message.header.password_based_mac;
    if (!pbm || pbm->mac != des_mac_oid || pbm->owf != sha1_oid || !message.protection ||
        pbm->iterations < 1 || pbm->iterations > max_iterations) {
        return false;
    }
    auto key = des_mac_key(pbm->salt, secret, static_cast<std::uint32_t>(pbm->iterations));
    DOJANG_TRY(key);
    return des_mac_matches(*key, message.protected_part, *message.protection);
}

namespace {

/// An answer to `request` in its form (see error_answer()) around `body` (a PKIBody, whole),
/// with `sender_nonce`; protected with the request's PasswordBasedMac (desMAC) under `secret`.
Result<Bytes> answer_in_form(const Message& request,
                             std::span<const std::uint8_t> ca_name_der,
                             Seconds now,
                             const Bytes& body,
                             const Bytes& sender_nonce,
                             const std::optional<SecretBytes>& secret) {
    const Header& asked = request.header;
    const bool protect = secret.has_value() && asked.password_based_mac &&
                         asked.password_based_mac->mac == des_mac_oid;
    // The header, field by field in the order of PKIHeader (RFC 4210 5.1.1).
    std::vector<Result<Bytes>> parts;
    parts.push_back(pkix::der_integer_value(asked.pvno));
    parts.push_back(pkix::der_explicit(general_name_directory, ca_name_der));
    parts.emplace_back(asked.sender_der);
    parts.push_back(tagged(0, pkix::der_generalized_time(now)));
    if (protect) {
        parts.push_back(pkix::der_explicit(1, asked.protection_alg_der));
    }
    if (asked.sender_kid) {
        parts.push_back(tagged(2, pkix::der_octet_string_value(*asked.sender_kid)));
    }
    if (asked.transaction_id) {
        parts.push_back(tagged(4, pkix::der_octet_string_value(*asked.transaction_id)));
    }
    parts.push_back(tagged(5, pkix::der_octet_string_value(sender_nonce)));
    if (asked.sender_nonce) {
        parts.push_back(tagged(6, pkix::der_octet_string_value(*asked.sender_nonce)));
    }
    auto header = sequence_of_parts(parts);
    DOJANG_TRY(header);
    if (!protect) {
        return pkix::der_sequence_of({*header, body});
    }
    auto part = pkix::der_sequence_of({*header, body});
    DOJANG_TRY(part);
    const auto& pbm = *asked.password_based_mac;
    if (pbm.iterations < 1 || pbm.iterations > max_iterations) {
        return fail(
            ErrorKind::invalid_request, "PBM_INVALID", "the iteration count is out of range");
    }
    auto key = des_mac_key(pbm.salt, *secret, static_cast<std::uint32_t>(pbm.iterations));
    DOJANG_TRY(key);
    auto mac = des_mac(*key, *part);
    DOJANG_TRY(mac);
    auto protection = tagged(0, pkix::der_bit_string_value(*mac));
    DOJANG_TRY(protection);
    return pkix::der_sequence_of({*header, body, *protection});
}

/// InfoTypeAndValue ::= SEQUENCE { infoType OID, infoValue ANY } with a DER value.
Result<Bytes> info_type_and_value(std::string_view oid, std::span<const std::uint8_t> value) {
    auto type = oid_der(oid);
    DOJANG_TRY(type);
    return pkix::der_sequence_of({*type, value});
}

}  // namespace

Bytes genp_nonce(const Message& request) {
    return derived_id(request.header.transaction_id, request.header.sender_nonce);
}

Bytes transaction_id_of(const Message& request) {
    const Header& asked = request.header;
    if (asked.transaction_id) {
        return *asked.transaction_id;
    }
    return derived_id(asked.sender_kid, asked.sender_nonce);
}

Result<Bytes> certificate_confirmation_body(const Bytes& certificate_hash) {
    constexpr std::uint32_t body_cert_conf = 24;
    auto hash = pkix::der_octet_string_value(certificate_hash);
    DOJANG_TRY(hash);
    auto request_id = pkix::der_integer_value(0);
    DOJANG_TRY(request_id);
    auto status = pkix::der_sequence_of({*hash, *request_id});
    DOJANG_TRY(status);
    auto content = pkix::der_sequence_of({*status});
    DOJANG_TRY(content);
    return pkix::der_explicit(body_cert_conf, *content);
}

Result<std::optional<bool>> public_key_mac_verifies(const Message& request,
                                                    const SecretBytes& secret) {
    // CertReqMessages ::= SEQUENCE OF CertReqMsg; CertReqMsg ::= SEQUENCE { certReq, popo
    // ProofOfPossession OPTIONAL, regInfo OPTIONAL } (RFC 4211, IMPLICIT TAGS): signature [1]
    // POPOSigningKey { poposkInput [0] POPOSigningKeyInput { authInfo CHOICE { sender [0],
    // publicKeyMAC PKMACValue }, publicKey }, algorithmIdentifier, signature }.
    auto body = pkix::read_der_value(request.body_der);
    auto messages = body ? pkix::explicit_inner(*body) : std::nullopt;
    auto list = messages ? pkix::der_members(*messages) : std::nullopt;
    if (!list || list->empty()) {
        return malformed("the body does not hold CertReqMessages");
    }
    auto message = pkix::der_members(list->front());
    if (!message || message->empty()) {
        return malformed("a CertReqMsg is empty");
    }
    if (message->size() < 2 || !is_context((*message)[1], true) || (*message)[1].tag != 1) {
        return std::optional<bool>();  // no signature POPO
    }
    auto signing_key = pkix::der_members((*message)[1]);
    if (!signing_key || signing_key->empty()) {
        return malformed("the POPOSigningKey is empty");
    }
    if (!is_context(signing_key->front(), true) || signing_key->front().tag != 0) {
        return std::optional<bool>();  // no poposkInput
    }
    auto input = pkix::der_members(signing_key->front());
    if (!input || input->size() != 2 || !input->front().is_universal(pkix::der_sequence)) {
        return std::optional<bool>();  // authInfo is the sender [0]: no MAC to check
    }
    auto mac_value = pkix::der_members(input->front());
    if (!mac_value || mac_value->size() != 2) {
        return malformed("the publicKeyMAC is not a PKMACValue");
    }
    auto algorithm = algorithm_of((*mac_value)[0]);
    auto presented = bits_of((*mac_value)[1]);
    if (!algorithm || algorithm->first != password_based_mac_oid || !algorithm->second ||
        !presented) {
        return malformed("the publicKeyMAC is not a PasswordBasedMac");
    }
    const auto& parameters_der = algorithm->second->encoding;
    const unsigned char* cursor = parameters_der.data();
    crypto::Owned<OSSL_CRMF_PBMPARAMETER, OSSL_CRMF_PBMPARAMETER_free> parameters(
        d2i_OSSL_CRMF_PBMPARAMETER(nullptr, &cursor, static_cast<long>(parameters_der.size())));
    auto pbm = password_based_mac_of(*algorithm->second);
    if (!parameters || !pbm || pbm->iterations < 1 || pbm->iterations > 100'000) {
        ERR_clear_error();
        return malformed("the publicKeyMAC's parameters do not read");
    }
    auto computed = password_based_mac(parameters.get(), (*input)[1].encoding, secret);
    if (!computed) {
        return malformed("the publicKeyMAC's algorithms are not supported");
    }
    return std::optional(crypto::constant_time_equal(*computed, *presented));
}

Result<Bytes> initialization_body_of_key_recovery(const Bytes& krr_body) {
    auto body = pkix::read_der_value(krr_body);
    if (!body || !is_context(*body, true) || body->tag != body_krr) {
        return malformed("not a krr body");
    }
    auto requests = pkix::explicit_inner(*body);
    if (!requests || !requests->is_universal(pkix::der_sequence)) {
        return malformed("the krr does not hold CertReqMessages");
    }
    return pkix::der_explicit(body_ir, requests->encoding);
}

Result<Bytes> key_recovery_response(const Bytes& ip_body) {
    constexpr std::uint32_t body_ip = 1;
    auto body = pkix::read_der_value(ip_body);
    if (!body || !is_context(*body, true) || body->tag != body_ip) {
        return malformed("not an ip body");
    }
    // CertRepMessage ::= SEQUENCE { caPubs [1] SEQUENCE OF CMPCertificate OPTIONAL,
    //                               response SEQUENCE OF CertResponse }
    auto message = pkix::explicit_inner(*body);
    auto members = message ? pkix::der_members(*message) : std::nullopt;
    if (!members || members->empty() || members->size() > 2) {
        return malformed("the ip is not a CertRepMessage");
    }
    std::optional<pkix::DerValue> ca_pubs;
    if (members->size() == 2) {
        if (!is_context(members->front(), true) || members->front().tag != 1) {
            return malformed("the ip's caPubs is not [1]");
        }
        ca_pubs = pkix::explicit_inner(members->front());
    }
    // CertResponse ::= SEQUENCE { certReqId, status PKIStatusInfo, certifiedKeyPair OPTIONAL,
    //                             rspInfo OPTIONAL }; CertifiedKeyPair ::= SEQUENCE {
    //                             certOrEncCert CHOICE { certificate [0] CMPCertificate, ... } }
    auto responses = pkix::der_members(members->back());
    if (!responses || responses->size() != 1) {
        return malformed("the ip does not hold one CertResponse");
    }
    auto response = pkix::der_members(responses->front());
    if (!response || response->size() < 2) {
        return malformed("the ip's CertResponse has no status");
    }
    const pkix::DerValue& status = (*response)[1];
    Bytes content(status.encoding.begin(), status.encoding.end());
    if (response->size() >= 3 && (*response)[2].is_universal(pkix::der_sequence)) {
        auto pair = pkix::der_members((*response)[2]);
        if (pair && !pair->empty() && is_context(pair->front(), true) && pair->front().tag == 0) {
            // newSigCert [0] EXPLICIT CMPCertificate: the same tag and certificate.
            content.insert(
                content.end(), pair->front().encoding.begin(), pair->front().encoding.end());
        }
    }
    if (ca_pubs) {
        auto ca_certs = pkix::der_explicit(1, ca_pubs->encoding);
        DOJANG_TRY(ca_certs);
        content.insert(content.end(), ca_certs->begin(), ca_certs->end());
    }
    auto recovered = pkix::der_value(TagClass::universal, pkix::der_sequence, true, content);
    DOJANG_TRY(recovered);
    return pkix::der_explicit(body_krp, *recovered);
}

Result<Bytes> rfc_form(const Message& request, const SecretBytes& secret) {
    return rfc_form(request, request.body_der, secret);
}

Result<Bytes> rfc_form(const Message& request,
                       const Bytes& body,
                       const SecretBytes& secret,
                       const std::optional<Bytes>& recip_nonce) {
    const Header& asked = request.header;
    // A PasswordBasedMac OpenSSL's server checks: 16-byte salt, SHA-256, 1,000 iterations,
    // HMAC-SHA256 (RFC 4210 5.1.3.1).
    constexpr std::size_t salt_size = 16;
    constexpr std::size_t iterations = 1000;
    crypto::Owned<OSSL_CRMF_PBMPARAMETER, OSSL_CRMF_PBMPARAMETER_free> parameters(
        OSSL_CRMF_pbmp_new(nullptr, salt_size, NID_sha256, iterations, NID_hmacWithSHA256));
    auto parameters_der = crypto::to_der(
        static_cast<const OSSL_CRMF_PBMPARAMETER*>(parameters.get()), i2d_OSSL_CRMF_PBMPARAMETER);
    DOJANG_TRY(parameters_der);
    auto pbm_oid_der = oid_der(password_based_mac_oid);
    DOJANG_TRY(pbm_oid_der);
    auto algorithm = pkix::der_sequence_of({*pbm_oid_der, *parameters_der});
    DOJANG_TRY(algorithm);
    const Bytes transaction_id = transaction_id_of(request);
    auto empty_name = pkix::der_sequence_of({});
    DOJANG_TRY(empty_name);
    std::vector<Result<Bytes>> parts;
    parts.push_back(pkix::der_integer_value(2));
    if (asked.sender_form == NameForm::directory_name) {
        parts.emplace_back(asked.sender_der);
    } else {
        parts.push_back(pkix::der_explicit(general_name_directory, *empty_name));
    }
    parts.emplace_back(asked.recipient_der);
    parts.push_back(pkix::der_explicit(1, *algorithm));
    if (asked.sender_kid) {
        parts.push_back(tagged(2, pkix::der_octet_string_value(*asked.sender_kid)));
    }
    if (asked.recip_kid) {
        parts.push_back(tagged(3, pkix::der_octet_string_value(*asked.recip_kid)));
    }
    parts.push_back(tagged(4, pkix::der_octet_string_value(transaction_id)));
    if (asked.sender_nonce) {
        parts.push_back(tagged(5, pkix::der_octet_string_value(*asked.sender_nonce)));
    }
    if (recip_nonce) {
        parts.push_back(tagged(6, pkix::der_octet_string_value(*recip_nonce)));
    }
    auto header = sequence_of_parts(parts);
    DOJANG_TRY(header);
    auto part = pkix::der_sequence_of({*header, body});
    DOJANG_TRY(part);
    auto mac = password_based_mac(parameters.get(), *part, secret);
    if (!mac) {
        return crypto::openssl_failure(
            ErrorKind::internal, "PBM_FAILED", "cannot compute the PasswordBasedMac");
    }
    auto protection = tagged(0, pkix::der_bit_string_value(*mac));
    DOJANG_TRY(protection);
    if (request.extra_certs_der) {
        return pkix::der_sequence_of({*header, body, *protection, *request.extra_certs_der});
    }
    return pkix::der_sequence_of({*header, body, *protection});
}

Result<Bytes> answer_with_body(const Message& request,
                               std::span<const std::uint8_t> ca_name_der,
                               Seconds now,
                               const Bytes& body,
                               const SecretBytes& secret) {
    auto nonce = random_nonce();
    DOJANG_TRY(nonce);
    return answer_in_form(request, ca_name_der, now, body, *nonce, secret);
}

Result<Bytes> general_response(const Message& request,
                               std::span<const std::uint8_t> ca_name_der,
                               Seconds now,
                               std::span<const std::uint8_t> vid_certificate_der,
                               const SecretBytes& secret) {
    auto protection_cert = info_type_and_value(ca_prot_enc_cert_oid, vid_certificate_der);
    DOJANG_TRY(protection_cert);
    auto korean_cert = info_type_and_value(korean_ca_cert_oid, vid_certificate_der);
    DOJANG_TRY(korean_cert);
    auto content = pkix::der_sequence_of({*protection_cert, *korean_cert});
    DOJANG_TRY(content);
    auto body = pkix::der_explicit(body_genp, *content);
    DOJANG_TRY(body);
    return answer_in_form(request, ca_name_der, now, *body, genp_nonce(request), secret);
}

Result<Bytes> error_answer(const Message& request,
                           std::span<const std::uint8_t> ca_name_der,
                           Seconds now,
                           int fail_bit,
                           const std::string& text,
                           const std::optional<SecretBytes>& secret) {
    // ErrorMsgContent ::= SEQUENCE { pKIStatusInfo, ... }; the PKIStatusInfo is OpenSSL's.
    crypto::Owned<OSSL_CMP_PKISI, OSSL_CMP_PKISI_free> status(
        OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_rejection, 1 << fail_bit, text.c_str()));
    auto status_der =
        crypto::to_der(static_cast<const OSSL_CMP_PKISI*>(status.get()), i2d_OSSL_CMP_PKISI);
    DOJANG_TRY(status_der);
    auto content = pkix::der_sequence_of({*status_der});
    DOJANG_TRY(content);
    auto body = pkix::der_explicit(body_error, *content);
    DOJANG_TRY(body);
    auto nonce = random_nonce();
    DOJANG_TRY(nonce);
    return answer_in_form(request, ca_name_der, now, *body, *nonce, secret);
}

}  // namespace dojang::kcmp
