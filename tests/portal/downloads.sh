#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What a holder downloaded after issuing in the browser (tests/portal/browser.mjs, the test
# issuance_in_the_browser), judged by tools other than the portal's: python3's zipfile and a
# small DER reader (npki_check.py), OpenSSL 3, then the holder CLI importing the files into
# empty stores. Run by portal.sh once per storage choice; every expected value is computed here
# from the test's own data (the resident number, the name, the password).
#   downloads.sh DOJANG DOWNLOADS URL PASSWORD_FILE STORAGE IDN NAME
# DOWNLOADS holds STORAGE.zip, STORAGE.pfx, STORAGE.serial (the page's data-serial) and, for
# STORAGE=browser, what IndexedDB kept (browser-indexeddb-signCert.der, -signPri.key).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/lib.sh"
dojang=$1
downloads=$2
url=$3
password=$4
storage=$5
idn=$6
name=$7
zip=$downloads/$storage.zip
pfx=$downloads/$storage.pfx
for file in "$zip" "$pfx" "$downloads/$storage.serial"; do
    [ -s "$file" ] || fail "$storage: $file was not downloaded"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npki_check() { python3 "$here/npki_check.py" "$@"; }
# A serial in hex as the comparisons need it: lower case, no separators, no leading zeros.
hex_number() { tr -d ': \n' | tr 'A-F' 'a-f' | sed 's/^0*//'; }
# The public key of a certificate or key, as OpenSSL writes it (PEM SubjectPublicKeyInfo).
certificate_key() { openssl x509 -in "$1" -noout -pubkey; }

npki_check selftest || fail "npki_check.py fails its own known answers (VID of korea.md)"

# 1. The ZIP: NPKI/<CA folder>/USER/<subject DN folder>/{signCert.der,signPri.key}; the DN
# folder is the subject, leaf first, keys in lower case (as OpenSSL prints it in RFC 2253).
folder=$(npki_check unzip "$zip" unzipped) || fail "$storage.zip: not an NPKI folder tree (above)"
cert=unzipped/$folder/signCert.der
key=unzipped/$folder/signPri.key
openssl x509 -inform DER -in "$cert" -out cert.pem 2>x509.log || { cat x509.log; fail "$storage.zip: signCert.der is not a DER certificate"; }
subject=$(openssl x509 -in cert.pem -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//')
dn_folder=${folder##*/}
[ "$(tr '[:upper:]' '[:lower:]' <<<"$dn_folder")" = "$(tr '[:upper:]' '[:lower:]' <<<"$subject")" ] ||
    fail "$storage.zip: the DN folder is \"$dn_folder\", the certificate's subject \"$subject\""
grep -q '^cn=' <<<"$dn_folder" || fail "$storage.zip: the DN folder \"$dn_folder\" does not start with a lower-case cn="
serial=$(openssl x509 -in cert.pem -noout -serial | cut -d= -f2 | hex_number)
page_serial=$(hex_number <"$downloads/$storage.serial")
[ -n "$serial" ] || fail "$storage: OpenSSL reads no serial in signCert.der"
[ "$serial" = "$page_serial" ] ||
    fail "$storage: the page's data-serial is $page_serial, the certificate's serial $serial"
curl -fsS -o chain.pem "$url/ca/issuing.pem" || fail "cannot fetch the issuing CA certificate"
curl -fsS -o root.pem "$url/ca/root.pem" || fail "cannot fetch the root CA certificate"
if ! openssl verify -CAfile root.pem -untrusted chain.pem cert.pem >verify.log 2>&1 || ! contains "cert.pem: OK" <verify.log; then
    cat verify.log
    fail "$storage: the certificate does not verify against the served CA chain"
fi
certificate_key cert.pem >cert.pub

# 2. signPri.key: PKCS#8 EncryptedPrivateKeyInfo, PBES2 with PBKDF2-HMAC-SHA256 (600,000) and
# AES-256-CBC, as OpenSSL's parser names it; OpenSSL decrypts it with the password, not without.
openssl asn1parse -inform DER -in "$key" >key.asn1 2>&1 || { cat key.asn1; fail "$storage: signPri.key is not DER"; }
for algorithm in PBES2 PBKDF2 hmacWithSHA256 aes-256-cbc; do
    grep -q "OBJECT  *:$algorithm\$" key.asn1 || { cat key.asn1; fail "$storage: signPri.key does not use $algorithm"; }
done
# 600000 = 0x0927C0; asn1parse prints an INTEGER's content bytes in hex.
grep -Eq 'INTEGER +:0927C0$' key.asn1 || { cat key.asn1; fail "$storage: signPri.key's PBKDF2 iteration count is not 600000"; }
openssl pkcs8 -inform DER -in "$key" -passin "file:$password" -out openssl-key.pem 2>pkcs8.log ||
    { cat pkcs8.log; fail "$storage: openssl pkcs8 cannot decrypt signPri.key with the certificate password"; }
openssl pkey -in openssl-key.pem -pubout | cmp -s - cert.pub || fail "$storage: signPri.key is not the key of signCert.der"
printf 'Wrong-password-1!\n' >wrong.pass
if openssl pkcs8 -inform DER -in "$key" -passin file:wrong.pass -out /dev/null 2>/dev/null; then
    fail "$storage: signPri.key decrypts with a wrong password"
fi

# 3. The decrypted PrivateKeyInfo (openssl pkcs8 drops attributes, so it is decrypted here with
# hashlib's PBKDF2 and `openssl enc`): the randomNum attribute, 20 bytes, and the same key.
iterations=$(npki_check decrypt "$key" "$password" plain.der) || fail "$storage: signPri.key (above)"
[ "$iterations" = "iterations 600000" ] || fail "$storage: signPri.key: $iterations, expected 600000"
openssl pkey -inform DER -in plain.der -pubout | cmp -s - cert.pub ||
    fail "$storage: the decrypted signPri.key is not the key of signCert.der"
openssl asn1parse -inform DER -in plain.der | contains ":1.2.410.200004.10.1.1.3" ||
    fail "$storage: no randomNum attribute (1.2.410.200004.10.1.1.3) in the decrypted key"
random=$(npki_check random-num plain.der) || fail "$storage: randomNum (above)"
[ ${#random} -eq 40 ] || fail "$storage: R is \"$random\", not 20 bytes"

# 4. The VID: SHA256(SHA256(DER(SEQUENCE { PrintableString idn, BIT STRING R }))) from the
# resident number the register holds and R from the key equals the certificate's virtualID.
vid=$(npki_check vid "$cert" "$idn" "$random" "$name") || fail "$storage: identifyData / VID (above)"

# 5. The .pfx: OpenSSL 3 reads it (MAC checked) with the certificate password; its certificate
# is signCert.der, its key the same key, and the key bag keeps R as a key attribute.
openssl pkcs12 -in "$pfx" -nodes -passin "file:$password" -out pfx.pem 2>pkcs12.log ||
    { cat pkcs12.log; fail "$storage: openssl pkcs12 cannot read the .pfx with the certificate password"; }
# Every certificate of the .pfx (it may carry the CA's too), one file each: signCert.der is one.
openssl pkcs12 -in "$pfx" -nokeys -passin "file:$password" -out pfx-certs.pem 2>pkcs12.log ||
    { cat pkcs12.log; fail "$storage: openssl pkcs12 cannot list the .pfx's certificates"; }
awk '/-----BEGIN CERTIFICATE-----/ { n++ } n { print > ("pfx-cert-" n ".pem") }' pfx-certs.pem
in_pfx=false
for pem in pfx-cert-*.pem; do
    [ -e "$pem" ] || fail "$storage: no certificate in the .pfx"
    openssl x509 -in "$pem" -outform DER -out pfx-cert.der 2>x509.log || { cat x509.log; fail "$storage: $pem of the .pfx"; }
    if cmp -s pfx-cert.der "$cert"; then
        in_pfx=true
    fi
done
$in_pfx || fail "$storage: the .pfx does not hold the ZIP's signCert.der"
openssl pkcs12 -in "$pfx" -nocerts -nodes -passin "file:$password" 2>/dev/null | openssl pkey -pubout |
    cmp -s - cert.pub || fail "$storage: the .pfx's key is not the key of the certificate"
spaced=$(tr 'a-f' 'A-F' <<<"$random" | sed 's/../& /g; s/ $//')
contains "1.2.410.200004.10.1.1.3: $spaced" <pfx.pem || fail "$storage: the .pfx's key bag lost R (randomNum $spaced)"
if openssl pkcs12 -in "$pfx" -nodes -passin file:wrong.pass -out /dev/null 2>/dev/null; then
    fail "$storage: the .pfx opens with a wrong password"
fi

# 6. What the browser kept in IndexedDB is the certificate and the encrypted key of the ZIP.
if [ "$storage" = browser ]; then
    cmp -s "$downloads/browser-indexeddb-signCert.der" "$cert" ||
        fail "browser: IndexedDB's certificate is not the downloaded signCert.der"
    cmp -s "$downloads/browser-indexeddb-signPri.key" "$key" ||
        fail "browser: IndexedDB's key is not the downloaded signPri.key"
fi

# 7. The holder CLI imports the NPKI folder and the .pfx into two empty stores; each lists the
# certificate, and its key opens with the password, matches, and keeps R and the VID.
imported() {  # imported LABEL STORE SOURCE
    DOJANG_HOME=$2 "$dojang" import "$3" --password-file "$password" >"import-$1.log" 2>&1 ||
        { cat "import-$1.log"; fail "$storage: dojang import of the $1"; }
    DOJANG_HOME=$2 "$dojang" --lang en list >"list-$1.log" 2>&1 || { cat "list-$1.log"; fail "$storage: dojang list after importing the $1"; }
    local listed
    listed=$(sed -n 's/^ *serial  *\([0-9A-Fa-f:]*\) .*/\1/p' "list-$1.log")
    [ "$(hex_number <<<"$listed")" = "$serial" ] || { cat "list-$1.log"; fail "$storage: dojang list after importing the $1 does not show serial $serial"; }
    DOJANG_HOME=$2 "$dojang" --lang en show "$listed" --password-file "$password" >"show-$1.log" 2>&1 ||
        { cat "show-$1.log"; fail "$storage: dojang show after importing the $1"; }
    grep -q "^key match   yes" "show-$1.log" || { cat "show-$1.log"; fail "$storage: imported from the $1, the key does not match"; }
    grep -qi "^R           $random\$" "show-$1.log" || { cat "show-$1.log"; fail "$storage: imported from the $1, R is not $random"; }
    grep -qi "^VID         $vid " "show-$1.log" || { cat "show-$1.log"; fail "$storage: imported from the $1, the VID is not $vid"; }
}
imported folder "$work/store-zip" unzipped/NPKI
imported pfx "$work/store-pfx" "$pfx"
echo "ok - $storage: ZIP, signPri.key, VID, .pfx and dojang import (serial $serial)"
