#!/usr/bin/env bash
# Page weight and server time of the web interface: a release build with the
# demo on SQLite, each page fetched 50 times by a signed-in syndic.
# Prints a Markdown table (bytes as sent, gzip-compressed size, median and
# slowest time to the last byte, on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p koprogo
work=$(mktemp -d)
port=18121
(cd "$work" && KOPROGO_LOG=warn "$OLDPWD/target/release/koprogo" serve --demo --listen "127.0.0.1:$port" >serve.log 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
jar="$work/jar"
site="http://127.0.0.1:$port"
curl -s -c "$jar" -b "$jar" "$site/login" -o /dev/null
token=$(awk '$6 == "kp_csrf" {print $7}' "$jar")
curl -s -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$token&email=syndic@demo.koprogo.be&password=koprogo-demo-2026" "$site/login"
building=$(curl -s -b "$jar" "$site/" | grep -o '/buildings/[0-9a-f]\{8\}-[0-9a-f-]*' | head -1)
unit=$(curl -s -b "$jar" "$site$building" | grep -o '/units/[0-9a-f]\{8\}-[0-9a-f-]*' | head -1)
echo "| page | bytes | gzip bytes | median ms | slowest ms |"
echo "|---|---|---|---|---|"
for path in /login / "$building" "$unit" /expenses /expenses/new /buildings/new /account /assets/app.css; do
    bytes=$(curl -s -b "$jar" "$site$path" | wc -c)
    gz=$(curl -s -b "$jar" "$site$path" | gzip -9 | wc -c)
    times=$(for _ in $(seq 1 50); do curl -s -o /dev/null -b "$jar" -w '%{time_total}\n' "$site$path"; done | sort -n)
    median=$(echo "$times" | sed -n 25p)
    slowest=$(echo "$times" | tail -1)
    label=$(echo "$path" | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/{id}/')
    printf '| `%s` | %s | %s | %.1f | %.1f |\n' "$label" "$bytes" "$gz" "$(echo "$median * 1000" | bc -l)" "$(echo "$slowest * 1000" | bc -l)"
done
