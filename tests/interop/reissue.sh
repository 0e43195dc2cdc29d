#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The reissue journey over HTTP, as a bank branch and a holder would walk it:
#   1. a forgotten password: walk-in registration at the branch, the holder fetches the new
#      certificate with the reference number and authorization code (REST), the old one stays
#      valid until the new one is confirmed, then OCSP says superseded; the security notice is in
#      the spool; the codes do not work twice;
#   2. a lost phone: the old certificate is revoked at once, keyCompromise, visible in OCSP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
start_server "$dojangd" ca serve.log
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"

# The holder's current certificate.
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/C=KR/O=dojang/CN=hong" -out old.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr old.csr --out old.pem >/dev/null
old_serial=$(openssl x509 -in old.pem -noout -serial | cut -d= -f2)
old_not_after=$(openssl x509 -in old.pem -noout -enddate)

status_of() {  # status_of CERT → good | revoked (and the reason in ocsp.log)
    openssl ocsp -issuer chain.pem -cert "$1" -url "$url/ocsp" -CAfile root.pem -no_nonce >ocsp.log 2>&1 || true
    sed -n "s/^$1: //p" ocsp.log
}
[ "$(status_of old.pem)" = good ] || fail "old certificate not good at the start"

# 1. Forgotten password.
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --old-serial "$old_serial" --json >codes.json
reference=$(jq -r .reference_number codes.json)
code=$(jq -r .authorization_code codes.json)
[ ${#reference} -eq 10 ] || fail "no reference number"

openssl req -new -newkey rsa:2048 -nodes -keyout new.key -subj "/CN=ignored" -out new.csr 2>/dev/null
jq -n --arg r "$reference" --arg c "$code" --rawfile csr new.csr \
    '{reference_number: $r, authorization_code: $c, csr: $csr}' >request.json
http_status=$(curl -sS -o issued.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @request.json "$url/api/v1/certificates")
[ "$http_status" = 201 ] || { cat issued.json; fail "issuance answered $http_status"; }
jq -r .certificate issued.json >new.pem
new_serial=$(jq -r .serial issued.json)
openssl verify -CAfile root.pem -untrusted chain.pem new.pem | contains "new.pem: OK" || fail "new certificate"
openssl x509 -in new.pem -noout -subject -nameopt utf8,sep_comma_plus_space | contains "CN=홍길동" || fail "subject not from the register"
[ "$(openssl x509 -in new.pem -noout -enddate)" = "$old_not_after" ] || fail "notAfter not kept"
cmp <(openssl x509 -in new.pem -noout -pubkey) <(openssl req -in new.csr -noout -pubkey) || fail "wrong key"

# The same codes again: refused, and nothing new issued.
http_status=$(curl -sS -o again.json -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @request.json "$url/api/v1/certificates")
[ "$http_status" = 409 ] && [ "$(jq -r .code again.json)" = AUTHORIZATION_USED ] ||
    { cat again.json; fail "codes worked twice"; }
grep -q '"title_ko"' again.json || fail "problem has no Korean title"
# A wrong code says nothing about what was wrong.
jq '.authorization_code = "0000-0000-0000-0000"' request.json >wrong.json
http_status=$(curl -sS -o wrong.out -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @wrong.json "$url/api/v1/certificates")
[ "$http_status" = 401 ] && [ "$(jq -r .code wrong.out)" = AUTHORIZATION_INVALID ] || { cat wrong.out; fail "wrong code"; }

# Until the holder confirms, the old certificate stays valid; then it is superseded.
[ "$(status_of old.pem)" = good ] || fail "old certificate revoked before confirmation"
jq -n --arg t "$(jq -r .confirmation_token issued.json)" '{confirmation_token: $t}' >confirm.json
curl -fsS -o confirmed.json -H 'Content-Type: application/json' --data-binary @confirm.json \
    "$url/api/v1/certificates/$new_serial/confirm"
[ "$(jq -r .status confirmed.json)" = confirmed ] || fail "confirm"
superseded() { [ "$(status_of old.pem)" = revoked ] && grep -q "Reason: superseded" ocsp.log; }
wait_for 60 superseded || { cat ocsp.log; fail "old certificate not superseded in OCSP within 60 s"; }
[ "$(status_of new.pem)" = good ] || fail "new certificate not good"

# The security notice was delivered (the spool is the development mail channel).
notice() { grep -rl "Subject: =?UTF-8?" ca/spool/email 2>/dev/null | wc -l | grep -q '^2$'; }
wait_for 30 notice || { ls -R ca/spool 2>/dev/null; fail "security notice and issued notice not in the spool"; }

# 2. Lost phone: revoked at once, keyCompromise.
openssl req -new -newkey rsa:2048 -nodes -keyout lost.key -subj "/CN=lost" -out lost.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr lost.csr --out lost.pem >/dev/null
printf '8505052345678\n' >idn2
"$dojangd" admin applications register --data ca --name 김철수 --phone 010-9876-5432 --email kim@example.com \
    --idn-file idn2 --reason lost_device --old-serial "$(openssl x509 -in lost.pem -noout -serial | cut -d= -f2)" \
    >walkin.txt
grep -q "^authorization_code: [0-9-]*$" walkin.txt || fail "walk-in output"
compromised() { [ "$(status_of lost.pem)" = revoked ] && grep -q "Reason: keyCompromise" ocsp.log; }
wait_for 60 compromised || { cat ocsp.log; fail "lost device not revoked for keyCompromise within 60 s"; }

curl -fsS "$url/api/v1/errors" | jq -e '.errors | map(.code) | index("AUTHORIZATION_USED")' >/dev/null ||
    fail "error catalog"
"$dojangd" audit verify --data ca >/dev/null || fail "audit chain"
echo "reissue journey: ok"
