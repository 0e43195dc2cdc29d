#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The holder's side: `dojang keygen` makes the key, R and request on this device; the CA issues
# with the VID; `dojang vid-check` reads R back from the key file, confirms the binding and
# refuses another number; OpenSSL decrypts the key file with the same password.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
dojang=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

printf 'Dojang-pass1!\n' >password
printf '1234561234567\n' >idn
printf '1234561234568\n' >other-idn
"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
"$dojang" keygen --subject "C=KR,O=dojang,OU=personal,CN=홍길동" --out me --password-file password >keygen.log
random=$(sed -n 's/^R  *//p' keygen.log)
[ ${#random} -eq 40 ] || fail "keygen did not print R"
[ "$(stat -c %a me/signPri.key)" = 600 ] || fail "key file mode is not 0600"

# OpenSSL opens the key file with the same password (R, the randomNum attribute, is checked by
# vid-check below: `openssl pkcs8` re-encodes the key and drops attributes).
openssl pkcs8 -inform DER -in me/signPri.key -passin file:password -out plain.pem 2>/dev/null ||
    fail "openssl cannot decrypt the key file"
openssl pkey -in plain.pem -pubout | cmp - <(openssl req -in me/request.csr -pubkey -noout) ||
    fail "the request is not for the key in the key file"
openssl asn1parse -inform DER -in me/signPri.key | contains "hmacWithSHA256" || fail "not PBKDF2-HMAC-SHA256"
openssl req -in me/request.csr -verify -noout 2>&1 | contains "verify OK" || fail "request signature"

"$dojangd" admin issue --data ca --csr me/request.csr --idn-file idn --random-hex "$random" \
    --out me/signCert.pem >/dev/null
"$dojang" show me/signCert.pem | contains "real name   홍길동" || fail "show: real name"
"$dojang" vid-check --cert me/signCert.pem --key me/signPri.key --idn-file idn --password-file password |
    grep -q "VID matches" || fail "vid-check"
set +e
"$dojang" vid-check --cert me/signCert.pem --key me/signPri.key --idn-file other-idn --password-file password \
    >mismatch.log 2>&1
status=$?
printf 'Wrong-pass1!\n' >wrong
"$dojang" vid-check --cert me/signCert.pem --key me/signPri.key --idn-file idn --password-file wrong >wrong.log 2>&1
wrong_status=$?
printf 'weak\n' >weak
"$dojang" keygen --subject "CN=x" --out weakdir --password-file weak >weak.log 2>&1
weak_status=$?
set -e
[ $status -eq 3 ] && grep -q VID_MISMATCH mismatch.log || { cat mismatch.log; fail "another number matched"; }
[ $wrong_status -eq 3 ] && grep -q WRONG_PASSWORD wrong.log || { cat wrong.log; fail "wrong password"; }
[ $weak_status -eq 2 ] && grep -q PASSWORD_TOO_WEAK weak.log || { cat weak.log; fail "weak password accepted"; }
[ ! -e weakdir/signPri.key ] || fail "a refused keygen wrote a key"

# A relying party has R from the holder's client, not the key file: dojang verify --random-hex.
"$dojang" verify --cert me/signCert.pem --random-hex "$random" --idn-file idn | contains "VID matches" ||
    fail "verify --random-hex"
set +e
"$dojang" verify --cert me/signCert.pem --random-hex "$random" --idn-file other-idn >verify_other.log 2>&1
other_status=$?
"$dojang" verify --cert me/signCert.pem --random-hex "${random:0:38}" --idn-file idn >verify_short.log 2>&1
short_status=$?
"$dojang" verify --cert me/signCert.pem --idn-file idn >verify_none.log 2>&1
none_status=$?
set -e
[ $other_status -eq 3 ] && grep -q VID_MISMATCH verify_other.log || { cat verify_other.log; fail "verify: another number matched"; }
[ $short_status -eq 2 ] && grep -q RANDOM_NUM_INVALID verify_short.log || { cat verify_short.log; fail "verify: a short R"; }
[ $none_status -eq 2 ] && grep -q RANDOM_NUM_SOURCE verify_none.log || { cat verify_none.log; fail "verify: no R"; }
echo "holder: ok"
