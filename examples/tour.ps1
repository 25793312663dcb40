#!/usr/bin/env pwsh
<#
.SYNOPSIS
A guided walk through etcd on a local 3-member lab: status, who uses the disk, revisions, time travel, watches,
revision rate, metrics, the deep health check and the HTML report, field-level diffs, compaction and defragmentation,
a mounted backup compared with the live cluster, a decoded Kubernetes Deployment, and an outage (a member killed,
another frozen, quorum lost and healed) seen through the health cmdlets.

.DESCRIPTION
The tour starts its own lab (named 'tour', Small seed, background activity) so it never writes to a real cluster,
and stops it at the end. Each step prints one line of explanation and then the objects as PowerShell shows them.
Run it from the repository (it imports ../EtcdPS.psd1 when EtcdPS is not loaded) or anywhere EtcdPS is installed.
build.ps1 -Task Tour runs it with -NonInteractive.

.PARAMETER NonInteractive
Do not wait for Enter between steps.

.EXAMPLE
./examples/tour.ps1
#>
[CmdletBinding()]
param([switch] $NonInteractive)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Get-Command Start-EtcdLab -ErrorAction Ignore)) {
    Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1')
}

$script:step = 0
function Step {
    param([string] $Explanation, [scriptblock] $Show)
    $script:step++
    Write-Host ''
    Write-Host ("[{0,2}] {1}" -f $script:step, $Explanation) -ForegroundColor Cyan
    Write-Host ("     {0}" -f $Show.ToString().Trim()) -ForegroundColor DarkGray
    & $Show | Out-Host
    if (-not $NonInteractive -and [Environment]::UserInteractive) { $null = Read-Host '     (Enter for the next step)' }
}

$backup = $null
$lab = Start-EtcdLab -Name tour -Members 3 -Seed Small -Activity -Port 0 -WarningAction SilentlyContinue
try {
    Write-Host "EtcdPS tour on the lab at $($lab.Endpoints -join ', '): $($lab.KeyCount) keys of a small Kubernetes cluster." -ForegroundColor Green

    Step 'Status of the members: role, version, database size, applied index, and the cluster revision (one counter for every write).' {
        Get-EtcdStatus
    }
    Step 'The members of the cluster, with their ids in hex as etcdctl prints them.' {
        Get-EtcdMember
    }
    Step "Who is using the disk? Keys and bytes per Kubernetes resource (etcdctl get --prefix | wc, done right)." {
        Measure-EtcdKey -Prefix /registry/ -By Resource | Sort-Object Bytes -Descending | Select-Object -First 8
    }
    Step 'How many pods? A count-only read: etcd counts, nothing is transferred.' {
        Get-EtcdKey /registry/pods/ -Prefix -CountOnly
    }
    Step 'One key: CreateRevision made it, ModRevision changed it last (= resourceVersion), Version counts its changes.' {
        Get-EtcdKey /registry/deployments/shop/web | Format-List Key, CreateRevision, ModRevision, Version, Size, ValueKind
    }

    $null = Set-EtcdKey -Key /tour/greeting -Value 'hello'
    $created = Get-EtcdKey /tour/greeting
    Step 'Write a key three more times and watch the counters move: Version +1 per write, ModRevision = the cluster revision of the write.' {
        foreach ($word in 'hello again', 'bonjour', 'hallo') { $null = Set-EtcdKey -Key /tour/greeting -Value $word }
        Get-EtcdKey /tour/greeting | Select-Object Key, Value, CreateRevision, ModRevision, Version
    }
    Step 'Time travel: the same key as it was at its creation revision (MVCC keeps the old versions).' {
        Get-EtcdKey /tour/greeting -Revision $created.ModRevision | Select-Object Key, Value, ModRevision, Version
    }
    Step 'Every stored version of the rolled-out Deployment shop/web, newest first.' {
        Get-EtcdKeyHistory /registry/deployments/shop/web | Select-Object -First 4
    }
    Step 'What each rollout changed, field by field: -Diff decodes the objects (status left out here).' {
        Get-EtcdKeyHistory /registry/deployments/shop/web -Diff -IgnoreField status | Select-Object -First 3
    }
    Step 'A watch resumed from a revision: it replays what happened since, in order, then would go on live.' {
        Watch-EtcdPrefix -Prefix /tour/ -Revision $created.ModRevision -Count 4 | Select-Object Type, Key, Value, ModRevision, Version
    }
    Step 'Revision rate: how fast the cluster writes (the lab runs a background controller).' {
        Measure-EtcdRevisionRate -Duration 00:00:05 | Select-Object Revisions, Duration, PerSecond, PerMinute
    }
    Step "The member's Prometheus metrics: disk latency as histograms with percentiles (etcd wants WAL fsync p99 < 10 ms)." {
        Get-EtcdMetric etcd_disk_wal_fsync_duration_seconds, etcd_disk_backend_commit_duration_seconds
    }
    Step 'The deep health check: quota, fragmentation, disk latency, leader changes, alarms, each with a verdict and what to do.' {
        Test-EtcdHealth -Deep -SampleInterval 00:00:02
    }
    $report = Join-Path ([IO.Path]::GetTempPath()) "etcd-tour-report-$PID.html"
    Step "One HTML page to share (offline, charts included): checks, keyspace treemap, writes by resource. Open $report in a browser." {
        Export-EtcdReport $report -SampleDuration 00:00:05 -Force
    }

    $backup = Save-EtcdSnapshot -Path (Join-Path ([IO.Path]::GetTempPath()) "etcdps-tour-$PID.db") -Force
    $before = Get-EtcdStatus
    Step 'Compaction drops history older than a revision; here all but the last 50 revisions.' {
        Invoke-EtcdCompaction -KeepRevisions 50 -Physical -Confirm:$false
    }
    Step 'Defragmentation gives the freed pages back to the file system, member by member (sizes before and after).' {
        Invoke-EtcdDefragmentation -Confirm:$false
    }
    Step "Database size before compaction and defrag: $([EtcdPS.ByteSize]::Format(($before | Measure-Object DbSize -Maximum).Maximum)); after:" {
        Get-EtcdStatus | Select-Object Endpoint, @{ n = 'DbSize'; e = { [EtcdPS.ByteSize]::Format($_.DbSize) } }, Revision, CompactRevision
    }
    Step 'After compaction the old revision is gone: reading it fails with EtcdRevisionCompacted.' {
        try { Get-EtcdKey /tour/greeting -Revision $created.ModRevision -ErrorAction Stop }
        catch { "Expected: $($_.FullyQualifiedErrorId.Split(',')[0]): $($_.Exception.Message)" }
    }
    Step 'The snapshot saved before the compaction, mounted read-only: the old revision is still in the backup.' {
        $null = Mount-EtcdSnapshot $backup.Path -Name backup
        Get-EtcdKey /tour/greeting -Revision $created.ModRevision -Connection backup | Select-Object Key, Value, ModRevision
    }
    Step 'What changed since the backup, field by field (the lab''s background controller keeps writing).' {
        Compare-EtcdKeyspace -ReferenceConnection backup -DifferenceConnection tour -Prefix /registry/ -Decode -IgnoreField status |
            Select-Object -First 3
        Dismount-EtcdSnapshot backup
    }
    Step 'A Deployment decoded into an object: $d.spec.replicas works, resourceVersion is the ModRevision.' {
        $d = Get-EtcdKey /registry/deployments/shop/web | ConvertFrom-EtcdValue
        [pscustomobject]@{
            Name            = $d.metadata.name
            Namespace       = $d.metadata.namespace
            Replicas        = $d.spec.replicas
            Image           = $d.spec.template.spec.containers[0].image
            ReadyReplicas   = $d.status.readyReplicas
            ResourceVersion = $d.metadata.resourceVersion
        }
    }
    Step 'Get-EtcdKey -Decode lists decoded objects with a one-line summary per kind (Secret data stays masked).' {
        Get-EtcdKey /registry/deployments/shop/ -Prefix -Decode | Format-Table
        Get-EtcdKey /registry/secrets/shop/ -Prefix -Decode -First 1 | Select-Object Key, Kind, Summary, @{ n = 'data'; e = { $_.data } }
    }
    Step 'Practise an outage: kill one member (like a crash). Two of three still form a quorum; status reports the dead one as unreachable.' {
        Stop-EtcdLabMember etcd-2
        Get-EtcdStatus -ErrorAction SilentlyContinue
    }
    Step 'Freeze a second member (SIGSTOP: it hangs, sockets open). The quorum is lost: health checks every member anyway, the survivor has no leader.' {
        Stop-EtcdLabMember etcd-1 -Freeze
        Start-Sleep -Seconds 3
        Test-EtcdHealth | Out-Host
        Get-EtcdLab -Member
    }
    Step 'Bring the members back (the killed one restarts with its data, the frozen one is thawed): the cluster heals.' {
        Start-EtcdLabMember
        Test-EtcdHealth -Quiet
    }
    Write-Host ''
    Write-Host 'Tour done. Read more: Get-Help about_EtcdPS; every cmdlet: Get-Command -Module EtcdPS.' -ForegroundColor Green
}
finally {
    Dismount-EtcdSnapshot -ErrorAction Ignore
    Stop-EtcdLab -Name tour 6>$null
    if ($backup) { Remove-Item $backup.Path -ErrorAction Ignore }
}
