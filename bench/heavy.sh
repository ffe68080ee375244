#!/usr/bin/env bash
# The long operations, each against its budget (issue 21), on 10× the demo in
# one organisation: release build, server (and PostgreSQL) pinned to CPU 0,
# the client on CPU 1.
#
#   bench/heavy.sh [--store postgres|sqlite|both] [--grow N] [--audit-volume N]
#
# Per store:
#   1. seed the demo grown N times (default 9: 10× the demo firm), vacuum;
#   2. koprogo-load --heavy: builds a 200-unit building with 240 owners and ten
#      years of history through the API, then times issuing a call, its letters
#      PDF (with the server's memory growth), a 5 000-movement CODA import, an
#      owner's 10-year statement and the building's 10-year ledger;
#   3. with the server stopped: `koprogo backup` and `koprogo restore` of that
#      database, then `koprogo audit verify` over it.
# --audit-volume N also seeds a second database with N volume units (about
# 170 000 audit events each; 6 is about a million) and times `audit verify`
# over it.
#
# Results are printed; copy the table into docs/PERFORMANCE.md with the date,
# commit and machine.
set -euo pipefail
cd "$(dirname "$0")/.."

store=both grow=9 audit_volume=0
while [ $# -gt 0 ]; do
    case "$1" in
        --store) store=$2; shift 2 ;;
        --grow) grow=$2; shift 2 ;;
        --audit-volume) audit_volume=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

pg_server=${KOPROGO_BENCH_PG:-postgres://postgres@%2Fvar%2Frun%2Fpostgresql}
port=18091
work=$(mktemp -d)
server_pid=""
pg_pid=""
# shellcheck source=bench/common.sh
. bench/common.sh
cleanup() {
    release_cpus
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p koprogo -p koprogo-load
bin=$PWD/target/release/koprogo
load=$PWD/target/release/koprogo-load
export KOPROGO_LOG=warn KOPROGO_ERASURE_LOG=$work/erasures.jsonl


# Prints the wall-clock seconds of a command run on CPU 0 (its output goes to a log).
timed() {
    local started
    started=$(date +%s.%N)
    taskset -c 0 "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
    echo "$(date +%s.%N) - $started" | bc
}

fresh_url() {
    local kind=$1 name=$2
    if [ "$kind" = postgres ]; then
        psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS $name" -qc "CREATE DATABASE $name"
        echo "$pg_server/$name"
    else
        echo "sqlite://$work/$name.sqlite3"
    fi
}

run_store() {
    local kind=$1 url restored
    url=$(fresh_url "$kind" koprogo_heavy)
    [ "$kind" = postgres ] && pg_pid=$(head -1 "$(psql "$pg_server/postgres" -Atc 'show data_directory')/postmaster.pid")
    echo "== $kind: seeding the demo grown × $grow"
    KOPROGO_DATABASE_URL=$url "$bin" seed --demo --grow "$grow" >/dev/null
    [ "$kind" = postgres ] && psql "$url" -qc "VACUUM (ANALYZE)" -qc "CHECKPOINT"
    [ -n "$pg_pid" ] && taskset -pc 0 "$pg_pid" >/dev/null
    KOPROGO_DATABASE_URL=$url taskset -c 0 "$bin" serve --listen "127.0.0.1:$port" >"$work/$kind.log" 2>&1 &
    server_pid=$!
    wait_ready
    echo "== $kind: the heavy operations"
    taskset -c 1 "$load" --heavy --base-url "http://127.0.0.1:$port" --server-pid "$server_pid" --json "$work/$kind-heavy.json"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""

    local events
    if [ "$kind" = postgres ]; then
        events=$(psql "$url" -Atc "SELECT count(*) FROM audit_events")
    else
        events=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM audit_events').fetchone()[0])" "${url#sqlite://}")
    fi
    echo "== $kind: backup, restore and audit verify of that database ($events audit events)"
    echo "| backup | $(timed env KOPROGO_DATABASE_URL="$url" "$bin" backup --to "$work/backup-$kind") s |"
    restored=$(fresh_url "$kind" koprogo_heavy_restored)
    [ "$kind" = sqlite ] && rm -f "${restored#sqlite://}"
    echo "| restore | $(timed env KOPROGO_DATABASE_URL="$restored" "$bin" restore --from "$(ls "$work/backup-$kind"/koprogo-backup-*)") s |"
    echo "| audit verify ($events events) | $(timed env KOPROGO_DATABASE_URL="$url" "$bin" audit verify) s |"
    du -sh "$work/backup-$kind" | sed 's/^/   backup size: /'

    if [ "$audit_volume" -gt 0 ]; then
        url=$(fresh_url "$kind" koprogo_heavy_audit)
        echo "== $kind: seeding volume × $audit_volume for the audit trail"
        local seeded_at=$SECONDS
        KOPROGO_DATABASE_URL=$url "$bin" seed --demo --volume "$audit_volume" >/dev/null
        echo "   seeded in $((SECONDS - seeded_at)) s"
        [ "$kind" = postgres ] && psql "$url" -qc "VACUUM (ANALYZE)" -qc "CHECKPOINT"
        if [ "$kind" = postgres ]; then
            events=$(psql "$url" -Atc "SELECT count(*) FROM audit_events")
        else
            events=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM audit_events').fetchone()[0])" "${url#sqlite://}")
        fi
        echo "| audit verify ($events events) | $(timed env KOPROGO_DATABASE_URL="$url" "$bin" audit verify) s |"
    fi
    [ -n "$pg_pid" ] && taskset -pc 0-$(($(nproc) - 1)) "$pg_pid" >/dev/null
    pg_pid=""
    return 0
}

case "$store" in
    postgres) run_store postgres ;;
    sqlite) run_store sqlite ;;
    both) run_store postgres; run_store sqlite ;;
    *) echo "--store postgres|sqlite|both" >&2; exit 2 ;;
esac
