#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The GnuTLS relying party: `certtool` (certificate, chain with the medium profile, CRL) and
# `ocsptool` (POST with --ask; GET through curl, then --verify-response). GnuTLS trusts an OCSP
# signer that is in its trust list or directly signed by one with id-kp-OCSPSigning (the
# delegated responder), so the OCSP trust list is the issuing CA; the chain is checked to the root.
# Prints "ARTEFACT CASE ok|FAIL why" per check.
#   check-gnutls.sh good|revoked CASES.tsv
set -uo pipefail
phase=$1
cases=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

url_encode() { base64 -w0 | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g'; }
status=good
[ "$phase" = revoked ] && status=revoked

while IFS=$'\t' read -r case cert issuing root crl ocsp policy identify _; do
    say() { echo "$1 $case $2"; }
    # cert
    if ! certtool -i --infile "$cert" >"$tmp/info" 2>"$tmp/err"; then
        say cert "FAIL certtool -i: $(head -1 "$tmp/err")"
        continue
    fi
    serial=$(sed -n 's/^\tSerial Number (hex): //p' "$tmp/info")
    if ! grep -A2 "Key Usage (critical):" "$tmp/info" | tr -d '\t' | tr '\n' ' ' |
        grep -q "Key Usage (critical): Digital signature. Non repudiation. "; then
        say cert "FAIL key usage is not critical digitalSignature+nonRepudiation"
    elif ! grep -A1 "Certificate Policies (critical):" "$tmp/info" | grep -q "^[[:space:]]*$policy$"; then
        say cert "FAIL certificatePolicies is not critical with $policy"
    elif [ "$identify" = yes ] && ! grep -q "otherName OID: 1.2.410.200004.10.1.1$" "$tmp/info"; then
        say cert "FAIL no identifyData otherName"
    elif [ "$identify" = no ] && grep -q "otherName" "$tmp/info"; then
        say cert "FAIL an otherName the certificate should not have"
    else
        say cert ok
    fi
    # chain
    cat "$cert" "$issuing" >"$tmp/bundle.pem"
    certtool --verify-profile medium --verify --load-ca-certificate "$root" --infile "$tmp/bundle.pem" \
        >"$tmp/verify" 2>&1
    if grep -q "^Chain verification output: Verified" "$tmp/verify"; then
        say chain ok
    else
        say chain "FAIL $(grep "verification output" "$tmp/verify" | tail -1)"
    fi
    # crl: verifies with the issuing CA, names the serial once revoked; the chain with the CRL
    # is revoked then.
    if ! certtool --crl-info --inder --infile "$crl" --outfile "$tmp/crl.pem" >/dev/null 2>"$tmp/err"; then
        say crl "FAIL certtool --crl-info: $(head -1 "$tmp/err")"
    else
        certtool --crl-info --infile "$tmp/crl.pem" >"$tmp/crl.txt" 2>&1
        certtool --verify-crl --load-ca-certificate "$issuing" --infile "$tmp/crl.pem" >"$tmp/crlv" 2>&1
        certtool --verify-profile medium --verify --load-ca-certificate "$root" --load-crl "$tmp/crl.pem" \
            --infile "$tmp/bundle.pem" >"$tmp/crlchain" 2>&1
        listed=no
        grep -qi "Serial Number (hex): $serial$" "$tmp/crl.txt" && listed=yes
        if ! grep -q "^Verification output: Verified" "$tmp/crlv"; then
            say crl "FAIL the CRL does not verify: $(grep "output" "$tmp/crlv")"
        elif [ "$phase" = revoked ] && [ $listed = no ]; then
            say crl "FAIL the CRL does not name $serial"
        elif [ "$phase" = good ] && [ $listed = yes ]; then
            say crl "FAIL the CRL names $serial before its revocation"
        elif [ "$phase" = revoked ] && ! grep -q "^Chain verification output: .*revoked" "$tmp/crlchain"; then
            say crl "FAIL the chain with the CRL is not revoked: $(grep "Chain verification" "$tmp/crlchain")"
        elif [ "$phase" = good ] && ! grep -q "^Chain verification output: Verified" "$tmp/crlchain"; then
            say crl "FAIL the chain with the CRL does not verify: $(grep "Chain verification" "$tmp/crlchain")"
        else
            say crl ok
        fi
    fi
    # ocsp
    check_answer() {  # check_answer ARTEFACT LOG
        local artefact=$1 log=$2
        if ! grep -q "Verifying OCSP Response: Success" "$log"; then
            say "$artefact" "FAIL the answer does not verify: $(grep -m1 -i "verif\|error" "$log")"
        elif ! grep -qi "Serial Number: $serial$" "$log"; then
            say "$artefact" "FAIL the answer is not about $serial"
        elif ! grep -q "Certificate Status: $status$" "$log"; then
            say "$artefact" "FAIL not $status: $(grep "Certificate Status" "$log")"
        else
            say "$artefact" ok
        fi
    }
    ocsptool --ask="$ocsp" --load-issuer "$issuing" --load-cert "$cert" --load-trust "$issuing" \
        --no-nonce --outfile "$tmp/post.der" >"$tmp/post" 2>&1
    check_answer ocsp-post "$tmp/post"
    : >"$tmp/get"
    if ocsptool -q --load-issuer "$issuing" --load-cert "$cert" --no-nonce --outfile "$tmp/req.der" \
        >/dev/null 2>&1 && curl -fsS -o "$tmp/get.der" "$ocsp/$(url_encode <"$tmp/req.der")" 2>"$tmp/get"; then
        ocsptool -e --load-trust "$issuing" -S "$tmp/get.der" >"$tmp/get" 2>&1
    fi
    check_answer ocsp-get "$tmp/get"
done <"$cases"
