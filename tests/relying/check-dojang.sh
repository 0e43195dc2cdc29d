#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# dojang's own relying-party check, `dojang verify` (vid-check) with R as a bank gets it from
# the holder's client, beside Java's independent implementation of the KISA rule: the number
# and R match, another number does not. Prints "vid CASE ok|FAIL why|-" (phase good only).
#   check-dojang.sh DOJANG good|revoked CASES.tsv
set -uo pipefail
dojang=$1
[ "$2" = good ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS=$'\t' read -r case cert _ _ _ _ _ identify idn random _; do
    if [ "$identify" != yes ]; then
        echo "vid $case -"
        continue
    fi
    printf '%s\n' "$idn" >"$tmp/idn"
    last=${idn: -1}
    printf '%s%s\n' "${idn:0:${#idn}-1}" $(((last + 1) % 10)) >"$tmp/other"
    "$dojang" verify --cert "$cert" --random-hex "$random" --idn-file "$tmp/idn" >"$tmp/out" 2>&1
    status=$?
    "$dojang" verify --cert "$cert" --random-hex "$random" --idn-file "$tmp/other" >"$tmp/other.out" 2>&1
    other=$?
    if [ $status -ne 0 ] || ! grep -q "VID matches" "$tmp/out"; then
        echo "vid $case FAIL dojang verify: $(tr '\n' ' ' <"$tmp/out")"
    elif [ $other -ne 3 ] || ! grep -q VID_MISMATCH "$tmp/other.out"; then
        echo "vid $case FAIL another number: $(tr '\n' ' ' <"$tmp/other.out")"
    else
        echo "vid $case ok"
    fi
done <"$3"
