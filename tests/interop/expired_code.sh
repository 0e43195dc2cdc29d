#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An expired one-time code over HTTP: with [ra] otp_valid_minutes = 1 the holder waits past the
# minute, the right code is refused as OTP_EXPIRED, a new code (resend) works and approves.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
sed -i 's/^otp_valid_minutes = 5/otp_valid_minutes = 1/' ca/dojang.toml
grep -q '^otp_valid_minutes = 1$' ca/dojang.toml || fail "could not set otp_valid_minutes"
printf 'customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials\nc-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,hong@example.com,\n' >customers.csv
"$dojangd" admin customers import --data ca customers.csv >/dev/null || fail "import"
start_server "$dojangd" ca serve.log

code_of() {  # code_of FILE: the six digits of a spooled SMS
    sed '1,/^$/d' "$1" | grep -o '[0-9]\{6\}' | head -1
}
curl -fsS -o app.json -H 'Content-Type: application/json' --data-binary \
    '{"holder_type":"individual","reason":"expired","name":"홍길동","resident_number":"900101-1234567","phone":"010-1234-5678","email":"hong@example.com","channel":"sms"}' \
    "$url/api/v1/applications" || fail "apply"
id=$(jq -r .application_id app.json)
expires=$(jq -r .code_expires_at app.json)
jq -r .message.en app.json | contains "valid for 1 minute\." || { cat app.json; fail "the answer names another lifetime"; }
jq -r .message.ko app.json | contains "1분간 유효" || { cat app.json; fail "the Korean answer names another lifetime"; }
wait_for 30 sh -c 'ls ca/spool/sms/*.txt >/dev/null 2>&1' || fail "no SMS"
first=$(code_of "$(ls ca/spool/sms/*.txt | head -1)")
[ ${#first} -eq 6 ] || fail "no code in the SMS"
grep -q "1분" ca/spool/sms/*.txt || fail "the SMS does not say the code works 1 minute"

# Past the code's lifetime (and the one-a-minute resend limit).
now=$(date +%s)
until_expiry=$(($(date -d "$expires" +%s) - now))
[ "$until_expiry" -le 61 ] || fail "the code expires in $until_expiry s, not within a minute"
sleep $((until_expiry + 2))
status=$(curl -sS -o late.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "{\"code\":\"$first\"}" "$url/api/v1/applications/$id/otp/verify")
[ "$status" = 403 ] && [ "$(jq -r .code late.json)" = OTP_EXPIRED ] ||
    { cat late.json; fail "an expired code answered $status"; }

# A new code works.
status=$(curl -sS -o resend.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary '{}' "$url/api/v1/applications/$id/otp/resend")
[ "$status" = 202 ] || { cat resend.json; fail "resend answered $status"; }
wait_for 30 sh -c '[ "$(ls ca/spool/sms/*.txt | wc -l)" -ge 2 ]' || fail "no second SMS"
second=$(code_of "$(ls -t ca/spool/sms/*.txt | head -1)")
[ "$second" != "$first" ] || fail "the new code is the old one"
status=$(curl -sS -o verified.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "{\"code\":\"$second\"}" "$url/api/v1/applications/$id/otp/verify")
[ "$status" = 200 ] && [ "$(jq -r .status verified.json)" = approved ] ||
    { cat verified.json; fail "the new code answered $status"; }
echo "expired code: ok"
