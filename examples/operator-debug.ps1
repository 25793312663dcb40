#!/usr/bin/env pwsh
<#
.SYNOPSIS
The etcd deep dive's troubleshooting for operator authors: did my change reach etcd, and are controllers fighting
over a resource (its Version climbing fast)?

.DESCRIPTION
Part 1 reads the object's key: ModRevision (= resourceVersion), Version, and, decoded, metadata.generation against
status.observedGeneration: if the spec change is in etcd but observedGeneration lags, your controller has not
reconciled it yet; if the key did not change, the write never reached the API server's storage.
Part 2 watches a prefix for a while (with the previous values) and ranks keys by writes, naming for each write the
field manager that made it (from the object's managedFields). A key whose writes alternate between two or more
managers is controllers undoing each other: the script names the key and the managers. A key written often by one
manager (a kubelet heartbeat, a status update) is busy, not fought over. The last versions of each fought-over key
are shown with what changed between them. With -PassThru the findings are also returned as an object.

.EXAMPLE
./examples/operator-debug.ps1 -Key /registry/demo.mycompany.com/simpleapps/shop/demo-web -Prefix /registry/demo.mycompany.com/

.EXAMPLE
Start-EtcdLab -Activity; ./examples/operator-debug.ps1      # the lab's replica-tuner and demo-operator fight over shop/demo-web
#>
[CmdletBinding()]
param(
    [string] $Key = '/registry/demo.mycompany.com/simpleapps/shop/demo-web',
    [string] $Prefix = '/registry/',
    [TimeSpan] $WatchFor = '00:00:10',
    [int] $Top = 5,
    [switch] $PassThru
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not (Get-Command Watch-EtcdPrefix -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1')
}

Write-Host "1. Did my change reach etcd? $Key" -ForegroundColor Cyan
$kv = Get-EtcdKey $Key
$verdict = 'the key does not exist'
if (-not $kv) {
    Write-Host "   The key does not exist: the object was never stored, or was deleted." -ForegroundColor Yellow
}
else {
    $object = $kv | ConvertFrom-EtcdValue
    $generation = $object.metadata.generation
    $observed = if ($object.PSObject.Properties['status'] -and $object.status -and $object.status.PSObject.Properties['observedGeneration']) { $object.status.observedGeneration } else { $null }
    $verdict = if ($null -eq $observed) { 'no status.observedGeneration: check the controller logs' }
               elseif ($observed -lt $generation) { 'spec change stored, not reconciled yet' }
               else { 'stored and reconciled' }
    [pscustomobject]@{
        Key                = $kv.Key
        ModRevision        = $kv.ModRevision
        ResourceVersion    = $object.metadata.resourceVersion
        Version            = $kv.Version
        Generation         = $generation
        ObservedGeneration = $observed
        Verdict            = $verdict
    } | Format-List | Out-Host
}

Write-Host "2. Who is writing under $Prefix ? Watching for $($WatchFor.TotalSeconds) s..." -ForegroundColor Cyan
$events = @(Watch-EtcdPrefix -Prefix $Prefix -Timeout $WatchFor -PrevKv -EventType Put)
$hot = $events | Group-Object Key | Sort-Object Count -Descending | Select-Object -First $Top
$hot | Select-Object Count, Name, @{ n = 'PerMinute'; e = { [math]::Round($_.Count * 60 / $WatchFor.TotalSeconds, 1) } },
    @{ n = 'Managers'; e = { ($_.Group.Manager | Where-Object { $_ } | Select-Object -Unique) -join ', ' } } | Format-Table -AutoSize | Out-Host

# A fight: the writes to one key come from two or more managers that take turns (A B A B ...), each more than once.
$fights = foreach ($entry in $hot) {
    $managers = @($entry.Group.Manager | Where-Object { $_ -and $_ -notlike '(*' })
    $distinct = @($managers | Select-Object -Unique)
    $turns = 0
    for ($i = 1; $i -lt $managers.Count; $i++) { if ($managers[$i] -ne $managers[$i - 1]) { $turns++ } }
    $each = $distinct | ForEach-Object { $m = $_; @($managers | Where-Object { $_ -eq $m }).Count }
    if ($distinct.Count -ge 2 -and $turns -ge 3 -and ($each | Measure-Object -Minimum).Minimum -ge 2) {
        [pscustomobject]@{ Key = $entry.Name; Writes = $entry.Count; Managers = $distinct; Turns = $turns }
    }
}

if (-not $fights) {
    Write-Host '   No key is written by controllers taking turns: nothing is fought over.' -ForegroundColor Green
}

foreach ($fight in $fights) {
    Write-Host ("   {0} is fought over: {1} take turns ({2} writes, {3} hand-overs)." -f $fight.Key, ($fight.Managers -join ' and '), $fight.Writes, $fight.Turns) -ForegroundColor Yellow
    Write-Host "   Its last versions and what changed between them:" -ForegroundColor Cyan
    Get-EtcdKeyHistory $fight.Key -Diff | Select-Object -First 4 | Format-List | Out-Host
}

if ($PassThru) {
    [pscustomobject]@{ Key = $Key; Verdict = $verdict; Fights = @($fights) }
}
