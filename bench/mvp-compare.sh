#!/usr/bin/env bash
# KoproGo MVP (the system of the seed's report) and KoproGo, one after the other
# in one sitting, on the seed's protocol: one organisation, 20 connections, 180 s,
# the server and PostgreSQL on CPU 0, the load on CPU 1, the same mix.
#
#   bench/mvp-compare.sh MVP [--duration S] [--store postgres|sqlite|both] [--label TEXT]
#
# MVP is the MVP's source (its backend folder, or the .tgz of it) or its built
# `koprogo-api` binary. Its source is never copied into this repository: a
# folder or archive is built in a scratch directory (SQLX_OFFLINE, 5-11 min).
# It runs with its production settings (one worker, pool 8, rate limiting off),
# seeded by its own `POST /api/v1/seed/realistic`, loaded as its account of one
# organisation (admin@small.be). Both runs append a row to docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 1 ] || { sed -n 2,13p "$0"; exit 2; }
mvp=$1
shift
duration=180 store=postgres label=""
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration=$2; shift 2 ;;
        --store) store=$2; shift 2 ;;
        --label) label=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

pg_server=${KOPROGO_BENCH_PG:-postgres://postgres@%2Fvar%2Frun%2Fpostgresql}
port=18091
work=$(mktemp -d)
mvp_pid="" pg_pid=""
cleanup() {
    [ -n "$mvp_pid" ] && kill "$mvp_pid" 2>/dev/null || true
    [ -n "$pg_pid" ] && taskset -pc 0-$(($(nproc) - 1)) "$pg_pid" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The MVP's binary: given, or built from its source in a scratch folder.
if [ -f "$mvp" ] && [ -x "$mvp" ]; then
    mvp_bin=$(realpath "$mvp")
else
    scratch=${KOPROGO_MVP_BUILD:-${TMPDIR:-/tmp}/koprogo-mvp-build}
    mkdir -p "$scratch"
    if [ -d "$mvp" ]; then
        src=$(realpath "$mvp")
    else
        tar xzf "$mvp" -C "$scratch"
        src=$scratch/backend
    fi
    echo "== building KoproGo MVP from $src (target in $scratch/target)"
    (cd "$src" && SQLX_OFFLINE=true CARGO_TARGET_DIR="$scratch/target" cargo build --release -q)
    mvp_bin=$scratch/target/release/koprogo-api
fi

cargo build --release -q -p koprogo -p koprogo-load
load=target/release/koprogo-load

echo "== KoproGo MVP: fresh database, seeded by its /seed/realistic"
psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS koprogo_mvp_bench" -qc "CREATE DATABASE koprogo_mvp_bench"
pg_pid=$(head -1 "$(psql "$pg_server/postgres" -Atc 'show data_directory')/postmaster.pid")
# sqlx in the MVP wants a host it can parse: TCP, as its deployment connects.
mvp_url=${KOPROGO_BENCH_MVP_PG:-postgres://postgres@127.0.0.1:5432/koprogo_mvp_bench}
taskset -pc 0 "$pg_pid" >/dev/null
DATABASE_URL=$mvp_url JWT_SECRET=koprogo-mvp-bench-secret-of-forty-chars!! SERVER_HOST=127.0.0.1 SERVER_PORT=$port \
    ACTIX_WORKERS=1 DB_POOL_MAX_CONNECTIONS=8 ENABLE_RATE_LIMITING=false RUST_LOG=warn \
    taskset -c 0 "$mvp_bin" >"$work/mvp.log" 2>&1 &
mvp_pid=$!
for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null || { cat "$work/mvp.log"; echo "the MVP did not start" >&2; exit 1; }
admin=$(curl -fs -H 'content-type: application/json' -d '{"email":"admin@koprogo.com","password":"admin123"}' \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -fs -X POST -H "authorization: Bearer $admin" "http://127.0.0.1:$port/api/v1/seed/realistic" >/dev/null
psql "$mvp_url" -qc "VACUUM (ANALYZE)" -qc "CHECKPOINT"
echo "== KoproGo MVP: ${duration} s, 20 connections, admin@small.be"
taskset -c 1 "$load" --api mvp --base-url "http://127.0.0.1:$port" --user admin@small.be --password admin123 -c 20 -d "$duration" \
    --server-pid "$mvp_pid" --json "$work/mvp.json" --quiet | tee "$work/mvp.txt"
kill "$mvp_pid"
wait "$mvp_pid" 2>/dev/null || true
mvp_pid=""
taskset -pc 0-$(($(nproc) - 1)) "$pg_pid" >/dev/null
pg_pid=""

python3 - "$work/mvp.json" "$label" <<'PY'
import json, sys, datetime, platform, subprocess
r, label = json.load(open(sys.argv[1])), sys.argv[2]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
l, s, w = r["latency"], r.get("server") or {}, r.get("window_rps") or []
windows = " · ".join(f"{x:.0f}" for x in w)
row = "| {} | mvp 1adc8b83 | postgres | seed realistic | 20 | {:.0f} | {:.2f} % | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.1f} / {:.1f} | {:.0f} | {:.1f} | {:.4f} | {} |".format(
    datetime.date.today().isoformat(), r["mean_rps"], r["success_rate_percent"], l["p50_ms"], l["p90_ms"], l["p99_ms"], l["p999_ms"],
    s.get("peak_rss_kib", 0) / 1024, s.get("median_rss_kib", 0) / 1024, r["bytes_per_request"], s.get("cpu_seconds", 0) * 100 / r["duration_s"],
    r["co2"]["total_g_per_request"],
    (label + "; " if label else "") + f"KoproGo MVP, the seed's protocol, 30 s windows {windows} — {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} CPUs, {platform.release()}")
with open("docs/PERFORMANCE.md", "a") as f:
    f.write(row + "\n")
print("recorded:", row)
PY

echo "== KoproGo, the same protocol"
bench/seed-mix.sh --protocol --store "$store" --duration "$duration" --label "${label:+$label; }KoproGo, the seed's protocol, beside the MVP"
python3 - "$work/mvp.json" <<'PY'
import json, re, sys
mvp = json.load(open(sys.argv[1]))["mean_rps"]
rows = [l.split("|") for l in open("docs/PERFORMANCE.md") if l.startswith("| ")]
for store in ("postgres", "sqlite"):
    ours = [r for r in rows if r[3].strip() == store and "beside the MVP" in r[-2]]
    if ours and float(ours[-1][6]) > 0:
        print(f"KoproGo on {store}: {float(ours[-1][6]):.0f} req/s against the MVP's {mvp:.0f}: {float(ours[-1][6]) / mvp:.2f} ×")
PY
