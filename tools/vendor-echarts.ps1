#!/usr/bin/env pwsh
<#
.SYNOPSIS
Refreshes the Apache ECharts files vendored for Export-EtcdReport from the npm registry.

.DESCRIPTION
Runs 'npm pack echarts@<Version>' in a temporary folder, and copies dist/echarts.min.js, LICENSE and NOTICE to
src/EtcdPS.Engine/Reports/Vendor/. Prints the SHA-256 of the new echarts.min.js for the commit message. After a
version change, update the version named in ReportHtml.ChartsLibrary, the csproj comment and docs/Export-EtcdReport.md,
and run the report's browser tests.

.EXAMPLE
./tools/vendor-echarts.ps1 -Version 6.1.0
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $Version)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$target = Join-Path $PSScriptRoot '../src/EtcdPS.Engine/Reports/Vendor'
$work = Join-Path ([IO.Path]::GetTempPath()) "echarts-$Version-$PID"
$null = New-Item -ItemType Directory -Force $work
try {
    Push-Location $work
    & npm pack "echarts@$Version" --silent
    if ($LASTEXITCODE -ne 0) { throw "npm pack echarts@$Version failed." }
    & tar xzf "echarts-$Version.tgz"
    if ($LASTEXITCODE -ne 0) { throw 'The package could not be unpacked.' }
    Copy-Item package/dist/echarts.min.js (Join-Path $target 'echarts.min.js')
    Copy-Item package/LICENSE (Join-Path $target 'echarts.LICENSE')
    Copy-Item package/NOTICE (Join-Path $target 'echarts.NOTICE')
    "echarts ${Version}: echarts.min.js sha256 $((Get-FileHash (Join-Path $target 'echarts.min.js') -Algorithm SHA256).Hash.ToLowerInvariant())"
}
finally {
    Pop-Location
    Remove-Item $work -Recurse -Force
}
