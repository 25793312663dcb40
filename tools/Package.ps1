#!/usr/bin/env pwsh
<#
.SYNOPSIS
Lays out the built module as out/EtcdPS/<version>/: EtcdPS.psd1, EtcdPS.psm1, the ps1xml files, bin/ and en-US/.
Copy that folder into a directory of $env:PSModulePath (or Import-Module its psd1) to use EtcdPS without the sources.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Root,
    # Where the EtcdPS/<version> folder goes (default <Root>/out).
    [string] $OutputPath = (Join-Path $Root 'out')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$manifest = Import-PowerShellDataFile (Join-Path $Root 'EtcdPS.psd1')
$version = $manifest.ModuleVersion
# Directory.Build.props is the one place the version lives; the manifest must say the same (a test checks it too).
$propsVersion = ([xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
if ($version -ne $propsVersion) { throw "EtcdPS.psd1 says ModuleVersion $version but Directory.Build.props says Version $propsVersion; make them equal." }
$bin = Join-Path $Root 'bin'
if (-not (Test-Path (Join-Path $bin 'EtcdPS.dll'))) { throw "The module is not built: run 'dotnet pwsh ./build.ps1 -Task Build' first." }
$help = Join-Path $Root 'en-US/EtcdPS.dll-Help.xml'
if (-not (Test-Path $help)) { & (Join-Path $PSScriptRoot 'HelpBuilder.ps1') -Root $Root }

$target = Join-Path $OutputPath "EtcdPS/$version"
if (Test-Path $target) { Remove-Item -LiteralPath $target -Recurse -Force }
$null = New-Item -ItemType Directory -Force -Path (Join-Path $target 'bin'), (Join-Path $target 'en-US')

foreach ($file in 'EtcdPS.psd1', 'EtcdPS.psm1', 'EtcdPS.format.ps1xml', 'README.md', 'LICENSE') {
    $path = Join-Path $Root $file
    if (Test-Path -LiteralPath $path) { Copy-Item -LiteralPath $path -Destination $target }
}
# The assemblies only: XML doc files and symbols stay out of the package.
Get-ChildItem -LiteralPath $bin -Filter *.dll | Copy-Item -Destination (Join-Path $target 'bin')
Get-ChildItem -LiteralPath (Join-Path $Root 'en-US') -File | Copy-Item -Destination (Join-Path $target 'en-US')

Write-Host "EtcdPS $version packaged in $target"
Get-Item -LiteralPath $target
