#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs CMD with a throwaway PostgreSQL 15 (Debian's packages): a fresh cluster in a temporary
# folder, reachable only through a unix socket in that folder (no TCP port to collide on),
# with DOJANG_TEST_POSTGRES set to its conninfo. The server is stopped and removed afterwards,
# whatever CMD does. Usage: scripts/with-postgres.sh CMD [ARGS...]
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

bin=${POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$bin/initdb" ]; then
    echo "with-postgres: $bin/initdb not found (apt-get install postgresql)" >&2
    exit 1
fi

# PostgreSQL refuses to run as root: as root, run the server as the `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    as_owner=(runuser -u postgres --)
else
    owner=$(id -un)
    as_owner=()
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/dojang-pg.XXXXXX")
port=5432  # only names the socket file; nothing listens on TCP
started=0

cleanup() {
    if [ "$started" -eq 1 ]; then
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -eq 0 ]; then
    chown "$owner" "$dir"
fi
chmod 700 "$dir"

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U "$owner" --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

# Durability is pointless for a server that is deleted in a minute; fsync=off keeps tests quick.
started=1
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

"${as_owner[@]}" "$bin/createdb" -h "$dir" -p "$port" -U "$owner" dojang_test

export DOJANG_TEST_POSTGRES="host=$dir port=$port dbname=dojang_test user=$owner"
set +e
"$@"
status=$?
set -e
exit $status
