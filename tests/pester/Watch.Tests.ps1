BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest
}

AfterAll {
    Complete-EtcdPSTest $script:etcd
}

Describe 'Watch-EtcdPrefix' {
    BeforeEach {
        Connect-Etcd -Endpoint $script:etcd.Endpoint
    }

    It 'replays the changes from a revision, in order, and stops at -Count' {
        $start = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-watch/a' -Value '1'
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-watch/b' -Value '2'
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-watch/a' -Value '3'
        $events = Watch-EtcdPrefix /pester-watch/ -Revision $start -PrevKv -Count 3
        $events | Should -HaveCount 3
        $events[0] | Should -BeOfType ([EtcdPS.EtcdWatchEvent])
        $events.Key | Should -Be @('/pester-watch/a', '/pester-watch/b', '/pester-watch/a')
        $events.ModRevision | Should -Be @($start, ($start + 1), ($start + 2))
        $events[2].PrevValue | Should -Be '1'
        $events[2].Version | Should -Be 2
    }

    It 'ends cleanly with -Timeout when nothing happens' {
        $events = Watch-EtcdPrefix /pester-nothing/ -Timeout 00:00:01 -ErrorVariable failed -WarningVariable w
        $events | Should -BeNullOrEmpty
        $failed | Should -BeNullOrEmpty
        $w | Should -BeNullOrEmpty -Because 'a prefix with its / that has no keys yet is a normal watch'
    }

    It 'warns at the start when the prefix lacks the leading / the keys have, or holds a wildcard' {
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-slash/a' -Value '1'
        Watch-EtcdPrefix pester-slash/ -Timeout 00:00:01 -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$w" | Should -BeLike "*'/pester-slash/' has keys*Try Watch-EtcdPrefix '/pester-slash/'*"
        Watch-EtcdPrefix '/pester-slash/*' -Timeout 00:00:01 -WarningVariable s -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$s" | Should -BeLike "*Watch-EtcdPrefix reads keys literally*"
    }

    It 'stops with Select-Object -First' {
        $start = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-first/1' -Value 'x'
        2..5 | ForEach-Object { $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key "/pester-first/$_" -Value 'x' }
        (Watch-EtcdPrefix /pester-first/ -Revision $start | Select-Object -First 2).Key | Should -Be @('/pester-first/1', '/pester-first/2')
    }

    It 'fails with EtcdRevisionCompacted naming the oldest revision' {
        $old = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-compact/k' -Value '1'
        $keep = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-compact/k' -Value '2'
        $body = @{ revision = $keep; physical = $true } | ConvertTo-Json
        $null = Invoke-RestMethod -Method Post -Uri "$($script:etcd.Endpoint)/v3/kv/compaction" -Body $body -ContentType 'application/json'
        { Watch-EtcdPrefix /pester-compact/ -Revision $old -Timeout 00:00:05 -ErrorAction Stop } |
            Should -Throw -ErrorId 'EtcdRevisionCompacted,EtcdPS.Commands.Watch.WatchEtcdPrefixCommand' -ExpectedMessage "*oldest revision still available is $keep*"
    }
}

Describe 'Time travel' {
    BeforeEach {
        Connect-Etcd -Endpoint $script:etcd.Endpoint
    }

    It 'Get-EtcdKeyHistory -Diff tells a rewrite of the same bytes from a change only in fields left out of the diff' {
        $k = '/pester-history/quiet'
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key $k -Value '{"metadata":{"name":"q","resourceVersion":"1"},"spec":{"x":1}}'
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key $k -Value '{"metadata":{"name":"q","resourceVersion":"2"},"spec":{"x":1}}'
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key $k -Value '{"metadata":{"name":"q","resourceVersion":"2"},"spec":{"x":1}}'
        $text = Get-EtcdKeyHistory $k -Diff | Out-String -Width 200
        $text | Should -Match '(?s)v3\s+\(no change: the same bytes were written again\).*v2\s+\(changed only in fields left out of the diff\)'
        $text | Should -Not -Match '\(no change\)'
    }

    It 'Get-EtcdKeyHistory lists the versions newest first, with the deletion' {
        $v1 = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-history/k' -Value 'one'
        $v2 = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-history/k' -Value 'two'
        $del = [long] (Invoke-RestMethod -Method Post -Uri "$($script:etcd.Endpoint)/v3/kv/deleterange" -ContentType 'application/json' `
                -Body (@{ key = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('/pester-history/k')) } | ConvertTo-Json)).header.revision
        $v3 = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-history/k' -Value 'three'
        $history = Get-EtcdKeyHistory /pester-history/k
        $history.ModRevision | Should -Be @($v3, $del, $v2, $v1)
        $history.Type | Should -Be @('Put', 'Delete', 'Put', 'Put')
        $history[0].IsCreate | Should -BeTrue
    }

    It 'Compare-EtcdRevision finds added and modified keys' {
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-compare/m' -Value '1'
        $from = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-compare/same' -Value '1'
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-compare/m' -Value '2'
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester-compare/new' -Value '1'
        $changes = Compare-EtcdRevision /pester-compare/ -From $from
        $changes | ForEach-Object { '{0} {1}' -f $_.ChangeType, $_.Key } | Should -Be @('Modified /pester-compare/m', 'Added /pester-compare/new')

        # Without the leading / nothing matches: it says so instead of answering nothing.
        Compare-EtcdRevision pester-compare/ -From $from -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$w" | Should -BeLike "*'/pester-compare/' has keys*Try Compare-EtcdRevision '/pester-compare/' -From $from*"
    }

    It 'Measure-EtcdRevisionRate returns the revisions of the period' {
        $rate = Measure-EtcdRevisionRate -Duration 00:00:01 -Interval 00:00:00.250
        $rate | Should -BeOfType ([EtcdPS.EtcdRevisionRate])
        $rate.Samples | Should -HaveCount 5
        $rate.Revisions | Should -Be ($rate.EndRevision - $rate.StartRevision)
    }

    It 'Measure-EtcdRevisionRate refuses an interval given as a bare number' {
        { Measure-EtcdRevisionRate -Duration 2 -Interval 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'EtcdInvalidArgument,EtcdPS.Commands.Watch.MeasureEtcdRevisionRateCommand'
    }
}

Describe 'Field-level diffs of Kubernetes objects on the lab' {
    BeforeAll {
        $etcdPath = @{}
        if ($env:ETCDPS_ETCD) { $etcdPath.EtcdPath = $env:ETCDPS_ETCD }
        $script:diffLab = Start-EtcdLab -Name pester-diff -Seed Small -Port 0 @etcdPath
    }
    AfterAll {
        Stop-EtcdLab -Name pester-diff
    }

    It 'Get-EtcdKeyHistory -Diff names the changed fields of each rollout' {
        $history = Get-EtcdKeyHistory /registry/deployments/shop/web -Diff
        $rollouts = $history | Where-Object { $_.Changes.Path -contains 'spec.template.spec.containers[web].image' }
        $rollouts.Count | Should -BeGreaterOrEqual 2
        foreach ($r in $rollouts) {
            ($r.Diff -match '^spec\.template\.spec\.containers\[web\]\.image: \S+:[\d.]+ → \S+:[\d.]+$') | Should -HaveCount 1
            $r.Changes.Path | Should -Not -Contain 'metadata.resourceVersion'
            $r.Changes.Path | Should -Not -Contain 'metadata.generation'
        }
        $history[-1].Diff | Should -Be '+ Deployment shop/web'
        ($history | Out-String) | Should -Match 'containers\[web\]\.image: '
    }

    It 'Compare-EtcdRevision -Diff says what changed in each modified object, and -Raw opts out' {
        $key = '/registry/deployments/shop/web'
        $versions = Get-EtcdKeyHistory $key
        $changes = Compare-EtcdRevision /registry/deployments/shop/ $versions[-1].ModRevision $versions[0].ModRevision -Diff
        $web = $changes | Where-Object Key -eq $key
        $web.ChangeType | Should -Be 'Modified'
        $web.Changes.Path | Should -Contain 'spec.template.spec.containers[web].image'
        $raw = Compare-EtcdRevision /registry/deployments/shop/ $versions[-1].ModRevision $versions[0].ModRevision -Diff -Raw | Where-Object Key -eq $key
        $raw.Changes | Should -BeNullOrEmpty
        $raw.Diff[0] | Should -Match '^- \(KubernetesProtobuf, \d+ bytes\)$'
    }

    It 'Watch-EtcdPrefix -Decode shows kinds, -Diff the changed fields, and deletes decode from -PrevKv' {
        $start = (Get-EtcdStatus)[0].Revision + 1
        $cm = Get-EtcdKey /registry/configmaps/shop/ -Prefix | Select-Object -First 1
        # Write the object back as JSON with one more label (the API server reads both encodings), then delete it.
        $json = ($cm | ConvertFrom-EtcdValue -AsJson) -replace '"labels": \{', '"labels": { "pester": "yes",'
        Set-EtcdKey $cm.Key -Value $json -Force -Confirm:$false
        Remove-EtcdKey $cm.Key -Force -Confirm:$false
        $events = Watch-EtcdPrefix /registry/configmaps/shop/ -Revision $start -Count 2 -Decode -PrevKv
        $events.Type | Should -Be @('Put', 'Delete')
        $events.Kind | Should -Be @('ConfigMap', 'ConfigMap')
        $events[1].Decoded.Name | Should -Be $cm.Name
        $diffs = Watch-EtcdPrefix /registry/configmaps/shop/ -Revision $start -Count 2 -Diff
        $diffs[0].Diff | Should -Be 'metadata.labels.pester: + yes'
        $diffs[1].Diff | Should -Be "- ConfigMap shop/$($cm.Name)"
        $piped = Watch-EtcdPrefix /registry/configmaps/shop/ -Revision $start -Count 2 -PrevKv | ConvertFrom-EtcdValue -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $piped | Should -HaveCount 2
        $plain = Watch-EtcdPrefix /registry/configmaps/shop/ -Revision $start -Count 2 | ConvertFrom-EtcdValue -ErrorVariable failed2
        $failed2 | Should -BeNullOrEmpty
        $plain | Should -HaveCount 1
    }

    It 'Watch-EtcdPrefix -Decode shows namespace/name in full in a 120-column table' {
        $pod = Get-EtcdKey /registry/pods/ -Prefix | Where-Object { "$($_.Namespace)/$($_.Name)".Length -gt 24 } | Select-Object -First 1
        $pod | Should -Not -BeNullOrEmpty
        $table = Watch-EtcdPrefix -Key $pod.Key -Revision $pod.ModRevision -Count 1 -Decode | Out-String -Width 120
        $table | Should -Match ([regex]::Escape("$($pod.Namespace)/$($pod.Name)"))
    }

    It 'ConvertFrom-EtcdValue still takes decoded objects whose own type field is not an event type (Secrets, Events)' {
        $objects = Get-EtcdKey /registry/secrets/shop/ -Prefix -Decode | ConvertFrom-EtcdValue -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $objects.Kind | Should -Contain 'Secret'
        $events = Get-EtcdKey /registry/events/ -Prefix -Decode -First 3 | ConvertFrom-EtcdValue -ErrorVariable failed2
        $failed2 | Should -BeNullOrEmpty
        $events | Should -HaveCount 3
    }
}
