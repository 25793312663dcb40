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
        $output = Invoke-FreshPwsh -Arguments @('-Command', "& '$drill' -Lab -BackupFolder '$TestDrive' | ConvertTo-Json -Compress")
        $LASTEXITCODE | Should -Be 0
        $result = ($output | Where-Object { $_ -is [string] -and $_.StartsWith('{') }) | ConvertFrom-Json
        $result.Passed | Should -BeTrue
        $result.RestoredKeys | Should -Be $result.Keys
        $result.Snapshot | Should -Exist
        @(Get-ChildItem ([IO.Path]::GetTempPath()) -Filter 'etcdps-snapshot-*' -Directory -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    Context 'on a 3-member lab' {
        BeforeAll {
            $script:lab = Start-EtcdLab -Name pester-examples -Members 3 -Seed Small -Activity -Port 0
        }
        AfterAll {
            Stop-EtcdLab -Name pester-examples
        }

        It 'the example Pester cluster checks pass' {
            $pester = Join-Path (Get-RepoRoot) 'tools/packages/pester/6.2.0/tools/Pester.psd1'
            $checks = Join-Path (Get-RepoRoot) 'examples/EtcdCluster.Tests.ps1'
            $endpoints = ($script:lab.Endpoints | ForEach-Object { "'$_'" }) -join ','
            $script = "Import-Module '$pester'; Import-Module '$(Join-Path (Get-RepoRoot) 'EtcdPS.psd1')'; " +
                "`$c = New-PesterContainer -Path '$checks' -Data @{ Endpoint = @($endpoints) }; " +
                "`$r = Invoke-Pester -Container `$c -PassThru -Output None; 'RESULT {0} {1}' -f `$r.PassedCount, `$r.FailedCount"
            $result = Invoke-FreshPwsh -Arguments @('-Command', $script) | Where-Object { $_ -match '^RESULT' }
            $result | Should -Match '^RESULT [1-9]\d* 0$'
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

        It 'cluster-health.ps1 exits 0 on the healthy lab and 2 once a member is stopped' {
            $health = Join-Path (Get-RepoRoot) 'examples/cluster-health.ps1'
            $arguments = @('-File', $health, '-Endpoint', ($script:lab.Endpoints -join ','), '-SampleDuration', '00:00:02', '-AsJson')
            $json = Invoke-FreshPwsh -Arguments $arguments
            $LASTEXITCODE | Should -Be 0
            ($json -join "`n" | ConvertFrom-Json).Healthy | Should -BeTrue

            Stop-Process -Id $script:lab.ProcessIds[2] -Force
            $null = Invoke-FreshPwsh -Arguments $arguments
            $LASTEXITCODE | Should -Be 2
        }
    }
}
