#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Real e-mail: dojangd configured with [notify] email = "smtp" delivers the security notice and
# the issued notice of a reissue to an SMTP server on loopback (Debian's aiosmtpd), once each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$work/maildir" &
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
sed -i -e "s|^email = \"spool\".*|email = \"smtp\"\nsmtp_url = \"smtp://127.0.0.1:$port\"\nsmtp_starttls = \"none\"|" \
    -e 's|^from = .*|from = "notice@dojang.example"|' ca/dojang.toml
start_server "$dojangd" ca serve.log
grep -q "e-mail via smtp" serve.log || { cat serve.log; fail "serve did not pick the SMTP channel"; }

openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/CN=hong" -out old.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr old.csr --out old.pem >/dev/null
printf '9001011234567\n' >idn
"$dojangd" admin applications register --data ca --name 홍길동 --phone 010-1234-5678 --email hong@example.com \
    --idn-file idn --reason forgot_password --old-serial "$(openssl x509 -in old.pem -noout -serial | cut -d= -f2)" \
    --json >codes.json
openssl req -new -newkey rsa:2048 -nodes -keyout new.key -subj "/CN=x" -out new.csr 2>/dev/null
jq -n --arg r "$(jq -r .reference_number codes.json)" --arg c "$(jq -r .authorization_code codes.json)" \
    --rawfile csr new.csr '{reference_number:$r, authorization_code:$c, csr:$csr}' |
    curl -fsS -o issued.json -H 'Content-Type: application/json' --data-binary @- "$url/api/v1/certificates" ||
    fail "issuance"

delivered() { [ "$(find maildir/new -type f 2>/dev/null | wc -l)" -ge 2 ]; }
wait_for 60 delivered || { cat serve.log; fail "the notices did not reach the SMTP server"; }
sleep 6  # one more delivery round: nothing must be sent twice
[ "$(find maildir/new -type f | wc -l)" -eq 2 ] || fail "a notice was delivered twice"
grep -l "^To: hong@example.com" maildir/new/* | wc -l | grep -q '^2$' || fail "wrong recipient"
[ ! -d ca/spool/email ] || fail "e-mail went to the spool although SMTP is configured"
echo "smtp: ok"
