#!/usr/bin/env pwsh
<#
.SYNOPSIS
Watch throughput of Watch-EtcdPrefix side by side with `etcdctl watch --prefix`, on the same writes.

.DESCRIPTION
Starts a throwaway 1-member etcd on free loopback ports, then:
  Live:   both watchers run while a local writer puts -Count keys as fast as it can (-Concurrency requests in
          flight through etcd's JSON gateway). Reports the write rate, each watcher's delivery rate
          (events / time from the first write to the last event received) and its lag behind the last write.
  Replay: each watcher replays the same -Count stored events from history (-Revision / --rev), which shows the
          highest delivery rate with no writer in the way.
Events reach the PowerShell pipeline (Watch-EtcdPrefix | ForEach-Object); etcdctl's reach its stdout, counted by
awk, which notes the time of the last one (so etcdctl's figures include its printing, as a user's would). Needs a built module (dotnet build) and etcd/etcdctl on PATH.
#>
param(
    [int] $Count = 20000,
    [int] $Concurrency = 64
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
Import-Module (Join-Path $root 'tests/pester/TestHelpers.psm1') -Force
Import-Module (Join-Path $root 'EtcdPS.psd1') -Force

function Start-EtcdctlWatch([string] $Endpoint, [string] $Prefix, [long] $Revision) {
    # etcdctl prints three lines per event (PUT, key, value); awk stops at the last PUT and the time is noted.
    # mawk waits for a full input buffer unless told to be interactive (gawk processes lines as they come).
    $stamp = [System.IO.Path]::GetTempFileName()
    $awk = if (Get-Command mawk -ErrorAction SilentlyContinue) { 'mawk -W interactive' } else { 'awk' }
    $command = "etcdctl --endpoints $Endpoint watch --prefix '$Prefix' --rev $Revision | { $awk -v n=$Count '`$0 == ""PUT"" { c++; if (c == n) exit }'; date +%s.%N > $stamp; }"
    $psi = [System.Diagnostics.ProcessStartInfo]::new('bash')
    $psi.ArgumentList.Add('-c')
    $psi.ArgumentList.Add($command)
    [pscustomobject]@{ Process = [System.Diagnostics.Process]::Start($psi); Stamp = $stamp }
}

function Wait-EtcdctlWatch($Watch) {
    # awk exits after the last event but etcdctl only notices at its next write: wait for the stamp, then end both.
    $deadline = [datetime]::UtcNow.AddMinutes(2)
    while (-not (Get-Content $Watch.Stamp -Raw -ErrorAction SilentlyContinue)) {
        if ([datetime]::UtcNow -gt $deadline) { $Watch.Process.Kill($true); throw 'etcdctl did not receive every event in 2 minutes' }
        Start-Sleep -Milliseconds 20
    }
    $Watch.Process.Kill($true)
    $seconds = [double]::Parse((Get-Content $Watch.Stamp -Raw).Trim(), [cultureinfo]::InvariantCulture)
    Remove-Item $Watch.Stamp
    [DateTimeOffset]::FromUnixTimeMilliseconds([long]($seconds * 1000)).UtcDateTime
}

function Start-EtcdPSWatch([string] $Endpoint, [string] $Prefix, [long] $Revision) {
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
        param($ModulePath, $Endpoint, $Prefix, $Revision, $Count)
        Import-Module $ModulePath
        Connect-Etcd $Endpoint
        $n = 0
        Watch-EtcdPrefix $Prefix -Revision $Revision -Count $Count | ForEach-Object { $n++ }
        [pscustomobject]@{ Events = $n; Last = [datetime]::UtcNow }
    }).AddArgument((Join-Path $root 'EtcdPS.psd1')).AddArgument($Endpoint).AddArgument($Prefix).AddArgument($Revision).AddArgument($Count)
    [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
}

function Invoke-Writer([string] $Endpoint, [string] $Prefix) {
    $http = [System.Net.Http.HttpClient]::new()
    $uri = "$Endpoint/v3/kv/put"
    $value = [Convert]::ToBase64String([byte[]]::new(100))
    $inFlight = [System.Collections.Generic.List[System.Threading.Tasks.Task]]::new()
    for ($i = 0; $i -lt $Count; $i++) {
        $key = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(('{0}{1:d8}' -f $Prefix, $i)))
        $body = [System.Net.Http.StringContent]::new("{`"key`":`"$key`",`"value`":`"$value`"}", [Text.Encoding]::UTF8, 'application/json')
        $inFlight.Add($http.PostAsync($uri, $body))
        if ($inFlight.Count -ge $Concurrency) {
            $done = [System.Threading.Tasks.Task]::WaitAny($inFlight.ToArray())
            $inFlight[$done].Result.EnsureSuccessStatusCode() | Out-Null
            $inFlight.RemoveAt($done)
        }
    }
    [System.Threading.Tasks.Task]::WaitAll($inFlight.ToArray())
    $http.Dispose()
}

$etcd = Start-TestEtcd -Members 1
try {
    $endpoint = $etcd.Endpoint
    Connect-Etcd $endpoint
    $start = (Set-TestKey -Endpoint $endpoint -Key '/bench-start' -Value 'x') + 1

    # Live: both watchers are up before the first write.
    $ctl = Start-EtcdctlWatch $endpoint '/bench/' $start
    $ours = Start-EtcdPSWatch $endpoint '/bench/' $start
    Start-Sleep -Seconds 2
    $t0 = [datetime]::UtcNow
    Invoke-Writer $endpoint '/bench/'
    $t1 = [datetime]::UtcNow
    $result = $ours.PowerShell.EndInvoke($ours.Handle) | Select-Object -Last 1
    $ctlLast = Wait-EtcdctlWatch $ctl
    $writeSeconds = ($t1 - $t0).TotalSeconds

    [pscustomobject]@{
        Scenario = 'Live'; Watcher = 'writer'; Events = $Count; Seconds = [math]::Round($writeSeconds, 2)
        PerSecond = [math]::Round($Count / $writeSeconds); LagAfterLastWriteMs = 0
    }
    foreach ($w in @(@{ Name = 'Watch-EtcdPrefix | ForEach-Object'; Events = $result.Events; Last = $result.Last },
                     @{ Name = 'etcdctl watch --prefix'; Events = $Count; Last = $ctlLast })) {
        $seconds = ($w.Last - $t0).TotalSeconds
        [pscustomobject]@{
            Scenario = 'Live'; Watcher = $w.Name; Events = $w.Events; Seconds = [math]::Round($seconds, 2)
            PerSecond = [math]::Round($w.Events / $seconds); LagAfterLastWriteMs = [math]::Round(($w.Last - $t1).TotalMilliseconds)
        }
    }

    # Replay: the same events from history, no writer.
    $t0 = [datetime]::UtcNow
    $n = 0
    Watch-EtcdPrefix '/bench/' -Revision $start -Count $Count | ForEach-Object { $n++ }
    $seconds = ([datetime]::UtcNow - $t0).TotalSeconds
    [pscustomobject]@{ Scenario = 'Replay'; Watcher = 'Watch-EtcdPrefix | ForEach-Object'; Events = $n; Seconds = [math]::Round($seconds, 2); PerSecond = [math]::Round($n / $seconds); LagAfterLastWriteMs = $null }

    $t0 = [datetime]::UtcNow
    $ctl = Start-EtcdctlWatch $endpoint '/bench/' $start
    $seconds = ((Wait-EtcdctlWatch $ctl) - $t0).TotalSeconds
    [pscustomobject]@{ Scenario = 'Replay'; Watcher = 'etcdctl watch --prefix'; Events = $Count; Seconds = [math]::Round($seconds, 2); PerSecond = [math]::Round($Count / $seconds); LagAfterLastWriteMs = $null }
}
finally {
    Disconnect-Etcd -All
    Stop-TestEtcd $etcd
}
