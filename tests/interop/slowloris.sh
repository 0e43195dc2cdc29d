#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Idle and slow connections cannot take OCSP down: per-address connection limits, a header
# timeout answered with 408, and a reserve of connections for the status routes. A bounded
# slowloris (48 connections from three loopback addresses) runs against a small pool.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null || fail "init"
header_timeout=10
sed -i -e "s/^max_connections = 1024/max_connections = 40/" \
    -e "s/^max_connections_per_client = 128 .*/max_connections_per_client = 16/" \
    -e "s/^status_reserve = 128/status_reserve = 16/" \
    -e "s/^header_timeout_seconds = 10/header_timeout_seconds = $header_timeout/" ca/dojang.toml
grep -q '^max_connections = 40$' ca/dojang.toml && grep -q '^status_reserve = 16$' ca/dojang.toml &&
    grep -q '^max_connections_per_client = 16$' ca/dojang.toml || fail "the test could not set the limits"
start_server "$dojangd" ca serve.log
port=${url##*:}
curl -fsS -o issuing.pem "$url/ca/issuing.pem" || fail "issuing CA"
openssl ocsp -issuer issuing.pem -serial 0x1 -no_nonce -reqout ocsp.der >/dev/null 2>&1 ||
    fail "cannot build an OCSP request"
python3 "$here/slowloris.py" "$port" ocsp.der "$header_timeout" 16 || { tail -20 serve.log; fail "slowloris"; }
kill -0 "$server_pid" || fail "the server died"
echo "slowloris: ok"
