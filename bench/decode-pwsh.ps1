<#
.SYNOPSIS
Times Get-EtcdKey, Get-EtcdKey -Decode and Get-EtcdKey | ConvertFrom-EtcdValue through PowerShell on a Medium lab
(about 19,600 Kubernetes keys, built-in kinds as protobuf). Run: dotnet pwsh ./bench/decode-pwsh.ps1 [-Runs 3]
#>
param([int] $Runs = 3, [ValidateSet('Small', 'Medium', 'Large')] [string] $Seed = 'Medium')
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1')
$null = Start-EtcdLab -Name decode-bench -Seed $Seed -Port 0
try {
    $n = Get-EtcdKey /registry/ -Prefix -CountOnly
    foreach ($i in 1..$Runs) {
        $plain = Measure-Command { Get-EtcdKey /registry/ -Prefix | Measure-Object }
        $decode = Measure-Command { Get-EtcdKey /registry/ -Prefix -Decode | Measure-Object }
        $convert = Measure-Command { Get-EtcdKey /registry/ -Prefix | ConvertFrom-EtcdValue -ErrorAction SilentlyContinue | Measure-Object }
        [pscustomobject][ordered]@{
            Run                  = $i
            Keys                 = $n
            'Get-EtcdKey ms'     = [int] $plain.TotalMilliseconds
            '-Decode ms'         = [int] $decode.TotalMilliseconds
            '| ConvertFrom ms'   = [int] $convert.TotalMilliseconds
            'Decoded objects/s'  = [int] ($n / $decode.TotalSeconds)
        }
    }
}
finally {
    Stop-EtcdLab -Name decode-bench
}
