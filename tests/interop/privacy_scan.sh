#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nothing stored in the database may reveal a resident registration number, a birth date, a
# phone number or an e-mail address, in clear or as an unkeyed hash that can be found by hashing
# candidates. The register is imported and the journeys are walked over HTTP (an online
# application that matches, is verified with the code from the SMS spool, fetches its
# certificate and confirms it; a typo in the phone; a stranger; a company; an Idempotency-Key'd
# application sent twice) and at the counter (a walk-in registration, certificate fetched with
# its codes); then the server is stopped and privacy_scan.py reads every table and column of
# dojang.db and the bytes of dojang.db and its WAL for each candidate in clear and for the md5,
# sha1, sha2, sha3, blake2 and double sha256 of each candidate and of each body sent (raw, hex in
# either case, base64). Names are not searched (a certificate's subject holds the holder's
# name), nor is the spool (a delivery channel). The scanner first proves on a planted file that
# it finds a plain phone and a hex SHA-256 of a resident number.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
scanner="$here/privacy_scan.py"
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

# The people. Phones in the register are written three ways (it stores them as digits).
a_rrn=870613-1234567 a_phone=010-2741-8365 a_digits=01027418365 a_email=hong.gildong@example.com
b_rrn=911129-2345671 b_phone=01048217730 b_email=lee.younghee@example.com
b_typo=010-4821-7731
c_rrn=840317-1567892 c_phone="+82 10 6274 1958" c_email=park.minsu@example.com
co_bizno=220-81-62517 co_phone=010-7350-2846 co_digits=01073502846 co_email=ceo@hanbit.example
s_rrn=790824-1098765 s_phone=010-5519-3027 s_email=stranger@example.net
w_rrn=9302052468024 w_phone=010-3906-7214 w_email=walkin@example.org

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
start_server "$dojangd" ca serve.log
curl -fsS -o chain.pem "$url/ca/issuing.pem"
curl -fsS -o root.pem "$url/ca/root.pem"

# The register: two individuals who apply online, one who uses an Idempotency-Key, a company.
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj "/CN=hong" -out old.csr 2>/dev/null
"$dojangd" admin issue --data ca --csr old.csr --out old.pem >/dev/null
old_serial=$(openssl x509 -in old.pem -noout -serial | cut -d= -f2)
cat >customers.csv <<CSV
customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials
c-1,individual,홍길동,1987-06-13,$a_rrn,,,,$a_phone,$a_email,$old_serial
c-2,individual,이영희,,$b_rrn,,,,$b_phone,$b_email,
c-3,individual,박민수,,$c_rrn,,,,$c_phone,$c_email,
c-4,corporate,한빛상사,,,$co_bizno,,이대표,$co_phone,$co_email,
CSV
"$dojangd" admin customers import --data ca customers.csv >/dev/null || fail "import"

# Every body that carries personal data is kept in a file (*.body): the scanner hashes its
# exact bytes.
apply() {  # apply BODY_FILE [IDEMPOTENCY_KEY] → writes out.json, prints the HTTP status
    local key=${2:-}
    curl -sS -o out.json -w '%{http_code}' -H 'Content-Type: application/json' \
        ${key:+-H "Idempotency-Key: $key"} --data-binary "@$1" "$url/api/v1/applications"
}
individual() {  # individual NAME RESIDENT PHONE EMAIL [OLD_SERIAL] → the body on stdout
    jq -cjn --arg n "$1" --arg r "$2" --arg p "$3" --arg e "$4" --arg o "${5:-}" \
        '{holder_type:"individual", reason:"forgot_password", name:$n, resident_number:$r,
          phone:$p, email:$e, channel:"sms"} + (if $o == "" then {} else {old_serial:$o} end)'
}
code_for() {  # code_for PHONE_DIGITS: the newest one-time code the SMS spool holds for it
    local file
    file=$(grep -l "^To: $1" ca/spool/sms/*.txt 2>/dev/null | xargs -r ls -t | head -1)
    [ -n "$file" ] && sed '1,/^$/d' "$file" | grep -o '[0-9]\{6\}' | head -1
}
verify() {  # verify APPLICATION_ID PHONE_DIGITS → writes verified.json
    wait_for 30 sh -c "grep -qs '^To: $2' ca/spool/sms/*.txt" || fail "no SMS to $2"
    local code status
    code=$(code_for "$2")
    [ ${#code} -eq 6 ] || fail "no six-digit code in the SMS to $2"
    status=$(curl -sS -o verified.json -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "{\"code\":\"$code\"}" "$url/api/v1/applications/$1/otp/verify")
    [ "$status" = 200 ] || { cat verified.json; fail "verify answered $status"; }
}
fetch_and_confirm() {  # fetch_and_confirm REFERENCE AUTHORIZATION NAME
    local status
    openssl req -new -newkey rsa:2048 -nodes -keyout "$3.key" -subj "/CN=x" -out "$3.csr" 2>/dev/null
    jq -n --arg r "$1" --arg c "$2" --rawfile csr "$3.csr" \
        '{reference_number:$r, authorization_code:$c, csr:$csr}' >"$3.request.json"
    status=$(curl -sS -o "$3.issued.json" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "@$3.request.json" "$url/api/v1/certificates")
    [ "$status" = 201 ] || { cat "$3.issued.json"; fail "issuance for $3 answered $status"; }
    jq -r .certificate "$3.issued.json" >"$3.pem"
    openssl verify -CAfile root.pem -untrusted chain.pem "$3.pem" | contains "$3.pem: OK" ||
        fail "the certificate for $3"
    jq -n --arg t "$(jq -r .confirmation_token "$3.issued.json")" '{confirmation_token:$t}' \
        >"$3.confirm.json"
    curl -fsS -o "$3.confirmed.json" -H 'Content-Type: application/json' \
        --data-binary "@$3.confirm.json" \
        "$url/api/v1/certificates/$(jq -r .serial "$3.issued.json")/confirm" || fail "confirm for $3"
    [ "$(jq -r .status "$3.confirmed.json")" = confirmed ] || { cat "$3.confirmed.json"; fail "confirm"; }
}

# 1. Online, a match: code from the SMS spool, verify, certificate with the codes, confirm.
individual 홍길동 "$a_rrn" "$a_phone" "$a_email" "$old_serial" >matched.body
[ "$(apply matched.body)" = 201 ] || { cat out.json; fail "apply (match)"; }
matched_id=$(jq -r .application_id out.json)
verify "$matched_id" "$a_digits"
fetch_and_confirm "$(jq -r .reference_number verified.json)" "$(jq -r .authorization_code verified.json)" online

# 2. A typo in the phone (no match), and 3. a stranger not in the register.
individual 이영희 "$b_rrn" "$b_typo" "$b_email" >typo.body
[ "$(apply typo.body)" = 201 ] || { cat out.json; fail "apply (typo)"; }
individual 김철수 "$s_rrn" "$s_phone" "$s_email" >stranger.body
[ "$(apply stranger.body)" = 201 ] || { cat out.json; fail "apply (stranger)"; }

# 4. An Idempotency-Key'd application, sent twice: one application.
individual 박민수 "$c_rrn" "$c_phone" "$c_email" >idempotent.body
[ "$(apply idempotent.body privacy-key-1)" = 201 ] || { cat out.json; fail "apply (idempotent)"; }
first_id=$(jq -r .application_id out.json)
status=$(apply idempotent.body privacy-key-1)
[ "$status" = 201 ] || [ "$status" = 200 ] || { cat out.json; fail "the repeated request answered $status"; }
[ "$(jq -r .application_id out.json)" = "$first_id" ] || fail "one Idempotency-Key made two applications"

# 5. The company applies and verifies its code (it then waits for an officer).
jq -cjn --arg b "$co_bizno" --arg p "$co_phone" --arg e "$co_email" \
    '{holder_type:"corporate", reason:"expired", name:"한빛상사", business_number:$b,
      representative_name:"이대표", phone:$p, email:$e, channel:"sms"}' >company.body
[ "$(apply company.body)" = 201 ] || { cat out.json; fail "apply (company)"; }
verify "$(jq -r .application_id out.json)" "$co_digits"
[ "$(jq -r .status verified.json)" = in_review ] || { cat verified.json; fail "company not in review"; }

# 6. A walk-in registration at the counter (the resident number from a file), then the
#    certificate with the codes it printed.
printf '%s\n' "$w_rrn" >idn
"$dojangd" admin applications register --data ca --name 정하나 --phone "$w_phone" --email "$w_email" \
    --idn-file idn --reason forgot_password --json >walkin.json || fail "walk-in registration"
fetch_and_confirm "$(jq -r .reference_number walkin.json)" "$(jq -r .authorization_code walkin.json)" walkin

# Let the notices leave (the walk-in's two, the security notice and the issued notice, were
# queued last), so the outbox is in its settled state; then stop the server cleanly.
walkin_mail() { [ "$(grep -ls "^To: $w_email" ca/spool/email/* | wc -l)" -ge 2 ]; }
wait_for 30 walkin_mail || fail "the walk-in's notices did not leave within 30 s"
wait_for 30 sh -c "grep -qs '^To: $a_email' ca/spool/email/*" || fail "no e-mail to the matched holder"
kill -TERM "$server_pid"
wait "$server_pid" || fail "dojangd serve did not stop cleanly (exit $?)"

# The candidates: every person's resident number (and so birth date), phones and e-mails, the
# typo'd phone, and the bodies sent.
jq -n --arg ar "$a_rrn" --arg ap "$a_phone" --arg ae "$a_email" \
    --arg br "$b_rrn" --arg bp "$b_phone" --arg bt "$b_typo" --arg be "$b_email" \
    --arg cr "$c_rrn" --arg cp "$c_phone" --arg ce "$c_email" \
    --arg op "$co_phone" --arg oe "$co_email" \
    --arg sr "$s_rrn" --arg sp "$s_phone" --arg se "$s_email" \
    --arg wr "$w_rrn" --arg wp "$w_phone" --arg we "$w_email" \
    --arg dir "$work" --args '{
    people: [
      {who:"c-1 (online, matched)", resident_number:$ar, birth_date:"1987-06-13", phones:[$ap], emails:[$ae]},
      {who:"c-2 (online, typo in the phone)", resident_number:$br, phones:[$bp, $bt], emails:[$be]},
      {who:"c-3 (online, Idempotency-Key)", resident_number:$cr, phones:[$cp], emails:[$ce]},
      {who:"c-4 (company)", phones:[$op], emails:[$oe]},
      {who:"the stranger", resident_number:$sr, phones:[$sp], emails:[$se]},
      {who:"the walk-in", resident_number:$wr, phones:[$wp], emails:[$we]}
    ],
    hash_inputs: [$ARGS.positional[] | {who:("the bytes of " + .), file:($dir + "/" + .)}]
  }' *.body idn >candidates.json

scan() {  # scan DB [RAW...] → hits in hits.txt, the scanner's summary in scan.err; prints its status
    local db=$1 rc=0
    shift
    python3 "$scanner" --candidates candidates.json --db "$db" "${@/#/--raw=}" >hits.txt 2>scan.err || rc=$?
    echo "$rc"
}

# The scanner finds what is there: a plain phone and a hex SHA-256 of a resident number planted
# in a small database of our own, in its tables and in its bytes, and the other shapes it looks
# for; and nothing in a clean database (where a timestamp and a hex reference happen to hold a
# birth date's six digits).
a_rrn_digits=$(tr -d - <<<"$a_rrn")
python3 - "$a_digits" "$a_rrn_digits" "$a_email" matched.body <<'PY'
import base64, hashlib, json, sqlite3, sys
phone, rrn, email, body = sys.argv[1], sys.argv[2], sys.argv[3], open(sys.argv[4], "rb").read()
db = sqlite3.connect("planted.db")
db.execute("CREATE TABLE planted (id INTEGER PRIMARY KEY, contact TEXT, digest TEXT)")
db.execute("INSERT INTO planted (contact, digest) VALUES (?, ?)",
           ("call " + phone, hashlib.sha256(rrn.encode()).hexdigest()))
db.execute("CREATE TABLE extra (id INTEGER PRIMARY KEY, value)")
for value in [
    hashlib.md5(email.encode()).hexdigest().upper(),                               # 1
    hashlib.sha1(phone.encode()).digest(),                                         # 2
    base64.b64encode(hashlib.sha256(hashlib.sha256(rrn.encode()).digest()).digest()).decode(),
    hashlib.sha256(body).hexdigest(),                                              # 4
    "born " + rrn[:6],                                                             # 5
    hashlib.sha512(email.encode()).hexdigest()[:16],                               # 6
    base64.b64encode(json.dumps({"to": phone}).encode()).decode(),                 # 7
    int(phone),                                                                    # 8
]:
    db.execute("INSERT INTO extra (value) VALUES (?)", (value,))
db.commit()
db = sqlite3.connect("clean.db")
db.execute("CREATE TABLE clean (id INTEGER PRIMARY KEY, contact TEXT, digest TEXT, at INTEGER)")
db.execute("INSERT INTO clean (contact, digest, at) VALUES (?, ?, ?)",
           ("call 01000000000, ref 5bd" + rrn[:6] + "c", hashlib.sha256(b"0000000000000").hexdigest(),
            int("1773" + rrn[:6] + "000")))
db.commit()
PY
[ "$(scan planted.db planted.db)" = 1 ] || { cat scan.err hits.txt; fail "the scanner did not flag planted.db"; }
c1='c-1 (online, matched)'
reported() {  # reported PLACE FINDING: hits.txt has a line for PLACE that reports FINDING
    grep -F -- "HIT $1" hits.txt >place.txt && grep -qF -- "$2" place.txt
}
while IFS='|' read -r place finding; do
    reported "$place" "$finding" || { cat scan.err hits.txt; fail "the scanner missed in $place: $finding"; }
done <<EXPECTED
planted.contact (row 1): |phone of $c1 ($a_phone) in clear: "$a_digits"
planted.digest (row 1): |sha256 of resident number of $c1 ($a_rrn): "$a_rrn_digits": hex
planted.db @ offset |phone of $c1 ($a_phone) in clear: "$a_digits"
planted.db @ offset |sha256 of resident number of $c1 ($a_rrn): "$a_rrn_digits": hex
extra.value (row 1): |md5 of e-mail of $c1 ($a_email): "$a_email": hex
extra.value (row 2): |sha1 of phone of $c1 ($a_phone): "$a_digits": raw bytes
extra.value (row 3): |double sha256 of resident number of $c1 ($a_rrn): "$a_rrn_digits": base64
extra.value (row 4): |sha256 of the bytes of matched.body: hex
extra.value (row 5): |birth date of $c1 (1987-06-13) in clear: "${a_rrn:0:6}"
extra.value (row 6): |sha512 of e-mail of $c1 ($a_email): "$a_email": hex, first 64 bits
extra.value (row 7): |phone of $c1 ($a_phone) in clear: "$a_digits", decoded from base64
extra.value (row 8): |phone of $c1 ($a_phone) in clear: "${a_digits:1}"
EXPECTED
[ "$(scan clean.db clean.db)" = 0 ] || { cat scan.err hits.txt; fail "the scanner flagged a clean database"; }
[ ! -s hits.txt ] || { cat hits.txt; fail "the scanner printed hits for a clean database"; }

# The real thing: every table and column, and the bytes of the database and its WAL.
[ -s ca/dojang.db ] || fail "no ca/dojang.db"
raw=(ca/dojang.db)
for extra in ca/dojang.db-wal ca/dojang.db-journal; do
    if [ -e "$extra" ]; then raw+=("$extra"); fi
done
rc=$(scan ca/dojang.db "${raw[@]}")
cat scan.err >&2
# The journeys left their trace where it is looked for (the audit log and the timeline too).
for table in customers applications application_events audit_log outbox_messages certificates; do
    grep -q "[ :]$table ([1-9][0-9]*)" scan.err || fail "the scan saw no rows in $table"
done
if [ "$rc" != 0 ]; then
    [ "$rc" = 1 ] && [ -s hits.txt ] || { cat hits.txt; fail "the scanner failed (exit $rc)"; }
    fail "personal data in the database ($(wc -l <hits.txt) findings):
$(cat hits.txt)"
fi
echo "privacy scan: ok"
