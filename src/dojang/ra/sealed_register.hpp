// SPDX-License-Identifier: Apache-2.0
// The customer register as the RA keeps it: personal fields sealed before they reach the store.
#pragma once

#include "dojang/ra/register.hpp"
#include "dojang/store/store.hpp"

#include <optional>
#include <string>

namespace dojang::ra {

/// Seals the personal fields of `record` (name, birth date, business and corporate numbers,
/// representative, phone, e-mail) with AES-256-GCM under the register key: each becomes
/// "s1:" + base64(nonce ‖ ciphertext ‖ tag), its AAD naming the customer and the field, so a
/// value moved to another row or column does not open. Empty fields stay empty. The keyed hash
/// and ciphertext of the identification number are kept as they are.
Result<store::CustomerRecord> seal_customer(const RegisterKeys& keys,
                                            const store::CustomerRecord& record);

/// Opens what seal_customer() produced. A field without the "s1:" mark was written before the
/// register was sealed and is returned as it is (`dojangd serve` seals such rows at start).
/// internal CUSTOMER_DECRYPT_FAILED when a sealed field was changed or another key sealed it.
Result<store::CustomerRecord> open_customer(const RegisterKeys& keys,
                                            const store::CustomerRecord& record);

/// One personal text field outside the register, sealed the same way: AAD
/// "dojang-field-v1:<owner>:<field>" (owner: the application id, say). Empty stays empty.
Result<std::string> seal_field(const RegisterKeys& keys,
                               const std::string& owner,
                               std::string_view field,
                               const std::string& value);
/// Opens what seal_field() produced (a value without the "s1:" mark is returned as it is);
/// internal FIELD_DECRYPT_FAILED when it was changed or moved.
Result<std::string> open_field(const RegisterKeys& keys,
                               const std::string& owner,
                               std::string_view field,
                               const std::string& value);

/// Whether every personal field of a stored record is sealed (or empty).
bool customer_is_sealed(const store::CustomerRecord& record);

/// The register through `tx`, sealing on the way in and opening on the way out. Everything in
/// the RA that reads or writes a personal field goes through this, never tx.customers().
class SealedRegister {
public:
    SealedRegister(store::Transaction& tx, const RegisterKeys& keys) : tx_(&tx), keys_(&keys) {}

    /// As store::CustomerRepository::upsert, with the personal fields sealed.
    Result<bool> upsert(const store::CustomerRecord& record);
    Result<std::optional<store::CustomerRecord>> find(const std::string& customer_id);
    Result<std::optional<store::CustomerRecord>> find_by_idn_hash(const Bytes& idn_hash);
    Result<std::optional<store::CustomerRecord>> find_by_certificate(const std::string& serial);

private:
    Result<std::optional<store::CustomerRecord>> opened(
        Result<std::optional<store::CustomerRecord>> found) const;

    store::Transaction* tx_;
    const RegisterKeys* keys_;
};

/// Seals every register row written before the register was sealed, in batches of
/// `batch` rows per transaction; returns how many rows it sealed.
Result<std::size_t> seal_legacy_customers(store::Database& database,
                                          const RegisterKeys& keys,
                                          std::size_t batch = 500);

}  // namespace dojang::ra
