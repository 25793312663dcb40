BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:etcd = Initialize-EtcdPSTest -Members 1
}

AfterAll {
    Complete-EtcdPSTest $script:etcd
}

Describe 'Authentication enabled through the cmdlets, then used by Connect-Etcd -Credential' {
    It 'enables auth only with root holding root, and a limited user is limited' {
        Connect-Etcd -Endpoint $script:etcd.Endpoint
        $pw = ConvertTo-SecureString 'pester-Pa55' -AsPlainText -Force
        New-EtcdRole web | Out-Null
        Grant-EtcdRolePermission web ReadWrite /web/ -Prefix | Out-Null
        New-EtcdUser webuser -Password $pw | Out-Null
        Add-EtcdUserRole webuser web | Out-Null
        (Get-EtcdRole web).Permissions[0].IsPrefix | Should -BeTrue
        { Enable-EtcdAuth -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdAuthRootMissing,*'

        New-EtcdUser -Credential ([pscredential]::new('root', $pw)) | Out-Null
        Add-EtcdUserRole root root | Out-Null
        Enable-EtcdAuth -Confirm:$false -WarningAction SilentlyContinue

        Connect-Etcd -Endpoint $script:etcd.Endpoint -Credential ([pscredential]::new('webuser', $pw)) -Name web
        Set-EtcdKey /web/index ok -Confirm:$false
        (Get-EtcdKey /web/index).Value | Should -Be 'ok'
        { Set-EtcdKey /elsewhere no -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'EtcdPermissionDenied,*'

        Connect-Etcd -Endpoint $script:etcd.Endpoint -Credential ([pscredential]::new('root', $pw)) -Name root
        (Get-EtcdUser).Name | Should -Be @('root', 'webuser')
        Disable-EtcdAuth -Confirm:$false
        Remove-EtcdUser webuser, root -Confirm:$false
        Remove-EtcdRole web -Confirm:$false
        Get-EtcdUser | Should -BeNullOrEmpty
    }
}
