#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The online reissue journey over HTTP: a customer in the register applies, reads the one-time
# code (development SMS spool), verifies, fetches the certificate with the codes it gets, and
# confirms; OCSP then says the old certificate is superseded. Also: a person not in the register
# gets exactly the answer a mismatch gets; five wrong codes kill a code; a resend too soon is
# 429 with Retry-After; two concurrent requests with one Idempotency-Key make one application.
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
start_server "$dojangd" ca serve.log
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"

# The register and the holder's current certificate.
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/CN=hong" -out old.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr old.csr --out old.pem >/dev/null
old_serial=$(openssl x509 -in old.pem -noout -serial | cut -d= -f2)
openssl req -new -newkey rsa:2048 -nodes -keyout lost.key -subj "/CN=choi" -out lost.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr lost.csr --out lost.pem >/dev/null
lost_serial=$(openssl x509 -in lost.pem -noout -serial | cut -d= -f2)
cat >customers.csv <<CSV
customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials
c-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,hong@example.com,$old_serial
c-2,individual,이영희,,920202-2345678,,,,010-2222-3333,lee@example.com,
c-3,individual,박민수,,930303-1456789,,,,010-3333-4444,park@example.com,
c-4,individual,최폐지,,940404-1234567,,,,010-4444-5555,choi@example.com,$lost_serial
CSV
"$dojangd" admin customers import --data ca customers.csv >/dev/null || fail "import"

apply() {  # apply BODY [IDEMPOTENCY_KEY] → writes apply.json, prints the HTTP status
    local key=${2:-}
    curl -sS -o apply.json -w '%{http_code}' -H 'Content-Type: application/json' \
        ${key:+-H "Idempotency-Key: $key"} --data-binary "$1" "$url/api/v1/applications"
}
body() {  # body NAME RESIDENT PHONE [EMAIL [OLD_SERIAL]]
    jq -cn --arg n "$1" --arg r "$2" --arg p "$3" --arg e "${4:-hong@example.com}" \
        --arg o "${5-$old_serial}" \
        '{holder_type:"individual", reason:"forgot_password", name:$n, resident_number:$r,
          phone:$p, email:$e, channel:"sms"} + (if $o == "" then {} else {old_serial:$o} end)'
}
code_for() {  # code_for PHONE_DIGITS: the newest one-time code the SMS spool holds for it
    local file
    file=$(grep -l "^To: $1" ca/spool/sms/*.txt 2>/dev/null | xargs -r ls -t | head -1)
    # The body starts after the blank line that ends the "To:" header.
    [ -n "$file" ] && sed '1,/^$/d' "$file" | grep -o '[0-9]\{6\}' | head -1
}
sms_count() { ls ca/spool/sms/*.txt 2>/dev/null | wc -l; }

# 1. The holder applies; the code arrives in the SMS spool.
[ "$(apply "$(body 홍길동 900101-1234567 010-1234-5678)")" = 201 ] || { cat apply.json; fail "apply"; }
cp apply.json matched.json
id=$(jq -r .application_id matched.json)
token=$(jq -r .status_token matched.json)
wait_for 30 sh -c "grep -qs '^To: 01012345678' ca/spool/sms/*.txt" || fail "no SMS in the spool"
code=$(code_for 01012345678)
[ ${#code} -eq 6 ] || fail "no six-digit code in the SMS"

# A stranger and a typo in the phone number get the same answer as each other.
[ "$(apply "$(body 김철수 850505-1234567 010-5555-6666)")" = 201 ] || { cat apply.json; fail "stranger"; }
cp apply.json stranger.json
[ "$(apply "$(body 홍길동 900101-1234567 010-1234-5679)")" = 201 ] || { cat apply.json; fail "typo"; }
cp apply.json typo.json
shape() { jq -S 'del(.application_id, .status_token, .code_expires_at)' "$1"; }
cmp <(shape matched.json) <(shape stranger.json) || fail "a stranger's answer differs from the holder's"
cmp <(shape stranger.json) <(shape typo.json) || fail "a mismatch differs from a stranger"

# 2. Resend too soon: 429 with Retry-After.
status=$(curl -sS -o resend.json -D resend.headers -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary '{}' "$url/api/v1/applications/$id/otp/resend")
[ "$status" = 429 ] && [ "$(jq -r .code resend.json)" = RESEND_TOO_SOON ] || { cat resend.json; fail "resend limit"; }
grep -qi '^retry-after: [0-9]' resend.headers || fail "429 without Retry-After"

# 3. Verify, fetch, confirm.
status=$(curl -sS -o verified.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$(jq -cn --arg c "$code" '{code:$c}')" "$url/api/v1/applications/$id/otp/verify")
[ "$status" = 200 ] || { cat verified.json; fail "verify answered $status"; }
reference=$(jq -r .reference_number verified.json)
authorization=$(jq -r .authorization_code verified.json)
openssl req -new -newkey rsa:2048 -nodes -keyout new.key -subj "/CN=x" -out new.csr 2>/dev/null
jq -n --arg r "$reference" --arg c "$authorization" --rawfile csr new.csr \
    '{reference_number:$r, authorization_code:$c, csr:$csr}' >request.json
status=$(curl -sS -o issued.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @request.json "$url/api/v1/certificates")
[ "$status" = 201 ] || { cat issued.json; fail "issuance answered $status"; }
jq -r .certificate issued.json >new.pem
openssl verify -CAfile root.pem -untrusted chain.pem new.pem | contains "new.pem: OK" || fail "new certificate"
jq -n --arg t "$(jq -r .confirmation_token issued.json)" '{confirmation_token:$t}' >confirm.json
curl -fsS -o /dev/null -H 'Content-Type: application/json' --data-binary @confirm.json \
    "$url/api/v1/certificates/$(jq -r .serial issued.json)/confirm" || fail "confirm"
superseded() {
    openssl ocsp -issuer chain.pem -cert old.pem -url "$url/ocsp" -CAfile root.pem -no_nonce >ocsp.log 2>&1 || true
    grep -q "old.pem: revoked" ocsp.log && grep -q "Reason: superseded" ocsp.log
}
wait_for 60 superseded || { cat ocsp.log; fail "old certificate not superseded within 60 s"; }

# Nothing went to the numbers the stranger and the typo gave: codes go only to the register's
# phone. Messages leave in the order they were queued, so once the holder's e-mail (queued
# after those two applications) is in the spool, theirs would be too.
wait_for 30 sh -c "grep -qs '^To: hong@example.com' ca/spool/email/*" || fail "no e-mail to the holder"
for number in 01055556666 01012345679; do
    ! grep -qs "^To: $number" ca/spool/sms/*.txt || fail "an SMS went to $number, which is not on file"
done

# The status page, with the applicant's token only.
curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/applications/$id" >status.json || fail "status"
jq -e '.status == "confirmed" or .status == "issued" or .status == "approved"' status.json >/dev/null ||
    { cat status.json; fail "status"; }
grep -q "$code" status.json && fail "the status page shows the one-time code"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$url/api/v1/applications/$id")
[ "$status" = 401 ] || fail "status without the right token answered $status"

# 4. Five wrong codes kill the code.
[ "$(apply "$(body 이영희 920202-2345678 010-2222-3333 lee@example.com "")")" = 201 ] ||
    { cat apply.json; fail "second application"; }
second=$(jq -r .application_id apply.json)
for attempt in 1 2 3 4 5; do
    curl -sS -o wrong.json -H 'Content-Type: application/json' --data-binary '{"code":"000000"}' \
        "$url/api/v1/applications/$second/otp/verify" >/dev/null
done
status=$(curl -sS -o wrong.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary '{"code":"000000"}' "$url/api/v1/applications/$second/otp/verify")
code6=$(jq -r .code wrong.json)
[ "$code6" = OTP_LOCKED ] || [ "$code6" = APPLICATION_LOCKED ] || { cat wrong.json; fail "five wrong codes did not lock ($status)"; }

# 5. Two concurrent submissions with one Idempotency-Key: one application.
b=$(body 박민수 930303-1456789 010-3333-4444 park@example.com "")
(apply "$b" same-key-1 >/dev/null; cp apply.json first.json) &
racer=$!
curl -sS -o second.json -H 'Content-Type: application/json' -H "Idempotency-Key: same-key-1" \
    --data-binary "$b" "$url/api/v1/applications" >/dev/null
wait "$racer"
[ "$(jq -r .application_id first.json)" = "$(jq -r .application_id second.json)" ] ||
    fail "one Idempotency-Key made two applications"
status=$(apply "$(body 박민수 930303-1456789 010-3333-9999 park@example.com "")" same-key-1)
[ "$status" = 422 ] || { cat apply.json; fail "same key with another body answered $status"; }

# 6. Revocation alone (폐지 신청): the same identity check, then every certificate of the holder
#    is revoked (keyCompromise) and nothing is issued.
revocation=$(jq -cn '{holder_type:"individual", reason:"revocation", name:"최폐지",
    resident_number:"940404-1234567", phone:"010-4444-5555", email:"choi@example.com", channel:"sms"}')
[ "$(apply "$revocation")" = 201 ] || { cat apply.json; fail "revocation application"; }
revocation_id=$(jq -r .application_id apply.json)
revocation_token=$(jq -r .status_token apply.json)
wait_for 30 sh -c "grep -qs '^To: 01044445555' ca/spool/sms/*.txt" || fail "no code for the revocation"
status=$(curl -sS -o revoked.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$(jq -cn --arg c "$(code_for 01044445555)" '{code:$c}')" \
    "$url/api/v1/applications/$revocation_id/otp/verify")
[ "$status" = 200 ] && jq -e '.status == "revoked" and .reference_number == null' revoked.json >/dev/null ||
    { cat revoked.json; fail "the revocation's verify answered $status"; }
lost_revoked() {
    openssl ocsp -issuer chain.pem -cert lost.pem -url "$url/ocsp" -CAfile root.pem -no_nonce >ocsp.log 2>&1 || true
    grep -q "lost.pem: revoked" ocsp.log && grep -q "Reason: keyCompromise" ocsp.log
}
wait_for 60 lost_revoked || { cat ocsp.log; fail "the certificate was not revoked within 60 s"; }
curl -fsS -H "Authorization: Bearer $revocation_token" "$url/api/v1/applications/$revocation_id" >status.json
jq -e '.status == "revoked" and .codes == null' status.json >/dev/null || { cat status.json; fail "revocation status"; }
revocation_notice() {  # the decoded text of the e-mails to choi@example.com names the serial
    local file
    for file in $(grep -ls '^To: choi@example.com' ca/spool/email/*); do
        python3 -c 'import email, sys
message = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(message.get_payload(decode=True).decode())' "$file"
    done | contains "${lost_serial,,}"
}
wait_for 30 revocation_notice || fail "no revocation notice naming the serial"

# The data directory, the database and the spool hold personal data: the owner's alone.
for private in ca:700 ca/spool:700 ca/spool/sms:700 ca/spool/email:700; do
    [ "$(stat -c %a "${private%:*}")" = "${private#*:}" ] || fail "${private%:*} is not mode ${private#*:}"
done
if [ -z "${DOJANG_TEST_POSTGRES:-}" ]; then
    for file in ca/dojang.db ca/dojang.db-wal; do
        [ "$(stat -c %a "$file")" = 600 ] || fail "$file is not mode 600"
    done
fi
for file in ca/spool/sms/*.txt; do
    [ "$(stat -c %a "$file")" = 600 ] || fail "$file is not mode 600"
done

"$dojangd" audit verify --data ca >/dev/null || fail "audit chain"
if [ -n "${DOJANG_TEST_POSTGRES:-}" ]; then
    # Everything went to PostgreSQL: the SQLite file init made holds no application.
    [ "$(sqlite3 ca/dojang.db 'SELECT COUNT(*) FROM applications' 2>/dev/null || echo 0)" = 0 ] ||
        fail "applications were stored in SQLite although PostgreSQL is configured"
fi
echo "online reissue: ok"
