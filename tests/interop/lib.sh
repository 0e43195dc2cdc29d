# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the integration scripts: a throwaway CA and server on loopback.

fail() {
    echo "FAILED: $*" >&2
    exit 1
}

# start_server DOJANGD DATA LOG → sets $url and $server_pid
start_server() {
    "$1" serve --data "$2" --listen 127.0.0.1:0 >"$3" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 150); do
        grep -qs "is running" "$3" && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$3"; fail "dojangd serve exited"; }
        sleep 0.1
    done
    url=$(sed -n 's/^dojangd is running: \(http[^ ]*\).*/\1/p' "$3")
    [ -n "$url" ] || { cat "$3"; fail "dojangd serve did not start"; }
}

# cleanup_work DIR: for an EXIT trap. Ends the background jobs (dojangd, SMTP sinks) and waits
# until they have exited, so that none still writes into DIR while it is removed.
cleanup_work() {
    local pids
    pids=$(jobs -p)
    if [ -n "$pids" ]; then
        kill $pids 2>/dev/null || :  # some may have exited already
        wait $pids 2>/dev/null || :  # their exit status is not the cleanup's business
    fi
    rm -rf "$1"
}

# store_from_environment DATA: with DOJANG_TEST_POSTGRES (scripts/with-postgres.sh) the data
# directory's store becomes PostgreSQL; otherwise it stays SQLite.
store_from_environment() {
    if [ -n "${DOJANG_TEST_POSTGRES:-}" ]; then
        sed -i "s|^driver = \"sqlite\".*|driver = \"postgres\"\nurl = \"$DOJANG_TEST_POSTGRES\"|" "$1/dojang.toml"
    fi
}

# sql DATA QUERY → the rows, one per line, from whichever store DATA uses
sql() {
    if [ -n "${DOJANG_TEST_POSTGRES:-}" ]; then
        psql "$DOJANG_TEST_POSTGRES" -Atc "$2"
    else
        sqlite3 "$1/dojang.db" "$2"
    fi
}

# wait_for SECONDS COMMAND... : retries until the command succeeds
wait_for() {
    local seconds=$1
    shift
    for _ in $(seq 1 $((seconds * 5))); do
        "$@" && return 0
        sleep 0.2
    done
    return 1
}

# COMMAND | contains PATTERN: like grep -q, but reads all its input first, so the writer never
# dies of SIGPIPE (which `set -o pipefail` would turn into a failure).
contains() {
    local input
    input=$(cat)
    grep -q -- "$1" <<<"$input"
}
