@{
    RootModule           = 'EtcdPS.psm1'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '5b0f7c61-2d4e-4a52-9a55-6c1f0f3a9e21'
    Author               = 'EtcdPS developers'
    CompanyName          = 'EtcdPS'
    Copyright            = '(c) EtcdPS developers. MIT License.'
    Description          = 'Explore, watch and maintain etcd from the PowerShell pipeline: rich objects with revisions, consistent paged listings, resuming watches, guarded maintenance, and Kubernetes values decoded into readable objects.'
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('EtcdPS.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-Etcd'
        'Get-EtcdConnection'
        'Switch-EtcdConnection'
        'Disconnect-Etcd'
        'Get-EtcdStatus'
        'Test-EtcdHealth'
        'Get-EtcdMember'
        'Get-EtcdAlarm'
        'Get-EtcdKey'
        'Search-EtcdKey'
        'Measure-EtcdKey'
        'Get-EtcdCustomResource'
        'Watch-EtcdPrefix'
        'Measure-EtcdRevisionRate'
        'Get-EtcdKeyHistory'
        'Compare-EtcdRevision'
        'Set-EtcdKey'
        'Remove-EtcdKey'
        'Invoke-EtcdCompaction'
        'Invoke-EtcdDefragmentation'
        'Save-EtcdSnapshot'
        'Clear-EtcdAlarm'
        'Get-EtcdLease'
        'ConvertFrom-EtcdValue'
        'Start-EtcdLab'
        'Stop-EtcdLab'
        'Get-EtcdLab'
        'Stop-EtcdLabMember'
        'Start-EtcdLabMember'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('etcd', 'Kubernetes', 'k8s', 'gRPC', 'SRE', 'Linux', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/etcdps/EtcdPS'
            ReleaseNotes = 'See README.md.'
        }
    }
}
