#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A full disk gets a readable error and leaves nothing half-written: init on a tiny file
# system fails and leaves no folder; on a full one, issuing and publishing fail with a non-zero
# exit, the previous CRL stays intact and no temporary files remain.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
cleanup() {
    umount "$work/tiny" 2>/dev/null
    umount "$work/small" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/tiny" "$work/small"
if ! mount -t tmpfs -o size=16k tmpfs "$work/tiny" 2>/dev/null || ! mount -t tmpfs -o size=2m tmpfs "$work/small"; then
    echo "cannot mount a tmpfs here (needs root); disk-full test not run"
    exit 77
fi

cd "$work"

# 1. init on a file system too small for it.
"$dojangd" init --data "$work/tiny/ca" --listen 127.0.0.1:0 >init.log 2>&1 && fail "init succeeded on a 16 KiB disk"
grep -q "DISK_FULL\|No space left" init.log || { cat init.log; fail "init did not say the disk is full"; }
[ -z "$(ls -A "$work/tiny")" ] || { ls -la "$work/tiny"; fail "a failed init left files behind"; }

# 2. A working CA whose disk then fills up.
"$dojangd" init --data small/ca --listen 127.0.0.1:0 >/dev/null || fail "init"
"$dojangd" admin crl --data small/ca >/dev/null || fail "first CRL"
cp small/ca/crl/issuing.crl before.crl
openssl req -new -newkey rsa:2048 -nodes -keyout k.pem -subj "/CN=full" -out req.csr 2>/dev/null
dd if=/dev/zero of=small/filler bs=4k 2>/dev/null
"$dojangd" admin crl --data small/ca >crl.log 2>&1
crl_status=$?
[ "$crl_status" = 7 ] || { cat crl.log; fail "a CRL on a full disk exited $crl_status, not 7 (unavailable)"; }
grep -q "error \[" crl.log || { cat crl.log; fail "no error code for the CRL on a full disk"; }
cmp before.crl small/ca/crl/issuing.crl || fail "the previous CRL was damaged"
openssl crl -inform DER -in small/ca/crl/issuing.crl -noout || fail "the CRL on disk is not a CRL"
"$dojangd" admin issue --data small/ca --csr req.csr --out small/cert.pem >issue.log 2>&1 && fail "issued on a full disk"
grep -q "error \[" issue.log || { cat issue.log; fail "no error code when issuing on a full disk"; }
leftovers=$(find small -name '.*.tmp*' | wc -l)
[ "$leftovers" -eq 0 ] || { find small -name '.*.tmp*'; fail "temporary files left behind"; }

# 3. A running server says it is not ready while the disk is full, and ready again after.
rm -f small/filler
start_server "$dojangd" small/ca serve.log
health() { curl -sS -o health.json -w '%{http_code}' "$url/healthz"; }
[ "$(health)" = 200 ] || { cat health.json; fail "healthz before the disk filled"; }
dd if=/dev/zero of=small/filler bs=4k 2>/dev/null
not_ready() { [ "$(health)" = 503 ] && [ "$(jq -r .code health.json)" = STORE_NOT_WRITABLE ]; }
wait_for 20 not_ready || { cat health.json; fail "healthz did not report the full disk"; }
rm -f small/filler
wait_for 20 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $url/healthz)\" = 200 ]" ||
    fail "healthz did not recover after space was freed"
kill "$server_pid"
wait "$server_pid" 2>/dev/null

# 4. After space is freed, everything works again and the audit chain is whole.
rm -f small/filler
"$dojangd" admin issue --data small/ca --csr req.csr --out small/cert.pem >/dev/null || fail "issue after recovery"
"$dojangd" audit verify --data small/ca >/dev/null || fail "audit chain after a full disk"
cat init.log crl.log issue.log
echo "disk full: ok"
