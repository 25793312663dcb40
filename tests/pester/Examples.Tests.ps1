# Runs the tour and the examples against labs, the way a user runs them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Initialize-EtcdPSTest -Members 0
}

Describe 'The tour and the examples' {
    It 'build.ps1 -Task Tour runs the tour to completion without error records' {
        $output = Invoke-FreshPwsh -Arguments @('-File', (Join-Path (Get-RepoRoot) 'build.ps1'), '-Task', 'Tour')
        $LASTEXITCODE | Should -Be 0
        @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        ($output | Out-String) | Should -Match 'Tour done'
    }

    It 'restore-drill.ps1 -Lab saves, restores, compares and dismounts, and exits 0' {
        $drill = Join-Path (Get-RepoRoot) 'examples/restore-drill.ps1'
        # Only the drill's own mount folders count: another pwsh on this machine may have a snapshot mounted.
        $before = @(Get-ChildItem ([IO.Path]::GetTempPath()) -Filter 'etcdps-snapshot-*' -Directory -ErrorAction SilentlyContinue).FullName
        $output = Invoke-FreshPwsh -Arguments @('-Command', "& '$drill' -Lab -BackupFolder '$TestDrive' | ConvertTo-Json -Compress")
        $LASTEXITCODE | Should -Be 0
        $result = ($output | Where-Object { $_ -is [string] -and $_.StartsWith('{') }) | ConvertFrom-Json
        $result.Passed | Should -BeTrue
        $result.RestoredKeys | Should -Be $result.Keys
        $result.Snapshot | Should -Exist
        @(Get-ChildItem ([IO.Path]::GetTempPath()) -Filter 'etcdps-snapshot-*' -Directory -ErrorAction SilentlyContinue |
            Where-Object FullName -notin $before) | Should -BeNullOrEmpty
    }

    Context 'on a 3-member lab' {
        BeforeAll {
            $script:lab = Start-EtcdLab -Name pester-examples -Members 3 -Seed Small -Activity -Port 0

            # Runs examples/EtcdCluster.Tests.ps1 in a fresh pwsh against the lab; returns the names of the passed and failed tests.
            function Invoke-ClusterChecks([string] $Data = '') {
                $pester = Join-Path (Get-RepoRoot) 'tools/packages/pester/6.2.0/tools/Pester.psd1'
                $checks = Join-Path (Get-RepoRoot) 'examples/EtcdCluster.Tests.ps1'
                $endpoints = ($script:lab.Endpoints | ForEach-Object { "'$_'" }) -join ','
                $script = "Import-Module '$pester'; Import-Module '$(Join-Path (Get-RepoRoot) 'EtcdPS.psd1')'; " +
                    "`$d = @{ Endpoint = @($endpoints); RateSample = '00:00:01' }; `$extra = '$Data'; " +
                    "if (`$extra -match '-DefaultQuotaBytes (\S+)') { `$d.DefaultQuotaBytes = Invoke-Expression `$Matches[1] }; " +
                    "`$c = New-PesterContainer -Path '$checks' -Data `$d; " +
                    "`$r = Invoke-Pester -Container `$c -PassThru -Output None; " +
                    "`$r.Passed | ForEach-Object { 'PASSED ' + `$_.ExpandedPath }; `$r.Failed | ForEach-Object { 'FAILED ' + `$_.ExpandedPath }; 'COUNTS {0} {1}' -f `$r.PassedCount, `$r.FailedCount"
                $lines = @(Invoke-FreshPwsh -Arguments @('-Command', $script) | ForEach-Object { "$_" })
                $counts = $lines | Where-Object { $_ -match '^COUNTS' }
                $counts | Should -Not -BeNullOrEmpty -Because ($lines -join "`n")
                [pscustomobject]@{
                    Passed = ($counts -split ' ')[1] -as [int]
                    Failed = @($lines | Where-Object { $_ -like 'FAILED *' } | ForEach-Object { $_.Substring(7) })
                }
            }
        }
        AfterAll {
            Stop-EtcdLab -Name pester-examples
        }

        It 'the example Pester cluster checks pass on the healthy lab' {
            $r = Invoke-ClusterChecks
            $r.Failed | Should -BeNullOrEmpty
            $r.Passed | Should -BeGreaterThan 10
        }

        It 'the example Pester cluster checks fail when the quota is low and when an alarm is raised, each check by itself' {
            $member = [Convert]::ToUInt64((Get-EtcdStatus -Connection pester-examples | Select-Object -First 1).MemberId, 16)
            $body = @{ action = 'ACTIVATE'; memberID = "$member"; alarm = 'NOSPACE' } | ConvertTo-Json
            $null = Invoke-RestMethod -Method Post -Uri "$($script:lab.Endpoints[0])/v3/maintenance/alarm" -Body $body -ContentType 'application/json'
            try {
                $r = Invoke-ClusterChecks -Data '-DefaultQuotaBytes 16KB'
                $r.Failed | Should -Contain 'etcd cluster.has no alarm (NOSPACE, CORRUPT)'
                foreach ($m in 'etcd-0', 'etcd-1', 'etcd-2') { $r.Failed | Should -Contain "member $m.has its database under the quota limit" }
                $r.Failed | Should -Not -Contain 'member etcd-0.is reachable'
            }
            finally {
                Clear-EtcdAlarm -Connection pester-examples -Confirm:$false
            }
        }

        It 'the example Pester cluster checks fail when a member is stopped, naming it' {
            Stop-EtcdLabMember -Lab pester-examples -Member etcd-2 6>$null
            try {
                $r = Invoke-ClusterChecks
                $r.Failed | Should -Contain 'member etcd-2.is reachable'
                $r.Failed | Should -Not -Contain 'member etcd-0.is reachable'
            }
            finally {
                Start-EtcdLabMember -Lab pester-examples 6>$null
            }
        }

        It 'who-uses-disk.ps1 and operator-debug.ps1 run without errors' {
            $disk = & (Join-Path (Get-RepoRoot) 'examples/who-uses-disk.ps1') -Top 5 6>$null
            @($disk) | Should -HaveCount 5
            ($disk | Select-Object -First 1).Count | Should -BeGreaterThan 0
            { & (Join-Path (Get-RepoRoot) 'examples/operator-debug.ps1') -Prefix /registry/demo.mycompany.com/ -WatchFor 00:00:03 6>$null | Out-Null } |
                Should -Not -Throw
        }

        It 'weekly-report.ps1 writes the day''s report, removes old ones, and exits 0 or 1 by the checks' {
            $folder = Join-Path ([IO.Path]::GetTempPath()) "etcdps-weekly-$PID"
            $null = New-Item -ItemType Directory -Force $folder
            try {
                $old = Join-Path $folder 'etcd-report-2020-01-06.html'
                Set-Content $old 'old'
                (Get-Item $old).LastWriteTime = (Get-Date).AddDays(-100)
                $weekly = Join-Path (Get-RepoRoot) 'examples/weekly-report.ps1'
                $null = Invoke-FreshPwsh -Arguments @('-File', $weekly, '-Endpoint', ($script:lab.Endpoints -join ','), '-OutputFolder', $folder, '-SampleDuration', '00:00:02', '-KeepWeeks', '4')
                $LASTEXITCODE | Should -BeIn @(0, 1)
                Test-Path $old | Should -BeFalse
                $today = Join-Path $folder ('etcd-report-{0:yyyy-MM-dd}.html' -f (Get-Date))
                Get-Content $today -Raw | Should -Match 'chart-treemap'
                $null = Invoke-FreshPwsh -Arguments @('-File', $weekly, '-Endpoint', ($script:lab.Endpoints -join ','), '-OutputFolder', (Join-Path $folder 'missing'), '-SampleDuration', '00:00:01')
                $LASTEXITCODE | Should -Be 2
            }
            finally {
                Remove-Item $folder -Recurse -Force
            }
        }

        It 'cluster-health.ps1 exits 0, 1 with a member down, 2 without a quorum, each time with JSON alone on stdout' {
            $health = Join-Path (Get-RepoRoot) 'examples/cluster-health.ps1'
            $arguments = @('-File', $health, '-Endpoint', ($script:lab.Endpoints -join ','), '-SampleDuration', '00:00:01', '-AsJson')
            $json = Invoke-FreshPwsh -Arguments $arguments
            $LASTEXITCODE | Should -Be 0
            $report = $json -join "`n" | ConvertFrom-Json
            $report.Healthy | Should -BeTrue
            $report.Status | Should -Be 'OK'

            Stop-EtcdLabMember -Lab pester-examples -Member etcd-2 6>$null
            try {
                $json = Invoke-FreshPwsh -Arguments $arguments
                $LASTEXITCODE | Should -Be 1
                $report = $json -join "`n" | ConvertFrom-Json
                $report.Status | Should -Be 'Warning'
                $report.Warnings | Should -Not -BeNullOrEmpty -Because 'the warning about the member that did not answer goes into the JSON, not before it'
                ($report.Checks | Where-Object Check -eq 'Members reachable').Ok | Should -BeFalse

                Stop-EtcdLabMember -Lab pester-examples -Member etcd-1 6>$null
                $json = Invoke-FreshPwsh -Arguments $arguments
                $LASTEXITCODE | Should -Be 2
                $report = $json -join "`n" | ConvertFrom-Json
                $report.Status | Should -Be 'Critical'
                ($report.Checks | Where-Object Check -eq 'Quorum').Ok | Should -BeFalse
                ($report.Checks | Where-Object Check -eq 'Reachable') | Should -BeNullOrEmpty -Because 'the surviving member is still described'
            }
            finally {
                Start-EtcdLabMember -Lab pester-examples 6>$null
            }
        }
    }
}
