#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The NSS relying party (libnss3-tools), with a throwaway database that trusts the roots:
# `certutil -L` (the parsed certificate), `vfychain -pp` (libpkix: the chain; with -o the
# profile's policy required; with the CRL imported by `crlutil -I`, which checks its signature;
# with OCSP from the certificate's AIA, which libpkix asks by GET) and `ocspclnt -S` with the
# responder's URL (a POST). Prints "ARTEFACT CASE ok|FAIL why" per check.
#   check-nss.sh good|revoked CASES.tsv
set -uo pipefail
phase=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A imported
while IFS=$'\t' read -r case cert issuing root crl ocsp policy identify _; do
    say() { echo "$1 $case $2"; }
    ca=${case%%/*}
    db=sql:$tmp/$ca.db
    if [ -z "${imported[$ca]:-}" ]; then
        imported[$ca]=yes
        mkdir "$tmp/$ca.db"
        certutil -N -d "$db" --empty-password || say "*" "FAIL certutil -N"
        if ! certutil -A -d "$db" -n "$ca-root" -t "CT,C,C" -a -i "$root" ||
            ! certutil -A -d "$db" -n "$ca-issuing" -t ",," -a -i "$issuing"; then
            say "*" "FAIL certutil cannot import the CA certificates"
        fi
        # The CRL: imported only when its signature verifies with the issuing CA.
        crlutil -I -d "$db" -t 1 -i "$crl" >"$tmp/$ca.crlimport" 2>&1
        echo $? >"$tmp/$ca.crlstatus"
        crlutil -L -d "$db" -n "$ca-issuing" >"$tmp/$ca.crl.txt" 2>&1
    fi
    openssl x509 -in "$cert" -outform DER -out "$tmp/leaf.der" 2>/dev/null
    openssl x509 -in "$issuing" -outform DER -out "$tmp/issuing.der" 2>/dev/null
    # NSS prints serials as colon-separated hex bytes
    serial=$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' | sed 's/../&:/g; s/:$//')
    # cert
    if ! certutil -A -d "$db" -n "$case" -t ",," -a -i "$cert" 2>"$tmp/err" ||
        ! certutil -L -d "$db" -n "$case" >"$tmp/text" 2>>"$tmp/err"; then
        say cert "FAIL certutil: $(head -1 "$tmp/err")"
    else
        flat=$(tr -s ' \t\n' ' ' <"$tmp/text")
        if ! grep -q "Name: Certificate Key Usage Critical: True Usages: Digital Signature Non-Repudiation " <<<"$flat"; then
            say cert "FAIL key usage is not critical digitalSignature+nonRepudiation"
        elif ! grep -q "Name: Certificate Policies Critical: True Data: Policy Name: OID.$policy " <<<"$flat"; then
            say cert "FAIL certificatePolicies is not critical with $policy"
        elif [ "$identify" = yes ] && ! grep -q "Name: Certificate Subject Alt Name Other Name: .* OID: OID.1.2.410.200004.10.1.1 " <<<"$flat"; then
            say cert "FAIL no identifyData otherName"
        elif [ "$identify" = no ] && grep -q "Other Name" <<<"$flat"; then
            say cert "FAIL an otherName the certificate should not have"
        elif ! grep -q "Serial Number: .*$serial" <<<"$flat"; then
            say cert "FAIL the serial number is not $serial"
        else
            say cert ok
        fi
    fi
    # chain (usage 4: e-mail signer, a signature certificate)
    if vfychain -d "$db" -pp -u 4 "$tmp/leaf.der" "$tmp/issuing.der" >"$tmp/v" 2>&1; then
        say chain ok
    else
        say chain "FAIL vfychain: $(tr '\n' ' ' <"$tmp/v")"
    fi
    # policy: the profile's policy required
    if vfychain -d "$db" -pp -u 4 -o "OID.$policy" "$tmp/leaf.der" "$tmp/issuing.der" >"$tmp/v" 2>&1; then
        say policy ok
    else
        say policy "FAIL vfychain -o OID.$policy: $(tr '\n' ' ' <"$tmp/v")"
    fi
    # crl
    vfychain -d "$db" -pp -u 4 -g leaf -h testLocalInfoFirst -m crl -s forbidFetching -s failIfNoInfo \
        "$tmp/leaf.der" "$tmp/issuing.der" >"$tmp/v" 2>&1
    verified=$?
    flat=$(tr -s ' \t\n' ' ' <"$tmp/$ca.crl.txt")
    listed=no
    grep -q "Serial Number: $serial " <<<"$flat " && listed=yes
    if [ "$(cat "$tmp/$ca.crlstatus")" != 0 ]; then
        say crl "FAIL crlutil -I: $(tr '\n' ' ' <"$tmp/$ca.crlimport")"
    elif [ "$phase" = good ] && [ $listed = yes ]; then
        say crl "FAIL the CRL names $serial before its revocation"
    elif [ "$phase" = revoked ] && [ $listed = no ]; then
        say crl "FAIL the CRL does not name $serial"
    elif [ "$phase" = good ] && [ $verified -ne 0 ]; then
        say crl "FAIL vfychain with the CRL: $(tr '\n' ' ' <"$tmp/v")"
    elif [ "$phase" = revoked ] && ! grep -q "ERROR -8180: Peer.s Certificate has been revoked" "$tmp/v"; then
        say crl "FAIL vfychain with the CRL did not say revoked: $(tr '\n' ' ' <"$tmp/v")"
    else
        say crl ok
    fi
    # ocsp-get: libpkix, the URL from the certificate's AIA, fresh information required
    vfychain -d "$db" -pp -u 4 -g leaf -h requireFreshInfo -m ocsp -s failIfNoInfo -m crl -s doNotUse \
        "$tmp/leaf.der" "$tmp/issuing.der" >"$tmp/v" 2>&1
    verified=$?
    if [ "$phase" = good ] && [ $verified -ne 0 ]; then
        say ocsp-get "FAIL vfychain with OCSP: $(tr '\n' ' ' <"$tmp/v")"
    elif [ "$phase" = revoked ] && ! grep -q "ERROR -8180: Peer.s Certificate has been revoked" "$tmp/v"; then
        say ocsp-get "FAIL vfychain with OCSP did not say revoked: $(tr '\n' ' ' <"$tmp/v")"
    else
        say ocsp-get ok
    fi
    # ocsp-post: ocspclnt to the responder's URL
    ocspclnt -S "$case" -d "$db" -l "$ocsp" -t "$ca-issuing" >"$tmp/o" 2>&1
    if [ "$phase" = good ] && ! grep -q "^Check of certificate \"$case\" succeeded" "$tmp/o"; then
        say ocsp-post "FAIL ocspclnt: $(tr '\n' ' ' <"$tmp/o")"
    elif [ "$phase" = revoked ] && ! grep -qi "revoked" "$tmp/o"; then
        say ocsp-post "FAIL ocspclnt did not say revoked: $(tr '\n' ' ' <"$tmp/o")"
    else
        say ocsp-post ok
    fi
done <"$2"
