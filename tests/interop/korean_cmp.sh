#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Korean CMP profile as Korean bank certificate software sends it, spoken by an independent
# Python client (korean_cmp_client.py: pyasn1 + cryptography, not dojang's code): genm → genp
# (the VID encryption certificate), ir with an EncryptedVID and a POPO publicKeyMAC → ip,
# pkiconf → pkiconf, every message and answer protected by PasswordBasedMac with the ETRI desMAC
# under the authorization code.
# - variant A (yessign): pvno 1 with a transactionID, over POST /cmp (DER, application/pkixcmp);
# - variant B (SIGNGATE/KICA): pvno 0, no transactionID, and the reissue as key recovery (krr →
#   krp with newSigCert), over POST /cmp/gateway (form fields, base64, genm first, then
#   genm/krr/pkiconf in one request as cmp.js posts them).
# Each issued certificate holds the client's key, chains to the served CA, carries in its
# identifyData the VID of the registered resident number and the client's R, its pkiconf is
# recorded as the accepted confirmation (audit log), and OCSP says good.
# A genm MACed with a wrong code gets an unprotected error [23] with a Korean text.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
python=/usr/bin/python3  # Debian's: python3-cryptography 38, python3-pyasn1(-modules)
client="$here/korean_cmp_client.py"
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

# The client's own known answers first (desMAC, VID, the public Initech sample ir).
"$python" "$client" --self-test || fail "the client's self-test"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
store_from_environment ca
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --json >codes.json
printf '8505051234567\n' >idn2
"$dojangd" admin applications register --data ca --name 김철수 --phone 010-2222-3333 \
    --email kim@example.com --idn-file idn2 --reason forgot_password --json >codes2.json
# A third application only for the wrong code, so that a failed attempt touches no other.
printf '7707071234567\n' >idn3
"$dojangd" admin applications register --data ca --name 박영희 --phone 010-4444-5555 \
    --email park@example.com --idn-file idn3 --reason forgot_password --json >codes3.json
start_server "$dojangd" ca serve.log
curl -fsS -o issuing.pem "$url/ca/issuing.pem" || fail "GET /ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem" || fail "GET /ca/root.pem"
curl -fsS -o vid.pem "$url/ca/vid.pem" || fail "GET /ca/vid.pem"

server_log() {  # the end of the server's log, to read beside a failure
    echo "--- serve.log (last 40 lines) ---" >&2
    tail -n 40 serve.log >&2
}
korean() {  # korean CODES-JSON IDN NAME VARIANT TRANSPORT OUT: one issuance with the client
    "$python" "$client" --url "$url" --reference "$(jq -r .reference_number "$1")" \
        --code "$(jq -r .authorization_code "$1")" --idn "$2" --name "$3" --variant "$4" \
        --transport "$5" --issuer issuing.pem --vid-cert vid.pem --out "$6"
}

# Variant A: yessign (pvno 1, transactionID) over /cmp.
korean codes.json 9001011234567 홍길동 yessign cmp a.pem ||
    { server_log; fail "variant A (yessign, pvno 1, POST /cmp)"; }
# Variant B: SIGNGATE/KICA (pvno 0, no transactionID) over /cmp/gateway.
korean codes2.json 8505051234567 김철수 signgate gateway b.pem ||
    { server_log; fail "variant B (SIGNGATE, pvno 0 without transactionID, krr, POST /cmp/gateway)"; }

# Each pkiconf confirmed its certificate (over the gateway it is msg3, after the ir, and its
# answer is not returned): the audit log has the accepted confirmation of each reference.
confirmed() {  # confirmed CODES-JSON
    [ "$(sql ca "SELECT count(*) FROM audit_log WHERE action = 'cmp.certConf'
        AND CAST(details AS TEXT) LIKE '%\"sender\":\"reference:$(jq -r .reference_number "$1")\"%'
        AND CAST(details AS TEXT) LIKE '%\"outcome\":\"accepted\"%'")" = 1 ]
}
wait_for 10 confirmed codes.json || { server_log; fail "variant A: the pkiconf confirmed nothing"; }
wait_for 10 confirmed codes2.json || { server_log; fail "variant B: the pkiconf (msg3) confirmed nothing"; }

# A publicKeyMAC keyed with another code (the message's desMAC right): error [23] badPOP in
# Korean; nothing is issued, so the same codes still work for the wrong-code check below.
"$python" "$client" --wrong-key-mac --url "$url" --reference "$(jq -r .reference_number codes3.json)" \
    --code "$(jq -r .authorization_code codes3.json)" --idn 7707071234567 ||
    { server_log; fail "the ir with a wrong publicKeyMAC"; }

# A wrong code: an unprotected error [23] whose statusString is Korean.
"$python" "$client" --wrong-code --url "$url" --reference "$(jq -r .reference_number codes3.json)" \
    --code "$(jq -r .authorization_code codes3.json)" || { server_log; fail "the wrong-code genm"; }

# Both certificates chain to the root and OCSP says they are good.
for cert in a.pem b.pem; do
    openssl verify -CAfile root.pem -untrusted issuing.pem "$cert" >verify.log 2>&1 ||
        { cat verify.log; fail "$cert does not verify against the served chain"; }
    openssl ocsp -issuer issuing.pem -cert "$cert" -CAfile root.pem -url "$url/ocsp" -no_nonce >ocsp.log 2>&1 ||
        { cat ocsp.log; fail "openssl ocsp for $cert"; }
    grep -q "^$cert: good$" ocsp.log || { cat ocsp.log; fail "OCSP does not say $cert is good"; }
done
echo "korean_cmp: ok"
