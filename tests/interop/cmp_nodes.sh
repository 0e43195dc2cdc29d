#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CMP across two nodes: two dojangd servers share one store behind a load balancer that sends
# each connection to the other node (`openssl cmp -keep_alive 0`: a connection per message).
# The ir is answered by one node and its certConf by the other; a request in review is polled
# on both until an officer approves it. Nothing of a CMP transaction lives in a node's memory.
# With DOJANG_TEST_POSTGRES the store is PostgreSQL, otherwise one SQLite file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null || fail "init"
store_from_environment ca
sed -i 's/^poll_interval_seconds = 60/poll_interval_seconds = 1/' ca/dojang.toml
printf 'correct horse battery staple\n' >officer.pass
"$dojangd" admin officers add --data ca --username backoffice --password-file officer.pass --token \
    >officer.txt || fail "officers add"
officer_token=$(sed -n 's/^api_token: //p' officer.txt)

start_server "$dojangd" ca a.log
a_url=$url
start_server "$dojangd" ca b.log
b_url=$url
python3 "$here/alternate_proxy.py" proxy.port "${a_url##*:}" "${b_url##*:}" >proxy.log 2>&1 &
wait_for 10 test -s proxy.port || fail "the load balancer did not start"
server=127.0.0.1:$(cat proxy.port)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out new.key 2>/dev/null
cmp_ir() {  # cmp_ir CODES_JSON CERTOUT LOG
    openssl cmp -cmd ir -server "$server" -path cmp -keep_alive 0 -ref "$(jq -r .reference_number "$1")" \
        -secret "pass:$(jq -r .authorization_code "$1" | tr -d -)" -newkey new.key -subject "/CN=x" \
        -certout "$2" -unprotected_errors -total_timeout 120 >"$3" 2>&1
}

# 1. ir on one node, certConf on the other.
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --json >codes.json || fail "walk-in"
cmp_ir codes.json new.pem ir.log || { cat ir.log proxy.log; fail "ir and certConf on two nodes"; }
[ "$(grep -c ' -> ' proxy.log)" -ge 2 ] && grep -q " -> ${a_url##*:}$" proxy.log && grep -q " -> ${b_url##*:}$" proxy.log ||
    { cat proxy.log; fail "the messages did not go to both nodes"; }
[ "$(sql ca "SELECT status FROM applications WHERE id = '$(jq -r .application_id codes.json)'")" = confirmed ] ||
    fail "the certConf on the other node did not confirm the certificate"

# 2. A request in review is polled on both nodes until an officer approves it on one of them.
"$dojangd" admin applications register --data ca --holder-type corporate --name 도장상사 \
    --phone 010-4444-5555 --email ceo@dojang.example --business-number 124-81-00998 \
    --reason forgot_password --back-office-review --json >held.json || fail "walk-in held for review"
cmp_ir held.json held.pem held.log &
client=$!
polled_twice() {
    [ "$(sql ca "SELECT COUNT(*) FROM audit_log WHERE action = 'cmp.pollReq' AND details LIKE '%\"waiting\"%'")" -ge 2 ]
}
wait_for 30 polled_twice || { cat held.log proxy.log; fail "openssl cmp did not poll across the nodes"; }
[ "$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $officer_token" \
    -H 'Content-Type: application/json' --data '{}' "$b_url/api/v1/reviews/$(jq -r .application_id held.json)/approve")" = 200 ] ||
    fail "the officer could not approve"
wait "$client" || { cat held.log proxy.log; fail "the polled request did not end with a certificate"; }
[ "$(sql ca "SELECT status FROM applications WHERE id = '$(jq -r .application_id held.json)'")" = confirmed ] ||
    fail "the polled certificate was not confirmed"
[ "$(sql ca "SELECT COUNT(*) FROM cmp_transactions")" = 0 ] || fail "finished transactions left in the store"
"$dojangd" audit verify --data ca >/dev/null || fail "audit verify"
echo "cmp nodes: ok"
