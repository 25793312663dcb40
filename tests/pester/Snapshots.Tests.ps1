# Mount-EtcdSnapshot, Get-EtcdSnapshotInfo, Dismount-EtcdSnapshot and Compare-EtcdKeyspace, as an SRE's restore drill
# drives them: on the lab, with the etcd of ETCDPS_ETCD (3.4 or 3.5) when set, else the one on PATH.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $null = Initialize-EtcdPSTest -Members 0
    $script:etcdPath = @{}
    if ($env:ETCDPS_ETCD) { $script:etcdPath.EtcdPath = $env:ETCDPS_ETCD }
    $script:tmp = [IO.Path]::GetTempPath()
    function Get-MountFolder { @(Get-ChildItem $script:tmp -Filter 'etcdps-snapshot-*' -Directory -ErrorAction SilentlyContinue).FullName }
    function Get-MountProcess { @(Get-Process -ErrorAction SilentlyContinue | Where-Object { $_.CommandLine -like '*etcdps-snapshot-*' }) }

    $script:lab = Start-EtcdLab -Name pester-snap -Seed Small -Port 0 @etcdPath
    $script:file = Join-Path $TestDrive 'nightly.db'
    $script:saved = Save-EtcdSnapshot -Path $script:file
    # The lab as the snapshot has it, recorded before anything changes.
    $script:countThen = Get-EtcdKey '' -Prefix -CountOnly
    $script:webThen = Get-EtcdKey /registry/deployments/shop/web | ConvertFrom-EtcdValue -AsJson
    $script:historyThen = @(Get-EtcdKeyHistory /registry/deployments/shop/web).Count
    $configMaps = @(Get-EtcdKey /registry/configmaps/shop/ -Prefix)
    $script:deleted = $configMaps[0].Key
    $script:added = '/registry/configmaps/shop/pester-added'

    # Adds, edits, deletes and a compaction on the live lab.
    $new = ($configMaps[1] | ConvertFrom-EtcdValue -AsJson) -replace [regex]::Escape("`"name`": `"$($configMaps[1].Name)`""), '"name": "pester-added"'
    Set-EtcdKey $script:added -Value $new -Force -Confirm:$false -WarningAction SilentlyContinue
    $web = Get-EtcdKey /registry/deployments/shop/web | ConvertFrom-EtcdValue -AsJson | ConvertFrom-Json
    $web.spec.replicas = 7
    Set-EtcdKey /registry/deployments/shop/web -Value ($web | ConvertTo-Json -Depth 50) -Force -Confirm:$false -WarningAction SilentlyContinue
    Remove-EtcdKey $script:deleted -Force -Confirm:$false -WarningAction SilentlyContinue
    $null = Invoke-EtcdCompaction -KeepRevisions 2 -Confirm:$false

    $script:foldersBefore = Get-MountFolder
    $script:mounted = Mount-EtcdSnapshot $script:file -Name nightly @etcdPath
}

AfterAll {
    Dismount-EtcdSnapshot -ErrorAction SilentlyContinue
    Stop-EtcdLab -Name pester-snap -ErrorAction SilentlyContinue
    Complete-EtcdPSTest
}

Describe 'Mount-EtcdSnapshot' {
    It 'registers a read-only connection like Connect-Etcd''s, without taking the default' {
        $script:mounted | Should -BeOfType ([EtcdPS.EtcdConnection])
        $script:mounted.Name | Should -Be 'nightly'
        $script:mounted.IsReadOnly | Should -BeTrue
        $script:mounted.SnapshotPath | Should -Be $script:file
        (Get-EtcdConnection nightly).IsReadOnly | Should -BeTrue
        (Get-EtcdConnection | Where-Object IsDefault).Name | Should -Be 'pester-snap'
    }

    It 'serves the keys, a decoded object and the history the lab had at the snapshot''s revision' {
        Get-EtcdKey '' -Prefix -CountOnly -Connection nightly | Should -Be $script:countThen
        (Get-EtcdStatus -Connection nightly).Revision | Should -Be $script:saved.Revision
        Get-EtcdKey /registry/deployments/shop/web -Connection nightly | ConvertFrom-EtcdValue -AsJson | Should -Be $script:webThen
        @(Get-EtcdKeyHistory /registry/deployments/shop/web -Connection nightly).Count | Should -Be $script:historyThen
        (Get-EtcdKey /registry/deployments/shop/web -Decode -Connection nightly).spec.replicas | Should -Not -Be 7
    }

    It 'refuses every write with EtcdSnapshotReadOnly' {
        $writes = @(
            { Set-EtcdKey /pester/x y -Connection nightly -ErrorAction Stop }
            # Under a Kubernetes object's key a plain value is refused too; the read-only refusal comes first.
            { Set-EtcdKey /registry/configmaps/shop/x -Value y -Connection nightly -ErrorAction Stop }
            { Get-EtcdKey /registry/deployments/shop/web -Decode -Connection nightly | Set-EtcdKey -Connection nightly -Force -Confirm:$false -ErrorAction Stop }
            { Remove-EtcdKey /registry/deployments/shop/web -Force -Confirm:$false -Connection nightly -ErrorAction Stop -WarningAction SilentlyContinue }
            { Invoke-EtcdCompaction -KeepRevisions 1 -Confirm:$false -Connection nightly -ErrorAction Stop }
            { Invoke-EtcdDefragmentation -Confirm:$false -Connection nightly -ErrorAction Stop }
            { Clear-EtcdAlarm -Confirm:$false -Connection nightly -ErrorAction Stop }
        )
        foreach ($write in $writes) {
            $caught = $null
            try { & $write } catch { $caught = $_ }
            $caught | Should -Not -BeNullOrEmpty -Because "$write must fail"
            $caught.FullyQualifiedErrorId | Should -BeLike 'EtcdSnapshotReadOnly,*'
        }
        Get-EtcdKey /pester/x -Connection nightly -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'completes mounted names for -Connection and for Dismount-EtcdSnapshot' {
        foreach ($line in 'Get-EtcdKey / -Connection nigh', 'Compare-EtcdKeyspace -ReferenceConnection nigh') {
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'nightly'
        }
        $line = 'Dismount-EtcdSnapshot '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('nightly')
    }
}

Describe 'Compare-EtcdKeyspace' {
    It 'reports exactly the adds, edits and deletes made since the snapshot, with both revisions' {
        $diff = @(Compare-EtcdKeyspace -ReferenceConnection nightly -DifferenceConnection pester-snap -Decode)
        $diff | Should -HaveCount 3
        $added = $diff | Where-Object ChangeType -eq Added
        $added.Key | Should -Be $script:added
        $added.ReferenceModRevision | Should -Be 0
        $added.Diff | Should -Be '+ ConfigMap shop/pester-added'
        $removed = $diff | Where-Object ChangeType -eq Removed
        $removed.Key | Should -Be $script:deleted
        $removed.DifferenceModRevision | Should -Be 0
        $changed = $diff | Where-Object ChangeType -eq Changed
        $changed.Key | Should -Be /registry/deployments/shop/web
        $changed.Changes.Path | Should -Be @('spec.replicas')
        $changed.Diff | Should -Match '^spec\.replicas: \d+ → 7$'
        $changed.ReferenceModRevision | Should -BeLessThan $changed.DifferenceModRevision
        $changed.ReferenceRevision | Should -Be $script:saved.Revision
        ($diff | Out-String) | Should -Match 'spec\.replicas: \d+ → 7'
    }

    It 'compares two revisions of one cluster, and -ChangeType filters' {
        $now = (Get-EtcdStatus)[0].Revision
        # The last write was the delete; the compaction kept the two newest revisions.
        $diff = @(Compare-EtcdKeyspace pester-snap pester-snap -ReferenceRevision ($now - 1) -DifferenceRevision $now)
        $diff.Key | Should -Be @($script:deleted)
        $diff.ChangeType | Should -Be 'Removed'
        $diff.ReferenceRevision | Should -Be ($now - 1)
        $diff.DifferenceRevision | Should -Be $now
        @(Compare-EtcdKeyspace nightly pester-snap -ChangeType Added, Changed).Key | Should -Be @('/registry/configmaps/shop/pester-added', '/registry/deployments/shop/web')
    }
}

Describe 'Get-EtcdSnapshotInfo' {
    It 'tells revision, keys, hash, trailer, version and the Kubernetes resources, leaving nothing running' {
        $before = Get-MountFolder
        $info = Get-EtcdSnapshotInfo $script:file @etcdPath
        $info.Revision | Should -Be $script:saved.Revision
        $info.TotalKeys | Should -Be $script:countThen
        $info.HasHashTrailer | Should -BeTrue
        $info.HashValid | Should -BeTrue
        $info.Sha256 | Should -Be $script:saved.Sha256
        $info.EtcdVersion | Should -Match '^3\.\d+\.\d+$'
        ($info.Resources | Where-Object Name -eq 'deployments.apps').Count | Should -Be (Get-EtcdKey /registry/deployments/ -Prefix -CountOnly -Connection nightly)
        $info.RestoreTool | Should -BeIn @('etcdutl', 'etcdctl')
        Get-MountFolder | Should -Be $before
    }
}

Describe 'Bad snapshot files' {
    BeforeAll {
        $bytes = [IO.File]::ReadAllBytes($script:file)
        $script:truncated = Join-Path $TestDrive 'truncated.db'
        [IO.File]::WriteAllBytes($script:truncated, $bytes[0..($bytes.Length - 5001)])
        $script:text = Join-Path $TestDrive 'notes.txt'
        Set-Content $script:text 'these are not the keys you are looking for'
        $script:noTrailer = Join-Path $TestDrive 'member-db'
        [IO.File]::WriteAllBytes($script:noTrailer, $bytes[0..($bytes.Length - 33)])
        $script:corrupt = Join-Path $TestDrive 'corrupt.db'
        $flipped = [byte[]]$bytes.Clone()
        $flipped[8192] = $flipped[8192] -bxor 0xff
        [IO.File]::WriteAllBytes($script:corrupt, $flipped)
    }

    It '<Case> gives <ErrorId> and leaves nothing running or on disk' -ForEach @(
        @{ Case = 'a truncated file'; File = 'truncated.db'; ErrorId = 'EtcdSnapshotTruncated' }
        @{ Case = 'a text file'; File = 'notes.txt'; ErrorId = 'EtcdSnapshotNotEtcd' }
        @{ Case = 'a missing file'; File = 'missing.db'; ErrorId = 'EtcdSnapshotNotFound' }
        @{ Case = 'a file whose trailer does not match'; File = 'corrupt.db'; ErrorId = 'EtcdSnapshotChecksumMismatch' }
        @{ Case = 'a db without a trailer'; File = 'member-db'; ErrorId = 'EtcdSnapshotNoHashTrailer' }
    ) {
        $folders = Get-MountFolder
        $processes = (Get-MountProcess).Id
        { Mount-EtcdSnapshot (Join-Path $TestDrive $File) -Name bad @etcdPath -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,EtcdPS.Commands.Snapshots.MountEtcdSnapshotCommand"
        Get-EtcdConnection bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-MountFolder | Should -Be $folders
        (Get-MountProcess).Id | Should -Be $processes
    }

    It 'mounts a db without a trailer with -SkipHashCheck, and Get-EtcdSnapshotInfo says it has none' {
        $db = Mount-EtcdSnapshot $script:noTrailer -Name datadir -SkipHashCheck @etcdPath
        Get-EtcdKey '' -Prefix -CountOnly -Connection datadir | Should -Be $script:countThen
        Dismount-EtcdSnapshot datadir
        $db.IsClosed | Should -BeTrue
        $info = Get-EtcdSnapshotInfo $script:noTrailer @etcdPath
        $info.HasHashTrailer | Should -BeFalse
        $info.HashValid | Should -BeNullOrEmpty
    }

    It 'Get-EtcdSnapshotInfo reports bad files as errors and goes on with the next' {
        $info = Get-EtcdSnapshotInfo $script:text, $script:file @etcdPath -ErrorVariable failed -ErrorAction SilentlyContinue
        $info.Path | Should -Be $script:file
        $failed.FullyQualifiedErrorId | Should -BeLike 'EtcdSnapshotNotEtcd,*'
    }
}

Describe 'Dismount-EtcdSnapshot' {
    It 'stops the member and deletes the restored copy' {
        $folders = Get-MountFolder
        $folders | Should -Not -BeNullOrEmpty
        Get-MountProcess | Should -Not -BeNullOrEmpty
        Dismount-EtcdSnapshot nightly
        Get-EtcdConnection nightly -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-MountFolder | Should -Be $script:foldersBefore
        Get-MountProcess | Should -BeNullOrEmpty
        { Dismount-EtcdSnapshot nightly -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdSnapshotNotMounted,EtcdPS.Commands.Snapshots.DismountEtcdSnapshotCommand'
    }

    It 'is done by pwsh exit too' {
        $script = "Import-Module '$(Join-Path (Get-RepoRoot) 'EtcdPS.psd1')'; `$m = Mount-EtcdSnapshot '$script:file' -Name exiting $(if ($env:ETCDPS_ETCD) { "-EtcdPath '$env:ETCDPS_ETCD'" }); `$m.Endpoints[0]; exit 0"
        $run = Invoke-ChildPwsh -Script $script
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match 'http://127\.0\.0\.1:\d+'
        Start-Sleep -Milliseconds 500
        Get-MountFolder | Should -Be $script:foldersBefore
        Get-MountProcess | Should -BeNullOrEmpty
    }
}
