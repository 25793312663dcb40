#!/usr/bin/env pwsh
<#
.SYNOPSIS
A weekly etcd report for a scheduled task: one self-contained HTML page per run, kept for a number of weeks, and an
exit code that says whether a health check failed.

.DESCRIPTION
Connects with -Endpoint (and the TLS files), or uses the session's connection / the ETCDCTL_* variables, samples the
cluster for -SampleDuration, and writes <OutputFolder>/etcd-report-<yyyy-MM-dd>.html. Reports older than -KeepWeeks
weeks are removed. The page opens offline, so it can be attached to a mail or a ticket as it is.
Exit code 0 when no check failed, 1 when one did, 2 when the report could not be made.

.EXAMPLE
# cron, every Monday at 06:00
# 0 6 * * 1  pwsh -File /opt/etcdps/examples/weekly-report.ps1 -Endpoint https://10.0.0.5:2379 -CaCertPath /etc/etcd/ca.crt -CertPath /etc/etcd/report.crt -KeyPath /etc/etcd/report.key -OutputFolder /var/reports/etcd

.EXAMPLE
./examples/weekly-report.ps1 -OutputFolder ./out -SampleDuration 00:00:10 -Prefix /registry/
#>
[CmdletBinding()]
param(
    [string[]] $Endpoint,
    [string] $CaCertPath,
    [string] $CertPath,
    [string] $KeyPath,
    # Where the reports go; the folder must exist.
    [Parameter(Mandatory)] [string] $OutputFolder,
    [string] $Prefix = '',
    [TimeSpan] $SampleDuration = '00:05:00',
    [ValidateRange(1, 520)] [int] $KeepWeeks = 12
)

Set-StrictMode -Version Latest
if (-not (Get-Command Export-EtcdReport -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1') -ErrorAction Stop
}

try {
    if ($Endpoint) {
        $tls = @{}
        if ($CaCertPath) { $tls.CaCertPath = $CaCertPath }
        if ($CertPath) { $tls.CertPath = $CertPath; $tls.KeyPath = $KeyPath }
        Connect-Etcd -Endpoint $Endpoint @tls -ErrorAction Stop
    }

    $path = Join-Path $OutputFolder ('etcd-report-{0:yyyy-MM-dd}.html' -f (Get-Date))
    # -Force: a second run on the same day replaces that day's report.
    $report = Export-EtcdReport -Path $path -Prefix $Prefix -SampleDuration $SampleDuration -Force -ErrorAction Stop
}
catch {
    Write-Error "The etcd report could not be made: $_"
    exit 2
}

Get-ChildItem $OutputFolder -Filter 'etcd-report-*.html' |
    Where-Object LastWriteTime -lt (Get-Date).AddDays(-7 * $KeepWeeks) |
    Remove-Item

$report
if ($report.Failed -gt 0) {
    Write-Warning "$($report.Failed) health check(s) failed; see $($report.Path)."
    exit 1
}
exit 0
