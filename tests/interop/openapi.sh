#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/openapi.yaml and the server agree: every route the server lists (GET /api/v1) has a
# documented path with the same method; every documented path and method, called as a client
# would, answers a status the document lists for it (and the problem code that goes with it);
# and another method on a documented path, or an undocumented path, is the router's 404 or 405.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
spec="$here/../../docs/openapi.yaml"
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"
"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
printf 'correct horse 9!\n' >kim.pass
"$dojangd" admin officers add --data ca --username kim --name 김심사 --password-file kim.pass \
    >/dev/null || fail "officers add"
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --json >codes.json ||
    fail "applications register"
start_server "$dojangd" ca serve.log

# "METHOD PATH" for each operation in the spec (paths at two spaces, methods at four), and
# "METHOD PATH STATUS" for each response it lists (inline `responses: {"200": ...}`, or one per
# line under `responses:`).
awk '/^paths:/ {inside = 1; next}
     inside && /^  \/[^ ]*:$/ {path = $1; sub(/:$/, "", path); next}
     inside && /^    (get|post|put|delete|patch):/ {method = $1; sub(/:$/, "", method); print toupper(method), path}' \
    "$spec" >documented.txt
[ "$(wc -l <documented.txt)" -ge 15 ] || fail "could not read the paths of docs/openapi.yaml"
awk '/^paths:/ {inside = 1; next}
     !inside {next}
     /^  \/[^ ]*:$/ {path = $1; sub(/:$/, "", path); responses = 0; next}
     /^    [a-z]+:/ {method = $1; sub(/:$/, "", method); method = toupper(method); responses = 0; next}
     /^      [a-zA-Z]/ {responses = /^      responses:/}
     responses {
         line = $0
         while (match(line, /"[1-5][0-9][0-9]":/)) {
             print method, path, substr(line, RSTART + 1, 3)
             line = substr(line, RSTART + RLENGTH)
         }
     }' "$spec" >statuses.txt
[ "$(cut -d' ' -f1,2 statuses.txt | sort -u | wc -l)" -eq "$(wc -l <documented.txt)" ] ||
    fail "could not read the responses of every operation in docs/openapi.yaml"
curl -fsS "$url/api/v1" | jq -r '.routes[] | "\(.method) \(.path) \(.prefix)"' >served.txt

# Every served route is documented: an exact route by its path, a prefix route by a path under it.
while read -r method path prefix; do
    if [ "$prefix" = true ]; then
        awk -v m="$method" -v p="$path" '$1 == m && index($2, p) == 1 {found = 1} END {exit !found}' documented.txt ||
            fail "$method $path* is served but not in docs/openapi.yaml"
    else
        grep -qx "$method $path" documented.txt || fail "$method $path is served but not in docs/openapi.yaml"
    fi
done <served.txt

# answers STATUS CODE METHOD PATH URL [CURL ARGS...]: the documented operation METHOD PATH, called
# at URL, answers STATUS ("A|B" when either is right on this machine), each a status the spec
# lists for it, and unless CODE is -, a problem document with that code.
: >exercised.txt
answers() {
    local want=$1 problem=$2 method=$3 path=$4 concrete=$5 status expected
    shift 5
    grep -qx "$method $path" documented.txt || fail "the test calls $method $path, which is not documented"
    for expected in ${want//|/ }; do
        grep -qx "$method $path $expected" statuses.txt ||
            fail "the test expects $expected from $method $path, which docs/openapi.yaml does not list"
    done
    status=$(curl -sS -o answer.out -w '%{http_code}' -X "$method" "$@" "$url$concrete")
    [[ "|$want|" == *"|$status|"* ]] ||
        { head -c 600 answer.out; echo; fail "$method $concrete answered $status, expected $want"; }
    if [ "$problem" != - ]; then
        [ "$(jq -r .code answer.out)" = "$problem" ] || { cat answer.out; fail "$method $concrete: not $problem"; }
    fi
    echo "$method $path" >>exercised.txt
}
json=(-H 'Content-Type: application/json')

answers 200 - GET / /
answers 200 - GET /api/v1 /api/v1
answers 200 - GET /api/v1/errors /api/v1/errors
answers 200 - GET /api/v1/reasons /api/v1/reasons

# An applicant not in the register (answered as a match is; not the walk-in holder, whose open
# application a matching one would cancel) applies, reads the status page (not without its
# token), uploads without the token, enters a wrong code and asks for a new one too soon.
answers 201 - POST /api/v1/applications /api/v1/applications "${json[@]}" --data-binary \
    '{"holder_type":"individual","reason":"forgot_password","name":"김철수","resident_number":"850505-1234567","phone":"010-5555-6666","email":"kim@example.com","channel":"sms"}'
id=$(jq -r .application_id answer.out)
token=$(jq -r .status_token answer.out)
answers 200 - GET '/api/v1/applications/{id}' "/api/v1/applications/$id" -H "Authorization: Bearer $token"
answers 401 STATUS_TOKEN_INVALID GET '/api/v1/applications/{id}' "/api/v1/applications/$id"
answers 401 STATUS_TOKEN_INVALID PUT '/api/v1/applications/{id}/documents/{kind}' \
    "/api/v1/applications/$id/documents/business_registration" -H 'Content-Type: application/pdf' \
    --data-binary '%PDF-1.4'
answers 401 OTP_INVALID POST '/api/v1/applications/{id}/otp/verify' "/api/v1/applications/$id/otp/verify" \
    "${json[@]}" --data-binary '{"code":"000000"}'
answers 429 RESEND_TOO_SOON POST '/api/v1/applications/{id}/otp/resend' "/api/v1/applications/$id/otp/resend" \
    "${json[@]}" --data-binary '{}'
answers 401 STATUS_TOKEN_INVALID POST '/api/v1/applications/{id}/resubmit' "/api/v1/applications/$id/resubmit" \
    -H 'Authorization: Bearer 00'
answers 409 APPLICATION_CLOSED POST '/api/v1/applications/{id}/resubmit' "/api/v1/applications/$id/resubmit" \
    -H "Authorization: Bearer $token"

# An officer: a wrong password, then signed in (cookie + CSRF token) until the end.
answers 401 OFFICER_SIGN_IN_FAILED POST /api/v1/officer/sessions /api/v1/officer/sessions "${json[@]}" \
    --data-binary '{"username":"kim","password":"wrong horse 9!"}'
answers 201 - POST /api/v1/officer/sessions /api/v1/officer/sessions "${json[@]}" \
    --data-binary '{"username":"kim","password":"correct horse 9!"}' -D signin.headers
csrf=$(jq -r .csrf_token answer.out)
cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/p' signin.headers | tr -d '\r')
[ -n "$cookie" ] && [ "$csrf" != null ] || { cat signin.headers answer.out; fail "no officer cookie or CSRF token"; }
officer=(-H "Cookie: $cookie" -H "X-CSRF-Token: $csrf")
answers 401 OFFICER_UNAUTHENTICATED GET /api/v1/reviews /api/v1/reviews
answers 200 - GET /api/v1/reviews /api/v1/reviews "${officer[@]}"
answers 404 APPLICATION_NOT_FOUND GET '/api/v1/reviews/{id}' /api/v1/reviews/nope "${officer[@]}"
answers 404 DOCUMENT_NOT_FOUND GET '/api/v1/reviews/{id}/documents/{kind}' \
    "/api/v1/reviews/$id/documents/business_registration" "${officer[@]}"
answers 403 CSRF_TOKEN_INVALID POST '/api/v1/reviews/{id}/approve' "/api/v1/reviews/$id/approve" \
    -H "Cookie: $cookie" "${json[@]}" --data-binary '{}'
answers 409 APPLICATION_NOT_IN_REVIEW POST '/api/v1/reviews/{id}/approve' "/api/v1/reviews/$id/approve" \
    "${officer[@]}" "${json[@]}" --data-binary '{}'
answers 400 REJECTION_REASON_INVALID POST '/api/v1/reviews/{id}/reject' "/api/v1/reviews/$id/reject" \
    "${officer[@]}" "${json[@]}" --data-binary '{"reason":"nope"}'
answers 401 OFFICER_UNAUTHENTICATED POST '/api/v1/officers/{username}/unlock' \
    /api/v1/officers/kim/unlock "${json[@]}" --data-binary '{}'
answers 403 OFFICER_SELF_UNLOCK POST '/api/v1/officers/{username}/unlock' \
    /api/v1/officers/kim/unlock "${officer[@]}" "${json[@]}" --data-binary '{}'
answers 404 OFFICER_NOT_FOUND POST '/api/v1/officers/{username}/unlock' \
    /api/v1/officers/nobody/unlock "${officer[@]}" "${json[@]}" --data-binary '{}'

# A walk-in registration's codes fetch a certificate; a wrong confirmation token, then the right one.
openssl req -new -newkey rsa:2048 -nodes -keyout new.key -subj "/CN=x" -out new.csr 2>/dev/null
answers 201 - POST /api/v1/certificates /api/v1/certificates "${json[@]}" \
    --data-binary "$(jq -c --rawfile csr new.csr '{reference_number, authorization_code, csr: $csr}' codes.json)"
serial=$(jq -r .serial answer.out)
jq -r .certificate answer.out >new.pem
confirmation=$(jq -c '{confirmation_token}' answer.out)
answers 401 CONFIRMATION_INVALID POST '/api/v1/certificates/{serial}/confirm' \
    "/api/v1/certificates/$serial/confirm" "${json[@]}" --data-binary '{"confirmation_token":"wrong"}'
answers 200 - POST '/api/v1/certificates/{serial}/confirm' "/api/v1/certificates/$serial/confirm" \
    "${json[@]}" --data-binary "$confirmation"

# Protocols and files: a genm made by OpenSSL's own client (against its mock server, offline),
# an OCSP request made by `openssl ocsp`, by POST and by GET.
openssl cmp -cmd genm -use_mock_srv -srv_ref 1 -srv_secret pass:x -ref 1 -secret pass:x \
    -reqout genm.der >genm.log 2>&1 || { cat genm.log; fail "openssl cmp could not make a genm"; }
answers 200 - POST /cmp /cmp -H 'Content-Type: application/pkixcmp' --data-binary @genm.der
# The gateway form: the same genm in base64 answers a base64 PKIMessage; garbage is "[ERROR" text.
answers 200 - POST /cmp/gateway /cmp/gateway --data-urlencode "msg=$(base64 -w0 genm.der)" --data-urlencode ip=10.0.0.1
base64 -d answer.out >gateway-answer.der || fail "the gateway's answer is not base64"
openssl asn1parse -inform DER -in gateway-answer.der >/dev/null || fail "the gateway's answer is not DER"
answers 200 - POST /cmp/gateway /cmp/gateway --data-urlencode "msg=bm90IGEgbWVzc2FnZQ=="
grep -q '^\[ERROR\]' answer.out || { cat answer.out; fail "the gateway did not say [ERROR for garbage"; }
answers 200 - GET '/ca/{file}' /ca/issuing.pem
cp answer.out chain.pem
answers 200 - GET '/crl/{ca}.crl' /crl/issuing.crl
openssl ocsp -issuer chain.pem -serial "0x$serial" -no_nonce -reqout ocsp.der >/dev/null ||
    fail "openssl ocsp could not make a request"
answers 200 - POST /ocsp /ocsp -H 'Content-Type: application/ocsp-request' --data-binary @ocsp.der
answers 200 - GET '/ocsp/{request}' "/ocsp/$(base64 -w0 ocsp.der | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g')"
# What the holder signs with the certificate's key (CMS SignedData made by `openssl cms`): a
# body that is no SignedData, a renewal before its window, a confirmation of no renewal, and
# the revocation itself.
holder_signed() {  # holder_signed CONTENT-JSON: the request body, signed with new.key
    printf '%s' "$1" >content.json
    openssl cms -sign -signer new.pem -inkey new.key -in content.json -binary -nodetach \
        -outform DER -out signed.der || fail "openssl cms could not sign"
    jq -cn --arg signed "$(base64 -w0 signed.der)" '{signed: $signed}'
}
answers 400 SIGNED_DATA_MALFORMED POST '/api/v1/certificates/{serial}/renewal' \
    "/api/v1/certificates/$serial/renewal" "${json[@]}" --data-binary '{"signed":"MAA="}'
openssl req -new -newkey rsa:2048 -nodes -keyout renewed.key -subj "/CN=x" -out renewed.csr 2>/dev/null
answers 403 RENEWAL_TOO_EARLY POST '/api/v1/certificates/{serial}/renewal' \
    "/api/v1/certificates/$serial/renewal" "${json[@]}" --data-binary \
    "$(holder_signed "$(jq -cn --arg serial "$serial" --rawfile csr renewed.csr '{action: "renew", serial: $serial, csr: $csr}')")"
answers 409 RENEWAL_NOT_PENDING POST '/api/v1/certificates/{serial}/renewal/confirm' \
    "/api/v1/certificates/$serial/renewal/confirm" "${json[@]}" --data-binary \
    "$(holder_signed "$(jq -cn --arg serial "$serial" '{action: "confirm_renewal", serial: $serial}')")"
answers 200 - POST '/api/v1/certificates/{serial}/revocation' "/api/v1/certificates/$serial/revocation" \
    "${json[@]}" --data-binary \
    "$(holder_signed "$(jq -cn --arg serial "$serial" '{action: "revoke", serial: $serial, reason: "key_compromise"}')")"
[ "$(jq -r .status answer.out)" = revoked ] || { cat answer.out; fail "the revocation did not say revoked"; }

answers 308 - GET /portal /portal
answers '200|503' - GET /portal/ /portal/
answers 200 - GET /portal/config.json /portal/config.json
answers 200 - GET /healthz /healthz
answers 200 - GET /metrics /metrics

# Nothing else is served: the router's 405 or 404, also to a signed-in officer (so the reviews'
# sign-in check cannot be what answers).
not_served() {  # not_served METHOD URL
    local status problem data=()
    [ "$1" = GET ] || data=(--data-binary '{}')
    status=$(curl -sS -o answer.out -w '%{http_code}' -X "$1" "${officer[@]}" "${json[@]}" "${data[@]}" "$url$2")
    problem=$(jq -r .code answer.out 2>/dev/null || echo "(not JSON)")
    [ "$status $problem" = "405 METHOD_NOT_ALLOWED" ] || [ "$status $problem" = "404 NOT_FOUND" ] ||
        { head -c 600 answer.out; echo; fail "$1 $2 is not in docs/openapi.yaml but answered $status $problem"; }
}
for path in $(cut -d' ' -f2 documented.txt | sort -u); do
    concrete=$(sed 's/{ca}/issuing/; s/{file}/issuing.pem/; s/{[a-z_]*}/x/g' <<<"$path")
    for method in GET POST PUT DELETE PATCH; do
        grep -qx "$method $path" documented.txt || not_served "$method" "$concrete"
    done
done
for path in /api/v2 /api/v1/ /api/v1/nope /api/v1/errors/x /api/v1/officer /api/v1/applications/x/nope \
    /api/v1/applications/x/otp/nope /api/v1/reviews/x/nope /api/v1/certificates/x \
    /api/v1/certificates/x/revoke /healthz/x /metrics/x /index.html; do
    not_served GET "$path"
    not_served POST "$path"
done

answers 204 - DELETE /api/v1/officer/sessions /api/v1/officer/sessions "${officer[@]}"
answers 401 OFFICER_UNAUTHENTICATED DELETE /api/v1/officer/sessions /api/v1/officer/sessions "${officer[@]}"

# Every documented operation was called.
sort -u exercised.txt | diff <(sort -u documented.txt) - >missing.txt ||
    { cat missing.txt; fail "documented operations the test did not call (<) or undocumented ones (>)"; }
echo "openapi: ok ($(wc -l <documented.txt) operations)"
