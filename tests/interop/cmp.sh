#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CMP with OpenSSL's own client (`openssl cmp`), as a Korean client fetches a reissued
# certificate: walk-in registration, then `ir` protected by a password-based MAC (senderKID =
# reference number, secret = authorization code) → ip → certConf → pkiConf. The certificate
# verifies against the served chain and carries the client's key; the codes do not work twice;
# a wrong code is refused with badMessageCheck and leaves the codes usable.
# Then renewal and revocation signed with the holder's key, answered signed with the CMP server
# certificate: `kur` inside the window (the old certificate superseded after certConf), `kur`
# outside it (refused with a readable text), `rr` with a reason; OCSP reports each status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
[ -s ca/cmp/server.pem ] && [ -s ca/cmp/server.key ] || fail "init made no CMP server certificate"
# A data directory from before the CMP server certificate: serve issues it on start.
rm -r ca/cmp
# Clients of applications still in review poll every second here (the default is a minute).
sed -i 's/^poll_interval_seconds = 60/poll_interval_seconds = 1/' ca/dojang.toml
grep -q '^poll_interval_seconds = 1$' ca/dojang.toml || fail "poll_interval_seconds not in the default configuration"
printf 'correct horse battery staple\n' >officer.pass
"$dojangd" admin officers add --data ca --username backoffice --password-file officer.pass --token \
    >officer.txt || fail "officers add"
officer_token=$(sed -n 's/^api_token: //p' officer.txt)
start_server "$dojangd" ca serve.log
[ -s ca/cmp/server.pem ] || fail "serve did not issue the missing CMP server certificate"
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"
server=${url#http://}

# The holder's current certificate, to be superseded.
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/C=KR/O=dojang/CN=hong" -out old.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr old.csr --out old.pem >/dev/null
old_serial=$(openssl x509 -in old.pem -noout -serial | cut -d= -f2)

printf '9001011234567\n' >idn
printf '8502021234568\n' >idn2
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --old-serial "$old_serial" --json >codes.json
reference=$(jq -r .reference_number codes.json)
code=$(jq -r .authorization_code codes.json | tr -d -)
[ ${#reference} -eq 10 ] && [ ${#code} -eq 16 ] || fail "no codes"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out new.key 2>/dev/null

ir() {  # ir SECRET CERTOUT → runs `openssl cmp -cmd ir`, output in cmp.log
    openssl cmp -cmd ir -server "$server" -path cmp -ref "$reference" -secret "pass:$1" \
        -newkey new.key -subject "/CN=x" -certout "$2" -cacertsout capubs.pem \
        -extracertsout extra.pem -unprotected_errors >cmp.log 2>&1
}

# A wrong code: badMessageCheck, nothing issued.
if ir 1111222233334444 wrong.pem; then fail "a wrong code got a certificate"; fi
contains badMessageCheck <cmp.log || { cat cmp.log; fail "wrong code not badMessageCheck"; }

# The right code: a certificate for the client's key under the register's name, confirmed.
ir "$code" new.pem || { cat cmp.log; fail "openssl cmp ir"; }
openssl verify -CAfile root.pem -untrusted chain.pem new.pem | contains "new.pem: OK" || fail "new certificate"
openssl verify -CAfile capubs.pem -untrusted extra.pem new.pem | contains "new.pem: OK" || fail "caPubs/extraCerts"
cmp <(openssl x509 -in new.pem -noout -pubkey) <(openssl pkey -in new.key -pubout) || fail "wrong key"
openssl x509 -in new.pem -noout -subject -nameopt utf8,sep_comma_plus_space | contains "CN=홍길동" || fail "subject not from the register"
# Every arc of the certificate's policy OIDs fits 28 bits: Python cryptography 38 (Debian 12)
# cannot load a certificate with a larger one, Go's encoding/asn1 one above 31 bits.
policies=$(openssl x509 -in new.pem -noout -ext certificatePolicies | sed -n 's/.*Policy: \([0-9.]*\).*/\1/p')
[ -n "$policies" ] || fail "no certificate policy"
for arc in $(tr '.' ' ' <<<"$policies"); do
    [ ${#arc} -le 9 ] && [ "$arc" -le 268435455 ] || fail "policy OID arc $arc does not fit 28 bits: $policies"
done

# certConf completed the reissue: the old certificate is superseded (OCSP).
status_of() {
    openssl ocsp -issuer chain.pem -cert "$1" -url "$url/ocsp" -CAfile root.pem -no_nonce >ocsp.log 2>&1 || true
    sed -n "s/^$1: //p" ocsp.log
}
superseded() { [ "$(status_of old.pem)" = revoked ] && grep -q "Reason: superseded" ocsp.log; }
wait_for 60 superseded || { cat ocsp.log; fail "old certificate not superseded after certConf"; }

# The same codes again: refused (duplicateCertReq).
if ir "$code" again.pem; then fail "codes worked twice"; fi
contains duplicateCertReq <cmp.log || { cat cmp.log; fail "reused codes not duplicateCertReq"; }

# p10cr (a PKCS#10 in CMP) with codes of a second application, given as printed (with hyphens).
"$dojangd" admin applications register --data ca --name 김철수 --phone 010-2222-3333 \
    --email kim@example.com --idn-file idn2 --reason forgot_password --json >codes2.json
# OpenSSL's CLI writes a request attribute as a string (UTF8String), never as the BIT STRING or
# OCTET STRING randomNum is (cmp/README.md): such an R is refused, readably, and the codes stay
# usable. The randomNum form itself is covered by holder_cmp.sh (`dojang issue`).
cat >r.cnf <<'CNF'
[req]
distinguished_name = dn
attributes = attrs
prompt = no
[dn]
CN = y
[attrs]
1.2.410.200004.10.1.1.3 = 79EA7568A2D3776604E18BCD3A1B1B85B7DA0872
CNF
openssl req -new -key new.key -config r.cnf -out r.csr
if openssl cmp -cmd p10cr -csr r.csr -server "$server" -path cmp -ref "$(jq -r .reference_number codes2.json)" \
    -secret "pass:$(jq -r .authorization_code codes2.json)" -certout r.pem >cmp.log 2>&1; then
    fail "a randomNum of the wrong type was accepted"
fi
contains badRequest <cmp.log && contains "randomNum" <cmp.log || { cat cmp.log; fail "wrong randomNum type not refused readably"; }
openssl req -new -key new.key -subj "/CN=y" -out p10.csr
openssl cmp -cmd p10cr -csr p10.csr -server "$server" -path cmp -ref "$(jq -r .reference_number codes2.json)" \
    -secret "pass:$(jq -r .authorization_code codes2.json)" -certout p10.pem >cmp.log 2>&1 ||
    { cat cmp.log; fail "openssl cmp p10cr"; }
openssl verify -CAfile root.pem -untrusted chain.pem p10.pem | contains "p10.pem: OK" || fail "p10cr certificate"

# The CMP server certificate chains to the root and is an RA certificate (id-kp-cmcRA).
openssl verify -CAfile root.pem -untrusted chain.pem ca/cmp/server.pem | contains OK || fail "CMP server certificate"
openssl x509 -in ca/cmp/server.pem -noout -ext extendedKeyUsage | contains "CMC Registration Authority" ||
    fail "CMP server certificate without id-kp-cmcRA"
# The VID encryption certificate (EncryptedVID) is published, chains to the root, holds an RSA
# key and may only encipher keys.
curl -fsS -o vid.pem "$url/ca/vid.pem" || fail "GET /ca/vid.pem"
cmp -s vid.pem ca/cmp/vid.pem || fail "/ca/vid.pem is not cmp/vid.pem"
openssl verify -CAfile root.pem -untrusted chain.pem vid.pem | contains "vid.pem: OK" || fail "VID certificate"
openssl x509 -in vid.pem -noout -ext keyUsage | contains "Key Encipherment" || fail "VID certificate key usage"
openssl x509 -in vid.pem -noout -ext keyUsage | grep -q "Digital Signature" && fail "VID key may sign"
openssl x509 -in vid.pem -noout -text | contains "rsaEncryption" || fail "VID certificate is not RSA"

# kur inside the renewal window: a certificate that ends in 10 days.
near_end=$(date -u -d '+10 days' +%Y-%m-%d)
openssl req -new -newkey rsa:2048 -nodes -keyout near.key -subj "/C=KR/O=dojang/OU=personal/CN=renewer" -out near.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr near.csr --keep-not-after "${near_end}T14:59:59Z" --out near.pem >/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out renewed.key 2>/dev/null
openssl cmp -cmd kur -server "$server" -path cmp -cert near.pem -key near.key -newkey renewed.key \
    -srvcert ca/cmp/server.pem -certout renewed.pem >cmp.log 2>&1 || { cat cmp.log; fail "openssl cmp kur"; }
openssl verify -CAfile root.pem -untrusted chain.pem renewed.pem | contains "renewed.pem: OK" || fail "renewed certificate"
cmp <(openssl x509 -in renewed.pem -noout -pubkey) <(openssl pkey -in renewed.key -pubout) || fail "renewal: wrong key"
[ "$(openssl x509 -in renewed.pem -noout -subject)" = "$(openssl x509 -in near.pem -noout -subject)" ] ||
    fail "renewal changed the subject"
expected_end="$(date -u -d "$near_end + 1 year" +%Y-%m-%d) 14:59:59Z"
actual_end=$(openssl x509 -in renewed.pem -noout -enddate -dateopt iso_8601 | cut -d= -f2)
[ "$actual_end" = "$expected_end" ] || fail "renewed notAfter $actual_end, expected $expected_end"
[ "$(status_of renewed.pem)" = good ] || { cat ocsp.log; fail "renewed certificate not good"; }
near_superseded() { [ "$(status_of near.pem)" = revoked ] && grep -q "Reason: superseded" ocsp.log; }
wait_for 60 near_superseded || { cat ocsp.log; fail "renewed-away certificate not superseded after certConf"; }

# kur outside the window: refused with notAuthorized and a text that says when renewal opens.
openssl req -new -newkey rsa:2048 -nodes -keyout far.key -subj "/C=KR/O=dojang/OU=personal/CN=early" -out far.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr far.csr --out far.pem >/dev/null
if openssl cmp -cmd kur -server "$server" -path cmp -cert far.pem -key far.key -newkey renewed.key \
    -srvcert ca/cmp/server.pem -certout early.pem >cmp.log 2>&1; then
    fail "kur outside the renewal window got a certificate"
fi
contains notAuthorized <cmp.log && contains "renewal opens on" <cmp.log ||
    { cat cmp.log; fail "early kur not refused with a readable text"; }
[ "$(status_of far.pem)" = good ] || fail "a refused renewal changed the old certificate"

# rr signed with the renewed certificate's key, reason keyCompromise (1); the client trusts the
# root and finds the CMP server certificate and its chain in extraCerts.
openssl cmp -cmd rr -server "$server" -path cmp -cert renewed.pem -key renewed.key -oldcert renewed.pem \
    -revreason 1 -trusted root.pem >cmp.log 2>&1 || { cat cmp.log; fail "openssl cmp rr"; }
renewed_revoked() { [ "$(status_of renewed.pem)" = revoked ] && grep -q "Reason: keyCompromise" ocsp.log; }
wait_for 60 renewed_revoked || { cat ocsp.log; fail "rr did not revoke with keyCompromise"; }
# ... and the revoked certificate authenticates nothing any more.
if openssl cmp -cmd rr -server "$server" -path cmp -cert renewed.pem -key renewed.key -oldcert renewed.pem \
    -srvcert ca/cmp/server.pem >cmp.log 2>&1; then
    fail "a revoked certificate revoked again"
fi
contains "revoked" <cmp.log || { cat cmp.log; fail "rr with a revoked certificate: no readable text"; }

# A company registered at the counter whose documents the back office still reviews: the
# codes are right, `openssl cmp` gets `waiting` and polls (pollReq, checkAfter 1 s) until an
# officer approves in the review console; then the ip arrives and is confirmed.
"$dojangd" admin applications register --data ca --holder-type corporate --name 도장상사 \
    --phone 010-4444-5555 --email ceo@dojang.example --business-number 124-81-00998 \
    --reason forgot_password --back-office-review --json >held.json || fail "walk-in held for review"
[ "$(jq -r .status held.json)" = in_review ] || fail "the walk-in is not held for review"
held_id=$(jq -r .application_id held.json)
openssl cmp -cmd ir -server "$server" -path cmp -ref "$(jq -r .reference_number held.json)" \
    -secret "pass:$(jq -r .authorization_code held.json | tr -d -)" -newkey new.key -subject "/CN=x" \
    -certout held.pem -unprotected_errors -total_timeout 120 >held.log 2>&1 &
cmp_client=$!
polled() {  # a pollReq was answered `waiting`
    sqlite3 ca/dojang.db "SELECT details FROM audit_log WHERE action = 'cmp.pollReq'" |
        contains '"outcome":"waiting"'
}
wait_for 30 polled || { cat held.log; fail "openssl cmp did not poll"; }
kill -0 $cmp_client 2>/dev/null || { cat held.log; fail "openssl cmp stopped while waiting"; }
# The officer sees the walk-in in the review console with the register's contact details.
curl -fsS -H "Authorization: Bearer $officer_token" "$url/api/v1/reviews/$held_id" >held-detail.json ||
    fail "review detail of the walk-in"
[ "$(jq -r .application.applicant.channel held-detail.json)" = walk_in ] &&
    [ "$(jq -r .application.applicant.email held-detail.json)" = ceo@dojang.example ] ||
    { cat held-detail.json; fail "the walk-in's contact details are not shown"; }
[ "$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $officer_token" \
    -H 'Content-Type: application/json' --data '{}' "$url/api/v1/reviews/$held_id/approve")" = 200 ] ||
    fail "the officer could not approve the walk-in"
wait $cmp_client || { cat held.log; fail "openssl cmp ir after review"; }
openssl verify -CAfile root.pem -untrusted chain.pem held.pem | contains "held.pem: OK" || fail "certificate after review"
openssl x509 -in held.pem -noout -subject -nameopt utf8,sep_comma_plus_space | contains "CN=도장상사" ||
    fail "subject of the reviewed company"

# Every CMP message is in the audit log (refusals too), and the chain still verifies.
"$dojangd" audit verify --data ca >/dev/null || fail "audit chain broken"
if command -v sqlite3 >/dev/null; then
    sqlite3 ca/dojang.db "SELECT action || ' ' || details FROM audit_log WHERE action LIKE 'cmp.%'" >audit.log
    contains 'cmp.kur .*"answer":"kup","outcome":"accepted"' <audit.log || { cat audit.log; fail "kur not audited"; }
    contains 'cmp.kur .*"fail_info":"notAuthorized"' <audit.log || { cat audit.log; fail "refused kur not audited"; }
    contains 'cmp.rr .*"answer":"rp","outcome":"accepted"' <audit.log || { cat audit.log; fail "rr not audited"; }
    contains 'cmp.certConf' <audit.log || { cat audit.log; fail "certConf not audited"; }
    contains 'cmp.ir .*"outcome":"waiting"' <audit.log || { cat audit.log; fail "waiting ir not audited"; }
fi

# Garbage is a 400, not a crash.
http_status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/pkixcmp' \
    --data-binary 'not a PKIMessage' "$url/cmp")
[ "$http_status" = 400 ] || fail "garbage answered $http_status"
echo "cmp: ok"
