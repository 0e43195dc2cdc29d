#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Crash test: kill -9 a process in the middle of issuing, several times at different moments;
# afterwards every committed serial is in the database as issued, every issued row holds the
# certificate that was recorded as intended, the audit chain verifies, and the server starts.
# Then one audit row is tampered with and `dojangd audit verify` must fail.
set -euo pipefail
dojangd=$1
crash_issuer=$2
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$dojangd" init --data "$work/ca" --listen 127.0.0.1:0 >/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/key.pem" -subj "/C=KR/O=dojang/CN=crash" \
    -out "$work/req.pem" 2>/dev/null

committed=0
for round in 1 2 3 4 5; do
    : >"$work/serials.$round"
    "$crash_issuer" issue "$work/ca" "$work/req.pem" >"$work/serials.$round" 2>"$work/err.$round" &
    pid=$!
    # Let it issue a few (a different number each round), then kill it without warning.
    target=$((round * 3))
    for _ in $(seq 1 600); do
        [ "$(wc -l <"$work/serials.$round")" -ge "$target" ] && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/err.$round"; exit 1; }
        sleep 0.05
    done
    sleep "0.0$((RANDOM % 10))"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    committed=$((committed + $(wc -l <"$work/serials.$round")))
done
echo "killed 5 times; $committed serials reported committed"

# Every serial the killed processes reported is issued in the database.
"$dojangd" admin certs list --data "$work/ca" --limit 100000 >"$work/listing"
missing=0
for serial in $(cat "$work"/serials.*); do
    grep -q "^$serial  *issued" "$work/listing" || {
        echo "missing after crash: $serial"
        sqlite3 "$work/ca/dojang.db" "SELECT serial, status, length(der) FROM certificates WHERE serial = '$serial';"
        grep -l "$serial" "$work"/serials.* || true
        missing=1
    }
done
[ $missing -eq 0 ]

"$crash_issuer" check "$work/ca"
"$dojangd" audit verify --data "$work/ca"

# The server starts on the crashed database and answers.
"$dojangd" serve --data "$work/ca" --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    grep -q "is running" "$work/serve.log" && break
    sleep 0.1
done
url=$(sed -n 's/^dojangd is running: \(http[^ ]*\).*/\1/p' "$work/serve.log")
[ -n "$url" ] || { cat "$work/serve.log"; exit 1; }
curl -fsS "$url/healthz" >/dev/null
kill -TERM "$server"
wait "$server"

# Tampering with one audit row breaks the chain at that row.
sqlite3 "$work/ca/dojang.db" "UPDATE audit_log SET details = '{\"profile\":\"forged\"}' WHERE sequence = 3;"
if "$dojangd" audit verify --data "$work/ca" >"$work/verify.out" 2>&1; then
    echo "audit verify passed after tampering"
    exit 1
fi
grep -q "hash chain breaks at entry 3" "$work/verify.out" || { cat "$work/verify.out"; exit 1; }
echo "crash test: ok"
