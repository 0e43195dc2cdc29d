// SPDX-License-Identifier: Apache-2.0
#include "dojang/holder/identity.hpp"

#include <openssl/x509v3.h>

#include <utility>

namespace dojang::holder {

Result<std::optional<npki::IdentifyData>> identify_data_of(const pkix::Certificate& certificate) {
    const int index = X509_get_ext_by_NID(certificate.get(), NID_subject_alt_name, -1);
    if (index < 0) {
        return std::optional<npki::IdentifyData>{};
    }
    const ASN1_OCTET_STRING* value =
        X509_EXTENSION_get_data(X509_get_ext(certificate.get(), index));
    auto parsed = npki::parse_identify_data(Bytes(value->data, value->data + value->length));
    if (!parsed) {
        // A subjectAltName without identifyData (only an e-mail address, say) is no binding,
        // not a malformed one.
        if (parsed.error().code == "IDENTIFY_DATA_MISSING") {
            return std::optional<npki::IdentifyData>{};
        }
        return tl::unexpected(parsed.error());
    }
    return std::optional<npki::IdentifyData>(std::move(*parsed));
}

}  // namespace dojang::holder
