#!/usr/bin/env bash
# The seed's load test, reproduced: release build, a fresh database with the demo
# plus a realistic volume, the server (and PostgreSQL) pinned to CPU 0, the load
# generator on CPU 1, then a dated row appended to docs/PERFORMANCE.md.
#
#   bench/seed-mix.sh [--store postgres|sqlite|both] [--volume N] [--grow N]
#                     [--duration S] [--connections C] [--warmup S] [--label TEXT]
#                     [--no-record] [--compressed] [--protocol]
#
# --compressed asks for gzip as browsers do (bytes per request as sent).
#
# --protocol runs the seed's own protocol: one organisation (the demo, loaded by
# its syndic only, volume 0), 20 connections, 180 s, no warm-up; the throughput of
# each 30 s window goes into the row, so that decay shows. --grow N first grows
# the demo firm itself N times over (one organisation with more data).
#
# --volume N seeds N x (50 organisations, 500 buildings, 20 000 units and owners,
# 100 000 expenses); the load then acts as the demo syndic and the 50 volume
# syndics. PostgreSQL: the machine's server over its Unix socket, as a one-machine
# deployment connects (KOPROGO_BENCH_PG=postgres://postgres@127.0.0.1:5432 for
# TCP), database koprogo_bench recreated each run.
set -euo pipefail
cd "$(dirname "$0")/.."

store=both volume=1 grow=0 duration=60 connections=20 warmup=10 label="" record=yes compressed=()
while [ $# -gt 0 ]; do
    case "$1" in
        --store) store=$2; shift 2 ;;
        --volume) volume=$2; shift 2 ;;
        --grow) grow=$2; shift 2 ;;
        --protocol) volume=0 duration=180 connections=20 warmup=0; shift ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --label) label=$2; shift 2 ;;
        --no-record) record=no; shift ;;
        --compressed) compressed=(--compressed); shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

pg_server=${KOPROGO_BENCH_PG:-postgres://postgres@%2Fvar%2Frun%2Fpostgresql}
port=18090
work=$(mktemp -d)
server_pid=""
pg_pid=""
# shellcheck source=bench/common.sh
. bench/common.sh
cleanup() {
    release_cpus
}
trap cleanup EXIT

cargo build --release -q -p koprogo -p koprogo-load
bin=target/release/koprogo
load=target/release/koprogo-load
users=()
[ "$volume" -gt 0 ] && users=(--volume-orgs 50)


run_store() {
    local kind=$1 url
    if [ "$kind" = postgres ]; then
        psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS koprogo_bench" -qc "CREATE DATABASE koprogo_bench"
        url="$pg_server/koprogo_bench"
        pg_pid=$(head -1 "$(psql "$pg_server/postgres" -Atc 'show data_directory')/postmaster.pid")
    else
        url="sqlite://$work/bench.sqlite3"
    fi
    echo "== $kind: seeding demo (grown x $grow) + volume x $volume"
    local seeded_at=$SECONDS
    KOPROGO_DATABASE_URL=$url KOPROGO_LOG=warn "$bin" seed --demo --grow "$grow" --volume "$volume" >/dev/null
    echo "   seeded in $((SECONDS - seeded_at)) s"
    # Settle what the seed left behind before measuring: otherwise autovacuum and
    # the checkpoint of the bulk load share CPU 0 with the run (at volume 10 that
    # cost a third of the throughput: 2 167 req/s against 3 036 once settled).
    if [ "$kind" = postgres ]; then
        psql "$url" -qc "VACUUM (ANALYZE)" -qc "CHECKPOINT"
        echo "   vacuumed and checkpointed"
    fi
    # Server and database share CPU 0; new PostgreSQL backends inherit the postmaster's affinity.
    [ -n "$pg_pid" ] && taskset -pc 0 "$pg_pid" >/dev/null
    KOPROGO_DATABASE_URL=$url KOPROGO_LOG=warn KOPROGO_LOGIN_IP_BURST=1000 taskset -c 0 "$bin" serve --listen "127.0.0.1:$port" >"$work/$kind.log" 2>&1 &
    server_pid=$!
    wait_ready
    if [ "$warmup" -gt 0 ]; then
        echo "== $kind: warm-up ${warmup} s"
        taskset -c 1 "$load" --base-url "http://127.0.0.1:$port" -c "$connections" -d "$warmup" "${users[@]}" --quiet >/dev/null
    fi
    echo "== $kind: ${duration} s, $connections connections"
    taskset -c 1 "$load" --base-url "http://127.0.0.1:$port" -c "$connections" -d "$duration" "${users[@]}" "${compressed[@]}" \
        --server-pid "$server_pid" --json "$work/$kind.json" --quiet | tee "$work/$kind.txt"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    [ -n "$pg_pid" ] && taskset -pc 0-$(($(nproc) - 1)) "$pg_pid" >/dev/null
    pg_pid=""
    [ "$record" = yes ] && record_row "$kind"
    return 0
}

record_row() {
    local kind=$1
    local what=$volume
    [ "$grow" -gt 0 ] && what="0 (demo × $((grow + 1)))"
    python3 - "$work/$kind.json" "$kind" "$what" "$connections" "$label" <<'PY'
import json, sys, datetime, platform, subprocess
report, kind, volume, connections, label = json.load(open(sys.argv[1])), *sys.argv[2:]
windows = report.get("window_rps") or []
if len(windows) > 1:
    label = (label + "; " if label else "") + "30 s windows " + " · ".join(f"{w:.0f}" for w in windows) + \
        f" (last/first {windows[-1] / windows[0]:.2f})"

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
l, s = report["latency"], report.get("server") or {}
row = "| {} | {} | {} | {} | {} | {:.0f} | {:.2f} % | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.1f} / {:.1f} | {:.0f} | {:.1f} | {:.4f} | {} |".format(
    datetime.date.today().isoformat(), commit, kind, volume, connections, report["mean_rps"], report["success_rate_percent"],
    l["p50_ms"], l["p90_ms"], l["p99_ms"], l["p999_ms"], s.get("peak_rss_kib", 0) / 1024, s.get("median_rss_kib", 0) / 1024,
    report["bytes_per_request"], s.get("cpu_seconds", 0) * 100 / report["duration_s"], report["co2"]["total_g_per_request"],
    (label + " — " if label else "") + f"{cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} CPUs, {platform.release()}")
with open("docs/PERFORMANCE.md", "a") as f:
    f.write(row + "\n")
print("recorded:", row)
PY
}

case "$store" in
    postgres) run_store postgres ;;
    sqlite) run_store sqlite ;;
    both) run_store postgres; run_store sqlite ;;
    *) echo "--store postgres|sqlite|both" >&2; exit 2 ;;
esac
