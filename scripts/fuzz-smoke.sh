#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every libFuzzer binary (*_fuzz) of BUILD_DIR for a short, bounded time on a copy of its
# corpus (src/dojang/<component>/fuzz-corpus/<target>/, else .../fuzz-corpus/), so the tree is
# left alone. Prints one line per target; fails when any target crashes, leaks, times out or
# runs out of memory, and keeps the crashing inputs in BUILD_DIR/fuzz-artifacts/<target>/.
# FUZZ_SECONDS (default 20) sets the time per target.
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR   (a build configured with DOJANG_FUZZ=ON, e.g. preset asan)" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
seconds=${FUZZ_SECONDS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t fuzzers < <(find "$build/src" -type f -name '*_fuzz' -perm -u+x | sort)
if [ ${#fuzzers[@]} -eq 0 ]; then
    echo "fuzz-smoke: no *_fuzz binary under $build/src (configure with DOJANG_FUZZ=ON)" >&2
    exit 1
fi

status=0
for binary in "${fuzzers[@]}"; do
    name=$(basename "$binary")
    component=$(basename "$(dirname "$binary")")
    seeds="$root/src/dojang/$component/fuzz-corpus/$name"
    [ -d "$seeds" ] || seeds="$root/src/dojang/$component/fuzz-corpus"
    run="$work/$name"
    mkdir -p "$run/corpus" "$run/artifacts"
    if [ -d "$seeds" ]; then
        find "$seeds" -maxdepth 1 -type f -exec cp {} "$run/corpus/" \;
    fi
    seed_count=$(find "$run/corpus" -type f | wc -l)
    started=$(date +%s)
    if (cd "$run" && "$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$run/artifacts/" corpus) >"$run/log" 2>&1; then
        result=ok
    else
        result="FAILED (exit $?)"
        status=1
    fi
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -1)
    printf 'fuzz-smoke: %-20s %-16s %9s executions in %3ss from %d seeds\n' \
        "$name" "$result" "${executions:-?}" "$(($(date +%s) - started))" "$seed_count"
    if [ "$result" != ok ]; then
        tail -n 60 "$run/log" | sed "s/^/  $name: /"
        mkdir -p "$build/fuzz-artifacts/$name"
        cp -r "$run/artifacts/." "$build/fuzz-artifacts/$name/"
        echo "  $name: inputs kept in $build/fuzz-artifacts/$name/"
    fi
done
exit $status
