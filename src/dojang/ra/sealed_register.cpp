// SPDX-License-Identifier: Apache-2.0
#include "dojang/ra/sealed_register.hpp"

#include "dojang/core/bytes.hpp"
#include "dojang/crypto/aead.hpp"

#include <array>
#include <utility>

namespace dojang::ra {
namespace {

constexpr std::string_view mark = "s1:";

/// The personal fields of a record, by the name their AAD carries.
std::array<std::pair<std::string_view, std::string*>, 7> fields_of(store::CustomerRecord& record) {
    return {{{"name", &record.name},
             {"birth_date", &record.birth_date},
             {"business_number", &record.business_number},
             {"corporate_number", &record.corporate_number},
             {"representative", &record.representative},
             {"phone", &record.phone},
             {"email", &record.email}}};
}

std::string aad_of(const std::string& customer_id, std::string_view field) {
    return "dojang-register-v1:" + customer_id + ":" + std::string(field);
}

Result<std::string> seal_text(const RegisterKeys& keys,
                              const std::string& value,
                              const std::string& aad) {
    if (value.empty()) {
        return value;
    }
    auto ciphertext = crypto::aead_seal(keys.encryption_key(), to_bytes(value), aad);
    DOJANG_TRY(ciphertext);
    return std::string(mark) + to_base64(*ciphertext);
}

Result<std::string> open_text(const RegisterKeys& keys,
                              const std::string& value,
                              const std::string& aad,
                              const char* code) {
    if (!value.starts_with(mark)) {
        return value;  // written before sealing
    }
    auto ciphertext = from_base64(std::string_view(value).substr(mark.size()));
    auto plain = ciphertext ? crypto::aead_open(keys.encryption_key(), *ciphertext, aad)
                            : Result<SecretBytes>(tl::unexpected(ciphertext.error()));
    if (!plain) {
        return tl::unexpected(Error{ErrorKind::internal,
                                    code,
                                    "a stored personal field cannot be decrypted (was it "
                                    "changed, or sealed under another secrets/register.key?)",
                                    plain.error().describe(),
                                    {}});
    }
    return std::string(plain->chars(), plain->size());
}

}  // namespace

Result<std::string> seal_field(const RegisterKeys& keys,
                               const std::string& owner,
                               std::string_view field,
                               const std::string& value) {
    return seal_text(keys, value, "dojang-field-v1:" + owner + ":" + std::string(field));
}

Result<std::string> open_field(const RegisterKeys& keys,
                               const std::string& owner,
                               std::string_view field,
                               const std::string& value) {
    return open_text(
        keys, value, "dojang-field-v1:" + owner + ":" + std::string(field), "FIELD_DECRYPT_FAILED");
}

Result<store::CustomerRecord> seal_customer(const RegisterKeys& keys,
                                            const store::CustomerRecord& record) {
    store::CustomerRecord sealed = record;
    for (auto& [field, value] : fields_of(sealed)) {
        auto text = seal_text(keys, *value, aad_of(record.customer_id, field));
        DOJANG_TRY(text);
        *value = std::move(*text);
    }
    return sealed;
}

Result<store::CustomerRecord> open_customer(const RegisterKeys& keys,
                                            const store::CustomerRecord& record) {
    store::CustomerRecord opened = record;
    for (auto& [field, value] : fields_of(opened)) {
        auto text =
            open_text(keys, *value, aad_of(record.customer_id, field), "CUSTOMER_DECRYPT_FAILED");
        DOJANG_TRY(text);
        *value = std::move(*text);
    }
    return opened;
}

bool customer_is_sealed(const store::CustomerRecord& record) {
    store::CustomerRecord copy = record;
    for (auto& [field, value] : fields_of(copy)) {
        if (!value->empty() && !value->starts_with(mark)) {
            return false;
        }
    }
    return true;
}

Result<bool> SealedRegister::upsert(const store::CustomerRecord& record) {
    auto sealed = seal_customer(*keys_, record);
    DOJANG_TRY(sealed);
    return tx_->customers().upsert(*sealed);
}

Result<std::optional<store::CustomerRecord>> SealedRegister::opened(
    Result<std::optional<store::CustomerRecord>> found) const {
    if (!found || !*found) {
        return found;
    }
    auto plain = open_customer(*keys_, **found);
    DOJANG_TRY(plain);
    return std::optional<store::CustomerRecord>(std::move(*plain));
}

Result<std::optional<store::CustomerRecord>> SealedRegister::find(const std::string& customer_id) {
    return opened(tx_->customers().find(customer_id));
}

Result<std::optional<store::CustomerRecord>> SealedRegister::find_by_idn_hash(const Bytes& hash) {
    return opened(tx_->customers().find_by_idn_hash(hash));
}

Result<std::optional<store::CustomerRecord>> SealedRegister::find_by_certificate(
    const std::string& serial) {
    return opened(tx_->customers().find_by_certificate(serial));
}

Result<std::size_t> seal_legacy_customers(store::Database& database,
                                          const RegisterKeys& keys,
                                          std::size_t batch) {
    std::size_t sealed = 0;
    std::string after;
    for (;;) {
        std::size_t seen = 0;
        auto done = database.transact([&](store::Transaction& tx) -> Result<void> {
            seen = 0;
            auto ids = tx.customers().ids_after(after, batch);
            DOJANG_TRY(ids);
            for (const auto& id : *ids) {
                ++seen;
                after = id;
                auto found = tx.customers().find(id);
                DOJANG_TRY(found);
                if (!*found || customer_is_sealed(**found)) {
                    continue;
                }
                auto saved = SealedRegister(tx, keys).upsert(**found);
                DOJANG_TRY(saved);
                ++sealed;
            }
            return ok();
        });
        DOJANG_TRY(done);
        if (seen < batch) {
            return sealed;
        }
    }
}

}  // namespace dojang::ra
