BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest -Members 3
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) "etcdps-pester-report-$PID"
    $null = New-Item -ItemType Directory -Force $script:folder
}

AfterAll {
    Remove-Item $script:folder -Recurse -Force -ErrorAction SilentlyContinue
    Complete-EtcdPSTest $script:etcd
}

Describe 'Export-EtcdReport' {
    BeforeEach {
        Connect-Etcd -Endpoint $script:etcd.Endpoints
    }

    It 'writes one HTML file and returns what it wrote' {
        $null = Set-TestKey -Endpoint $script:etcd.Endpoint -Key '/registry/pods/default/web-0' -Value 'x'
        $path = Join-Path $script:folder 'report.html'
        $report = Export-EtcdReport $path -SampleDuration 00:00:02
        $report | Should -BeOfType ([EtcdPS.EtcdReportFile])
        $report.Path | Should -Be $path
        $report.Members | Should -Be 3
        $report.Size | Should -Be (Get-Item $path).Length
        Get-Content $path -Raw | Should -Match 'id="chart-rate"'
    }

    It 'refuses an existing file without -Force and a missing folder' {
        $path = Join-Path $script:folder 'exists.html'
        Set-Content $path 'mine'
        { Export-EtcdReport $path -SampleDuration 00:00:01 -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdReportFileExists,*'
        Get-Content $path | Should -Be 'mine'
        { Export-EtcdReport (Join-Path $script:folder 'nope/r.html') -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdReportFolderNotFound,*'
    }

    It 'resolves a relative path against the current location' {
        Push-Location $script:folder
        try {
            $report = Export-EtcdReport ./relative.html -SampleDuration 00:00:01
            $report.Path | Should -Be (Join-Path $script:folder 'relative.html')
        }
        finally { Pop-Location }
    }
}
