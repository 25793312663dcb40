BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepoRoot) 'EtcdPS.psd1') -Force
    $script:etcd = Start-TestEtcd
}

AfterAll {
    Disconnect-Etcd -All
    Remove-Item Env:ETCDCTL_ENDPOINTS -ErrorAction Ignore
    if ($script:etcd) { Stop-TestEtcd $script:etcd }
}

Describe 'Connection names' {
    BeforeEach { Disconnect-Etcd -All }

    It 'Switch-EtcdConnection ignores case' {
        Connect-Etcd $script:etcd.Endpoint -Name Prod
        Connect-Etcd $script:etcd.Endpoint -Name lab
        (Switch-EtcdConnection PROD -PassThru).Name | Should -Be 'Prod'
        (Get-EtcdConnection -Default).Name | Should -Be 'Prod'
    }

    It '-Connection takes a connection name, ignoring case' {
        Connect-Etcd $script:etcd.Endpoint -Name Other
        Connect-Etcd $script:etcd.Endpoint -Name current
        (Get-EtcdStatus -Connection other).Endpoint | Should -Be $script:etcd.Endpoint
        (Get-EtcdConnection -Default).Name | Should -Be 'current'
    }

    It 'An unknown -Connection name is EtcdNotConnected' {
        Connect-Etcd $script:etcd.Endpoint
        { Get-EtcdStatus -Connection nope -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdNotConnected,*'
        try { Get-EtcdStatus -Connection nope -ErrorAction Stop } catch { $caught = $_ }
        $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $caught.Exception | Should -BeOfType ([EtcdPS.EtcdException])
        $caught.ErrorDetails.RecommendedAction | Should -Match 'Start-EtcdLab'
    }
}

Describe 'Connect-Etcd -Credential on a cluster without authentication' {
    It 'connects and warns that the credential was not needed' {
        $credential = [pscredential]::new('someone', (ConvertTo-SecureString 'Not-Needed-1' -AsPlainText -Force))
        $c = Connect-Etcd $script:etcd.Endpoint -Credential $credential -PassThru -WarningVariable warned -WarningAction SilentlyContinue
        $c.ClusterId | Should -Match '^[0-9a-f]+$'
        $warned | Should -HaveCount 1
        "$warned" | Should -Match 'authentication enabled'
        "$warned" | Should -Not -Match 'Not-Needed-1'
        Test-EtcdHealth -Quiet | Should -BeTrue
    }
}

Describe 'Test-EtcdHealth -Quiet without a reachable cluster' {
    BeforeEach { Disconnect-Etcd -All }
    AfterEach { Remove-Item Env:ETCDCTL_ENDPOINTS -ErrorAction Ignore }

    It 'returns $false when ETCDCTL_ENDPOINTS names nothing that answers' {
        $env:ETCDCTL_ENDPOINTS = "http://127.0.0.1:$(Get-FreeTcpPort)"
        Test-EtcdHealth -Quiet -ErrorAction Stop | Should -BeFalse
    }

    It 'still fails with EtcdUnavailable without -Quiet' {
        $env:ETCDCTL_ENDPOINTS = "http://127.0.0.1:$(Get-FreeTcpPort)"
        { Test-EtcdHealth -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdUnavailable,*'
    }

    It 'still reports that there is no connection at all' {
        { Test-EtcdHealth -Quiet -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdNotConnected,*'
    }
}
