#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes the fuzz corpora: real seeds made by the openssl CLI (seed-*) and a regression corpus
# of known-malformed DER derived from them (bad-*): indefinite, huge and non-minimal lengths,
# deep nesting, trailing data, truncation. The outputs are committed; rerun after changing this.
# Every corpus test (e.g. pkix/certificate_corpus_test.cpp) expects seed-* to parse and bad-*
# to be rejected. Keys are fresh on every run; the shapes of the files are not.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)/src/dojang"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hex() { xxd -p "$1" | tr -d '\n'; }
unhex() { xxd -r -p >"$1"; }
# DER length octets of N bytes, in hex.
der_len() {
    local n=$1
    if ((n < 128)); then printf '%02x' "$n"
    elif ((n < 256)); then printf '81%02x' "$n"
    elif ((n < 65536)); then printf '82%04x' "$n"
    else printf '83%06x' "$n"; fi
}
# Size in bytes of the identifier and length octets at the start of a hex TLV.
header_size() {
    local first=$((16#${1:2:2}))
    if ((first < 128)); then echo 2; else echo $((2 + (first & 127))); fi
}
# Size in bytes of the contents of a hex TLV.
content_size() {
    local first=$((16#${1:2:2}))
    if ((first < 128)); then echo "$first"; else echo $((16#${1:4:$(((first & 127) * 2))})); fi
}
# A SEQUENCE of hex contents, DER.
sequence() { echo "30$(der_len $((${#1} / 2)))$1"; }

# Derives the malformed variants of the valid DER file $1 into folder $2.
derive() {
    local seed=$1 out=$2
    local h tag size body inner inner_tag inner_size inner_body_len inner_body rest
    h=$(hex "$seed")
    tag=${h:0:2}
    size=$(header_size "$h")
    body=${h:$((size * 2))}
    inner=$body
    inner_tag=${inner:0:2}
    inner_size=$(header_size "$inner")
    inner_body_len=$(content_size "$inner")
    inner_body=${inner:$((inner_size * 2)):$((inner_body_len * 2))}
    rest=${inner:$(((inner_size + inner_body_len) * 2))}

    # X.690 10.1: DER lengths are definite.
    echo "${tag}80${body}0000" | unhex "$out/bad-indefinite-length-outer.der"
    local indefinite_inner="${inner_tag}80${inner_body}0000${rest}"
    echo "${tag}$(der_len $((${#indefinite_inner} / 2)))${indefinite_inner}" |
        unhex "$out/bad-indefinite-length-inner.der"
    # X.690 10.1: lengths in the fewest octets (0x30 0x81 0x05 ..., 0x30 0x84 0x00 ...).
    local n=$((${#body} / 2))
    if ((n < 128)); then
        echo "${tag}81$(printf '%02x' "$n")${body}" | unhex "$out/bad-non-minimal-length-outer.der"
    else
        echo "${tag}84$(printf '%08x' "$n")${body}" | unhex "$out/bad-non-minimal-length-outer.der"
    fi
    local padded_inner
    padded_inner="${inner_tag}84$(printf '%08x' "$inner_body_len")${inner_body}${rest}"
    echo "${tag}$(der_len $((${#padded_inner} / 2)))${padded_inner}" |
        unhex "$out/bad-non-minimal-length-inner.der"
    # Trailing data after a valid object.
    echo "${h}0500" | unhex "$out/bad-trailing-null.der"
    echo "${h}${h}" | unhex "$out/bad-trailing-second-copy.der"
    # Truncated valid objects.
    echo "${h:0:$((${#h} - 2))}" | unhex "$out/bad-truncated-last-byte.der"
    echo "${h:0:$(((${#h} / 4) * 2))}" | unhex "$out/bad-truncated-half.der"
    generic "$out"
}

# Malformed DER that does not need a seed.
generic() {
    local out=$1 deep="" i
    echo "3084ffffffff020100" | unhex "$out/bad-huge-length-4.der"
    echo "3088ffffffffffffffff020100" | unhex "$out/bad-huge-length-8.der"
    echo "3081050201000500" | unhex "$out/bad-non-minimal-short-form.der"
    echo "30800201000000" | unhex "$out/bad-indefinite-length-short.der"
    printf '3080%.0s' $(seq 1000) | unhex "$out/bad-deep-nesting-indefinite.der"
    deep=0500
    for ((i = 0; i < 300; i++)); do deep=$(sequence "$deep"); done
    echo "$deep" | unhex "$out/bad-deep-nesting-definite.der"
}

# 1. CSRs (policy/csr_fuzz): RSA (what the built-in profiles accept) and P-256, DER and PEM.
csr=policy/fuzz-corpus/csr_fuzz
mkdir -p "$csr" && rm -f "$csr"/seed-* "$csr"/bad-*
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/rsa.key" -utf8 \
    -subj '/C=KR/O=dojang/OU=personal/CN=홍길동' -outform DER -out "$csr/seed-openssl-rsa2048.der" 2>/dev/null
openssl req -in "$csr/seed-openssl-rsa2048.der" -inform DER -out "$csr/seed-openssl-rsa2048.pem"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ec.key" \
    -subj '/C=KR/O=dojang/CN=Hong' -outform DER -out "$csr/seed-openssl-p256.der" 2>/dev/null
derive "$csr/seed-openssl-rsa2048.der" "$csr"
# PEM blocks that must not be read: an encryption header (OpenSSL would prompt on the
# terminal for a password) and a certificate label around a request.
{
    echo "-----BEGIN CERTIFICATE REQUEST-----"
    echo "Proc-Type: 4,ENCRYPTED"
    echo "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF"
    echo
    sed '1d;$d' "$csr/seed-openssl-rsa2048.pem"
    echo "-----END CERTIFICATE REQUEST-----"
} >"$csr/bad-pem-encrypted-header.pem"
sed 's/CERTIFICATE REQUEST/CERTIFICATE/' "$csr/seed-openssl-rsa2048.pem" >"$csr/bad-pem-wrong-label.pem"

# 2. Certificates (pkix/certificate_fuzz).
cert=pkix/fuzz-corpus/certificate_fuzz
mkdir -p "$cert" && rm -f "$cert"/seed-* "$cert"/bad-*
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" \
    -utf8 -subj '/C=KR/O=example/CN=예시 Other CA' -days 3650 -outform DER \
    -out "$cert/seed-openssl-p256-ca.der" 2>/dev/null
openssl x509 -in "$cert/seed-openssl-p256-ca.der" -inform DER -out "$cert/seed-openssl-p256-ca.pem"
derive "$cert/seed-openssl-p256-ca.der" "$cert"

# 3. OCSP requests (ocsp/ocsp_request_fuzz). seed-openssl-*: another CA's certificates.
# seed-ours-*: the issuer hashes and serial are markers that the fuzzer and the corpus test
# replace with their responder's (ocsp/test_fuzz_responder.hpp).
ocsp=ocsp/fuzz-corpus/ocsp_request_fuzz
mkdir -p "$ocsp" && rm -f "$ocsp"/seed-* "$ocsp"/bad-*
openssl x509 -in "$cert/seed-openssl-p256-ca.der" -inform DER -out "$work/ca.pem"
openssl ocsp -issuer "$work/ca.pem" -serial 0x1234 -reqout "$ocsp/seed-openssl-other-ca-nonce.der"
openssl ocsp -issuer "$work/ca.pem" -serial 0x1234 -serial 0x5678 -no_nonce \
    -reqout "$ocsp/seed-openssl-other-ca-two.der"
marker_serial=0x$(printf 'DOJANG-SERIAL-01' | xxd -p)
name_marker=$(printf 'DOJANG-FUZZ-NAMEHASH' | xxd -p)
key_marker=$(printf 'DOJANG-FUZZ-KEY-HASH' | xxd -p)
name_hash=$(openssl ocsp -reqin "$ocsp/seed-openssl-other-ca-two.der" -req_text |
    sed -n 's/.*Issuer Name Hash: *//p' | head -1 | tr 'A-F' 'a-f')
key_hash=$(openssl ocsp -reqin "$ocsp/seed-openssl-other-ca-two.der" -req_text |
    sed -n 's/.*Issuer Key Hash: *//p' | head -1 | tr 'A-F' 'a-f')
ours() {  # ours OUT openssl-ocsp-options...
    local out=$1
    shift
    openssl ocsp -issuer "$work/ca.pem" "$@" -reqout "$work/ours.der"
    hex "$work/ours.der" | sed "s/$name_hash/$name_marker/g; s/$key_hash/$key_marker/g" | unhex "$out"
}
ours "$ocsp/seed-ours-sha1.der" -serial "$marker_serial" -no_nonce
ours "$ocsp/seed-ours-sha1-nonce.der" -serial "$marker_serial"
ours "$ocsp/seed-ours-two.der" -serial "$marker_serial" -serial "$marker_serial" -no_nonce
derive "$ocsp/seed-ours-sha1.der" "$ocsp"
# A CertID under MD4 (known to OpenSSL, not computable without the legacy provider) with empty
# hashes: the responder once took it for its own issuer and answered good.
cat >"$work/md4.cnf" <<EOF
asn1 = SEQUENCE:request
[request]
tbs = SEQUENCE:tbs
[tbs]
list = SEQUENCE:list
[list]
one = SEQUENCE:one
[one]
id = SEQUENCE:certid
[certid]
algorithm = SEQUENCE:md4
name_hash = OCTETSTRING:
key_hash = OCTETSTRING:
serial = INTEGER:$marker_serial
[md4]
oid = OID:md4
parameters = NULL
EOF
openssl asn1parse -genconf "$work/md4.cnf" -out "$ocsp/bad-certid-md4-empty-hashes.der" >/dev/null

# 4. Configuration (config/config_fuzz): the default file, broken TOML, and DER where text belongs.
conf=config/fuzz-corpus/config_fuzz
mkdir -p "$conf" && rm -f "$conf"/seed-* "$conf"/bad-*
cat >"$conf/seed-default.toml" <<'EOF'
[server]
listen = "127.0.0.1:8080"
base_url = "http://127.0.0.1:8080"
max_body_bytes = 1048576
read_timeout_seconds = 30
worker_threads = 2

[database]
driver = "sqlite"
path = "dojang.db"
synchronous_full = true

[ca]
key_algorithm = "rsa2048"
passphrase_file = "secrets/ca-passphrase"
policy_arc = "2.25.1234"

[crl]
validity_days = 7
republish_hours = 24
max_delay_after_revocation_seconds = 300

[ocsp]
validity_hours = 72
refresh_before_hours = 36

[log]
level = "info"

[profiles.individual]
display_name = "개인 (individual)"
policy_oid = "2.25.1234.1.1.1"
validity_days = 365
key_usage = ["digitalSignature", "nonRepudiation"]
allow_ec = false
EOF
printf '[server]\nlisten = "127.0.0.1:8080\n' >"$conf/bad-unterminated-string.toml"
printf '[server\n' >"$conf/bad-unterminated-table.toml"
{ printf 'x = '; printf '[%.0s' $(seq 1000); } >"$conf/bad-deep-arrays.toml"
{ printf 'x = '; printf '{a=%.0s' $(seq 1000); } >"$conf/bad-deep-inline-tables.toml"
printf '[server]\nmax_body_bytes = 99999999999999999999999\n' >"$conf/bad-huge-integer.toml"
printf '[server]\nworker_threads = -1\n' >"$conf/bad-negative-count.toml"
printf '[server]\nlisten = "a"\nlisten = "b"\n' >"$conf/bad-duplicate-key.toml"
printf '[server]\nlisten = "\xff\xfe"\n' >"$conf/bad-invalid-utf8.toml"
printf '[server]\nlisten = "a\x00b"\n' >"$conf/bad-nul-byte.toml"
printf '[nope]\nx = 1\n' >"$conf/bad-unknown-table.toml"
printf '[crl]\nvalidity_days = "7"\n' >"$conf/bad-wrong-type.toml"
generic "$conf"

du -cb "$csr" "$cert" "$ocsp" "$conf" | tail -1
