#!/usr/bin/env pwsh
<#
.SYNOPSIS
The etcd deep dive's troubleshooting for operator authors: did my change reach etcd, and are controllers fighting
over a resource (its Version climbing fast)?

.DESCRIPTION
Part 1 reads the object's key: ModRevision (= resourceVersion), Version, and, decoded, metadata.generation against
status.observedGeneration: if the spec change is in etcd but observedGeneration lags, your controller has not
reconciled it yet; if the key did not change, the write never reached the API server's storage.
Part 2 watches a prefix for a while and ranks keys by writes: a key rewritten every few hundred milliseconds with
alternating content is two controllers undoing each other. The last versions of the top key are shown with what
changed between them.

.EXAMPLE
./examples/operator-debug.ps1 -Key /registry/demo.mycompany.com/simpleapps/shop/demo-web -Prefix /registry/demo.mycompany.com/

.EXAMPLE
Start-EtcdLab -Activity; ./examples/operator-debug.ps1      # the lab has two controllers fighting over shop/demo-web
#>
[CmdletBinding()]
param(
    [string] $Key = '/registry/demo.mycompany.com/simpleapps/shop/demo-web',
    [string] $Prefix = '/registry/',
    [TimeSpan] $WatchFor = '00:00:10',
    [int] $Top = 5
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not (Get-Command Watch-EtcdPrefix -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1')
}

Write-Host "1. Did my change reach etcd? $Key" -ForegroundColor Cyan
$kv = Get-EtcdKey $Key
if (-not $kv) {
    Write-Host "   The key does not exist: the object was never stored, or was deleted." -ForegroundColor Yellow
}
else {
    $object = $kv | ConvertFrom-EtcdValue
    $generation = $object.metadata.generation
    $observed = if ($object.PSObject.Properties['status'] -and $object.status -and $object.status.PSObject.Properties['observedGeneration']) { $object.status.observedGeneration } else { $null }
    [pscustomobject]@{
        Key                = $kv.Key
        ModRevision        = $kv.ModRevision
        ResourceVersion    = $object.metadata.resourceVersion
        Version            = $kv.Version
        Generation         = $generation
        ObservedGeneration = $observed
        Verdict            = if ($null -eq $observed) { 'no status.observedGeneration: check the controller logs' }
                             elseif ($observed -lt $generation) { 'spec change stored, not reconciled yet' }
                             else { 'stored and reconciled' }
    } | Format-List | Out-Host
}

Write-Host "2. Who is writing under $Prefix ? Watching for $($WatchFor.TotalSeconds) s..." -ForegroundColor Cyan
$events = @(Watch-EtcdPrefix -Prefix $Prefix -Timeout $WatchFor)
$hot = $events | Group-Object Key | Sort-Object Count -Descending | Select-Object -First $Top
$hot | Select-Object Count, Name, @{ n = 'PerMinute'; e = { [math]::Round($_.Count * 60 / $WatchFor.TotalSeconds, 1) } },
    @{ n = 'Version'; e = { ($_.Group | Select-Object -Last 1).Version } } | Format-Table -AutoSize | Out-Host

if ($hot) {
    $hottest = @($hot)[0]
    $distinct = @($hottest.Group | ForEach-Object { $_.Value } | Select-Object -Unique).Count
    if ($hottest.Count -ge 4 -and $distinct -le [math]::Max(2, $hottest.Count / 2)) {
        Write-Host ("   {0} was written {1} times with only {2} distinct values: controllers are probably fighting over it." -f $hottest.Name, $hottest.Count, $distinct) -ForegroundColor Yellow
    }
    Write-Host "   Its last versions and what changed between them:" -ForegroundColor Cyan
    Get-EtcdKeyHistory $hottest.Name -Diff | Select-Object -First 4 | Format-List | Out-Host
}
