#!/usr/bin/env bash
# Fault drill (RELIABILITY G12): a private PostgreSQL 15 cluster is stopped with
# `pg_ctl stop -m immediate` for 10 s while koprogo-load sends the mix at a
# fixed rate, then started again. Reports the statuses seen, the slowest
# answer, readiness during the outage, the time to the first successful write
# after the restart, and whether every acknowledged write is in the database.
# Never touches the machine's shared PostgreSQL. Run as root (for `su postgres`).
#
#   scripts/fault-pg-outage.sh [RATE] [OUTAGE_SECONDS]      (default 200 req/s, 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-200} outage=${2:-10}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# Below the ephemeral range: a client retrying a stopped server on an ephemeral
# port can connect to itself and hold the port the server needs back.
port=15432 http=18290
work=$(mktemp -d)
chown postgres "$work"
as_pg() { su postgres -s /bin/bash -c "$*"; }
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    as_pg "$pgbin/pg_ctl -D $work/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p koprogo -p koprogo-load
as_pg "$pgbin/initdb -D $work/data -A trust -U postgres" >/dev/null
start_pg() { as_pg "$pgbin/pg_ctl -D $work/data -o '-p $port -k $work' -l $work/pg.log -w start" >/dev/null || { tail -20 "$work/pg.log" >&2; return 1; }; }
start_pg
url="postgres://postgres@127.0.0.1:$port/postgres"
KOPROGO_DATABASE_URL=$url KOPROGO_LOG=warn target/release/koprogo seed --demo >/dev/null
KOPROGO_DATABASE_URL=$url KOPROGO_LOG=warn KOPROGO_LOGIN_IP_BURST=1000 target/release/koprogo serve --listen "127.0.0.1:$http" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

duration=$((outage + 25))
target/release/koprogo-load --base-url "http://127.0.0.1:$http" --rate "$rate" -c 50 -d "$duration" --timeout 10 \
    --ack-log "$work/acks.txt" --json "$work/load.json" --quiet >"$work/load.txt" 2>&1 &
load=$!
sleep 8
echo "== stopping PostgreSQL (immediate) for $outage s"
as_pg "$pgbin/pg_ctl -D $work/data -m immediate stop" >/dev/null
stopped=$(date +%s.%N)
ready_codes=""
while [ "$(echo "$(date +%s.%N) - $stopped < $outage" | bc)" = 1 ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$http/health/ready" || echo 000)
    ready_codes="$ready_codes $code"
    sleep 0.5
done
start_pg
restarted=$(date +%s.%N)
echo "== PostgreSQL back"
token=$(curl -s "http://127.0.0.1:$http/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"syndic@demo.koprogo.be","password":"koprogo-demo-2026"}' | python3 -c 'import sys, json; print(json.load(sys.stdin).get("access_token", ""))' || true)
while true; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$http/api/v1/owners" \
        -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{"first_name":"After","last_name":"Outage"}' || echo 000)
    [ "$code" = 201 ] && break
    if [ -z "$token" ] || [ "$code" = 401 ]; then
        token=$(curl -s "http://127.0.0.1:$http/api/v1/auth/login" -H 'content-type: application/json' \
            -d '{"email":"syndic@demo.koprogo.be","password":"koprogo-demo-2026"}' | python3 -c 'import sys, json; print(json.load(sys.stdin).get("access_token", ""))' || true)
    fi
    sleep 0.1
done
first_write=$(echo "$(date +%s.%N) - $restarted" | bc)
wait "$load" || true
echo "readiness during the outage:$ready_codes"
printf 'first successful write %.2f s after PostgreSQL accepted connections\n' "$first_write"
python3 - "$work/load.json" "$work/acks.txt" "$url" <<'PY'
import json, subprocess, sys
report = json.load(open(sys.argv[1]))
print(f"requests {report['total_requests']}, succeeded {report['successful']}, by status {report['errors_by_status']}, "
      f"timeouts {report['timeouts']}, connection errors {report['connection_errors']}, slowest {report['latency']['max_ms']:.0f} ms")
acks = [l.split() for l in open(sys.argv[2]) if l.strip()]
tables = {"/api/v1/buildings": "buildings", "/api/v1/units": "units", "/api/v1/owners": "owners", "/api/v1/expenses": "expenses"}
missing = duplicated = 0
for path, table in tables.items():
    ids = [a[1] for a in acks if a[0] == path and len(a) > 1]
    if not ids:
        continue
    found = subprocess.run(["psql", sys.argv[3], "-Atc",
        f"select id::text from {table} where id in ({','.join(repr(i) for i in ids)})"], capture_output=True, text=True).stdout.split()
    missing += len(set(ids) - set(found))
    duplicated += len(ids) - len(set(ids))
print(f"acknowledged writes {len(acks)}: missing {missing}, duplicated {duplicated}")
if report["errors_by_status"].get("500") or report["errors_by_status"].get(500) or missing or duplicated:
    sys.exit(1)
PY
