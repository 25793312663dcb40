#!/usr/bin/env bash
# Listing benchmark with etcd's own CPU: EtcdPS (engine, windowed and limit-paged, and through pwsh) side by side
# with `etcdctl get --prefix -w json` and a raw single Range, in ONE run on one throwaway etcd.
# Usage: bench/gentle-keys.sh <etcd binary dir> [keys=1000000] [minValue=100] [maxValue=300]
#   e.g. bench/gentle-keys.sh /usr/bin 1000000 100 300
#        bench/gentle-keys.sh /work/etcd-3.5.30/root/usr/bin 100000 500 4000
# Run by hand (never part of the test suite). For each read: wall time, the in-process time the client prints,
# etcd's CPU seconds (utime+stime from /proc/<etcd pid>/stat, before and after the read), client CPU and peak RSS
# (/usr/bin/time -v), and the load average at the end of the read.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?etcd binary directory}; KEYS=${2:-1000000}; MIN=${3:-100}; MAX=${4:-300}
ETCD="$BIN/etcd"; ETCDCTL="$BIN/etcdctl"
source bench/lib-etcd.sh
etcd_start "$ETCD" etcdps-gentle --max-request-bytes 10485760
echo "etcd: $("$ETCD" --version | head -1), $KEYS keys of $MIN-$MAX B values"

bench_private
BENCH="dotnet $BENCH_DLL"
$BENCH load "$EP" "$KEYS" "$MIN" "$MAX"
# Let the load's compaction-free write burst settle before timing reads.
sleep 2

printf '| read | wall | in-process | etcd CPU | client CPU | client peak RSS | load | detail |\n|---|---:|---:|---:|---:|---:|---|---|\n'
measure() { # name, command...
    local name=$1; shift
    local before after
    before=$(etcd_cpu)
    /usr/bin/time -v -o "$ROOT/time.txt" "$@" >"$ROOT/out.txt" 2>"$ROOT/err.txt" || { cat "$ROOT/err.txt"; return 1; }
    after=$(etcd_cpu)
    local wall rss cpu inproc detail
    wall=$(grep 'Elapsed (wall clock)' "$ROOT/time.txt" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$ROOT/time.txt" | awk '{print $NF}')
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$ROOT/time.txt")
    detail=$(grep -h -E 'keys' "$ROOT/out.txt" | tail -1 || true)
    inproc=$(echo "$detail" | grep -oE '[0-9.]+ s' | head -1 || true)
    printf '| %s | %s | %s | %.2f s | %s s | %d MB | %s | %s |\n' "$name" "$wall" "${inproc:--}" "$(echo "$after - $before" | bc)" "$cpu" \
        $((rss / 1024)) "$(cut -d' ' -f1-3 /proc/loadavg)" "$(echo "$detail" | sed 's/|/\\|/g')"
}

measure "raw gRPC: one Range, no limit" $BENCH once "$EP" raw-single
measure "EtcdPS engine, windowed pages" $BENCH once "$EP" engine-full
measure "EtcdPS engine, limit paging (before)" $BENCH once "$EP" engine-limit
measure "EtcdPS engine, -KeysOnly" $BENCH once "$EP" engine-keys
measure "pwsh Get-EtcdKey | Measure-Object" dotnet pwsh -NoProfile -c "Import-Module $MODULE; Connect-Etcd $EP; \$w=[Diagnostics.Stopwatch]::StartNew(); \$n=(Get-EtcdKey /registry/ -Prefix | Measure-Object).Count; \"\$n keys in \$(\$w.Elapsed.TotalSeconds) s\""
measure "etcdctl get --prefix -w json" bash -c "ETCDCTL_API=3 '$ETCDCTL' --endpoints $EP --command-timeout=600s get /registry/ --prefix -w json | wc -c | sed 's/$/ bytes of JSON, all keys/'"
measure "etcdctl get --prefix --keys-only" bash -c "ETCDCTL_API=3 '$ETCDCTL' --endpoints $EP --command-timeout=600s get /registry/ --prefix --keys-only | wc -l | sed 's/$/ lines, keys/'"
