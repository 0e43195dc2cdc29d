#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Step-boundary crash test of the whole RA issuance path (ADR 0004), REST and CMP, on SQLite or
# (with DOJANG_TEST_POSTGRES) PostgreSQL. For each boundary the server is started with
# DOJANG_FAILPOINT naming it, a holder asks for the certificate with the codes, the server kills
# itself there (SIGKILL), and a fresh server takes over. Then:
#   - before the commit of the certificate: no certificate is good, and the codes work again
#     once the sweeper gives them back;
#   - after it: the certificate is recorded on its application, OCSP calls it good, and the
#     codes stay used;
# and at the end: every certificate OCSP calls good is recorded on an application, and
# `audit verify` passes.
set -euo pipefail
here=$(cd "$(dirname "$0")/../interop" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null || fail "init"
store_from_environment ca
sed -i -e 's/^release_claims_after_seconds = 120/release_claims_after_seconds = 2/' \
    -e 's/^max_delay_after_revocation_seconds = .*/max_delay_after_revocation_seconds = 1/' ca/dojang.toml
grep -q '^release_claims_after_seconds = 2$' ca/dojang.toml || fail "cannot shorten the release delay"
ocsp_status() {  # ocsp_status SERIAL_HEX → good | revoked | unknown | an error line
    openssl ocsp -issuer ca/ca/issuing.pem -serial "0x$1" -url "$url/ocsp" -CAfile ca/ca/root.pem \
        -no_nonce >ocsp.log 2>&1 || { tail -1 ocsp.log; return; }
    sed -n "s/^0x$1: //p" ocsp.log | head -1
}
openssl genrsa -out new.key 2048 2>/dev/null
openssl req -new -key new.key -subj "/CN=ignored" -out new.csr

request_rest() {  # request_rest REFERENCE CODE → HTTP status (out.json)
    jq -n --arg r "$1" --arg c "$2" --rawfile csr new.csr \
        '{reference_number: $r, authorization_code: $c, csr: $csr}' >request.json
    curl -sS -o out.json -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @request.json "$url/api/v1/certificates" 2>/dev/null || echo 000
}
request_cmp() {  # request_cmp REFERENCE CODE → 0 when a certificate came back
    openssl cmp -cmd ir -server "${url#http://}" -path cmp -ref "$1" -secret "pass:$2" \
        -newkey new.key -subject "/CN=x" -certout cmp.pem -unprotected_errors >cmp.log 2>&1
}
works_again() {  # works_again PATH REFERENCE CODE: the codes give a certificate now
    if [ "$1" = rest ]; then
        [ "$(request_rest "$2" "$3")" = 201 ]
    else
        request_cmp "$2" "$3"
    fi
}

round=0
for path in rest cmp; do
    for step in issue.after_intent issue.after_sign issue.before_commit issue.after_commit; do
        round=$((round + 1))
        printf '90010112345%02d\n' "$round" | cut -c1-13 >idn
        "$dojangd" admin applications register --data ca --name "홍길동$round" \
            --phone "010-1234-56$(printf %02d "$round")" --email "h$round@example.com" \
            --idn-file idn --reason forgot_password --json >codes.json || fail "walk-in $round"
        reference=$(jq -r .reference_number codes.json)
        code=$(jq -r .authorization_code codes.json)

        export DOJANG_FAILPOINT=$step
        start_server "$dojangd" ca "serve.$round.log"
        unset DOJANG_FAILPOINT
        if [ "$path" = rest ]; then
            request_rest "$reference" "$code" >/dev/null
        else
            request_cmp "$reference" "$code" && fail "$path $step: a certificate came back"
        fi
        wait_for 10 sh -c "! kill -0 $server_pid 2>/dev/null" || fail "$path $step: the failpoint was not reached"
        wait "$server_pid" 2>/dev/null && fail "$path $step: the server exited normally"

        start_server "$dojangd" ca "serve.$round.after.log"
        serial=$(sql ca "SELECT new_serial FROM applications WHERE reference_number = '$reference'")
        if [ "$step" = issue.after_commit ]; then
            [ -n "$serial" ] || fail "$path $step: the committed certificate is not on its application"
            [ "$(ocsp_status "$serial")" = good ] || { cat ocsp.log; fail "$path $step: OCSP"; }
            sleep 4  # longer than release_claims_after and a sweeper tick
            [ "$(request_rest "$reference" "$code")" = 409 ] || { cat out.json; fail "$path $step: the codes worked twice"; }
        else
            [ -z "$serial" ] || fail "$path $step: a certificate was recorded before its commit"
            [ "$(sql ca "SELECT COUNT(*) FROM certificates WHERE status = 'issued'")" = \
                "$(sql ca "SELECT COUNT(*) FROM applications WHERE new_serial IS NOT NULL AND new_serial <> ''")" ] ||
                fail "$path $step: an issued certificate without its application"
            wait_for 30 works_again "$path" "$reference" "$code" ||
                { cat out.json cmp.log 2>/dev/null; fail "$path $step: the codes never worked again"; }
        fi
        echo "$path $step: ok"
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    done
done

# Every certificate a status service calls good is on an application; intents are never good.
start_server "$dojangd" ca serve.final.log
orphans=$(sql ca "SELECT serial FROM certificates WHERE status = 'issued' AND serial NOT IN
    (SELECT new_serial FROM applications WHERE new_serial IS NOT NULL)")
[ -z "$orphans" ] || fail "issued certificates on no application: $orphans"
for serial in $(sql ca "SELECT serial FROM certificates WHERE status = 'intended'"); do
    [ "$(ocsp_status "$serial")" != good ] || fail "OCSP calls the intent $serial good"
done
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
"$dojangd" audit verify --data ca || fail "audit verify"
echo "crash steps: ok"
