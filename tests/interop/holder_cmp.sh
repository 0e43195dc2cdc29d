#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The holder's network commands against a real dojangd: `dojang issue` (p10cr with the
# reference number and authorization code, carrying R so that the certificate gets the VID;
# root pinned on first use), `dojang status` (OCSP), `dojang renew` (kur signed with the current
# key), `dojang revoke` (rr) and the guided `dojang reissue` over the REST API with the one-time
# code read from the SMS spool. OpenSSL (`verify`, `pkey`, `ocsp`) judges what dojang stored and
# what the server says.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
dojang=$2
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"
export DOJANG_HOME=$work/NPKI

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
start_server "$dojangd" ca serve.log
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"

printf 'Dojang-pass-2024!\n' >pw
ocsp_of() {  # ocsp_of CERT.pem → the status line of `openssl ocsp`, its output in ocsp.log
    openssl ocsp -issuer chain.pem -cert "$1" -url "$url/ocsp" -CAfile root.pem -no_nonce >ocsp.log 2>&1 || true
    sed -n "s|^$1: ||p" ocsp.log
}
run() {  # run LOG COMMAND...: runs the command with its output in LOG
    local log=$1
    shift
    "$@" >"$log" 2>&1
}
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2 | tr A-F a-f | sed 's/^0*//'; }

# The holder's current certificate ends in 10 days; the reissue keeps that notAfter, so the new
# certificate is inside the renewal window.
near_end=$(date -u -d '+10 days' +%Y-%m-%d)
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/C=KR/O=dojang/CN=hong" -out old.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr old.csr --keep-not-after "${near_end}T14:59:59Z" --out old.pem >/dev/null
old_serial=$(openssl x509 -in old.pem -noout -serial | cut -d= -f2)
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --old-serial "$old_serial" --json >codes.json
reference=$(jq -r .reference_number codes.json)
jq -r .authorization_code codes.json >code
[ ${#reference} -eq 10 ] && [ -s code ] || fail "no codes"

# 1. issue: a wrong code is refused (exit 3) and stores nothing; the right one installs the
# certificate and its key, and pins the server's root.
printf '1111-2222-3333-4444\n' >wrong
"$dojang" issue --server "$url" --ref "$reference" --code-file wrong --password-file pw >wrong.log 2>&1 || wrong_status=$?
[ "${wrong_status:-0}" -eq 3 ] || { cat wrong.log; fail "wrong code: exit ${wrong_status:-0}, expected 3"; }
contains CMP_BAD_MESSAGE_CHECK <wrong.log || { cat wrong.log; fail "wrong code not reported as badMessageCheck"; }
[ -z "$(find NPKI -name signCert.der 2>/dev/null)" ] || fail "a refused request stored a certificate"

run issue.log "$dojang" issue --server "$url" --ref "$reference" --code-file code --password-file pw \
    --idn-file idn --lang en || { cat issue.log; fail "dojang issue"; }
root_fingerprint=$(openssl x509 -in root.pem -noout -fingerprint -sha256 | cut -d= -f2)
# The first contact (the refused request) pinned the root and showed its fingerprint; this one
# found the same root.
contains "SHA-256     $root_fingerprint" <wrong.log || { cat wrong.log; fail "root fingerprint not reported"; }
contains "matches the pin: $root_fingerprint" <issue.log || { cat issue.log; fail "pinned root not checked"; }
[ -s NPKI/.dojang/servers/*/root.pem ] && cmp NPKI/.dojang/servers/*/root.pem root.pem || fail "root not pinned"
contains "post-reissue checklist" <issue.log || fail "no checklist"
cert=$(find NPKI -name signCert.der)
key=$(find NPKI -name signPri.key)
[ -n "$cert" ] && [ -n "$key" ] || fail "nothing stored"
openssl x509 -inform DER -in "$cert" -out first.pem
openssl verify -CAfile root.pem -untrusted chain.pem first.pem | contains "first.pem: OK" || fail "stored certificate does not verify"
openssl pkey -inform DER -in "$key" -passin file:pw -pubout >key.pub 2>/dev/null || fail "openssl cannot open the key with the password"
openssl x509 -in first.pem -noout -pubkey | cmp - key.pub || fail "stored key is not the certificate's"
[ "$(stat -c %a "$key")" = 600 ] || fail "key not 0600"
openssl x509 -in first.pem -noout -subject -nameopt utf8,sep_comma_plus_space | contains "CN=홍길동" ||
    fail "subject not from the register"
end=$(openssl x509 -in first.pem -noout -enddate -dateopt iso_8601 | cut -d= -f2)
[ "$end" = "$near_end 14:59:59Z" ] || fail "reissue did not keep the old notAfter ($end)"
# R is kept in the key file as the randomNum attribute (what dojang printed).
random=$(sed -n 's/^R  *//p' issue.log)
[ ${#random} -eq 40 ] || { cat issue.log; fail "no R printed"; }
"$dojang" show --password-file pw --lang en | contains "R           $random" || fail "R not in the key file"
# The p10cr carried R: the CA put the VID of the registered number and R in the certificate,
# dojang issue checked it against --idn-file, and dojang vid-check confirms it from the key file.
contains "VID         matches the identification number and R" <issue.log ||
    { cat issue.log; fail "issue did not confirm the VID"; }
openssl x509 -in first.pem -noout -ext subjectAltName | contains "1.2.410.200004.10.1.1" ||
    fail "no identifyData in the issued certificate"
"$dojang" vid-check --cert "$cert" --key "$key" --idn-file idn --password-file pw >vid.log 2>&1 ||
    { cat vid.log; fail "dojang vid-check"; }
contains "VID matches" <vid.log || { cat vid.log; fail "VID does not match the resident number"; }
printf '9001011234568\n' >other_idn
if "$dojang" vid-check --cert "$cert" --key "$key" --idn-file other_idn --password-file pw >vid_other.log 2>&1; then
    fail "the VID matched another resident number"
fi
contains VID_MISMATCH <vid_other.log || { cat vid_other.log; fail "another number not reported as VID_MISMATCH"; }
# certConf completed the reissue: the old certificate is superseded.
old_superseded() { [ "$(ocsp_of old.pem)" = revoked ] && grep -q "Reason: superseded" ocsp.log; }
wait_for 60 old_superseded || { cat ocsp.log; fail "old certificate not superseded after certConf"; }
# The codes are single use: conflict (exit 5).
"$dojang" issue --server "$url" --ref "$reference" --code-file code --password-file pw >again.log 2>&1 || again_status=$?
[ "${again_status:-0}" -eq 5 ] || { cat again.log; fail "used codes: exit ${again_status:-0}, expected 5"; }
cmp "$cert" <(openssl x509 -in first.pem -outform DER) || fail "a refused request changed the store"

# 2. status: OCSP says good (the certificates name 127.0.0.1:0; dojang falls back to the server
# it pinned).
run status.log "$dojang" status --lang en || { cat status.log; fail "dojang status"; }
contains "status    good" <status.log || { cat status.log; fail "status not good"; }

# 3. revoke needs a confirmation: without a terminal and --yes it refuses (exit 2).
"$dojang" revoke --reason keyCompromise --password-file pw </dev/null >confirm.log 2>&1 || confirm_status=$?
[ "${confirm_status:-0}" -eq 2 ] && contains CONFIRMATION_REQUIRED <confirm.log ||
    { cat confirm.log; fail "revoke without --yes"; }
[ "$(ocsp_of first.pem)" = good ] || fail "an unconfirmed revoke revoked"

# 4. renew inside the window: a new key and certificate replace the old in the store; the old
# one is superseded; the renewed one is good and runs one more year.
run renew.log "$dojang" renew --password-file pw --lang en || { cat renew.log; fail "dojang renew"; }
cert=$(find NPKI -name signCert.der)
key=$(find NPKI -name signPri.key)
[ "$(find NPKI -name signCert.der | wc -l)" -eq 1 ] || fail "renewal left two certificates"
[ -z "$(find NPKI -name '*.old')" ] || fail "backup files left after a confirmed renewal"
openssl x509 -inform DER -in "$cert" -out renewed.pem
[ "$(openssl x509 -in renewed.pem -noout -serial)" != "$(openssl x509 -in first.pem -noout -serial)" ] ||
    fail "renew did not replace the certificate"
openssl verify -CAfile root.pem -untrusted chain.pem renewed.pem | contains "renewed.pem: OK" || fail "renewed certificate"
openssl pkey -inform DER -in "$key" -passin file:pw -pubout >key.pub 2>/dev/null || fail "renewed key does not open"
openssl x509 -in renewed.pem -noout -pubkey | cmp - key.pub || fail "renewed key is not the certificate's"
openssl x509 -in first.pem -noout -pubkey | cmp -s - key.pub && fail "renewal kept the old key"
expected_end="$(date -u -d "$near_end + 1 year" +%Y-%m-%d) 14:59:59Z"
[ "$(openssl x509 -in renewed.pem -noout -enddate -dateopt iso_8601 | cut -d= -f2)" = "$expected_end" ] ||
    fail "renewed notAfter is not one year on"
"$dojang" show --password-file pw --lang en | contains "R           $random" || fail "renewal lost R"
first_superseded() { [ "$(ocsp_of first.pem)" = revoked ] && grep -q "Reason: superseded" ocsp.log; }
wait_for 60 first_superseded || { cat ocsp.log; fail "renewed-away certificate not superseded"; }
run status.log "$dojang" status --lang en || { cat status.log; fail "dojang status after renew"; }
contains "serial    0*$(serial_of renewed.pem)\$" <status.log ||
    { cat status.log; fail "status does not list the renewed certificate"; }
contains "status    good" <status.log || { cat status.log; fail "renewed certificate not good"; }

# 5. revoke: keyCompromise, then OCSP (OpenSSL's and dojang's) says revoked.
run revoke.log "$dojang" revoke --reason keyCompromise --yes --password-file pw --lang en ||
    { cat revoke.log; fail "dojang revoke"; }
renewed_revoked() { [ "$(ocsp_of renewed.pem)" = revoked ] && grep -q "Reason: keyCompromise" ocsp.log; }
wait_for 60 renewed_revoked || { cat ocsp.log; fail "revoke did not revoke with keyCompromise"; }
run status.log "$dojang" status --lang en || { cat status.log; fail "dojang status after revoke"; }
contains "status    revoked (keyCompromise)" <status.log || { cat status.log; fail "status after revoke"; }
# A revoked certificate renews nothing: the CA's refusal is readable (exit 3).
"$dojang" renew --password-file pw >late.log 2>&1 || late_status=$?
[ "${late_status:-0}" -eq 3 ] && contains "revoked" <late.log || { cat late.log; fail "renewing a revoked certificate"; }

# 6. reissue over REST for an individual of the imported register; the one-time code comes
# from the SMS spool.
cat >customers.csv <<CSV
customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials
c-2,individual,이영희,,920202-2345678,,,,010-2222-3333,lee@example.com,
CSV
"$dojangd" admin customers import --data ca customers.csv >/dev/null || fail "import"
cat >code_for.sh <<'SH'
# code_for.sh PHONE_DIGITS: the newest one-time code in the SMS spool for that phone
file=$(grep -l "^To: $1" ca/spool/sms/*.txt 2>/dev/null | xargs -r grep -l '[0-9]\{6\}' | xargs -r ls -t | head -1)
[ -n "$file" ] && sed '1,/^$/d' "$file" | grep -o '[0-9]\{6\}' | head -1
SH
printf '920202-2345678\n' >resident
run reissue.log "$dojang" reissue --home "$work/NPKI2" --server "$url" --holder-type individual \
    --reason forgot_password --name 이영희 --resident-number-file resident --phone 010-2222-3333 \
    --email lee@example.com --channel sms --otp-command "sh code_for.sh 01022223333" \
    --password-file pw --lang en || { cat reissue.log; fail "dojang reissue"; }
contains "post-reissue checklist" <reissue.log || { cat reissue.log; fail "reissue: no checklist"; }
lee=$(find NPKI2 -name signCert.der)
[ -n "$lee" ] || fail "reissue stored nothing"
openssl x509 -inform DER -in "$lee" -out lee.pem
openssl verify -CAfile root.pem -untrusted chain.pem lee.pem | contains "lee.pem: OK" || fail "reissued certificate"
openssl x509 -in lee.pem -noout -subject -nameopt utf8,sep_comma_plus_space | contains "CN=이영희" ||
    fail "reissued subject not from the register"
openssl pkey -inform DER -in "$(find NPKI2 -name signPri.key)" -passin file:pw -pubout 2>/dev/null |
    cmp - <(openssl x509 -in lee.pem -noout -pubkey) || fail "reissued key"
"$dojang" status --home "$work/NPKI2" --lang en | contains "status    good" || fail "reissued certificate not good"
# A stranger gets the same answer as anybody at first, and then no code: the journey fails
# with the server's words, not a crash.
printf '850505-1234567\n' >stranger
"$dojang" reissue --home "$work/NPKI3" --server "$url" --holder-type individual --reason forgot_password \
    --name 김철수 --resident-number-file stranger --phone 010-5555-6666 --email kim@example.com \
    --channel sms --otp-command "echo 000000" --password-file pw --lang en >stranger.log 2>&1 || stranger_status=$?
[ "${stranger_status:-0}" -ne 0 ] || { cat stranger.log; fail "a stranger got a certificate"; }
[ -z "$(find "$work/NPKI3" -name signCert.der 2>/dev/null)" ] || fail "a stranger's journey stored a certificate"

# 7. The company branch of the guided journey: the one-time code, the documents uploaded by
# dojang, the wait for the review (an officer approves with an API token while dojang polls),
# then the key generated here and the certificate fetched over CMP.
cat >companies.csv <<CSV
customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials
c-4,corporate,도장상사,,,1248100998,,김대표,010-4444-5555,ceo@dojang.example,
CSV
"$dojangd" admin customers import --data ca companies.csv >/dev/null || fail "import the company"
printf 'correct horse battery staple\n' >officer.pass
"$dojangd" admin officers add --data ca --username reviewer --password-file officer.pass --token \
    >officer.txt || fail "officers add"
officer_token=$(sed -n 's/^api_token: //p' officer.txt)
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' >registration.pdf
printf '\x89PNG\r\n\x1a\n' >id.png && head -c 200 root.pem >>id.png
"$dojang" reissue --home "$work/NPKI4" --server "$url" --holder-type corporate --reason forgot_password \
    --name 도장상사 --business-number 124-81-00998 --representative 김대표 --phone 010-4444-5555 \
    --email ceo@dojang.example --channel sms --otp-command "sh code_for.sh 01044445555" \
    --document business_registration=registration.pdf --document representative_id=id.png \
    --poll-seconds 1 --wait-minutes 2 --password-file pw --lang en >company.log 2>&1 &
company_client=$!
queued() {  # the company's application waits in the review queue with both documents
    curl -fsS -H "Authorization: Bearer $officer_token" "$url/api/v1/reviews?holder_type=corporate" >queue.json &&
        [ "$(jq '[.items[] | select(.documents | length == 2)] | length' queue.json)" = 1 ]
}
wait_for 60 queued || { cat company.log queue.json; fail "the company's application did not reach the review queue"; }
company_id=$(jq -r '.items[0].id' queue.json)
kill -0 $company_client 2>/dev/null || { cat company.log; fail "dojang stopped before the review"; }
[ "$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $officer_token" \
    -H 'Content-Type: application/json' --data '{}' "$url/api/v1/reviews/$company_id/approve")" = 200 ] ||
    fail "approve the company"
wait $company_client || { cat company.log; fail "dojang reissue for a company"; }
contains "post-reissue checklist" <company.log || { cat company.log; fail "company: no checklist"; }
company_cert=$(find NPKI4 -name signCert.der)
[ -n "$company_cert" ] || fail "the company's reissue stored nothing"
openssl x509 -inform DER -in "$company_cert" -noout -subject -nameopt utf8,sep_comma_plus_space |
    contains "CN=도장상사" || fail "company subject not from the register"

"$dojangd" audit verify --data ca >/dev/null || fail "audit chain"
echo "holder cmp: ok"
