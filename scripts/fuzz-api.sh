#!/usr/bin/env bash
# API fuzzing with schemathesis against the served OpenAPI document, as three
# roles (syndic, accountant, owner) on a fresh SQLite demo database.
#
#   scripts/fuzz-api.sh [EXAMPLES_PER_OPERATION]     (default 100; CI runs 10)
#
# Fails on any server error, any response that breaks the documented schema,
# status code or content type, and on any error body that shows server
# internals (SQL, driver errors, panics: scripts/fuzz_hooks.py). The two
# data-acceptance checks (does the server accept everything the schema allows,
# refuse everything it does not) are left out until the schema states every
# constraint (check digits cannot be).
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-100}
command -v st >/dev/null || python3 -m pip install -q --disable-pip-version-check schemathesis==4.32.5
# CI fuzzes the binary its test run has just built (FUZZ_BIN=target/debug/koprogo):
# building it again with the binary's own feature set would double the disk used.
profile=${FUZZ_PROFILE:-release}
if [ -n "${FUZZ_BIN:-}" ]; then
    bin=$FUZZ_BIN
else
    cargo build -q -p koprogo --profile "$profile"
    bin=target/$([ "$profile" = dev ] && echo debug || echo "$profile")/koprogo
fi
work=$(mktemp -d)
port=18190
KOPROGO_LOG=warn KOPROGO_LOGIN_IP_BURST=1000 KOPROGO_SIGNUP_IP_BURST=100000 "$bin" serve --demo --listen "127.0.0.1:$port" \
    --database-url "sqlite://$work/fuzz.sqlite3" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

token() {
    curl -fs "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"koprogo-demo-2026\"}" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'
}

status=0
for user in syndic@demo.koprogo.be comptable@demo.koprogo.be proprietaire@demo.koprogo.be; do
    echo "== schemathesis as $user, $examples examples per operation"
    SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH=scripts st run "http://127.0.0.1:$port/api/v1/openapi.json" --url "http://127.0.0.1:$port" \
        -H "Authorization: Bearer $(token "$user")" \
        --max-examples "$examples" --seed 2026 \
        --exclude-checks positive_data_acceptance,negative_data_rejection,ignored_auth \
        --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/refresh \
        || status=1
done
if grep -Ei "panicked|stack backtrace" "$work/serve.log"; then
    echo "the server log shows a panic" >&2
    status=1
fi
exit $status
