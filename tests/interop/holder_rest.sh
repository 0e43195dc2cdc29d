#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Renewal and revocation over REST, authenticated by the certificate's own key, with requests
# signed by OpenSSL's `openssl cms` (not dojang's code): a certificate in its renewal window is
# renewed for a new key; the renewed certificate keeps the subject and subjectAltName; a
# confirmation signed with the old key is refused, one signed with the new key revokes the old
# certificate (OCSP says revoked, reason superseded); a replayed renewal of the revoked
# certificate and a tampered request are refused; the new one is revoked with its own key.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
store_from_environment ca
# Certificates of this CA last 20 days: inside the 30-day renewal window from the start.
sed -i 's/^validity_days = 365$/validity_days = 20/' ca/dojang.toml
grep -q '^validity_days = 20$' ca/dojang.toml || fail "could not shorten the profile's validity"
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 \
    --email hong@example.com --idn-file idn --reason forgot_password --json >codes.json
start_server "$dojangd" ca serve.log
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"

# The current certificate, fetched with the codes and confirmed.
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/CN=ignored" -out old.csr 2>/dev/null
jq -n --arg r "$(jq -r .reference_number codes.json)" --arg c "$(jq -r .authorization_code codes.json)" \
    --rawfile csr old.csr '{reference_number: $r, authorization_code: $c, csr: $csr}' >request.json
post() {  # post PATH BODY-FILE: the status; the answer in answer.json
    curl -sS -o answer.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$2" "$url$1"
}
[ "$(post /api/v1/certificates request.json)" = 201 ] || { cat answer.json; fail "issuance"; }
old=$(jq -r .serial answer.json)
jq -r .certificate answer.json >old.pem
jq -c '{confirmation_token}' answer.json >confirm.json
[ "$(post "/api/v1/certificates/$old/confirm" confirm.json)" = 200 ] || { cat answer.json; fail "confirmation"; }

# sign CERT KEY CONTENT-JSON OUT: a request body with the content signed by KEY (CMS, DER).
sign() {
    printf '%s' "$3" >content.json
    openssl cms -sign -signer "$1" -inkey "$2" -in content.json -binary -nodetach -outform DER \
        -out signed.der || fail "openssl cms could not sign"
    jq -cn --arg signed "$(base64 -w0 signed.der)" '{signed: $signed}' >"$4"
}
ocsp_status() {  # ocsp_status CERT: "good" or "revoked" (and the reason), as openssl ocsp reads it
    openssl ocsp -issuer chain.pem -cert "$1" -CAfile root.pem -url "$url/ocsp" -no_nonce 2>/dev/null |
        sed -n "s/^$1: //p"
}

# Renewal: a new key, the request signed with the old one.
openssl req -new -newkey rsa:2048 -nodes -keyout new.key -subj "/CN=ignored" -out new.csr 2>/dev/null
sign old.pem old.key "$(jq -cn --arg s "$old" --rawfile csr new.csr '{action: "renew", serial: $s, csr: $csr}')" renew.json
[ "$(post "/api/v1/certificates/$old/renewal" renew.json)" = 201 ] || { cat answer.json; fail "renewal"; }
new=$(jq -r .serial answer.json)
jq -r .certificate answer.json >new.pem
[ "$(jq -r .replaces answer.json)" = "$old" ] || fail "the renewal does not say what it replaces"
[ "$(openssl x509 -in new.pem -noout -pubkey)" = "$(openssl pkey -in new.key -pubout)" ] ||
    fail "the renewed certificate does not hold the new key"
[ "$(openssl x509 -in new.pem -noout -subject -ext subjectAltName)" = \
    "$(openssl x509 -in old.pem -noout -subject -ext subjectAltName)" ] ||
    fail "the renewed certificate changed the subject or subjectAltName"
openssl verify -CAfile root.pem -untrusted chain.pem new.pem >/dev/null || fail "the renewed certificate does not verify"
[ "$(ocsp_status old.pem)" = good ] || fail "the old certificate is not good before the confirmation"

# A renewal request whose content was changed after signing: refused, nothing issued.
python3 - <<'PY' || fail "could not tamper with the request"
import base64, json
body = json.load(open("renew.json"))
der = bytearray(base64.b64decode(body["signed"]))
at = der.find(b'"renew"')
der[at + 1] = ord("R")
json.dump({"signed": base64.b64encode(bytes(der)).decode()}, open("tampered.json", "w"))
PY
[ "$(post "/api/v1/certificates/$old/renewal" tampered.json)" = 401 ] || { cat answer.json; fail "a tampered renewal was not refused"; }
[ "$(jq -r .code answer.json)" = SIGNATURE_INVALID ] || { cat answer.json; fail "a tampered renewal: not SIGNATURE_INVALID"; }

# The confirmation must come from the new key.
sign old.pem old.key "$(jq -cn --arg s "$new" '{action: "confirm_renewal", serial: $s}')" by_old.json
[ "$(post "/api/v1/certificates/$new/renewal/confirm" by_old.json)" = 403 ] || { cat answer.json; fail "a confirmation signed with the old key"; }
[ "$(jq -r .code answer.json)" = SIGNER_MISMATCH ] || { cat answer.json; fail "not SIGNER_MISMATCH"; }
sign new.pem new.key "$(jq -cn --arg s "$new" '{action: "confirm_renewal", serial: $s}')" by_new.json
[ "$(post "/api/v1/certificates/$new/renewal/confirm" by_new.json)" = 200 ] || { cat answer.json; fail "confirmation with the new key"; }
[ "$(jq -r .revoked answer.json)" = "$old" ] || { cat answer.json; fail "the confirmation did not revoke the old certificate"; }
revoked() { ocsp_status old.pem | grep -q '^revoked'; }
wait_for 30 revoked || fail "OCSP does not say the old certificate is revoked: $(ocsp_status old.pem)"
openssl ocsp -issuer chain.pem -cert old.pem -CAfile root.pem -url "$url/ocsp" -no_nonce 2>/dev/null |
    grep -q 'Reason: superseded' || fail "the old certificate is not revoked as superseded"

# The same renewal request again, now that its certificate is revoked: refused.
[ "$(post "/api/v1/certificates/$old/renewal" renew.json)" = 403 ] || { cat answer.json; fail "a replayed renewal"; }
[ "$(jq -r .code answer.json)" = CERTIFICATE_REVOKED ] || { cat answer.json; fail "a replayed renewal: not CERTIFICATE_REVOKED"; }

# The holder revokes the new certificate with its key.
sign new.pem new.key "$(jq -cn --arg s "$new" '{action: "revoke", serial: $s, reason: "key_compromise"}')" revoke.json
[ "$(post "/api/v1/certificates/$new/revocation" revoke.json)" = 200 ] || { cat answer.json; fail "revocation"; }
new_revoked() { ocsp_status new.pem | grep -q '^revoked'; }
wait_for 30 new_revoked || fail "OCSP does not say the renewed certificate is revoked"
echo "holder REST: ok (renewed $old -> $new, confirmed with the new key, both revoked as asked)"
