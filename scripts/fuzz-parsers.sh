#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo fuzz, libFuzzer) of every parser of untrusted
# input: identifiers, amounts, dates, JSON bodies, bank statement files
# (CODA, camt.053). The toolchain here is
# stable; RUSTC_BOOTSTRAP lets cargo fuzz use the sanitizer flags it needs.
#
#   scripts/fuzz-parsers.sh [SECONDS_PER_TARGET]     (default 60)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
for target in parsers json bank; do
    echo "== $target, $seconds s"
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds" 2>&1 | grep -E "^Done|SUMMARY|panicked|ERROR" || true
    [ -z "$(ls -A "artifacts/$target" 2>/dev/null)" ] || { echo "crash inputs in fuzz/artifacts/$target" >&2; exit 1; }
done
