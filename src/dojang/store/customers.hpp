// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dojang/core/bytes.hpp"
#include "dojang/core/clock.hpp"
#include "dojang/core/error.hpp"
#include "dojang/domain/application.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojang::store {

/// One entry of the customer register, as the registration authority knows a holder.
/// The identification number (resident number for a person, business registration number for
/// a company) is never held in plain text: only its keyed hash and its ciphertext. The other
/// personal fields reach the store sealed by the RA (ra::SealedRegister), so the store holds
/// their ciphertext in the same text fields.
struct CustomerRecord {
    std::string customer_id;  ///< The RA's own identifier of the customer.
    domain::HolderType holder_type = domain::HolderType::individual;
    std::string name;
    std::string birth_date;  ///< YYYY-MM-DD; may be empty for companies.
    Bytes idn_hash;          ///< Keyed HMAC-SHA256 of the identification number (for matching).
    Bytes idn_ciphertext;    ///< AES-256-GCM of that number: nonce ‖ ciphertext ‖ tag.
    std::string business_number;   ///< 사업자등록번호, 10 digits, or empty.
    std::string corporate_number;  ///< 법인등록번호, 13 digits, or empty.
    std::string representative;    ///< The company's representative, or empty.
    std::string phone;             ///< Digits only ("01012345678").
    std::string email;
    std::vector<std::string> certificate_serials;  ///< Current certificates, canonical hex.
    Seconds updated_at;

    friend bool operator==(const CustomerRecord&, const CustomerRecord&) = default;
};

/// The customer register.
class CustomerRepository {
public:
    virtual ~CustomerRepository() = default;
    /// Inserts the record, or replaces the one with the same customer_id (serials included).
    /// Returns true when it inserted. `conflict` CUSTOMER_IDN_CONFLICT when another customer
    /// has the same idn_hash; the transaction stays usable after that error.
    virtual Result<bool> upsert(const CustomerRecord& record) = 0;
    /// The customer with this id, or std::nullopt.
    virtual Result<std::optional<CustomerRecord>> find(const std::string& customer_id) = 0;
    /// The customer whose identification number has this keyed hash, or std::nullopt.
    virtual Result<std::optional<CustomerRecord>> find_by_idn_hash(const Bytes& idn_hash) = 0;
    /// How many customers the register holds.
    virtual Result<std::size_t> count() = 0;
    /// Up to `limit` customer ids greater than `after`, in order (to walk the register).
    virtual Result<std::vector<std::string>> ids_after(const std::string& after,
                                                       std::size_t limit) = 0;
    /// The customer holding the certificate with this serial (canonical hex), or nullopt.
    virtual Result<std::optional<CustomerRecord>> find_by_certificate(
        const std::string& serial) = 0;
};

}  // namespace dojang::store
