#!/usr/bin/env pwsh
<#
.SYNOPSIS
A scheduled etcd health check: member health, one leader, alarms, database size against the quota, revision rate.
Exit code 0 when every check passes, 2 when one fails (for cron, systemd timers, Nagios-style monitoring).

.DESCRIPTION
Connects with -Endpoint (and the TLS files), or uses the session's connection / ETCDCTL_* variables. Writes one
object per check (or JSON with -AsJson) and sets the exit code.

.EXAMPLE
./examples/cluster-health.ps1 -Endpoint https://10.0.0.5:2379 -CaCertPath ca.crt -CertPath client.crt -KeyPath client.key -AsJson

.EXAMPLE
pwsh -File ./examples/cluster-health.ps1 -MaxDbPercent 70; if ($LASTEXITCODE) { 'etcd needs attention' }
#>
[CmdletBinding()]
param(
    [string[]] $Endpoint,
    [string] $CaCertPath,
    [string] $CertPath,
    [string] $KeyPath,
    # Fail when a member's database exceeds this share of its quota.
    [ValidateRange(1, 100)] [int] $MaxDbPercent = 80,
    # The quota to compare with when etcd does not report one (before 3.6): etcd's default, 2 GiB.
    [long] $DefaultQuotaBytes = 2GB,
    # Fail when the cluster writes faster than this (revisions per minute).
    [double] $MaxRevisionsPerMinute = 60000,
    [TimeSpan] $SampleDuration = '00:00:05',
    [switch] $AsJson
)

Set-StrictMode -Version Latest
if (-not (Get-Command Get-EtcdStatus -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1') -ErrorAction Stop
}

$checks = [System.Collections.Generic.List[object]]::new()
function Add-Check([string] $Name, [bool] $Ok, [string] $Detail) {
    $checks.Add([pscustomobject]@{ Check = $Name; Ok = $Ok; Detail = $Detail })
}

try {
    if ($Endpoint) {
        $tls = @{}
        if ($CaCertPath) { $tls.CaCertPath = $CaCertPath }
        if ($CertPath) { $tls.CertPath = $CertPath }
        if ($KeyPath) { $tls.KeyPath = $KeyPath }
        Connect-Etcd -Endpoint $Endpoint @tls -Name health -ErrorAction Stop -WarningAction SilentlyContinue
    }

    $health = @(Test-EtcdHealth -Cluster -ErrorAction SilentlyContinue)
    $sick = @($health | Where-Object { -not $_.Healthy })
    Add-Check 'Members healthy' ($health.Count -gt 0 -and $sick.Count -eq 0) (
        '{0} of {1} healthy{2}' -f ($health.Count - $sick.Count), $health.Count, $(if ($sick) { ': ' + (($sick | ForEach-Object { "$($_.Endpoint) $($_.Error)" }) -join '; ') } else { '' }))

    $status = @(Get-EtcdStatus -Cluster -ErrorAction SilentlyContinue -ErrorVariable statusErrors)
    Add-Check 'Status from every member' ($statusErrors.Count -eq 0 -and $status.Count -gt 0) ('{0} answered, {1} failed' -f $status.Count, $statusErrors.Count)
    $leaders = @($status | Where-Object IsLeader)
    $leaderIds = @($status.LeaderId | Select-Object -Unique)
    Add-Check 'One leader' ($leaders.Count -eq 1 -and $leaderIds.Count -eq 1) ('{0} leader(s), members agree on {1}' -f $leaders.Count, ($leaderIds -join ','))

    $alarms = @(Get-EtcdAlarm -ErrorAction SilentlyContinue)
    Add-Check 'No alarms' ($alarms.Count -eq 0) $(if ($alarms) { ($alarms | ForEach-Object { "$($_.MemberId) $($_.Alarm)" }) -join '; ' } else { 'none' })

    foreach ($s in $status) {
        $quota = if ($s.DbSizeQuota -gt 0) { $s.DbSizeQuota } else { $DefaultQuotaBytes }
        $percent = [math]::Round(100.0 * $s.DbSize / $quota, 1)
        Add-Check "DB size $($s.Endpoint)" ($percent -lt $MaxDbPercent) ('{0} of {1} ({2}%, in use {3})' -f [EtcdPS.ByteSize]::Format($s.DbSize), [EtcdPS.ByteSize]::Format($quota), $percent, [EtcdPS.ByteSize]::Format($s.DbSizeInUse))
    }

    $rate = Measure-EtcdRevisionRate -Duration $SampleDuration -ErrorAction Stop
    Add-Check 'Revision rate' ($rate.PerMinute -le $MaxRevisionsPerMinute) ('{0:0.#} revisions/min (limit {1})' -f $rate.PerMinute, $MaxRevisionsPerMinute)
}
catch {
    Add-Check 'Reachable' $false $_.Exception.Message
}

$healthy = @($checks | Where-Object { -not $_.Ok }).Count -eq 0
if ($AsJson) {
    [pscustomobject]@{ Healthy = $healthy; Time = [DateTimeOffset]::Now.ToString('o'); Checks = $checks } | ConvertTo-Json -Depth 4
}
else {
    $checks | Format-Table -AutoSize | Out-String -Width 200
}
exit $(if ($healthy) { 0 } else { 2 })
