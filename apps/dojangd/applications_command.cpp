// SPDX-License-Identifier: Apache-2.0
#include "applications_command.hpp"

#include "dojang/core/text.hpp"
#include "dojang/ra/reissue.hpp"

#include <ostream>

#include "authority.hpp"
#include "data_dir.hpp"

namespace dojang::app {

Result<void> register_walk_in(const WalkInOptions& options, const Clock& clock, std::ostream& out) {
    auto holder_type = domain::holder_type_from_string(options.holder_type);
    DOJANG_TRY(holder_type);
    auto reason = domain::reissue_reason_from_string(options.reason);
    DOJANG_TRY(reason);
    auto installation = open(options.data, true, "admin applications register");
    DOJANG_TRY(installation);
    auto authority = open_registration_authority(*installation, clock);
    DOJANG_TRY(authority);
    ra::WalkInRequest request;
    request.holder_type = *holder_type;
    request.name = options.name;
    request.phone = options.phone;
    request.email = options.email;
    request.resident_number = options.idn;
    request.business_number = options.business_number;
    request.reason = *reason;
    request.old_serial = options.old_serial;
    request.back_office_review = options.back_office_review;
    auto codes = (*authority)->reissue.register_walk_in(request);
    DOJANG_TRY(codes);
    if (codes->is_revocation()) {
        std::string serials;
        for (const auto& serial : codes->revoked) {
            serials += (serials.empty() ? "" : ",") + json_quote(serial);
        }
        if (options.json) {
            out << "{\"application_id\":" << json_quote(codes->application_id)
                << ",\"status\":\"revoked\",\"revoked\":[" << serials << "]}\n";
            return ok();
        }
        out << "application_id: " << codes->application_id << "\n"
            << "revoked (keyCompromise): " << (serials.empty() ? "none on file" : serials) << "\n"
            << "The holder's certificates are revoked; nothing is issued (폐지 완료). OCSP and the "
               "next CRL say so.\n";
        return ok();
    }
    if (options.json) {
        out << "{\"application_id\":" << json_quote(codes->application_id)
            << ",\"reference_number\":" << json_quote(codes->reference_number)
            << ",\"authorization_code\":" << json_quote(codes->authorization_code)
            << ",\"expires_at\":" << json_quote(to_rfc3339(codes->expires_at))
            << ",\"status\":" << json_quote(options.back_office_review ? "in_review" : "approved")
            << "}\n";
        return ok();
    }
    out << "application_id: " << codes->application_id << "\n"
        << "reference_number: " << codes->reference_number << "\n"
        << "authorization_code: " << codes->authorization_code << "\n"
        << "expires_at: " << to_rfc3339(codes->expires_at) << "\n"
        << "Give both codes to the holder (shown once; 참조번호와 인가코드는 한 번만 표시됩니다).\n"
        << "The holder fetches the certificate with them: POST /api/v1/certificates.\n";
    if (options.back_office_review) {
        out << "The codes work once an officer approves the application in the review console "
               "(본사 승인 후 사용 가능); a CMP client sent earlier gets `waiting` and polls.\n";
    }
    return ok();
}

}  // namespace dojang::app
