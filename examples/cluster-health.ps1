#!/usr/bin/env pwsh
<#
.SYNOPSIS
A scheduled etcd health check: member health, quorum and one leader, alarms, database size against the quota, revision rate.
Exit code 0 when every check passes, 1 when the cluster works but needs attention (a member down with the quorum
intact, a database near its quota, a high write rate), 2 when it is in trouble (quorum or leader lost, no member
reachable, an alarm raised). For cron, systemd timers and Nagios-style monitoring (0 OK, 1 WARNING, 2 CRITICAL).

.DESCRIPTION
Connects with -Endpoint (and the TLS files), or uses the session's connection / ETCDCTL_* variables. Writes one
object per check, or with -AsJson one JSON document on stdout and nothing else: warnings (a member that does not
answer when connecting) and progress are kept off stdout and listed in the document's Warnings. Outside -AsJson the
usual preferences apply: add -WarningAction SilentlyContinue to hide the warnings, or 3>$null.

Every check is made member by member from each member's own status, so the script still reports (and exits 2) when
the cluster lost its quorum: each member is then reachable or not, with or without a leader.

.EXAMPLE
./examples/cluster-health.ps1 -Endpoint https://10.0.0.5:2379,https://10.0.0.6:2379,https://10.0.0.7:2379 -CaCertPath ca.crt -CertPath client.crt -KeyPath client.key -AsJson

.EXAMPLE
pwsh -NoProfile -File ./examples/cluster-health.ps1 -MaxDbPercent 70 -AsJson > /var/lib/etcd-health.json; if ($LASTEXITCODE -eq 2) { 'etcd is in trouble' }
#>
[CmdletBinding()]
param(
    [string[]] $Endpoint,
    [string] $CaCertPath,
    [string] $CertPath,
    [string] $KeyPath,
    # Warn when a member's database exceeds this share of its quota.
    [ValidateRange(1, 100)] [int] $MaxDbPercent = 80,
    # The quota to compare with when etcd does not report one (before 3.6): etcd's default, 2 GiB.
    [long] $DefaultQuotaBytes = 2GB,
    # Warn when the cluster writes faster than this (revisions per minute).
    [double] $MaxRevisionsPerMinute = 60000,
    [TimeSpan] $SampleDuration = '00:00:05',
    [switch] $AsJson
)

Set-StrictMode -Version Latest
if ($AsJson) {
    # stdout carries the JSON document only.
    $ProgressPreference = 'SilentlyContinue'
    $WarningPreference = 'SilentlyContinue'
    $InformationPreference = 'SilentlyContinue'
}
if (-not (Get-Command Get-EtcdStatus -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1') -ErrorAction Stop
}

$checks = [System.Collections.Generic.List[object]]::new()
$warnings = [System.Collections.Generic.List[string]]::new()
function Add-Check([string] $Name, [bool] $Ok, [ValidateSet('Critical', 'Warning')] [string] $Severity, [string] $Detail) {
    $checks.Add([pscustomobject]@{ Check = $Name; Ok = $Ok; Severity = $(if ($Ok) { 'OK' } else { $Severity }); Detail = $Detail })
}

# "etcd-2 (http://10.0.0.7:2379): Connection refused": the error text without the endpoint it already names.
function Format-Member($member) {
    $name = if ($member.Name) { "$($member.Name) ($($member.Endpoint))" } else { $member.Endpoint }
    '{0}: {1}' -f $name, ($member.Error -replace '^etcd at \S+ (is not reachable: |failed: )?', '')
}

try {
    $w = @()
    if ($Endpoint) {
        $tls = @{}
        if ($CaCertPath) { $tls.CaCertPath = $CaCertPath }
        if ($CertPath) { $tls.CertPath = $CertPath }
        if ($KeyPath) { $tls.KeyPath = $KeyPath }
        Connect-Etcd -Endpoint $Endpoint @tls -Name health -ErrorAction Stop -WarningAction SilentlyContinue -WarningVariable +w
    }

    # One object per member, reachable or not; the errors for unreachable ones are in the objects too.
    $status = @(Get-EtcdStatus -Cluster -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -WarningVariable +w)
    foreach ($text in $w) { $warnings.Add([string] $text) }
    $reachable = @($status | Where-Object Reachable)
    $withLeader = @($reachable | Where-Object { $_.LeaderId })
    $quorum = [math]::Floor($status.Count / 2) + 1
    Add-Check 'Members reachable' ($status.Count -gt 0 -and $reachable.Count -eq $status.Count) $(if ($withLeader.Count -ge $quorum) { 'Warning' } else { 'Critical' }) (
        '{0} of {1} reachable{2}' -f $reachable.Count, $status.Count, $(if ($reachable.Count -lt $status.Count) { ': ' + ((@($status | Where-Object { -not $_.Reachable }) | ForEach-Object { Format-Member $_ }) -join '; ') } else { '' }))
    Add-Check 'Quorum' ($status.Count -gt 0 -and $withLeader.Count -ge $quorum) 'Critical' ('{0} of {1} members follow a leader, {2} needed' -f $withLeader.Count, $status.Count, $quorum)
    $leaderIds = @($withLeader | ForEach-Object LeaderId | Select-Object -Unique)
    Add-Check 'One leader' ($leaderIds.Count -eq 1 -and @($reachable | Where-Object IsLeader).Count -eq 1) 'Critical' $(
        if ($leaderIds.Count -eq 0) { 'no leader' } else { 'members agree on {0}' -f ($leaderIds -join ',') })

    $alarms = @($reachable | ForEach-Object { $s = $_; $s.Alarms | ForEach-Object { "$($s.Name) $_" } })
    Add-Check 'No alarms' ($alarms.Count -eq 0) 'Critical' $(if ($alarms) { $alarms -join '; ' } else { 'none' })

    if ($withLeader.Count -ge $quorum) {
        $health = @(Test-EtcdHealth -Cluster -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $sick = @($health | Where-Object { -not $_.Healthy })
        Add-Check 'Members healthy' ($health.Count -gt 0 -and $sick.Count -eq 0) 'Warning' (
            '{0} of {1} healthy{2}' -f ($health.Count - $sick.Count), $health.Count, $(if ($sick) { ': ' + (($sick | ForEach-Object { Format-Member $_ }) -join '; ') } else { '' }))
    }

    foreach ($s in $reachable) {
        $quota = if ($s.DbSizeQuota -gt 0) { $s.DbSizeQuota } else { $DefaultQuotaBytes }
        $percent = [math]::Round(100.0 * $s.DbSize / $quota, 1)
        Add-Check "DB size $($s.Endpoint)" ($percent -lt $MaxDbPercent) 'Warning' ('{0} of {1} ({2}%, in use {3})' -f [EtcdPS.ByteSize]::Format($s.DbSize), [EtcdPS.ByteSize]::Format($quota), $percent, [EtcdPS.ByteSize]::Format($s.DbSizeInUse))
    }

    if ($withLeader.Count -ge $quorum) {
        $rate = Measure-EtcdRevisionRate -Duration $SampleDuration -ErrorAction Stop
        Add-Check 'Revision rate' ($rate.PerMinute -le $MaxRevisionsPerMinute) 'Warning' ('{0:0.#} revisions/min (limit {1})' -f $rate.PerMinute, $MaxRevisionsPerMinute)
    }
}
catch {
    Add-Check 'Reachable' $false 'Critical' $_.Exception.Message
}

$failed = @($checks | Where-Object { -not $_.Ok })
$exitCode = if (@($failed | Where-Object Severity -eq 'Critical').Count) { 2 } elseif ($failed.Count) { 1 } else { 0 }
if ($AsJson) {
    [pscustomobject]@{
        Healthy  = $exitCode -eq 0
        Status   = @('OK', 'Warning', 'Critical')[$exitCode]
        ExitCode = $exitCode
        Time     = [DateTimeOffset]::Now.ToString('o')
        Warnings = @($warnings)
        Checks   = $checks
    } | ConvertTo-Json -Depth 4
}
else {
    $checks | Format-Table -AutoSize | Out-String -Width 200
}
exit $exitCode
