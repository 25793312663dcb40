#!/usr/bin/env bash
# Shared by the bench scripts (source it, never run it): one throwaway etcd member on free loopback ports, stopped and
# its data removed when the script exits, and the Release builds the scripts measure.
#
#   cd "$(dirname "$0")/.."; source bench/lib-etcd.sh     (the scripts run from the repository root)
#   etcd_start <etcd binary> <temp folder prefix> [extra etcd flags...]
#       sets ROOT (a fresh folder under /tmp), EP (the client URL), ETCD_PID; fails, showing etcd's log, when etcd exits or
#       does not answer /health within 10 s.
#   etcd_cpu        etcd's CPU seconds so far (utime+stime from /proc/<pid>/stat)
#   bench_build     Release builds of the benchmark tool and the module (the module stages into bin/)
#   bench_private   bench_build, then copies of both under $ROOT (sets MODULE and BENCH_DLL), so that builds during
#                   the run (Debug builds stage into bin/ too) cannot change what is measured

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

etcd_start() {
    local etcd=${1:?etcd binary}; local prefix=${2:?temp folder prefix}; shift 2
    ROOT=$(mktemp -d "/tmp/$prefix-XXXXXX")
    local port peer
    port=$(free_port); peer=$(free_port)
    EP="http://127.0.0.1:$port"
    "$etcd" --name bench --data-dir "$ROOT/data" --listen-client-urls "$EP" --advertise-client-urls "$EP" \
         --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
         --initial-cluster "bench=http://127.0.0.1:$peer" --quota-backend-bytes 8589934592 \
         --logger zap --log-level error "$@" >"$ROOT/etcd.log" 2>&1 &
    ETCD_PID=$!
    trap 'kill $ETCD_PID 2>/dev/null || true; wait $ETCD_PID 2>/dev/null || true; rm -rf "$ROOT"' EXIT
    for _ in $(seq 100); do
        curl -sf "$EP/health" >/dev/null && return 0
        kill -0 "$ETCD_PID" 2>/dev/null || break   # it exited: no point waiting
        sleep 0.1
    done
    echo "etcd ($etcd) did not answer $EP/health (within 10 s, or it exited):" >&2
    cat "$ROOT/etcd.log" >&2
    return 1
}

etcd_cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$ETCD_PID/stat"; }

bench_build() {
    dotnet build tests/EtcdPS.Benchmarks -c Release -v q -clp:ErrorsOnly >/dev/null
    dotnet build src/EtcdPS -c Release -v q -clp:ErrorsOnly >/dev/null   # stages the Release module into bin/
}

bench_private() {
    bench_build
    mkdir -p "$ROOT/module" "$ROOT/benchbin"
    cp -r EtcdPS.psd1 EtcdPS.psm1 EtcdPS.format.ps1xml bin "$ROOT/module/"
    cp -r tests/EtcdPS.Benchmarks/bin/Release/net10.0/. "$ROOT/benchbin/"
    MODULE="$ROOT/module/EtcdPS.psd1"
    BENCH_DLL="$ROOT/benchbin/EtcdPS.Benchmarks.dll"
}
