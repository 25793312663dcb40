#!/usr/bin/env bash
# Get-EtcdKeyHistory of a deleted key behind 200,000 revisions of unrelated history, with etcd's own CPU.
# Usage: bench/gentle-history.sh <etcd binary dir> [revisions=200000]
# Run by hand (never part of the test suite).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?etcd binary directory}; REVISIONS=${2:-200000}
source bench/lib-etcd.sh
etcd_start "$BIN/etcd" etcdps-history
echo "etcd: $("$BIN/etcd" --version | head -1)"
bench_private
CTL="$BIN/etcdctl --endpoints $EP"
# The key lives and dies twice at the start, then 200,000 revisions of unrelated single puts follow.
ETCDCTL_API=3 $CTL put /hist/victim one >/dev/null; ETCDCTL_API=3 $CTL put /hist/victim two >/dev/null
ETCDCTL_API=3 $CTL del /hist/victim >/dev/null
ETCDCTL_API=3 $CTL put /hist/victim three >/dev/null; ETCDCTL_API=3 $CTL del /hist/victim >/dev/null
dotnet "$BENCH_DLL" revisions "$EP" "$REVISIONS" 5000
sleep 2
before=$(etcd_cpu)
/usr/bin/time -v -o "$ROOT/time.txt" dotnet pwsh -NoProfile -c "Import-Module $MODULE; Connect-Etcd $EP; \$w=[Diagnostics.Stopwatch]::StartNew(); \$h=Get-EtcdKeyHistory /hist/victim; \$t=\$w.Elapsed.TotalSeconds; \$h | Format-Table -AutoSize | Out-String -Width 120; \"\$(\$h.Count) versions in \$t s\"" | tee "$ROOT/out.txt"
after=$(etcd_cpu)
echo "etcd CPU for the history: $(echo "$after - $before" | bc) s; wall $(grep 'Elapsed (wall clock)' "$ROOT/time.txt" | awk '{print $NF}') (with pwsh start-up); load $(cut -d' ' -f1-3 /proc/loadavg)"
