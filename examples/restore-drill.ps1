#!/usr/bin/env pwsh
<#
.SYNOPSIS
A monthly restore drill: save a snapshot, prove it restores, and show what changed on the live cluster since.

.DESCRIPTION
Backups nobody ever restored are hopes, not backups. This drill does what an SRE would do by hand, in a form a
scheduler can run:
  1. saves a snapshot of the cluster (Save-EtcdSnapshot: verified with etcd's sha256 before it gets its name);
  2. checks the file (Get-EtcdSnapshotInfo: trailer valid, revision, keys, resources);
  3. mounts it read-only (Mount-EtcdSnapshot: a real restore with etcdutl/etcdctl and a throwaway etcd member);
  4. checks that the restored copy has the same number of keys as the live cluster at the snapshot's revision, and
     that one object decodes the same on both sides;
  5. compares the backup with the live cluster (Compare-EtcdKeyspace): what changed since the save;
  6. dismounts (nothing left running or on disk) and writes one result object; the exit code is 0 when the drill
     passed, 1 when it failed.
With -Lab the drill runs on a throwaway lab with background activity, so there is something to compare.

.PARAMETER Endpoint
The cluster's endpoints; by default the session's connection or the ETCDCTL_* variables.

.PARAMETER BackupFolder
Where to write the snapshot (it is kept: it is the backup). The temp folder by default.

.PARAMETER Prefix
The key prefix to compare; /registry/ (Kubernetes) by default.

.PARAMETER Lab
Run on a local lab instead of a cluster.

.EXAMPLE
./examples/restore-drill.ps1 -Lab

.EXAMPLE
pwsh -File ./examples/restore-drill.ps1 -Endpoint https://10.0.0.5:2379 -BackupFolder /var/backups/etcd
#>
[CmdletBinding()]
param(
    [string[]] $Endpoint,
    [string] $BackupFolder = [IO.Path]::GetTempPath(),
    [string] $Prefix = '/registry/',
    [switch] $Lab
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not (Get-Command Mount-EtcdSnapshot -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1')
}

$labName = "drill-$PID"
$mountName = "drill-backup-$PID"
$result = [ordered]@{ Passed = $false; Snapshot = $null; Revision = 0; Keys = 0; RestoredKeys = 0; Added = 0; Removed = 0; Changed = 0; Problems = @() }
try {
    if ($Lab) {
        $null = Start-EtcdLab -Name $labName -Seed Small -Activity -Port 0 -WarningAction SilentlyContinue
        $live = Get-EtcdConnection $labName
    }
    elseif ($Endpoint) {
        $live = Connect-Etcd -Endpoint $Endpoint -Name "drill-live-$PID" -PassThru
    }
    else {
        $live = Get-EtcdConnection | Where-Object IsDefault
        if (-not $live) { throw 'No connection: give -Endpoint, connect first, or use -Lab.' }
    }

    # 1. Save.
    $file = Join-Path $BackupFolder ("etcd-{0:yyyyMMdd-HHmmss}.db" -f (Get-Date))
    $saved = Save-EtcdSnapshot -Path $file -Connection $live
    $result.Snapshot = $saved.Path
    $result.Revision = $saved.Revision

    # 2. Check the file.
    $info = Get-EtcdSnapshotInfo $saved.Path
    if (-not $info.HashValid) { $result.Problems += 'the sha256 trailer does not match' }

    # 3. Mount (a real restore).
    $backup = Mount-EtcdSnapshot $saved.Path -Name $mountName

    # 4. Same keys as the live cluster at the snapshot's revision, and one object decodes the same.
    $result.RestoredKeys = Get-EtcdKey '' -Prefix -CountOnly -Connection $backup
    try {
        $result.Keys = Get-EtcdKey '' -Prefix -CountOnly -Revision $info.Revision -Connection $live
        if ($result.Keys -ne $result.RestoredKeys) { $result.Problems += "the backup has $($result.RestoredKeys) keys, the cluster had $($result.Keys)" }
    }
    catch { $result.Problems += "the snapshot's revision is already compacted on the cluster: $($_.Exception.Message)" }
    $sample = Get-EtcdKey $Prefix -Prefix -First 1 -Revision $info.Revision -Connection $backup
    if ($sample) {
        $then = Get-EtcdKey $sample.Key -Revision $info.Revision -Connection $live
        if ($then.Value -ne $sample.Value -or -not [Linq.Enumerable]::SequenceEqual([byte[]]$then.RawValue, [byte[]]$sample.RawValue)) {
            $result.Problems += "$($sample.Key) differs between the backup and the cluster at revision $($info.Revision)"
        }
    }

    # 5. What changed since the save.
    $changes = @(Compare-EtcdKeyspace -ReferenceConnection $backup -DifferenceConnection $live -Prefix $Prefix)
    foreach ($type in 'Added', 'Removed', 'Changed') { $result[$type] = @($changes | Where-Object ChangeType -eq $type).Count }
    $result.Passed = $result.Problems.Count -eq 0
}
catch {
    $result.Problems += $_.Exception.Message
}
finally {
    # 6. Nothing left running or on disk (the snapshot file stays: it is the backup).
    Dismount-EtcdSnapshot $mountName -ErrorAction Ignore
    if ($Lab) { Stop-EtcdLab -Name $labName -ErrorAction Ignore }
    elseif ($Endpoint) { Disconnect-Etcd "drill-live-$PID" -ErrorAction Ignore }
}

[pscustomobject]$result
if (-not $result.Passed) { exit 1 }
