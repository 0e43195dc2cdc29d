#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CMP with OpenSSL's own client (`openssl cmp`), as a Korean client fetches a reissued
# certificate: walk-in registration, then `ir` protected by a password-based MAC (senderKID =
# reference number, secret = authorization code) → ip → certConf → pkiConf. The certificate
# verifies against the served chain and carries the client's key; the codes do not work twice;
# a wrong code is refused with badMessageCheck and leaves the codes usable.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
start_server "$dojangd" ca serve.log
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"
server=${url#http://}

# The holder's current certificate, to be superseded.
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/C=KR/O=dojang/CN=hong" -out old.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr old.csr --out old.pem >/dev/null
old_serial=$(openssl x509 -in old.pem -noout -serial | cut -d= -f2)

printf '9001011234567\n' >idn
printf '8502021234568\n' >idn2
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --old-serial "$old_serial" --json >codes.json
reference=$(jq -r .reference_number codes.json)
code=$(jq -r .authorization_code codes.json | tr -d -)
[ ${#reference} -eq 10 ] && [ ${#code} -eq 16 ] || fail "no codes"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out new.key 2>/dev/null

ir() {  # ir SECRET CERTOUT → runs `openssl cmp -cmd ir`, output in cmp.log
    openssl cmp -cmd ir -server "$server" -path cmp -ref "$reference" -secret "pass:$1" \
        -newkey new.key -subject "/CN=x" -certout "$2" -cacertsout capubs.pem \
        -extracertsout extra.pem -unprotected_errors >cmp.log 2>&1
}

# A wrong code: badMessageCheck, nothing issued.
if ir 1111222233334444 wrong.pem; then fail "a wrong code got a certificate"; fi
contains badMessageCheck <cmp.log || { cat cmp.log; fail "wrong code not badMessageCheck"; }

# The right code: a certificate for the client's key under the register's name, confirmed.
ir "$code" new.pem || { cat cmp.log; fail "openssl cmp ir"; }
openssl verify -CAfile root.pem -untrusted chain.pem new.pem | contains "new.pem: OK" || fail "new certificate"
openssl verify -CAfile capubs.pem -untrusted extra.pem new.pem | contains "new.pem: OK" || fail "caPubs/extraCerts"
cmp <(openssl x509 -in new.pem -noout -pubkey) <(openssl pkey -in new.key -pubout) || fail "wrong key"
openssl x509 -in new.pem -noout -subject -nameopt utf8,sep_comma_plus_space | contains "CN=홍길동" || fail "subject not from the register"

# certConf completed the reissue: the old certificate is superseded (OCSP).
status_of() {
    openssl ocsp -issuer chain.pem -cert "$1" -url "$url/ocsp" -CAfile root.pem -no_nonce >ocsp.log 2>&1 || true
    sed -n "s/^$1: //p" ocsp.log
}
superseded() { [ "$(status_of old.pem)" = revoked ] && grep -q "Reason: superseded" ocsp.log; }
wait_for 60 superseded || { cat ocsp.log; fail "old certificate not superseded after certConf"; }

# The same codes again: refused (duplicateCertReq).
if ir "$code" again.pem; then fail "codes worked twice"; fi
contains duplicateCertReq <cmp.log || { cat cmp.log; fail "reused codes not duplicateCertReq"; }

# p10cr (a PKCS#10 in CMP) with codes of a second application, given as printed (with hyphens).
"$dojangd" admin applications register --data ca --name 김철수 --phone 010-2222-3333 \
    --email kim@example.com --idn-file idn2 --reason forgot_password --json >codes2.json
openssl req -new -key new.key -subj "/CN=y" -out p10.csr
openssl cmp -cmd p10cr -csr p10.csr -server "$server" -path cmp -ref "$(jq -r .reference_number codes2.json)" \
    -secret "pass:$(jq -r .authorization_code codes2.json)" -certout p10.pem >cmp.log 2>&1 ||
    { cat cmp.log; fail "openssl cmp p10cr"; }
openssl verify -CAfile root.pem -untrusted chain.pem p10.pem | contains "p10.pem: OK" || fail "p10cr certificate"

# Garbage is a 400, not a crash.
http_status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/pkixcmp' \
    --data-binary 'not a PKIMessage' "$url/cmp")
[ "$http_status" = 400 ] || fail "garbage answered $http_status"
echo "cmp: ok"
