#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Interop with other people's tools: a certificate issued by dojangd verifies with
# `openssl verify` and GnuTLS `certtool` against the served chain; `openssl ocsp` (POST, and
# GET through curl) says good, then revoked after `dojangd admin revoke`; the served CRLs verify
# with `openssl crl` and `openssl verify -crl_check_all` rejects the revoked certificate.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >init.log || { cat init.log; fail "init"; }
start_server "$dojangd" ca serve.log
echo "server at $url"

# 1. Issue for a request made by openssl, with the Korean identity binding.
openssl req -new -newkey rsa:2048 -nodes -keyout user.key -utf8 \
    -subj "/C=KR/O=dojang/OU=personal/CN=홍길동" -out user.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr user.csr --profile individual --out user.pem \
    --idn 1234561234567 --random-hex 79EA7568A2D3776604E18BCD3A1B1B85B7DA0872 >issue.log
serial=$(openssl x509 -in user.pem -noout -serial | cut -d= -f2)

# 2. The chain as served, verified by OpenSSL and by GnuTLS.
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"
curl -fsS -o issuing.der "$url/ca/issuing.crt"
openssl x509 -in root.pem -noout -subject | contains "dojang Root CA" || fail "root.pem is not the root"
cmp <(openssl x509 -in chain.pem -outform DER) issuing.der || fail "issuing.crt differs from issuing.pem"
openssl verify -CAfile root.pem -untrusted chain.pem user.pem | contains "user.pem: OK" || fail "openssl verify"
cat user.pem chain.pem root.pem >full-chain.pem
certtool --verify-chain --infile full-chain.pem >certtool.log 2>&1 ||
    { cat certtool.log; fail "certtool --verify-chain"; }
grep -q "Chain verification output: Verified" certtool.log || { cat certtool.log; fail "certtool"; }
cat user.pem chain.pem >bundle.pem
certtool --verify --load-ca-certificate root.pem --infile bundle.pem >certtool2.log 2>&1 ||
    { cat certtool2.log; fail "certtool --verify"; }
grep -q "Chain verification output: Verified" certtool2.log || { cat certtool2.log; fail "certtool --verify"; }
# The Korean profile, as OpenSSL reads it.
openssl x509 -in user.pem -noout -text >user.txt
grep -A1 "Key Usage: critical" user.txt | contains "Digital Signature, Non Repudiation" || fail "keyUsage"
grep -q "Certificate Policies: critical" user.txt || fail "certificatePolicies not critical"
grep -q "othername: 1.2.410.200004.10.1.1" user.txt || fail "identifyData SAN missing"
base=$(sed -n 's/^base_url = "\(.*\)"$/\1/p' ca/dojang.toml)
grep -q "OCSP - URI:$base/ocsp" user.txt || fail "AIA OCSP"
grep -q "CA Issuers - URI:$base/ca/issuing.crt" user.txt || fail "AIA caIssuers"
grep -q "URI:$base/crl/issuing.crl" user.txt || fail "CRL distribution point"
grep -q "Not After .*14:59:59 " user.txt || fail "notAfter is not 23:59:59 KST"

# 3. OCSP: POST with openssl ocsp, GET with curl.
ocsp() {
    openssl ocsp -issuer chain.pem -cert user.pem -url "$url/ocsp" -CAfile root.pem -no_nonce "$@" 2>&1
}
ocsp | tee ocsp1.log | contains "user.pem: good" || { cat ocsp1.log; fail "OCSP POST good"; }
grep -q "Response verify OK" ocsp1.log || fail "OCSP response does not verify"
openssl ocsp -issuer chain.pem -cert user.pem -no_nonce -reqout req.der >/dev/null 2>&1
encoded=$(base64 -w0 req.der | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g')
curl -fsS -D get.headers -o get.der "$url/ocsp/$encoded"
grep -qi "^content-type: application/ocsp-response" get.headers || fail "OCSP GET content type"
grep -qi "^cache-control: max-age=[0-9]*, public, no-transform, must-revalidate" get.headers ||
    { cat get.headers; fail "OCSP GET caching headers"; }
grep -qi "^etag: " get.headers || fail "OCSP GET ETag"
openssl ocsp -respin get.der -issuer chain.pem -cert user.pem -CAfile root.pem 2>&1 | contains "user.pem: good" ||
    fail "OCSP GET good"
# Garbage gets malformedRequest.
curl -fsS -o bad.der --data-binary "garbage" -H "Content-Type: application/ocsp-request" "$url/ocsp"
openssl ocsp -respin bad.der -resp_text >bad.txt 2>&1 || true  # it exits non-zero on an error status
grep -q "malformedrequest" bad.txt || { cat bad.txt; fail "malformedRequest"; }

# 4. The CRL verifies before and after revocation.
curl -fsS -o issuing.crl "$url/crl/issuing.crl"
openssl crl -inform DER -in issuing.crl -CAfile chain.pem -noout 2>&1 | contains "verify OK" || fail "CRL verify"

"$dojangd" admin revoke --data ca --serial "$serial" --reason key_compromise >/dev/null
revoked() { ocsp >ocsp2.log && grep -q "user.pem: revoked" ocsp2.log; }
wait_for 60 revoked || { cat ocsp2.log; fail "OCSP did not say revoked within 60 s"; }
grep -q "Reason: keyCompromise" ocsp2.log || fail "OCSP revocation reason"

crl_lists_it() {
    curl -fsS -o issuing.crl "$url/crl/issuing.crl" &&
        openssl crl -inform DER -in issuing.crl -noout -text | contains "Serial Number: $serial"
}
wait_for 60 crl_lists_it || fail "CRL does not list the revoked certificate"
openssl crl -inform DER -in issuing.crl -CAfile chain.pem -noout -text >crl.txt 2>&1
grep -q "verify OK" crl.txt || fail "new CRL verify"
grep -q "Key Compromise" crl.txt || fail "CRL reason"
curl -fsS -o root.crl "$url/crl/root.crl"
openssl crl -inform DER -in issuing.crl -out crls.pem
openssl crl -inform DER -in root.crl >>crls.pem
if openssl verify -crl_check_all -CRLfile crls.pem -CAfile root.pem -untrusted chain.pem user.pem >verify.log 2>&1; then
    fail "openssl verify -crl_check_all accepted a revoked certificate"
fi
grep -q "certificate revoked" verify.log || { cat verify.log; fail "verify did not say revoked"; }

# 5. Health, metrics and the audit chain.
curl -fsS "$url/healthz" | contains '"status":"ok"' || fail "healthz"
curl -fsS "$url/metrics" >metrics.txt
grep -q "dojang_http_requests_total" metrics.txt || fail "metrics: requests"
grep -q "dojang_http_request_duration_seconds" metrics.txt || fail "metrics: latencies"
wait_for 15 sh -c "curl -fsS '$url/metrics' | grep -q '^dojang_issuances 1'" || fail "metrics: issuances"
grep -q "^dojang_revocations" metrics.txt || fail "metrics: revocations"
"$dojangd" audit verify --data ca | contains "audit log intact" || fail "audit verify"

# 6. Graceful stop on SIGTERM.
kill -TERM "$server_pid"
wait "$server_pid" || fail "dojangd did not exit cleanly on SIGTERM"
echo "interop: ok"
