#!/usr/bin/env bash
# Side-by-side key listing benchmark: EtcdPS (engine and through pwsh) vs etcdctl vs raw gRPC, on one local etcd.
# Usage: bench/keys.sh [keys=100000] [minValue=500] [maxValue=4100]
# Run by hand (not part of the test suite). Prints one line per run with wall time and peak RSS (/usr/bin/time -v).
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${1:-100000}; MIN=${2:-500}; MAX=${3:-4100}
source bench/lib-etcd.sh
etcd_start etcd etcdps-bench

bench_build
BENCH="dotnet tests/EtcdPS.Benchmarks/bin/Release/net10.0/EtcdPS.Benchmarks.dll"
$BENCH load "$EP" "$KEYS" "$MIN" "$MAX"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # name, command...
    local name=$1; shift
    /usr/bin/time -v -o "$ROOT/time.txt" "$@" >"$ROOT/out.txt" 2>"$ROOT/err.txt" || { cat "$ROOT/err.txt"; return 1; }
    local wall rss cpu
    wall=$(grep 'Elapsed (wall clock)' "$ROOT/time.txt" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$ROOT/time.txt" | awk '{print $NF}')
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$ROOT/time.txt")
    printf '%-28s wall %-9s cpu %6ss peakRSS %6d MB   %s\n' "$name" "$wall" "$cpu" $((rss / 1024)) "$(grep -h -E 'keys' "$ROOT/out.txt" | tail -1)"
}

for i in $(seq "${ITERATIONS:-2}"); do
  echo "--- iteration $i"
  measure "raw single Range"      $BENCH once "$EP" raw-single
  measure "raw paged 10k"         $BENCH once "$EP" raw-paged 10000
  # Small fixed pages are quadratic on etcd (each page counts the rest of the range): only on the smaller data set.
  if [ "$KEYS" -le 100000 ]; then measure "raw paged 1k" $BENCH once "$EP" raw-paged 1000; fi
  measure "EtcdPS engine full"    $BENCH once "$EP" engine-full
  measure "EtcdPS engine keys"    $BENCH once "$EP" engine-keys
  measure "EtcdPS engine count"   $BENCH once "$EP" engine-count
  measure "pwsh start-up"         dotnet pwsh -NoProfile -c "Import-Module ./EtcdPS.psd1; Connect-Etcd $EP; 'start-up only'"
  measure "pwsh full | Measure"   dotnet pwsh -NoProfile -c "Import-Module ./EtcdPS.psd1; Connect-Etcd $EP; \$w=[Diagnostics.Stopwatch]::StartNew(); \$n=(Get-EtcdKey /registry/ -Prefix | Measure-Object).Count; \"\$n keys in \$(\$w.Elapsed.TotalSeconds) s\""
  measure "pwsh keys-only"        dotnet pwsh -NoProfile -c "Import-Module ./EtcdPS.psd1; Connect-Etcd $EP; \$w=[Diagnostics.Stopwatch]::StartNew(); \$n=(Get-EtcdKey /registry/ -Prefix -KeysOnly | Measure-Object).Count; \"\$n keys in \$(\$w.Elapsed.TotalSeconds) s\""
  # PowerShell's own cost of moving that many objects through a pipeline, with no etcd involved.
  measure "pwsh objects only"     dotnet pwsh -NoProfile -c "\$a=[object[]]::new($KEYS); for(\$i=0; \$i -lt $KEYS; \$i++){ \$a[\$i]=[pscustomobject]@{Key=\$i} }; \$w=[Diagnostics.Stopwatch]::StartNew(); \$n=(\$a | Measure-Object).Count; \"\$n keys in \$(\$w.Elapsed.TotalSeconds) s\""
  measure "pwsh count-only"       dotnet pwsh -NoProfile -c "Import-Module ./EtcdPS.psd1; Connect-Etcd $EP; \$w=[Diagnostics.Stopwatch]::StartNew(); \$n=Get-EtcdKey /registry/ -Prefix -CountOnly; \"\$n keys in \$(\$w.Elapsed.TotalSeconds) s\""
  measure "etcdctl -w json"       bash -c "ETCDCTL_API=3 etcdctl --endpoints $EP get /registry/ --prefix -w json >/dev/null"
  measure "etcdctl --keys-only"   bash -c "ETCDCTL_API=3 etcdctl --endpoints $EP get /registry/ --prefix --keys-only >/dev/null"
  # etcdctl 3.4.23 has no --count-only (3.4.24+); --limit 1 -w json carries the count in its header.
  measure "etcdctl --limit 1 (count)" bash -c "ETCDCTL_API=3 etcdctl --endpoints $EP get /registry/ --prefix --limit 1 -w json >/dev/null"
done
