#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The audit log cannot be truncated or rewritten without `audit verify` noticing: checkpoints
# MACed with a key outside the database, stored in the log and in audit/checkpoints.log.
# The tampering is done by audit_tamper.py, which recomputes the hash chain itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null || fail "init"
[ "$(stat -c %a ca/secrets/audit.key)" = 600 ] || fail "audit key not 0600"
"$dojangd" admin crl --data ca >/dev/null || fail "crl"
"$dojangd" audit checkpoint --data ca >cp.log || fail "checkpoint"
contains "checkpoint written for entry" <cp.log || { cat cp.log; fail "no checkpoint written"; }
"$dojangd" audit checkpoint --data ca >cp.log || fail "second checkpoint"
contains "nothing new" <cp.log || { cat cp.log; fail "an empty checkpoint was written"; }
"$dojangd" admin crl --data ca >/dev/null || fail "crl after the checkpoint"
"$dojangd" audit verify --data ca >verify.log || { cat verify.log; fail "verify of an untouched log"; }
contains "1 checkpoint(s) in the log and 1 in" <verify.log || { cat verify.log; fail "checkpoint count"; }

expect_tampered() {  # expect_tampered NAME MODE PATTERN
    rm -rf "$1" && cp -a ca "$1"
    python3 "$here/audit_tamper.py" "$1/dojang.db" "$2" || fail "$1: tampering failed"
    set +e
    "$dojangd" audit verify --data "$1" >"$1.log" 2>&1
    local status=$?
    set -e
    [ "$status" != 0 ] || { cat "$1.log"; fail "$1: verify accepted a $2"; }
    contains "$3" <"$1.log" || { cat "$1.log"; fail "$1: verify did not say '$3'"; }
}
expect_tampered truncated truncate "were removed (truncated)"
expect_tampered rewritten rewrite "the log was rewritten"
expect_tampered rewritten_all rewrite_all "the log was rewritten"

# A forged checkpoint line (the head of the rewritten log, a made-up MAC) is refused.
rm -rf forged && cp -a rewritten_all forged
head=$(sqlite3 forged/dojang.db "SELECT hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
seq=$(sqlite3 forged/dojang.db "SELECT MAX(sequence) FROM audit_log")
printf '{"sequence":%s,"head":"%s","at":1,"mac":"%064d"}\n' "$seq" "$head" 0 >forged/audit/checkpoints.log
set +e
"$dojangd" audit verify --data forged >forged.log 2>&1
forged_status=$?
set -e
[ "$forged_status" != 0 ] && contains "MAC that the audit key does not vouch for" <forged.log ||
    { cat forged.log; fail "a forged checkpoint was accepted"; }

# A running server records the configuration it loaded and anchors the log when it stops.
start_server "$dojangd" ca serve.log
kill -TERM "$server_pid"
wait "$server_pid" || fail "dojangd did not stop cleanly"
[ "$(sqlite3 ca/dojang.db "SELECT COUNT(*) FROM audit_log WHERE action = 'config.load'")" = 1 ] ||
    fail "no config.load entry"
sum=$(sha256sum ca/dojang.toml | cut -d' ' -f1)
sqlite3 ca/dojang.db "SELECT details FROM audit_log WHERE action = 'config.load'" | contains "$sum" ||
    fail "config.load does not name the configuration's SHA-256"
[ "$(sqlite3 ca/dojang.db "SELECT action FROM audit_log ORDER BY sequence DESC LIMIT 1")" = audit.checkpoint ] ||
    fail "the log was not anchored at shutdown"
"$dojangd" audit verify --data ca >verify.log || { cat verify.log; fail "verify after serving"; }
contains "0 newer entries not yet anchored" <verify.log || { cat verify.log; fail "unanchored entries after shutdown"; }
cat verify.log truncated.log rewritten.log
echo "audit anchor: ok"
