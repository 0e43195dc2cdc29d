#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds a Korean SEED key file with the openssl CLI alone, independently of dojang's writer:
#   make_seed_key.sh FORM PLAIN_PKCS8_DER PASSWORD_FILE SALT_HEX ITERATIONS OUT
# FORM seedCBCWithSHA1: OID 1.2.410.200004.1.15, IV = SHA1(DK[16..19])[0..15]
# FORM direct:          OID 1.2.410.200004.1.4, IV = "0123456789012345"
# DK = PBKDF1-SHA1(password || salt, ITERATIONS), key = DK[0..15] (korea.md).
set -euo pipefail
form=$1 plain=$2 password_file=$3 salt=$4 iterations=$5 out=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hex() { od -An -v -tx1 | tr -d ' \n'; }
unhex() { printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf '%b'; }
{ head -n1 "$password_file" | tr -d '\r\n'; unhex "$salt"; } >"$work/t"
openssl dgst -sha1 -binary "$work/t" >"$work/dk"
for _ in $(seq 2 "$iterations"); do
    openssl dgst -sha1 -binary "$work/dk" >"$work/next"
    mv "$work/next" "$work/dk"
done
dk=$(hex <"$work/dk")
key=${dk:0:32}
case $form in
seedCBCWithSHA1)
    oid=1.2.410.200004.1.15
    iv=$(unhex "${dk:32:8}" | openssl dgst -sha1 -binary | hex)
    iv=${iv:0:32}
    ;;
direct)
    oid=1.2.410.200004.1.4
    iv=$(printf '0123456789012345' | hex)
    ;;
*) echo "unknown form $form" >&2; exit 2 ;;
esac
openssl enc -e -seed-cbc -K "$key" -iv "$iv" -provider legacy -provider default \
    -in "$plain" -out "$work/ct"
cat >"$work/conf" <<CONF
asn1=SEQUENCE:epki
[epki]
algorithm=SEQUENCE:algorithm
data=FORMAT:HEX,OCTETSTRING:$(hex <"$work/ct")
[algorithm]
oid=OID:$oid
parameters=SEQUENCE:parameters
[parameters]
salt=FORMAT:HEX,OCTETSTRING:$salt
iterations=INTEGER:$iterations
CONF
openssl asn1parse -genconf "$work/conf" -out "$out" -noout
