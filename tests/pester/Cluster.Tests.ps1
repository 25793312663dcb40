BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest -Members 3
}

AfterAll {
    Complete-EtcdPSTest $script:etcd
}

Describe 'Cluster cmdlets against a 3-member etcd' {
    BeforeEach {
        Connect-Etcd -Endpoint $script:etcd.Endpoints
    }

    It 'Get-EtcdStatus returns one object per endpoint and exactly one leader' {
        $status = Get-EtcdStatus
        $status | Should -HaveCount 3
        @($status | Where-Object IsLeader) | Should -HaveCount 1
        ($status.LeaderId | Select-Object -Unique) | Should -HaveCount 1
        $status[0] | Should -BeOfType ([EtcdPS.EtcdStatus])
    }

    It 'Revision follows the writes' {
        $revision = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester/one' -Value 'x'
        (Get-EtcdStatus | Select-Object -First 1).Revision | Should -BeGreaterOrEqual $revision
    }

    It 'Test-EtcdHealth -Quiet is true on a healthy cluster' {
        Test-EtcdHealth -Quiet | Should -BeTrue
    }

    It 'Get-EtcdMember lists every member with hex ids' {
        $members = Get-EtcdMember
        $members | Should -HaveCount 3
        $members.Id | ForEach-Object { $_ | Should -Match '^[0-9a-f]+$' }
        (Get-EtcdMember -Name 'etcd-1').ClientUrls | Should -Be $script:etcd.Members[1].ClientUrl
    }

    It 'Get-EtcdAlarm is empty, as a Pester cluster check would assert' {
        Get-EtcdAlarm | Should -BeNullOrEmpty
    }

    It 'A dead endpoint gives a non-terminating error (and an unreachable object) and the others still answer' {
        $extra = Get-FreeTcpPort
        Connect-Etcd -Endpoint ($script:etcd.Endpoints + "http://127.0.0.1:$extra") -DialTimeout 00:00:02 -WarningAction SilentlyContinue
        $status = Get-EtcdStatus -ErrorVariable failed -ErrorAction SilentlyContinue
        $status | Should -HaveCount 4
        @($status | Where-Object Reachable) | Should -HaveCount 3
        $status[3].Endpoint | Should -Be "http://127.0.0.1:$extra"
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'EtcdUnavailable,*'
        $failed[0].TargetObject | Should -Be "http://127.0.0.1:$extra"

        # A health script's CSV: lists are text (here empty), not "System.String[]".
        $csv = $status | ConvertTo-Csv | ConvertFrom-Csv
        $csv[3].Error | Should -BeLike '*refused*'
        $csv[3].Reachable | Should -Be 'False'
        $csv.Errors | Should -Be @('', '', '', '')
        $csv.Alarms | Should -Be @('', '', '', '')
    }

    It 'Get-EtcdMember exports its URLs as text in CSV and as arrays in JSON' {
        $member = Get-EtcdMember -Name 'etcd-1'
        ($member | ConvertTo-Csv | ConvertFrom-Csv).ClientUrls | Should -BeExactly $script:etcd.Members[1].ClientUrl
        $json = $member | ConvertTo-Json | ConvertFrom-Json
        $json.ClientUrls | Should -HaveCount 1
        $json.ClientUrls[0] | Should -BeExactly $script:etcd.Members[1].ClientUrl
    }
}

Describe 'Connections' {
    It 'Connect-Etcd -PassThru returns the connection with the cluster id' {
        $c = Connect-Etcd -Endpoint $script:etcd.Endpoint -Name pester -PassThru
        $c.ClusterId | Should -Match '^[0-9a-f]+$'
        (Get-EtcdConnection -Default).Name | Should -Be 'pester'
        Disconnect-Etcd -Name pester
        Get-EtcdConnection -Name pester | Should -BeNullOrEmpty
    }

    It 'Nothing listening fails fast with EtcdUnavailable' {
        $port = Get-FreeTcpPort
        { Connect-Etcd -Endpoint "127.0.0.1:$port" -DialTimeout 00:00:02 -ErrorAction Stop } |
            Should -Throw -ErrorId 'EtcdUnavailable,EtcdPS.Commands.Connection.ConnectEtcdCommand'
    }

    It 'ETCDCTL_ENDPOINTS is used when no connection was made' {
        Disconnect-Etcd -All
        $env:ETCDCTL_ENDPOINTS = $script:etcd.Endpoints -join ','
        try {
            Get-EtcdStatus | Should -HaveCount 3
        }
        finally {
            Remove-Item Env:ETCDCTL_ENDPOINTS
        }
    }
}

Describe 'Metrics and the deep health check' {
    BeforeEach {
        Connect-Etcd -Endpoint $script:etcd.Endpoints
    }

    It 'Get-EtcdMetric -Cluster gives one WAL fsync histogram per member, with P99' {
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/pester/metric' -Value 'x'
        $fsync = Get-EtcdMetric etcd_disk_wal_fsync_duration_seconds -Cluster
        $fsync | Should -HaveCount 3
        $fsync | ForEach-Object { $_ | Should -BeOfType ([EtcdPS.EtcdHistogram]); $_.P99 | Should -BeGreaterThan 0 }
        ($fsync.Member | Sort-Object) | Should -Be @('etcd-0', 'etcd-1', 'etcd-2')
    }

    It 'Tab completes metric names from what the member serves' {
        $line = 'Get-EtcdMetric etcd_disk_wal_f'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain 'etcd_disk_wal_fsync_duration_seconds'
    }

    It 'Labels are a hashtable a script can filter on' {
        $ok = Get-EtcdMetric grpc_server_handled_total | Where-Object { $_.Labels.grpc_code -eq 'OK' -and $_.Labels.grpc_method -eq 'MemberList' }
        $ok | Should -Not -BeNullOrEmpty
    }

    It 'A URL that serves no metrics is a non-terminating error for that URL only' {
        $port = Get-FreeTcpPort
        $m = Get-EtcdMetric etcd_server_has_leader -MetricsUrl "http://127.0.0.1:$port", $script:etcd.Endpoint -ErrorVariable failed -ErrorAction SilentlyContinue
        $m | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'EtcdMetricsUnavailable,*'
    }

    It 'Test-EtcdHealth -Deep returns check objects and -Quiet one bool' {
        $checks = Test-EtcdHealth -Deep -SampleInterval 00:00:01 -MaxWalFsyncMs 5000 -MaxBackendCommitMs 5000
        $checks | ForEach-Object { $_ | Should -BeOfType ([EtcdPS.EtcdHealthCheck]) }
        @($checks | Where-Object Status -eq 'Fail') | Should -HaveCount 0
        ($checks | Where-Object Check -eq 'WalFsyncP99') | Should -HaveCount 3
        Test-EtcdHealth -Deep -Quiet -SampleInterval 0:0:0 -MaxWalFsyncMs 0.000001 | Should -BeFalse
    }

    It 'a health script can serialize the checks: Status is a name in JSON and CSV' {
        $checks = @(Test-EtcdHealth -Deep -SampleInterval 0:0:0 -MaxWalFsyncMs 0.000001)
        $json = $checks | ConvertTo-Json | ConvertFrom-Json
        $json.Status | ForEach-Object { $_ | Should -BeOfType ([string]); $_ | Should -BeIn @('Pass', 'Warn', 'Fail') }
        ($json | Where-Object Check -eq 'WalFsyncP99').Status | Should -Be @('Fail', 'Fail', 'Fail')
        $csv = $checks | ConvertTo-Csv | ConvertFrom-Csv
        ($csv | Where-Object Check -eq 'WalFsyncP99').Status | Should -Be @('Fail', 'Fail', 'Fail')
        $csv.Status | Should -Be ([string[]] $checks.Status)
    }
}

Describe 'Leadership and consistency as a Pester cluster check would use them' {
    BeforeEach {
        Connect-Etcd -Endpoint $script:etcd.Endpoints
    }

    It 'Test-EtcdConsistency is true on a healthy cluster and Get-EtcdHashKV agrees' {
        Test-EtcdConsistency | Should -BeTrue
        (Get-EtcdHashKV -Cluster -Revision (Get-EtcdStatus)[0].Revision).Hash | Select-Object -Unique | Should -HaveCount 1
    }

    It 'Move-EtcdLeader moves leadership to the member named, and -WhatIf does not' {
        $follower = (Get-EtcdStatus -Cluster | Where-Object { -not $_.IsLeader } | Select-Object -First 1).Name
        Move-EtcdLeader -To $follower -WhatIf
        (Get-EtcdStatus -Cluster | Where-Object IsLeader).Name | Should -Not -Be $follower
        $change = Move-EtcdLeader -To $follower -Confirm:$false
        $change | Should -BeOfType ([EtcdPS.EtcdLeaderChange])
        $change.Leader | Should -Be $follower
        (Get-EtcdStatus -Cluster | Where-Object IsLeader).Name | Should -Be $follower
    }

    It 'Remove-EtcdMember refuses an unknown member with its ErrorId' {
        { Remove-EtcdMember nosuch -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdMemberNotFound,*'
        Get-EtcdMember | Should -HaveCount 3
    }
}

Describe 'A cluster that lost its quorum (2 of 3 members down)' {
    BeforeAll {
        $script:outage = Start-EtcdLab -Name pester-quorum -Members 3 -Seed None -Port 0
        Stop-EtcdLabMember -Lab pester-quorum -Member etcd-1, etcd-2 6>$null
        # The member left alone notices the lost quorum only after an election timeout: wait until it reports no leader.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 250
            $leader = (Invoke-RestMethod -Method Post -Uri "$($script:outage.Endpoints[0])/v3/maintenance/status" -Body '{}' -TimeoutSec 2 -ErrorAction SilentlyContinue).leader
        } until ((-not $leader -or $leader -eq '0') -or [DateTime]::UtcNow -gt $deadline)
    }
    AfterAll {
        Stop-EtcdLab -Name pester-quorum 6>$null
        Remove-Item Env:ETCDCTL_ENDPOINTS -ErrorAction SilentlyContinue
    }

    It 'a fresh pwsh with ETCDCTL_ENDPOINTS gets 3 status objects within 10 s: 1 reachable with no leader, 2 unreachable' {
        $env:ETCDCTL_ENDPOINTS = $script:outage.Endpoints -join ','
        $script = "Import-Module '$(Join-Path (Get-RepoRoot) 'EtcdPS.psd1')'; `$sw = [Diagnostics.Stopwatch]::StartNew(); " +
            "`$s = @(Get-EtcdStatus -ErrorAction SilentlyContinue -ErrorVariable e -WarningAction SilentlyContinue); " +
            "'SECONDS ' + `$sw.Elapsed.TotalSeconds; 'ERRORS ' + `$e.Count; `$s | ConvertTo-Json -Compress"
        $lines = @(Invoke-FreshPwsh -Arguments '-Command', $script | ForEach-Object { "$_" })
        $LASTEXITCODE | Should -Be 0 -Because ($lines -join "`n")
        [double](($lines | Where-Object { $_ -like 'SECONDS *' }) -split ' ')[1] | Should -BeLessThan 10
        ($lines | Where-Object { $_ -like 'ERRORS *' }) | Should -Be 'ERRORS 2'
        $status = @($lines | Where-Object { $_ -like '[[{]*' } | ConvertFrom-Json | ForEach-Object { $_ })
        $status | Should -HaveCount 3
        $alive = @($status | Where-Object Reachable)
        $alive | Should -HaveCount 1
        $alive[0].Endpoint | Should -Be $script:outage.Endpoints[0]
        $alive[0].Error | Should -Be 'etcdserver: no leader'
        $alive[0].Errors | Should -Contain 'etcdserver: no leader'
        $alive[0].Name | Should -Be 'etcd-0' -Because 'the member list comes from the member that answers'
        @($status | Where-Object { -not $_.Reachable }).Name | Should -Be @('etcd-1', 'etcd-2')
    }

    It 'Connect-Etcd connects through the member that answers, warns about the others and records them' {
        Connect-Etcd -Endpoint $script:outage.Endpoints -Name quorum-lost -WarningVariable w -WarningAction SilentlyContinue
        try {
            $w | Should -HaveCount 2
            (Get-EtcdConnection -Name quorum-lost).UnreachableEndpoints | Should -Be $script:outage.Endpoints[1..2]
            $health = @(Test-EtcdHealth -Cluster)
            $health | Should -HaveCount 3
            $health | Where-Object Healthy | Should -BeNullOrEmpty
            ($health | Where-Object Name -eq 'etcd-0').Error | Should -Be 'etcdserver: no leader'
            Test-EtcdHealth -Quiet | Should -BeExactly $false
            $json = Test-EtcdHealth | ConvertTo-Json | ConvertFrom-Json
            $json[0].Took | Should -BeOfType ([double]) -Because 'Took is milliseconds, not a TimeSpan of 15 fields'
        }
        finally { Disconnect-Etcd -Name quorum-lost }
    }

    It 'a frozen member is reported unreachable within the dial timeout, not after the command timeout' {
        Start-EtcdLabMember -Lab pester-quorum 6>$null
        Stop-EtcdLabMember -Lab pester-quorum -Member etcd-2 -Freeze 6>$null
        try {
            Connect-Etcd -Endpoint $script:outage.Endpoints -Name frozen -DialTimeout 00:00:02 -WarningAction SilentlyContinue
            # The frozen member may have been the leader: the other two elect a new one within a few election timeouts.
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            do { $status = @(Get-EtcdStatus -ErrorAction SilentlyContinue -ErrorVariable e) }
            until (@($status | Where-Object IsLeader).Count -eq 1 -or [DateTime]::UtcNow -gt $deadline)
            $status | Should -HaveCount 3
            $status[2].Reachable | Should -BeFalse
            @($status | Where-Object IsLeader) | Should -HaveCount 1
            $e | Should -HaveCount 1
            $e[0].FullyQualifiedErrorId | Should -Match '^Etcd'
        }
        finally {
            Disconnect-Etcd -Name frozen -ErrorAction SilentlyContinue
            Start-EtcdLabMember -Lab pester-quorum 6>$null
        }
    }
}
