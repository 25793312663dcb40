#!/usr/bin/env bash
# Compare-EtcdKeyspace on two 1M-key keyspaces: a live etcd and a mounted snapshot of it taken before 3000 changes
# (1000 edits, 1000 deletes, 1000 adds). Prints the time of the mount and of the comparison, and pwsh's peak RSS.
# Usage: bench/compare-keyspace.sh [keys=1000000] [minValue=100] [maxValue=400]. Run by hand (not part of the tests).
# The etcd binary is ETCDPS_ETCD (else etcd on PATH); the mount restores with etcdutl/etcdctl from its folder.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${1:-1000000}; MIN=${2:-100}; MAX=${3:-400}
ETCD=${ETCDPS_ETCD:-$(command -v etcd)}
source bench/lib-etcd.sh
etcd_start "$ETCD" etcdps-bench

bench_build
echo "etcd: $("$ETCD" --version | head -1); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
dotnet tests/EtcdPS.Benchmarks/bin/Release/net10.0/EtcdPS.Benchmarks.dll load "$EP" "$KEYS" "$MIN" "$MAX"
echo "loaded $KEYS keys in $(( $(date +%s) - start )) s"

dotnet pwsh -NoProfile -c "Import-Module ./EtcdPS.psd1; Connect-Etcd $EP; \$null = Save-EtcdSnapshot -Path '$ROOT/nightly.db'
  \$keys = Get-EtcdKey /registry/ -Prefix -KeysOnly -First 2000
  foreach (\$k in \$keys[0..999]) { Set-EtcdKey \$k.Key -Value ('edited ' + \$k.Key) -Raw -Force -Confirm:\$false -WarningAction SilentlyContinue }
  foreach (\$k in \$keys[1000..1999]) { \$null = Remove-EtcdKey \$k.Key -Force -Confirm:\$false -WarningAction SilentlyContinue }
  foreach (\$i in 1..1000) { Set-EtcdKey \"/registry/bench-added/\$i\" -Value 'added' -Raw -Force -Confirm:\$false -WarningAction SilentlyContinue }
  'snapshot ' + (Get-Item '$ROOT/nightly.db').Length + ' bytes; 3000 changes made'"

/usr/bin/time -v -o "$ROOT/time.txt" dotnet pwsh -NoProfile -c "Import-Module ./EtcdPS.psd1; Connect-Etcd $EP -Name live
  \$w = [Diagnostics.Stopwatch]::StartNew(); \$null = Mount-EtcdSnapshot '$ROOT/nightly.db' -Name nightly -EtcdPath '$ETCD'; \$mount = \$w.Elapsed.TotalSeconds; [GC]::Collect(); \$beforeCompare = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB
  \$w.Restart(); \$changes = Compare-EtcdKeyspace nightly live | Group-Object ChangeType -NoElement; \$compare = \$w.Elapsed.TotalSeconds
  \$peak = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB
  'mount {0:N1} s; compare {1:N1} s ({2}); pwsh peak working set {3:N0} MB ({4:N0} MB before the comparison)' -f \$mount, \$compare, ((\$changes | ForEach-Object { \"\$(\$_.Name) \$(\$_.Count)\" }) -join ', '), \$peak, \$beforeCompare
  Dismount-EtcdSnapshot nightly"
echo "wall $(grep 'Elapsed (wall clock)' "$ROOT/time.txt" | awk '{print $NF}'), cpu $(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$ROOT/time.txt") s (pwsh and the restore tool), load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
