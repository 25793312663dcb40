#!/usr/bin/env pwsh
<#
.SYNOPSIS
Who is using etcd's disk? Keys and bytes per Kubernetes resource (or namespace, API group, key prefix), next to
the database size, the part in use, and what compaction and defragmentation could give back.

.EXAMPLE
./examples/who-uses-disk.ps1 -By Namespace -Top 10

.EXAMPLE
./examples/who-uses-disk.ps1 -By Prefix -Depth 3 | Export-Csv etcd-usage.csv
#>
[CmdletBinding()]
param(
    [string] $Prefix = '/registry/',
    [ValidateSet('Resource', 'Namespace', 'Group', 'Prefix')] [string] $By = 'Resource',
    [int] $Depth = 2,
    [int] $Top = 15
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not (Get-Command Measure-EtcdKey -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1')
}

$status = @(Get-EtcdStatus)[0]
$groups = @(Measure-EtcdKey -Prefix $Prefix -By $By -Depth $Depth | Sort-Object Bytes -Descending)
$live = ($groups | Measure-Object -Property Bytes -Sum).Sum

Write-Host ('Database {0} on disk, {1} in use; live keys under {2}: {3} in {4} keys.' -f
    [EtcdPS.ByteSize]::Format($status.DbSize), [EtcdPS.ByteSize]::Format($status.DbSizeInUse), $Prefix,
    [EtcdPS.ByteSize]::Format([long]$live), ($groups | Measure-Object -Property Count -Sum).Sum) -ForegroundColor Cyan
Write-Host ('The rest of "in use" is history (old revisions): compaction frees it; DbSize - InUse = {0} is what defragmentation returns.' -f
    [EtcdPS.ByteSize]::Format($status.DbSize - $status.DbSizeInUse)) -ForegroundColor DarkGray

$groups | Select-Object -First $Top Name, Count,
    @{ Name = 'Size'; Expression = { [EtcdPS.ByteSize]::Format($_.Bytes) } },
    @{ Name = 'Percent'; Expression = { '{0:0.0}' -f $_.Percent } },
    @{ Name = 'AvgValue'; Expression = { if ($_.Count) { [EtcdPS.ByteSize]::Format([long]($_.ValueBytes / $_.Count)) } else { '' } } },
    Bytes
