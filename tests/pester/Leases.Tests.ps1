BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest -Members 1
}

AfterAll {
    Complete-EtcdPSTest $script:etcd
}

Describe 'Leases as the help shows them' {
    BeforeEach {
        Connect-Etcd -Endpoint $script:etcd.Endpoint
    }

    It 'a key written with a lease object expires with the lease' {
        $lease = New-EtcdLease -TimeToLive 2
        $lease | Should -BeOfType ([EtcdPS.EtcdLease])
        Set-EtcdKey /pester-lease/flag on -Lease $lease -Confirm:$false
        $lease | Set-EtcdKey -Key /pester-lease/piped -Value on -Confirm:$false
        (Get-EtcdKey /pester-lease/ -Prefix).Lease | Should -Be @($lease.Id, $lease.Id)
        Start-Sleep -Seconds 4
        Get-EtcdKey /pester-lease/ -Prefix -CountOnly | Should -Be 0
        { Update-EtcdLease $lease -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdLeaseNotFound,*'
    }

    It 'Remove-EtcdLease -WhatIf keeps the keys; Remove-EtcdLease deletes them and reports them' {
        $lease = New-EtcdLease 60
        Set-EtcdKey /pester-revoke/a v -Lease $lease.HexId -Confirm:$false
        Remove-EtcdLease $lease -WhatIf
        Get-EtcdKey /pester-revoke/a | Should -Not -BeNullOrEmpty
        (Remove-EtcdLease $lease -Confirm:$false).Keys | Should -Be '/pester-revoke/a'
        Get-EtcdKey /pester-revoke/ -Prefix -CountOnly | Should -Be 0
    }
}
