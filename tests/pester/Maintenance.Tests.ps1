BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("etcdps-pester-maint-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $script:work

    function Get-Listing {
        # Every key with all its revisions, and the cluster revision: identical before and after means nothing changed.
        $body = @{ key = 'AA=='; range_end = 'AA==' } | ConvertTo-Json
        $r = Invoke-RestMethod -Method Post -Uri "$($script:etcd.Endpoint)/v3/kv/range" -Body $body -ContentType 'application/json'
        ($r.kvs | ConvertTo-Json -Compress -Depth 3) + "@" + $r.header.revision
    }
}

AfterAll {
    Complete-EtcdPSTest $script:etcd
    if ($script:work) { Remove-Item -LiteralPath $script:work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Guarded writes' {
    BeforeEach { Connect-Etcd -Endpoint $script:etcd.Endpoint }

    It 'Set-EtcdKey -PassThru returns the previous value, which undoes the write' {
        Set-EtcdKey /pester/w/a 'first'
        $old = Set-EtcdKey /pester/w/a 'oops' -PassThru
        $old | Should -BeOfType ([EtcdPS.EtcdKeyValue])
        $old.Value | Should -Be 'first'
        $old | Set-EtcdKey
        (Set-EtcdKey /pester/w/a 'check' -PassThru).Value | Should -Be 'first'
    }

    It 'A stale write is refused with EtcdStaleWrite' {
        $before = Set-TestKey -Endpoint $script:etcd.Endpoint -Key /pester/w/cas -Value one
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key /pester/w/cas -Value two
        { Set-EtcdKey /pester/w/cas three -ExpectedModRevision $before -ErrorAction Stop } |
            Should -Throw -ErrorId 'EtcdStaleWrite*'
    }

    It 'Create-only refuses an existing key with EtcdKeyExists' {
        Set-EtcdKey /pester/w/once 'x'
        { Set-EtcdKey /pester/w/once 'y' -ExpectedVersion 0 -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdKeyExists*'
    }

    It 'Piped keys are removed; -WhatIf changes nothing' {
        1..3 | ForEach-Object { Set-EtcdKey "/pester/w/pipe/$_" "v$_" }
        $before = Get-Listing
        [pscustomobject]@{ Key = '/pester/w/pipe/1' }, [pscustomobject]@{ Key = '/pester/w/pipe/2' } | Remove-EtcdKey -WhatIf
        Remove-EtcdKey /pester/w/pipe/ -Prefix -WhatIf
        Get-Listing | Should -Be $before
        $gone = Remove-EtcdKey /pester/w/pipe/ -Prefix -PassThru -Confirm:$false
        $gone.Key | Should -Be @('/pester/w/pipe/1', '/pester/w/pipe/2', '/pester/w/pipe/3')
        $gone.Value | Should -Be @('v1', 'v2', 'v3')
    }

    It 'A Kubernetes key needs -Force in a non-interactive session and warns' {
        # A fresh runspace has no console host: non-interactive even when this Pester run sits at a console.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($Manifest, $Endpoint)
                Import-Module $Manifest
                Connect-Etcd $Endpoint | Out-Null
                Set-EtcdKey /registry/secrets/default/x 'y' -Raw
            }).AddArgument((Join-Path (Get-RepoRoot) 'EtcdPS.psd1')).AddArgument($script:etcd.Endpoint)
            $null = $ps.Invoke()
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'EtcdKubernetesWriteNeedsForce*'
            $ps.Streams.Warning[0].Message | Should -Match 'bypasses the API server'
        }
        finally { $ps.Dispose() }

        Set-EtcdKey /registry/secrets/default/x 'y' -Raw -Force -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -Match 'bypasses the API server'
        (Remove-EtcdKey /registry/secrets/default/x -Force -PassThru -WarningAction SilentlyContinue).Value | Should -Be 'y'
    }
}

Describe 'Maintenance: snapshot, compact, defrag, alarms' {
    BeforeEach { Connect-Etcd -Endpoint $script:etcd.Endpoint }

    It 'The safe recipe runs end to end' {
        1..20 | ForEach-Object { Set-EtcdKey "/pester/m/$_" ('x' * 2000) }
        $file = Join-Path $script:work 'before-compact.db'
        $snap = Save-EtcdSnapshot -Path $file
        $snap.Size | Should -Be (Get-Item $file).Length
        Test-Path "$file.part" | Should -BeFalse
        $status = & etcdctl snapshot status $file -w json | ConvertFrom-Json
        $status.revision | Should -BeGreaterOrEqual $snap.Revision

        $result = Invoke-EtcdCompaction -KeepRevisions 5 -Physical -Confirm:$false
        $result | Should -BeOfType ([EtcdPS.EtcdCompactionResult])
        (Get-EtcdStatus).CompactRevision | Should -Be $result.CompactRevision

        $defrag = Invoke-EtcdDefragmentation -Confirm:$false
        $defrag.DbSizeAfter | Should -Be (Get-EtcdStatus).DbSize
        Get-EtcdAlarm | Should -BeNullOrEmpty
    }

    It 'Save-EtcdSnapshot leaves an existing file alone without -Force' {
        $file = Join-Path $script:work 'keep.db'
        Set-Content -Path $file -Value 'keep me'
        { Save-EtcdSnapshot -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdFileExists*'
        Get-Content $file | Should -Be 'keep me'
    }

    It 'Save-EtcdSnapshot -Endpoint takes a member name like Invoke-EtcdDefragmentation, and says which members there are' {
        $file = Join-Path $script:work 'by-name.db'
        $snap = Save-EtcdSnapshot -Path $file -Endpoint etcd-0
        $snap.Endpoint | Should -Be $script:etcd.Endpoint
        $snap.Size | Should -Be (Get-Item $file).Length
        (Invoke-EtcdDefragmentation -Endpoint etcd-0 -Confirm:$false).Endpoint | Should -Be $snap.Endpoint

        $missing = Join-Path $script:work 'no-member.db'
        $e = { Save-EtcdSnapshot -Path $missing -Endpoint etcd-7 -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdEndpointNotMember,*' -PassThru
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.TargetObject | Should -Be 'etcd-7'
        $e.Exception.Message | Should -BeLike "*'etcd-7' is neither a member name nor a client URL*etcd-0 $($script:etcd.Endpoint)*"
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*Get-EtcdMember*'
        Test-Path $missing | Should -BeFalse
    }

    It '-WhatIf on compaction and defragmentation changes nothing' {
        Set-EtcdKey /pester/m/whatif 1
        Set-EtcdKey /pester/m/whatif 2
        $before = Get-Listing
        $compact = (Get-EtcdStatus).CompactRevision
        Invoke-EtcdCompaction -KeepRevisions 1 -WhatIf
        Invoke-EtcdDefragmentation -WhatIf
        Clear-EtcdAlarm -WhatIf
        Get-Listing | Should -Be $before
        (Get-EtcdStatus).CompactRevision | Should -Be $compact
    }

    It 'Compacting to a future revision fails with EtcdFutureRevision' {
        { Invoke-EtcdCompaction -Revision 99999999 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdFutureRevision*'
    }

    It 'Get-EtcdLease shows a lease with its keys' {
        $env:ETCDCTL_API = '3'
        $grant = & etcdctl --endpoints $script:etcd.Endpoint lease grant 120
        $hex = ($grant -split ' ')[1]
        Set-EtcdKey /pester/m/leased 'v' -Lease ([Convert]::ToInt64($hex, 16))
        $lease = Get-EtcdLease -Id $hex -Keys
        $lease.HexId | Should -Be $hex
        $lease.GrantedTTL | Should -Be 120
        $lease.Keys | Should -Be '/pester/m/leased'
    }
}
