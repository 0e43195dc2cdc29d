#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Companies and proxies over HTTP: a company applies, verifies its code, uploads its documents
# (a mislabelled file is 415, an oversized one 413 before its body is read), an officer signs in
# (cookie + CSRF token), reads the documents and approves; the applicant's status page shows the
# codes once and they fetch the certificate. A proxy's application is approved with an officer's
# API token; another company's is rejected with a reason the applicant is told.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
# With DOJANG_TEST_POSTGRES (scripts/with-postgres.sh) the journey runs on PostgreSQL.
store_from_environment ca
cat >customers.csv <<CSV
customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials
c-10,corporate,주식회사 도장,,,120-81-47521,,김대표,010-5555-6666,ceo@dojang.example,
c-11,individual,홍길동,,900101-1234567,,,,010-1234-5678,hong@example.com,
c-12,corporate,한빛상사,,,220-81-62517,,이대표,010-7777-8888,ceo@hanbit.example,
CSV
"$dojangd" admin customers import --data ca customers.csv >/dev/null || fail "import"
printf 'correct horse 9!\n' >kim.pass
printf 'another horse 9!\n' >api.pass
"$dojangd" admin officers add --data ca --username kim --name 김심사 --password-file kim.pass \
    >/dev/null || fail "officers add"
"$dojangd" admin officers add --data ca --username api --password-file api.pass --token \
    >api.txt || fail "officers add --token"
api_token=$(sed -n 's/^api_token: //p' api.txt)
[ -n "$api_token" ] || fail "no API token printed"
start_server "$dojangd" ca serve.log
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"

post() {  # post PATH BODY [CURL ARGS...] → writes out.json, prints the HTTP status
    local path=$1 data=$2
    shift 2
    curl -sS -o out.json -w '%{http_code}' -H 'Content-Type: application/json' "$@" \
        --data-binary "$data" "$url$path"
}
code_for() {  # code_for PHONE_DIGITS: the newest one-time code in the SMS spool
    local file
    file=$(grep -l "^To: $1" ca/spool/sms/*.txt 2>/dev/null | xargs -r grep -l '[0-9]\{6\}' |
        xargs -r ls -t | head -1)
    [ -n "$file" ] && sed '1,/^$/d' "$file" | grep -o '[0-9]\{6\}' | head -1
}
apply_and_verify() {  # apply_and_verify BODY PHONE → sets $id $token; checks in_review
    [ "$(post /api/v1/applications "$1")" = 201 ] || { cat out.json; fail "apply"; }
    id=$(jq -r .application_id out.json)
    token=$(jq -r .status_token out.json)
    wait_for 30 sh -c "grep -qs '^To: $2' ca/spool/sms/*.txt" || fail "no SMS to $2"
    local code
    code=$(code_for "$2")
    [ "$(post "/api/v1/applications/$id/otp/verify" "{\"code\":\"$code\"}")" = 200 ] ||
        { cat out.json; fail "verify"; }
    [ "$(jq -r .status out.json)" = in_review ] || { cat out.json; fail "not in review"; }
    [ "$(jq -r .reference_number out.json)" = null ] || fail "codes before review"
}
upload() {  # upload KIND TYPE FILE [TOKEN] → prints the HTTP status
    curl -sS -o upload.json -w '%{http_code}' -X PUT -H "Content-Type: $2" \
        -H "Authorization: Bearer ${4:-$token}" --data-binary "@$3" \
        "$url/api/v1/applications/$id/documents/$1"
}

# Documents to upload: a PDF and a PNG (made by tools, not by us), a page of HTML, a large file.
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' >registration.pdf
openssl req -new -x509 -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=x -out id.pem 2>/dev/null
printf '\x89PNG\r\n\x1a\n' >id.png && cat id.pem >>id.png
printf '<html><script>alert(1)</script></html>' >evil.pdf
head -c $((11 * 1024 * 1024)) /dev/zero >large.pdf

# 1. The company applies and verifies its code: it waits for review.
apply_and_verify "$(jq -cn '{holder_type:"corporate", reason:"expired", name:"주식회사 도장",
    business_number:"120-81-47521", representative_name:"김대표", phone:"010-5555-6666",
    email:"ceo@dojang.example", channel:"sms"}')" 01055556666
company_id=$id
company_token=$token
jq -e '.required_documents == ["business_registration","representative_id"]' out.json >/dev/null ||
    { cat out.json; fail "required documents"; }

# 2. Documents: judged by content, size refused before the body is read.
[ "$(upload business_registration application/pdf evil.pdf)" = 415 ] || { cat upload.json; fail "HTML as PDF"; }
[ "$(jq -r .code upload.json)" = DOCUMENT_TYPE_NOT_ALLOWED ] || fail "415 without its code"
status=$(curl -sS -o upload.json -w '%{http_code}' -X PUT -H 'Content-Type: application/pdf' \
    -H "Authorization: Bearer $token" --data-binary @large.pdf \
    "$url/api/v1/applications/$id/documents/business_registration" || true)
[ "$status" = 413 ] || fail "an 11 MB document answered $status"
[ "$(upload business_registration application/pdf registration.pdf wrong-token)" = 401 ] ||
    fail "upload without the status token"
[ "$(upload business_registration application/pdf registration.pdf)" = 201 ] || { cat upload.json; fail "PDF"; }
[ "$(jq -r .sha256 upload.json)" = "$(sha256sum registration.pdf | cut -d' ' -f1)" ] || fail "sha256"
[ "$(upload representative_id image/png id.png)" = 201 ] || { cat upload.json; fail "PNG"; }
ls ca/documents/*.bin >/dev/null || fail "documents not stored under generated names"

# 3. The officer signs in: a wrong password is refused; the cookie is __Host-, Secure, HttpOnly.
[ "$(post /api/v1/officer/sessions '{"username":"kim","password":"wrong horse 9!"}')" = 401 ] ||
    fail "a wrong password signed in"
status=$(post /api/v1/officer/sessions '{"username":"kim","password":"correct horse 9!"}' -D signin.headers)
[ "$status" = 201 ] || { cat out.json; fail "sign-in answered $status"; }
csrf=$(jq -r .csrf_token out.json)
cookie_line=$(grep -i '^set-cookie:' signin.headers | tr -d '\r')
for attribute in "__Host-dojang_officer=" "Secure" "HttpOnly" "SameSite=Strict" "Path=/"; do
    grep -q -- "$attribute" <<<"$cookie_line" || fail "cookie lacks $attribute: $cookie_line"
done
cookie=$(sed 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/' <<<"$cookie_line")
curl -fsS -H "Cookie: $cookie" "$url/api/v1/reviews?holder_type=corporate" >queue.json || fail "queue"
jq -e --arg id "$company_id" '.items | map(.id) | index($id) != null' queue.json >/dev/null ||
    { cat queue.json; fail "the company is not in the queue"; }
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$url/api/v1/reviews")" = 401 ] ||
    fail "the queue without signing in"
[ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $company_token" \
    "$url/api/v1/reviews")" = 401 ] || fail "an applicant's token opened the queue"
curl -fsS -H "Cookie: $cookie" "$url/api/v1/reviews/$company_id" >detail.json || fail "detail"
[ "$(jq -r .register.representative detail.json)" = 김대표 ] || { cat detail.json; fail "register data"; }
curl -fsS -D doc.headers -o fetched.pdf -H "Cookie: $cookie" \
    "$url/api/v1/reviews/$company_id/documents/business_registration" || fail "document"
cmp registration.pdf fetched.pdf || fail "the document changed"
grep -qi '^content-type: application/pdf' doc.headers || fail "document type"

# 4. Approve: without the CSRF token it is refused; with it, approved.
[ "$(post "/api/v1/reviews/$company_id/approve" '{}' -H "Cookie: $cookie")" = 403 ] ||
    fail "approved without the CSRF token"
[ "$(post "/api/v1/reviews/$company_id/approve" '{}' -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf")" = 200 ] ||
    { cat out.json; fail "approve"; }
[ "$(jq -r .status out.json)" = approved ] || { cat out.json; fail "not approved"; }

# 5. The applicant sees the codes once and fetches the certificate with them.
curl -fsS -H "Authorization: Bearer $company_token" "$url/api/v1/applications/$company_id" >status.json
reference=$(jq -r .codes.reference_number status.json)
authorization=$(jq -r .codes.authorization_code status.json)
[ ${#reference} -eq 10 ] || { cat status.json; fail "no codes after approval"; }
curl -fsS -H "Authorization: Bearer $company_token" "$url/api/v1/applications/$company_id" >again.json
[ "$(jq -r .codes again.json)" = null ] || fail "the codes were shown twice"
openssl req -new -newkey rsa:2048 -nodes -keyout new.key -subj "/CN=x" -out new.csr 2>/dev/null
jq -n --arg r "$reference" --arg c "$authorization" --rawfile csr new.csr \
    '{reference_number:$r, authorization_code:$c, csr:$csr}' >request.json
[ "$(post /api/v1/certificates @request.json)" = 201 ] || { cat out.json; fail "issuance"; }
jq -r .certificate out.json >company.pem
openssl x509 -in company.pem -noout -subject -nameopt utf8,sep_comma_plus | contains "주식회사 도장" ||
    fail "the certificate is not the company's"
[ "$(upload representative_id image/png id.png "$company_token")" = 409 ] ||
    fail "documents changed after the decision"

# 6. A proxy (대리인) applies for 홍길동; an officer's API token approves.
apply_and_verify "$(jq -cn '{holder_type:"individual", reason:"lost_device", name:"홍길동",
    resident_number:"900101-1234567", phone:"010-1234-5678", email:"hong@example.com",
    channel:"sms", proxy:{name:"김대리", phone:"010-9999-0000"}}')" 01012345678
proxy_id=$id
jq -e '.required_documents == ["power_of_attorney","proxy_id"]' out.json >/dev/null ||
    { cat out.json; fail "proxy documents"; }
[ "$(post "/api/v1/reviews/$proxy_id/approve" '{}' -H "Authorization: Bearer $api_token")" = 409 ] ||
    fail "approved without the power of attorney"
[ "$(jq -r .code out.json)" = DOCUMENT_MISSING ] || { cat out.json; fail "missing documents"; }
# Two large scans together are refused (16 MiB per application); smaller ones replace them.
{ cat registration.pdf; head -c $((9 * 1024 * 1024)) /dev/zero; } >big.pdf
{ cat id.png; head -c $((9 * 1024 * 1024)) /dev/zero; } >big.png
# A wrong status token is refused on the header: not a byte of the 9 MiB file is sent.
sent=$(curl -sS -o upload.json -w '%{http_code} %{size_upload}' -X PUT -H 'Content-Type: application/pdf' \
    -H 'Expect: 100-continue' -H 'Authorization: Bearer wrong-token' --data-binary @big.pdf \
    "$url/api/v1/applications/$id/documents/power_of_attorney")
[ "$sent" = "401 0" ] && [ "$(jq -r .code upload.json)" = STATUS_TOKEN_INVALID ] ||
    { cat upload.json; fail "a wrong token's upload was read ($sent)"; }
[ "$(upload power_of_attorney application/pdf big.pdf)" = 201 ] || { cat upload.json; fail "a 9 MiB PDF"; }
[ "$(upload proxy_id image/png big.png)" = 413 ] && [ "$(jq -r .code upload.json)" = DOCUMENTS_TOO_LARGE_IN_TOTAL ] ||
    { cat upload.json; fail "18 MiB of documents for one application"; }
[ "$(upload power_of_attorney application/pdf registration.pdf)" = 201 ] || fail "power of attorney"
[ "$(upload proxy_id image/png id.png)" = 201 ] || fail "proxy id"
[ "$(post "/api/v1/reviews/$proxy_id/approve" '{}' -H "Authorization: Bearer $api_token")" = 200 ] ||
    { cat out.json; fail "approve with the API token"; }
curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/applications/$proxy_id" >proxy.json
[ "$(jq -r '.codes.reference_number | length' proxy.json)" = 10 ] || { cat proxy.json; fail "proxy codes"; }

# 7. Another company is rejected; the applicant sees the reason and gets a message.
apply_and_verify "$(jq -cn '{holder_type:"corporate", reason:"info_changed", name:"한빛상사",
    business_number:"220-81-62517", phone:"010-7777-8888", email:"ceo@hanbit.example",
    channel:"sms"}')" 01077778888
[ "$(post "/api/v1/reviews/$id/reject" '{"reason":"other"}' -H "Authorization: Bearer $api_token")" = 400 ] ||
    fail "'other' without a text"
[ "$(post "/api/v1/reviews/$id/reject" '{"reason":"missing_document","text":"사업자등록증 누락"}' \
    -H "Authorization: Bearer $api_token")" = 200 ] || { cat out.json; fail "reject"; }
curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/applications/$id" >rejected.json
jq -e '.status == "rejected" and .review.reason == "missing_document" and .codes == null' \
    rejected.json >/dev/null || { cat rejected.json; fail "rejection status"; }
wait_for 30 sh -c "grep -ls '^To: 01077778888' ca/spool/sms/*.txt | xargs -r grep -l '반려' | grep -q ." ||
    fail "no rejection message"

# Guessing an officer's password: after five failures of one name the sixth attempt, even with
# the right password, answers 429 with Retry-After; a name that does not exist is answered
# alike. (A 503 SIGN_IN_BUSY means this server checked its passwords for this second: a client
# waits Retry-After and sends again.)
sign_in_status() {  # sign_in_status NAME PASSWORD → the HTTP status, out.json, signin.headers
    local status
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        status=$(post /api/v1/officer/sessions "$(jq -cn --arg u "$1" --arg p "$2" '{username:$u,password:$p}')" \
            -D signin.headers)
        [ "$status" = 503 ] || { echo "$status"; return; }
        grep -qi '^retry-after: 1' signin.headers || fail "503 without Retry-After: 1"
        sleep 1
    done
    fail "sign-in stayed busy"
}
for name in kim nobody; do
    for attempt in 1 2 3 4 5; do
        [ "$(sign_in_status "$name" "guess $attempt horse!")" = 401 ] || { cat out.json; fail "guess $attempt"; }
    done
    [ "$(sign_in_status "$name" "correct horse 9!")" = 429 ] || { cat out.json; fail "$name: no 429"; }
    [ "$(jq -r .code out.json)" = OFFICER_SIGN_IN_THROTTLED ] || { cat out.json; fail "$name: code"; }
    grep -qi '^retry-after: [0-9]' signin.headers || fail "$name: 429 without Retry-After"
done
set +e
"$dojangd" admin officers unlock --data ca --username nobody >unlock.log 2>&1
unlock_status=$?
set -e
[ "$unlock_status" = 4 ] && contains OFFICER_NOT_FOUND <unlock.log || { cat unlock.log; fail "unlock of nobody"; }
"$dojangd" admin officers unlock --data ca --username kim >unlock.log || fail "unlock kim"
[ "$(sign_in_status kim "correct horse 9!")" = 201 ] || { cat out.json; fail "kim after unlock"; }
# Another officer unlocks over HTTP (audited); nobody unlocks their own account or a stranger's.
[ "$(post /api/v1/officers/kim/unlock '{}')" = 401 ] || { cat out.json; fail "unlock without signing in"; }
[ "$(post /api/v1/officers/kim/unlock '{}' -H "Authorization: Bearer $api_token")" = 200 ] ||
    { cat out.json; fail "another officer's unlock"; }
[ "$(post /api/v1/officers/api/unlock '{}' -H "Authorization: Bearer $api_token")" = 403 ] &&
    [ "$(jq -r .code out.json)" = OFFICER_SELF_UNLOCK ] || { cat out.json; fail "self-unlock"; }
[ "$(post /api/v1/officers/nobody/unlock '{}' -H "Authorization: Bearer $api_token")" = 404 ] &&
    [ "$(jq -r .code out.json)" = OFFICER_NOT_FOUND ] || { cat out.json; fail "unlock of nobody over HTTP"; }

"$dojangd" audit verify --data ca >/dev/null || fail "audit chain"
# The audit log names the documents each decision was made on (their SHA-256) and every
# one-time code entered.
audit_details() {  # audit_details ACTION SUBJECT → the details of the matching entries
    sql ca "SELECT details FROM audit_log WHERE action = '$1' AND subject = '$2'"
}
pdf_sum=$(sha256sum registration.pdf | cut -d' ' -f1)
png_sum=$(sha256sum id.png | cut -d' ' -f1)
for sum in "$pdf_sum" "$png_sum"; do
    audit_details review.approve "$company_id" | contains "$sum" ||
        fail "the approval's audit entry does not name document $sum"
done
audit_details review.reject "$id" | contains '"reason":"missing_document"' ||
    fail "the rejection's audit entry lacks its reason"
audit_details otp.verify "$company_id" | contains '"channel":"sms"' ||
    fail "the verified one-time code was not audited"
if [ -n "${DOJANG_TEST_POSTGRES:-}" ]; then
    # Everything went to PostgreSQL: the SQLite file init made holds no application.
    [ "$(sqlite3 ca/dojang.db 'SELECT COUNT(*) FROM applications' 2>/dev/null || echo 0)" = 0 ] ||
        fail "applications were stored in SQLite although PostgreSQL is configured"
fi
echo "company reissue: ok"
