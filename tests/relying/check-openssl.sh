#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The OpenSSL relying party: `openssl x509`, `verify` (with the profile's policy required),
# `crl` and `ocsp` (POST; GET through curl). Prints "ARTEFACT CASE ok|FAIL why" per check.
#   check-openssl.sh good|revoked CASES.tsv
set -uo pipefail
phase=$1
cases=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# url_encode: base64 for a URL path (RFC 6960 appendix A.1)
url_encode() { base64 -w0 | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g'; }

while IFS=$'\t' read -r case cert issuing root crl ocsp policy identify _; do
    say() { echo "$1 $case $2"; }
    serial=$(openssl x509 -in "$cert" -noout -serial 2>/dev/null | cut -d= -f2)
    # cert: the profile as OpenSSL reads it.
    if ! openssl x509 -in "$cert" -noout -text >"$tmp/text" 2>"$tmp/err"; then
        say cert "FAIL x509: $(head -1 "$tmp/err")"
    elif ! grep -A1 "X509v3 Key Usage: critical" "$tmp/text" | grep -q "Digital Signature, Non Repudiation$"; then
        say cert "FAIL key usage is not critical digitalSignature+nonRepudiation"
    elif ! grep -A1 "X509v3 Certificate Policies: critical" "$tmp/text" | grep -q "Policy: $policy$"; then
        say cert "FAIL certificatePolicies is not critical with $policy"
    elif [ "$identify" = yes ] && ! grep -q "othername: 1.2.410.200004.10.1.1::" "$tmp/text"; then
        say cert "FAIL no identifyData otherName"
    elif [ "$identify" = no ] && grep -q "othername:" "$tmp/text"; then
        say cert "FAIL an otherName the certificate should not have"
    else
        say cert ok
    fi
    # chain: to the root.
    if openssl verify -x509_strict -CAfile "$root" -untrusted "$issuing" "$cert" >"$tmp/verify" 2>&1 &&
        grep -q ": OK$" "$tmp/verify"; then
        say chain ok
    else
        say chain "FAIL verify: $(tr '\n' ' ' <"$tmp/verify")"
    fi
    # policy: RFC 5280 policy processing with the profile's policy required (explicit policy),
    # as a relying party that accepts only, say, banking certificates asks for it.
    if openssl verify -policy "$policy" -explicit_policy -CAfile "$root" -untrusted "$issuing" "$cert" \
        >"$tmp/verify" 2>&1 && grep -q ": OK$" "$tmp/verify"; then
        say policy ok
    else
        say policy "FAIL verify -policy $policy -explicit_policy: $(grep -m1 "^error" "$tmp/verify")"
    fi
    # crl: verifies with the issuing CA; names the serial once revoked, and verify -crl_check agrees.
    openssl crl -inform DER -in "$crl" -out "$tmp/crl.pem" 2>/dev/null
    want=OK
    [ "$phase" = revoked ] && want=revoked
    if ! openssl crl -in "$tmp/crl.pem" -CAfile "$issuing" -noout 2>&1 | grep -q "verify OK"; then
        say crl "FAIL the CRL does not verify with the issuing CA"
    elif ! openssl crl -in "$tmp/crl.pem" -noout -text >"$tmp/crl.txt"; then
        say crl "FAIL the CRL does not parse"
    elif [ "$phase" = revoked ] && ! grep -q "Serial Number: $serial$" "$tmp/crl.txt"; then
        say crl "FAIL the CRL does not name $serial"
    elif [ "$phase" = good ] && grep -q "Serial Number: $serial$" "$tmp/crl.txt"; then
        say crl "FAIL the CRL names $serial before its revocation"
    else
        openssl verify -crl_check -CRLfile "$tmp/crl.pem" -CAfile "$root" -untrusted "$issuing" "$cert" \
            >"$tmp/crlcheck" 2>&1
        if [ $want = OK ] && grep -q ": OK$" "$tmp/crlcheck"; then
            say crl ok
        elif [ $want = revoked ] && grep -q "certificate revoked" "$tmp/crlcheck"; then
            say crl ok
        else
            say crl "FAIL verify -crl_check: $(tr '\n' ' ' <"$tmp/crlcheck")"
        fi
    fi
    # ocsp: the answer verifies (delegated responder, to the root) and gives the expected status.
    status=good
    [ "$phase" = revoked ] && status=revoked
    check_answer() {  # check_answer ARTEFACT LOG
        local artefact=$1 log=$2
        if ! grep -q "Response verify OK" "$log"; then
            say "$artefact" "FAIL the answer does not verify: $(tr '\n' ' ' <"$log")"
        elif ! grep -q "^$cert: $status$" "$log"; then
            say "$artefact" "FAIL not $status: $(grep "^$cert:" "$log")"
        else
            say "$artefact" ok
        fi
    }
    openssl ocsp -issuer "$issuing" -cert "$cert" -url "$ocsp" -CAfile "$root" -no_nonce >"$tmp/post" 2>&1
    check_answer ocsp-post "$tmp/post"
    openssl ocsp -issuer "$issuing" -cert "$cert" -no_nonce -reqout "$tmp/req.der" >/dev/null 2>&1
    if curl -fsS -o "$tmp/get.der" "$ocsp/$(url_encode <"$tmp/req.der")" 2>"$tmp/get"; then
        openssl ocsp -respin "$tmp/get.der" -issuer "$issuing" -cert "$cert" -CAfile "$root" >"$tmp/get" 2>&1
    fi
    check_answer ocsp-get "$tmp/get"
done <"$cases"
