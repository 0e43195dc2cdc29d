#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/openapi.yaml and the server agree: every route the server lists (GET /api/v1) has a
# documented path with the same method, and every documented path and method is answered by a
# route (not the router's 404/405).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojangd=$1
spec="$here/../../docs/openapi.yaml"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
start_server "$dojangd" ca serve.log

# "METHOD PATH" for each operation in the spec (paths at two spaces, methods at four).
awk '/^paths:/ {inside = 1; next}
     inside && /^  \/[^ ]*:$/ {path = $1; sub(/:$/, "", path); next}
     inside && /^    (get|post|put|delete|patch):/ {method = $1; sub(/:$/, "", method); print toupper(method), path}' \
    "$spec" >documented.txt
[ "$(wc -l <documented.txt)" -ge 15 ] || fail "could not read the paths of docs/openapi.yaml"
curl -fsS "$url/api/v1" | jq -r '.routes[] | "\(.method) \(.path) \(.prefix)"' >served.txt

# Every served route is documented: an exact route by its path, a prefix route by a path under it.
while read -r method path prefix; do
    if [ "$prefix" = true ]; then
        awk -v m="$method" -v p="$path" '$1 == m && index($2, p) == 1 {found = 1} END {exit !found}' documented.txt ||
            fail "$method $path* is served but not in docs/openapi.yaml"
    else
        grep -qx "$method $path" documented.txt || fail "$method $path is served but not in docs/openapi.yaml"
    fi
done <served.txt

# Every documented operation is answered by a route (parameters filled with sample values).
while read -r method path; do
    concrete=$(sed 's/{ca}/issuing/; s/{file}/issuing.pem/; s/{[a-z_]*}/x/g' <<<"$path")
    code=$(curl -sS -o answer.json -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
        ${method:+--data-binary '{}'} "$url$concrete" || true)
    [ "$method" = GET ] && code=$(curl -sS -o answer.json -w '%{http_code}' "$url$concrete" || true)
    if [ "$code" = 405 ] || { [ "$code" = 404 ] && grep -q '"code":"NOT_FOUND"' answer.json; }; then
        fail "$method $path is in docs/openapi.yaml but the server has no such route ($code)"
    fi
done <documented.txt
echo "openapi: ok ($(wc -l <documented.txt) operations)"
