#!/usr/bin/env bash
# Peak memory of pwsh deleting 60,000 keys of 2-4 KB with Remove-EtcdKey -Prefix, without and with -PassThru (the old
# values: what every delete asked etcd for before), plus etcd's CPU for each delete.
# Usage: bench/gentle-delete.sh <etcd binary dir> [keys=60000]. Run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?etcd binary directory}; KEYS=${2:-60000}
source bench/lib-etcd.sh
etcd_start "$BIN/etcd" etcdps-delete
echo "etcd: $("$BIN/etcd" --version | head -1), $KEYS keys of 2-4 KB"
bench_private
for mode in count passthru; do
  dotnet "$BENCH_DLL" load "$EP" "$KEYS" 2000 4000
  extra=""; [ "$mode" = passthru ] && extra="-PassThru"
  before=$(etcd_cpu)
  /usr/bin/time -v -o "$ROOT/time.txt" dotnet pwsh -NoProfile -c "Import-Module $MODULE; Connect-Etcd $EP; \$r = Remove-EtcdKey /registry/ -Prefix -Force -Confirm:\$false $extra -WarningAction SilentlyContinue; if ('$mode' -eq 'count') { \"deleted \$(\$r.Deleted)\" } else { \"deleted \$(@(\$r).Count) (values returned)\" }" > "$ROOT/out.txt"
  after=$(etcd_cpu)
  echo "| Remove-EtcdKey /registry/ -Prefix $extra | $(cat "$ROOT/out.txt") | pwsh peak RSS $(( $(grep 'Maximum resident' "$ROOT/time.txt" | awk '{print $NF}') / 1024 )) MB | etcd CPU $(echo "$after - $before" | bc) s | wall $(grep 'Elapsed (wall' "$ROOT/time.txt" | awk '{print $NF}') | load $(cut -d' ' -f1-3 /proc/loadavg) |"
done
