#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad input gets a specific error and a non-zero exit code, and nothing half-written is left.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# expect CODE PATTERN COMMAND...: exit status CODE and PATTERN in the output.
expect() {
    local code=$1 pattern=$2
    shift 2
    "$@" >out.log 2>&1
    local status=$?
    [ "$status" -eq "$code" ] || { cat out.log; fail "'$*' exited $status, expected $code"; }
    grep -q -- "$pattern" out.log || { cat out.log; fail "'$*' did not say '$pattern'"; }
}
# The exit status of each error kind (README, "Operator commands").
bad_input=2 authentication=3 not_found=4 conflict=5 policy=6
# expect_error STATUS CODE COMMAND...: exit status STATUS, "error [CODE]: detail" and a Korean
# summary ("오류: ..."); the output stays in out.log for checks of the violations.
expect_error() {
    local code=$1 error=$2
    shift 2
    expect "$code" "^error \[$error\]: " "$@"
    grep -q "^오류: " out.log || { cat out.log; fail "'$*' printed no Korean summary"; }
}
# violation CODE [DETAIL]: out.log lists the violation CODE (with DETAIL, a pattern).
violation() {
    grep -q -- "^  - $1: ${2:-}" out.log || { cat out.log; fail "no violation $1 ${2:-}"; }
}

"$dojangd" init --data ca --listen 127.0.0.1:0 >init.log || fail "init"
expect_error $conflict ALREADY_INITIALISED "$dojangd" init --data ca
expect_error $not_found NOT_INITIALISED "$dojangd" serve --data nowhere
expect_error $bad_input KEY_ALGORITHM_UNKNOWN "$dojangd" init --data other --key-algorithm rsa1024
[ ! -e other ] && [ ! -e .other.init-partial ] || fail "a failed init left files behind"
# A policy arc some relying parties cannot parse is refused: every component (the first two
# combined) fits 28 bits, or Python cryptography 38 (Debian 12) cannot load the certificates.
expect_error $bad_input CONFIG_INVALID "$dojangd" init --data bigarc --listen 127.0.0.1:0 \
    --policy-arc 2.25.7986505172694083472197499878601202634
contains "2^28-1" <out.log || { cat out.log; fail "the refusal of a 128-bit arc does not say why"; }
expect_error $bad_input CONFIG_INVALID "$dojangd" init --data bigarc --listen 127.0.0.1:0 --policy-arc 2.25.268435456
expect_error $bad_input CONFIG_INVALID "$dojangd" init --data bigarc --listen 127.0.0.1:0 --policy-arc 2.25.x
[ ! -e bigarc ] && [ ! -e .bigarc.init-partial ] || fail "a refused policy arc left files behind"
"$dojangd" init --data maxarc --listen 127.0.0.1:0 --policy-arc 2.25.268435455 >maxarc.log ||
    { cat maxarc.log; fail "init with a 28-bit policy arc"; }
arc=$(sed -n 's/^policy_arc = "\(.*\)"$/\1/p' ca/dojang.toml)
[[ "$arc" =~ ^2\.25\.[0-9]+$ ]] && [ "${arc#2.25.}" -le 268435455 ] || fail "the drawn policy arc $arc exceeds 28 bits"
# An installation whose arc was drawn before init checked it still opens (its certificates
# already carry the arc; serve warns in its log); an arc that is no OID is refused, naming the key.
sed -i 's/^policy_arc = .*/policy_arc = "2.25.1637137279"/' maxarc/dojang.toml
"$dojangd" admin certs list --data maxarc >list.log 2>&1 || { cat list.log; fail "an installation with a long arc no longer opens"; }
sed -i 's/^policy_arc = .*/policy_arc = "2.25.x1637137279"/' maxarc/dojang.toml
expect_error $bad_input CONFIG_INVALID "$dojangd" admin certs list --data maxarc
violation CONFIG_INVALID "ca.policy_arc (line [0-9]*): '2.25.x1637137279' is not a dotted-decimal OID"
# Port 0 in --listen without --base-url would put port 0 into every certificate's URLs.
contains "warning: --listen 127.0.0.1:0 has port 0" <init.log || { cat init.log; fail "no warning for port 0"; }
"$dojangd" init --data based --listen 127.0.0.1:0 --base-url http://ca.example:8080 >based.log ||
    fail "init with --base-url"
contains "warning" <based.log && { cat based.log; fail "init with --base-url got a warning"; }

openssl req -new -newkey rsa:1024 -nodes -keyout weak.key -subj "/CN=weak" -out weak.csr 2>/dev/null
expect_error $policy POLICY_REJECTED "$dojangd" admin issue --data ca --csr weak.csr --out weak.pem
violation RSA_KEY_TOO_SMALL
[ ! -e weak.pem ] || fail "a refused request wrote a certificate"
echo "not a request" >garbage.csr
expect_error $bad_input CSR_MALFORMED "$dojangd" admin issue --data ca --csr garbage.csr --out g.pem
openssl req -new -newkey rsa:2048 -nodes -keyout ok.key -subj "/CN=ok" -outform DER -out ok.der 2>/dev/null
cp ok.der broken.der
# Flip every bit of one signature byte (writing a fixed value would change nothing when the
# byte already had it).
offset=$(($(stat -c %s ok.der) - 10))
byte=$(od -An -tu1 -j "$offset" -N1 ok.der | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 255)))" | dd of=broken.der bs=1 seek="$offset" conv=notrunc 2>/dev/null
cmp -s ok.der broken.der && fail "the signature byte did not change"
expect_error $policy BAD_PROOF_OF_POSSESSION "$dojangd" admin issue --data ca --csr broken.der --out b.pem
violation CSR_SIGNATURE_INVALID
expect_error $bad_input PROFILE_UNKNOWN "$dojangd" admin issue --data ca --csr ok.der --profile nope --out p.pem
expect_error $not_found CERTIFICATE_NOT_FOUND "$dojangd" admin revoke --data ca --serial 0badc0de --reason superseded
expect_error $bad_input REASON_UNKNOWN "$dojangd" admin revoke --data ca --serial 01 --reason removeFromCRL
expect 0 "certificate(s)" "$dojangd" admin certs list --data ca
[ "$("$dojangd" admin certs list --data ca | tail -1)" = "0 certificate(s)" ] || fail "refused requests spent serials"

# A wrong CA passphrase is a clear error.
cp ca/secrets/ca-passphrase passphrase.bak
echo "wrong-wrong-wrong-wrong" >ca/secrets/ca-passphrase
expect_error $authentication WRONG_PASSPHRASE "$dojangd" admin issue --data ca --csr ok.der --out w.pem
cp passphrase.bak ca/secrets/ca-passphrase

# Unknown config keys are errors naming the key and line.
cp ca/dojang.toml dojang.toml.bak
printf '\n[server2]\nlisten = "x"\n' >>ca/dojang.toml
expect_error $bad_input CONFIG_INVALID "$dojangd" serve --data ca
violation CONFIG_INVALID "server2 (line [0-9]*): unknown key$"
cp dojang.toml.bak ca/dojang.toml

expect 0 "issued" "$dojangd" admin issue --data ca --csr ok.der --out ok.pem
echo "cli errors: ok"
