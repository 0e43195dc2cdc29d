#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Real e-mail: dojangd configured with [notify] email = "smtp" delivers the security notice and
# the issued notice of a reissue to an SMTP server on loopback (Debian's aiosmtpd), once each.
# SMS: with sms = "http" a one-time code goes to an HTTP gateway on loopback, with the API key
# header taken from the environment.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$work/maildir" &
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

# A stand-in SMS gateway: records each POST's headers and body.
sms_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >gateway.py <<'PY'
import http.server, json, sys
class Gateway(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open("sms.jsonl", "a") as out:
            out.write(json.dumps({"key": self.headers.get("X-Api-Key"), "body": body.decode()}) + "\n")
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Gateway).serve_forever()
PY
/usr/bin/python3 gateway.py "$sms_port" &

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
sed -i -e "s|^email = \"spool\".*|email = \"smtp\"\nsmtp_url = \"smtp://127.0.0.1:$port\"\nsmtp_starttls = \"none\"|" \
    -e "s|^sms = \"spool\".*|sms = \"http\"\nsms_url = \"http://127.0.0.1:$sms_port/send\"\nsms_api_key_header = \"X-Api-Key\"\nsms_api_key_env = \"TEST_SMS_KEY\"|" \
    -e 's|^from = .*|from = "notice@dojang.example"|' ca/dojang.toml
TEST_SMS_KEY=key-from-the-environment start_server "$dojangd" ca serve.log
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
# A one-time code by SMS reaches the gateway with the key header.
printf 'customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials\nc-1,individual,이영희,,920202-2345678,,,,010-2222-3333,lee@example.com,\n' >customers.csv
"$dojangd" admin customers import --data ca customers.csv >/dev/null || fail "import"
curl -fsS -o applied.json -H 'Content-Type: application/json' --data-binary \
    '{"holder_type":"individual","reason":"expired","name":"이영희","resident_number":"920202-2345678","phone":"010-2222-3333","email":"lee@example.com","channel":"sms"}' \
    "$url/api/v1/applications" || fail "apply"
wait_for 30 test -s sms.jsonl || { cat serve.log; fail "no SMS reached the gateway"; }
jq -e '.key == "key-from-the-environment" and (.body | fromjson | .to == "01022223333")' sms.jsonl \
    >/dev/null || { cat sms.jsonl; fail "the gateway request lacks the key or the number"; }
[ ! -d ca/spool/sms ] || fail "SMS went to the spool although a gateway is configured"
echo "smtp: ok"
