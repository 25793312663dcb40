# How the module loads in a real pwsh: isolation of its dependencies, type names, re-import.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:root = Get-RepoRoot
    $script:etcd = Start-TestEtcd
}

AfterAll {
    if ($script:etcd) { Stop-TestEtcd $script:etcd }
}

Describe 'Loading EtcdPS' {
    It 'works beside another version of Google.Protobuf already loaded in the default context' {
        $oldProtobuf = Join-Path $script:root 'tools/packages/google.protobuf/3.25.1/lib/net5.0/Google.Protobuf.dll'
        Test-Path $oldProtobuf | Should -BeTrue -Because 'build.ps1 restores tools/tools.csproj'
        $result = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
`$old = [System.Reflection.Assembly]::LoadFrom('$oldProtobuf')
Import-Module '$(Join-Path $script:root 'EtcdPS.psd1')'
Connect-Etcd -Endpoint '$($script:etcd.Endpoint)'
`$s = Get-EtcdStatus
`$inContext = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Google.Protobuf' } |
    ForEach-Object { '{0}@{1}' -f `$_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"default-protobuf=`$(`$old.GetName().Version) revision=`$(`$s.Revision) loaded=`$(`$inContext -join ',')"
"@
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match 'default-protobuf=3\.25\.1\.0 revision=\d+'
        $result.Output | Should -Match '3\.36\.\d+\.\d+@EtcdPS'
    }

    It 'exposes output types by name and keeps gRPC types out of reach' {
        $result = Invoke-ChildPwsh @"
Import-Module '$(Join-Path $script:root 'EtcdPS.psd1')'
[EtcdPS.EtcdStatus].FullName
[EtcdPS.EtcdConnection].FullName
[bool]('Etcdserverpb.RangeRequest' -as [type])
"@
        $result.Output | Should -Match 'EtcdPS\.EtcdStatus'
        $result.Output | Should -Match 'EtcdPS\.EtcdConnection'
        $result.Output | Should -Match 'False'
    }

    It 'keeps every cmdlet after Remove-Module and re-import, and after Import-Module -Force' {
        $result = Invoke-ChildPwsh @"
`$manifest = '$(Join-Path $script:root 'EtcdPS.psd1')'
Import-Module `$manifest
`$first = (Get-Command -Module EtcdPS).Count
Remove-Module EtcdPS
Import-Module `$manifest
`$second = (Get-Command -Module EtcdPS).Count
Import-Module `$manifest -Force
`$third = (Get-Command -Module EtcdPS).Count
Connect-Etcd '$($script:etcd.Endpoint)'
"counts=`$first,`$second,`$third health=`$(Test-EtcdHealth -Quiet)"
"@
        $result.Output | Should -Match 'counts=(\d+),\1,\1 health=True'
        $result.Output | Should -Not -Match 'counts=0'
    }

    It 'lists exactly the cmdlets the manifest exports, no wildcards' {
        $manifest = Import-PowerShellDataFile (Join-Path $script:root 'EtcdPS.psd1')
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be 'Core'
        $result = Invoke-ChildPwsh "Import-Module '$(Join-Path $script:root 'EtcdPS.psd1')'; (Get-Command -Module EtcdPS).Name -join ','"
        $exported = $result.Output.Trim() -split ','
        foreach ($name in $exported) { $manifest.CmdletsToExport | Should -Contain $name }
    }
}
