#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The customer register from the operator's side: import with a bad row (exit 2, the row
# named), re-import updates, `show` masks the resident number, and the database file never
# holds a resident number in plain text.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null || fail "init"
[ "$(stat -c %a ca/secrets/register.key)" = 600 ] || fail "register.key is not mode 0600"
[ "$(stat -c %s ca/secrets/register.key)" = 64 ] || fail "register.key is not 64 bytes"

header=customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials
cat >customers.csv <<CSV
$header
C-1,individual,홍길동,1990-01-01,900101-1234567,,,,010-1234-5678,hong@example.kr,0a1b
C-2,individual,김영희,,990231-2345678,,,,010-2222-3333,,
B-1,corporate,"주식회사 ""도장""",,,220-81-62517,110111-1234567,김대표,,ceo@dojang.example,
C-3,individual,이철수,,850505-1357913,,,,+82 10 3333 4444,,
CSV

"$dojangd" admin customers import --data ca customers.csv >import.log 2>&1
status=$?
[ "$status" -eq 2 ] || { cat import.log; fail "import with a bad row exited $status, expected 2"; }
grep -q "3 inserted, 0 updated, 1 rejected" import.log || { cat import.log; fail "summary"; }
grep -q "row 3, resident_number: not a valid resident registration number" import.log ||
    { cat import.log; fail "the report does not name row 3"; }
grep -q "9902312345678\|990231-2345678" import.log && fail "the report echoes a resident number"

# Re-import a corrected file: the three known rows are updated, the fixed one inserted.
sed -i 's/990231-2345678/990228-2345678/; s/010-1234-5678/010-9876-5432/' customers.csv
"$dojangd" admin customers import --data ca --format csv customers.csv >reimport.log 2>&1 ||
    { cat reimport.log; fail "re-import exited $?"; }
grep -q "1 inserted, 3 updated, 0 rejected" reimport.log || { cat reimport.log; fail "re-import summary"; }

# JSON works as well, and updates the same customer.
cat >more.json <<JSON
[{"customer_id": "C-3", "holder_type": "individual", "name": "이철수",
  "resident_number": "8505051357913", "phone": "010-3333-4444", "certificate_serials": ["7f", "0c"]}]
JSON
"$dojangd" admin customers import --data ca more.json >json.log 2>&1 || { cat json.log; fail "json import"; }
grep -q "0 inserted, 1 updated, 0 rejected" json.log || { cat json.log; fail "json summary"; }

"$dojangd" admin customers show --data ca --id C-1 >show.log 2>&1 || { cat show.log; fail "show"; }
grep -q "resident_number: *900101-1\*\*\*\*\*\*" show.log || { cat show.log; fail "show does not mask"; }
grep -q "9001011234567\|1234567" show.log && fail "show prints the resident number"
grep -q "010-9876-5432" show.log || { cat show.log; fail "show has not the updated phone"; }
grep -q "홍길동" show.log || fail "show lost the Korean name"
"$dojangd" admin customers show --data ca --id C-404 >missing.log 2>&1
[ $? -eq 4 ] || { cat missing.log; fail "show of an unknown customer should exit 4"; }

# The database holds no resident number in plain text, with or without its dash.
sqlite3 ca/dojang.db .dump >dump.sql || fail "sqlite3 .dump"
grep -q "CREATE TABLE customers" dump.sql || fail "the dump has no customers table"
for number in 9001011234567 900101-1234567 9902282345678 8505051357913; do
    grep -q -- "$number" dump.sql && fail "the database holds $number in plain text"
    grep -qa -- "$number" ca/dojang.db ca/dojang.db-wal 2>/dev/null &&
        fail "the database file holds $number in plain text"
done
"$dojangd" audit verify --data ca >/dev/null || fail "the audit chain is broken after imports"
echo "customers: ok"
