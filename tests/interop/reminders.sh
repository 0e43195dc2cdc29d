#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Expiry reminders from a running server: a holder whose certificate ends within 30 days gets
# one reminder at the address in the customer register, written by `dojangd serve` (which
# looks for due reminders when it starts and hourly) and delivered to the spool.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
store_from_environment ca
# Certificates of this CA last 20 days: inside the 30-day reminder window from the start.
sed -i 's/^validity_days = 365$/validity_days = 20/' ca/dojang.toml
grep -q '^validity_days = 20$' ca/dojang.toml || fail "could not shorten the profile's validity"

# A holder registered at the branch fetches a certificate with the codes.
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --json >codes.json
start_server "$dojangd" ca serve.log
openssl req -new -newkey rsa:2048 -nodes -keyout new.key -subj "/CN=ignored" -out new.csr 2>/dev/null
jq -n --arg r "$(jq -r .reference_number codes.json)" --arg c "$(jq -r .authorization_code codes.json)" \
    --rawfile csr new.csr '{reference_number: $r, authorization_code: $c, csr: $csr}' >request.json
status=$(curl -sS -o issued.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @request.json "$url/api/v1/certificates")
[ "$status" = 201 ] || { cat issued.json; fail "issuance answered $status"; }
serial=$(jq -r .serial issued.json)

# The reminder is looked for when the server starts: restart it.
kill "$server_pid"
wait "$server_pid" || fail "dojangd serve did not stop cleanly"
start_server "$dojangd" ca serve2.log
reminded() {
    [ "$(sql ca "SELECT count(*) FROM outbox_messages WHERE dedupe_key LIKE 'expiry:%' AND status = 'sent'")" = 1 ]
}
wait_for 30 reminded || {
    cat serve2.log
    sql ca "SELECT dedupe_key, status, channel, last_error FROM outbox_messages"
    fail "no expiry reminder was sent for certificate $serial"
}
grep -q "queueing expiry reminders failed" serve2.log && fail "the reminder run failed: $(cat serve2.log)"
grep -q "1 expiry reminder(s) due" serve2.log || { cat serve2.log; fail "the server did not report the due reminder"; }
[ "$(sql ca "SELECT channel FROM outbox_messages WHERE dedupe_key LIKE 'expiry:%'")" = email ] ||
    fail "the reminder did not go to the register's e-mail address"
grep -rl "hong@example.com" ca/spool/email | wc -l | grep -qx 3 ||
    { ls -l ca/spool/email; fail "expected the issued notice, the security notice and the reminder for hong@example.com in the spool"; }
# Only once: a second start queues nothing new.
kill "$server_pid"
wait "$server_pid" || fail "dojangd serve did not stop cleanly"
start_server "$dojangd" ca serve3.log
sleep 2
[ "$(sql ca "SELECT count(*) FROM outbox_messages WHERE dedupe_key LIKE 'expiry:%'")" = 1 ] ||
    fail "the reminder was queued twice"
echo "reminders: ok (certificate $serial, one reminder to the register's e-mail)"
