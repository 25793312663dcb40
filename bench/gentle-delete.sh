#!/usr/bin/env bash
# Peak memory of pwsh deleting 60,000 keys of 2-4 KB with Remove-EtcdKey -Prefix, without and with -PassThru (the old
# values: what every delete asked etcd for before), plus etcd's CPU for each delete.
# Usage: bench/gentle-delete.sh <etcd binary dir> [keys=60000]. Run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?etcd binary directory}; KEYS=${2:-60000}
ROOT=$(mktemp -d /tmp/etcdps-delete-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PEER=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
EP="http://127.0.0.1:$PORT"
"$BIN/etcd" --name bench --data-dir "$ROOT/data" --listen-client-urls "$EP" --advertise-client-urls "$EP" \
     --listen-peer-urls "http://127.0.0.1:$PEER" --initial-advertise-peer-urls "http://127.0.0.1:$PEER" \
     --initial-cluster "bench=http://127.0.0.1:$PEER" --quota-backend-bytes 8589934592 \
     --logger zap --log-level error >"$ROOT/etcd.log" 2>&1 &
ETCD_PID=$!
trap 'kill $ETCD_PID 2>/dev/null || true; wait $ETCD_PID 2>/dev/null || true; rm -rf "$ROOT"' EXIT
for _ in $(seq 100); do curl -sf "$EP/health" >/dev/null && break; sleep 0.1; done
echo "etcd: $("$BIN/etcd" --version | head -1), $KEYS keys of 2-4 KB"
dotnet build tests/EtcdPS.Benchmarks -c Release -v q -clp:ErrorsOnly >/dev/null
dotnet build src/EtcdPS -c Release -v q -clp:ErrorsOnly >/dev/null
mkdir -p "$ROOT/module" "$ROOT/benchbin"
cp -r EtcdPS.psd1 EtcdPS.psm1 EtcdPS.format.ps1xml bin "$ROOT/module/"
cp -r tests/EtcdPS.Benchmarks/bin/Release/net10.0/. "$ROOT/benchbin/"
etcd_cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$ETCD_PID/stat"; }
for mode in count passthru; do
  dotnet "$ROOT/benchbin/EtcdPS.Benchmarks.dll" load "$EP" "$KEYS" 2000 4000
  extra=""; [ "$mode" = passthru ] && extra="-PassThru"
  before=$(etcd_cpu)
  /usr/bin/time -v -o "$ROOT/time.txt" dotnet pwsh -NoProfile -c "Import-Module $ROOT/module/EtcdPS.psd1; Connect-Etcd $EP; \$r = Remove-EtcdKey /registry/ -Prefix -Force -Confirm:\$false $extra -WarningAction SilentlyContinue; if ('$mode' -eq 'count') { \"deleted \$(\$r.Deleted)\" } else { \"deleted \$(@(\$r).Count) (values returned)\" }" > "$ROOT/out.txt"
  after=$(etcd_cpu)
  echo "| Remove-EtcdKey /registry/ -Prefix $extra | $(cat "$ROOT/out.txt") | pwsh peak RSS $(( $(grep 'Maximum resident' "$ROOT/time.txt" | awk '{print $NF}') / 1024 )) MB | etcd CPU $(echo "$after - $before" | bc) s | wall $(grep 'Elapsed (wall' "$ROOT/time.txt" | awk '{print $NF}') | load $(cut -d' ' -f1-3 /proc/loadavg) |"
done
