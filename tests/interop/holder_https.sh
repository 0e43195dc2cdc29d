#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The holder's client against dojangd serving https ([server] tls_certificate/tls_key):
# `dojang issue --server https://…` pins the root fetched over https and gets the certificate
# over CMP over https (RFC 6712); `dojang status` asks OCSP. The server's TLS certificate comes
# from a private test CA named by DOJANG_TLS_CA_FILE; without it the TLS check fails and
# nothing is stored.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
dojang=$2
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"
export DOJANG_HOME=$work/NPKI
"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
# A private TLS CA and a certificate for 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=test TLS CA" \
    -keyout tls-ca.key -out tls-ca.pem 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >tls.ext
openssl x509 -req -in tls.csr -CA tls-ca.pem -CAkey tls-ca.key -CAcreateserial -days 2 \
    -extfile tls.ext -out tls.pem 2>/dev/null
mkdir -p ca/tls && cp tls.pem tls.key ca/tls/
sed -i 's|^# tls_certificate = .*|tls_certificate = "tls/tls.pem"|; s|^# tls_key = .*|tls_key = "tls/tls.key"|' ca/dojang.toml
grep -q '^tls_key = "tls/tls.key"' ca/dojang.toml || fail "no tls_key line in the default configuration"
start_server "$dojangd" ca serve.log
https_url=$url
case $https_url in https://*) ;; *) fail "dojangd does not serve https: $https_url" ;; esac

printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --json >codes.json
reference=$(jq -r .reference_number codes.json)
jq -r .authorization_code codes.json >code
printf 'Dojang-pass-2024!\n' >pw

# Without the private CA the TLS check fails: nothing pinned, nothing stored.
if "$dojang" issue --server "$https_url" --ref "$reference" --code-file code --password-file pw \
    >untrusted.log 2>&1; then
    fail "an untrusted TLS certificate was accepted"
fi
contains TLS_UNTRUSTED <untrusted.log || { cat untrusted.log; fail "untrusted TLS not reported as such"; }
contains DOJANG_TLS_CA_FILE <untrusted.log || { cat untrusted.log; fail "no hint at DOJANG_TLS_CA_FILE"; }
[ -z "$(find NPKI -name signCert.der 2>/dev/null)" ] || fail "stored a certificate over an untrusted TLS connection"

export DOJANG_TLS_CA_FILE=$work/tls-ca.pem
"$dojang" issue --server "$https_url" --ref "$reference" --code-file code --password-file pw \
    --idn-file idn --lang en >issue.log 2>&1 || { cat issue.log; fail "dojang issue over https"; }
cert=$(find NPKI -name signCert.der | head -1)
[ -n "$cert" ] || fail "no certificate stored"
curl -fsS --cacert tls-ca.pem -o root.pem "$https_url/ca/root.pem"
curl -fsS --cacert tls-ca.pem -o chain.pem "$https_url/ca/issuing.pem"
openssl verify -CAfile root.pem -untrusted chain.pem <(openssl x509 -inform DER -in "$cert") | contains OK ||
    fail "the certificate fetched over https does not verify"
# The CMP messages went through the proxy: the server audited an p10cr and its certConf.
"$dojangd" audit verify --data ca >/dev/null || fail "audit chain broken"
"$dojang" status --lang en >status.log 2>&1 || { cat status.log; fail "dojang status"; }
grep -qiE "good|valid|유효" status.log || { cat status.log; fail "status not good"; }
echo "holder https: ok"
