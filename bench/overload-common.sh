# SPDX-License-Identifier: Apache-2.0
# Shared by bench/overload and bench/overload-issuance (sourced): a work folder removed on exit,
# the report, small helpers, and OVERLOAD_SERVER. Needs $load (overload_load) and, for loadgen,
# $port.
work="$(mktemp -d /tmp/dojang-overload.XXXXXX)"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

report="$work/report.md"
: >"$report"
say() { printf '%s\n' "$*" | tee -a "$report"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }
# verdict CONDITION: PASS when the awk expression holds.
verdict() { awk "BEGIN { print ($1) ? \"PASS\" : \"MISS\" }"; }
free_port() {
    local port
    while true; do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}
wait_http() {
    local i
    for i in $(seq 100); do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    return 1
}
# loadgen ARGS...: runs the load generator; prints its RESULT line.
loadgen() {
    timeout 600 "$load" --port "$port" --log "$work/requests.tsv" "$@" | grep '^RESULT '
}
# cpu_seconds PID: user + system CPU seconds of a process so far.
cpu_seconds() {
    sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }'
}
correctness_failures=()

# apply_server_settings TOML: OVERLOAD_SERVER="key = value; key = value" replaces (or adds)
# keys of [server].
apply_server_settings() {
    local toml="$1" setting key
    IFS=';' read -ra server_settings <<<"${OVERLOAD_SERVER:-}"
    for setting in "${server_settings[@]}"; do
        key=$(sed 's/^ *\([a-z_]*\) *=.*/\1/' <<<"$setting")
        [ -n "$key" ] || continue
        if grep -q "^$key = " "$toml"; then
            sed -i "s/^$key = .*/$(sed 's/^ *//' <<<"$setting")/" "$toml"
        else
            sed -i "/^\[server\]/a $(sed 's/^ *//' <<<"$setting")" "$toml"
        fi
    done
}
