#!/usr/bin/env bash
# Get-EtcdKeyHistory of a deleted key behind 200,000 revisions of unrelated history, with etcd's own CPU.
# Usage: bench/gentle-history.sh <etcd binary dir> [revisions=200000]
# Run by hand (never part of the test suite).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?etcd binary directory}; REVISIONS=${2:-200000}
ROOT=$(mktemp -d /tmp/etcdps-history-XXXXXX)
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
echo "etcd: $("$BIN/etcd" --version | head -1)"
dotnet build tests/EtcdPS.Benchmarks -c Release -v q -clp:ErrorsOnly >/dev/null
dotnet build src/EtcdPS -c Release -v q -clp:ErrorsOnly >/dev/null
mkdir -p "$ROOT/module" "$ROOT/benchbin"
cp -r EtcdPS.psd1 EtcdPS.psm1 EtcdPS.format.ps1xml bin "$ROOT/module/"
cp -r tests/EtcdPS.Benchmarks/bin/Release/net10.0/. "$ROOT/benchbin/"
CTL="$BIN/etcdctl --endpoints $EP"
# The key lives and dies twice at the start, then 200,000 revisions of unrelated single puts follow.
ETCDCTL_API=3 $CTL put /hist/victim one >/dev/null; ETCDCTL_API=3 $CTL put /hist/victim two >/dev/null
ETCDCTL_API=3 $CTL del /hist/victim >/dev/null
ETCDCTL_API=3 $CTL put /hist/victim three >/dev/null; ETCDCTL_API=3 $CTL del /hist/victim >/dev/null
dotnet "$ROOT/benchbin/EtcdPS.Benchmarks.dll" revisions "$EP" "$REVISIONS" 5000
sleep 2
etcd_cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$ETCD_PID/stat"; }
before=$(etcd_cpu)
/usr/bin/time -v -o "$ROOT/time.txt" dotnet pwsh -NoProfile -c "Import-Module $ROOT/module/EtcdPS.psd1; Connect-Etcd $EP; \$w=[Diagnostics.Stopwatch]::StartNew(); \$h=Get-EtcdKeyHistory /hist/victim; \$t=\$w.Elapsed.TotalSeconds; \$h | Format-Table -AutoSize | Out-String -Width 120; \"\$(\$h.Count) versions in \$t s\"" | tee "$ROOT/out.txt"
after=$(etcd_cpu)
echo "etcd CPU for the history: $(echo "$after - $before" | bc) s; wall $(grep 'Elapsed (wall clock)' "$ROOT/time.txt" | awk '{print $NF}') (with pwsh start-up); load $(cut -d' ' -f1-3 /proc/loadavg)"
