# Shared by the benchmark scripts: sourced after `port` is set.

# Waits until the server on $port answers /health/ready (10 s at most).
wait_ready() {
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server did not become ready" >&2
    return 1
}

# Stops the server and gives PostgreSQL back every CPU (an EXIT trap).
release_cpus() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "${pg_pid:-}" ] && taskset -pc 0-$(($(nproc) - 1)) "$pg_pid" >/dev/null 2>&1 || true
}
