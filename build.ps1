#!/usr/bin/env pwsh
<#
.SYNOPSIS
Builds, tests, packages and demonstrates EtcdPS.

.DESCRIPTION
Tasks:
  Build    dotnet build and restore Pester; the module is then importable from the repository root (./EtcdPS.psd1).
  Test     Build, then xunit (dotnet test) and Pester (tests/pester); non-zero exit on any failure.
  Lab      Build, import, start a local lab etcd and connect to it. Run with 'dotnet pwsh -NoExit' to stay at the prompt.
  Tour     Build, start the lab and run examples/tour.ps1 non-interactively.
  Package  Lay out out/EtcdPS/<version>/ ready for Import-Module or publishing.
  Docs     Build the MAML help (en-US/EtcdPS.dll-Help.xml) from docs/*.md.

Bootstraps what is missing: etcd (apt-get when root on Debian/Ubuntu, else a message with the command),
Pester 6.2.0 (a NuGet PackageDownload restore into tools/packages), and for Test, Debian's chromium for the browser
tests of the HTML report (apt-get when root; otherwise those tests are skipped with the reason).
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Lab', 'Tour', 'Package', 'Docs')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$pesterVersion = '6.2.0'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command exited with $LASTEXITCODE" }
}

function Assert-DotnetSdk {
    # The pinned pwsh tool (dotnet-tools.json) runs on .NET 10, and the tests and tools target net10.0.
    $sdks = @(& dotnet --list-sdks 2>$null | ForEach-Object { [int]($_ -split '\.')[0] })
    if (-not ($sdks | Where-Object { $_ -ge 10 })) {
        $found = if ($sdks) { ($sdks | Sort-Object -Unique) -join ', ' } else { 'none' }
        throw "EtcdPS needs the .NET 10 SDK (or later) to build and test; found SDK major versions: $found. Install it from https://dot.net (e.g. 'sudo apt-get install -y dotnet-sdk-10.0'), then run 'dotnet tool restore'."
    }
}

function Install-Etcd {
    if (Get-Command etcd -CommandType Application -ErrorAction SilentlyContinue) { return }
    if (Test-Path /usr/bin/etcd) { return }
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if ($isRoot -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host 'etcd is missing: installing etcd-server and etcd-client with apt-get' -ForegroundColor Yellow
        Invoke-Native apt-get @('update', '-qq')
        $env:DEBIAN_FRONTEND = 'noninteractive'
        Invoke-Native apt-get @('install', '-y', '-qq', 'etcd-server', 'etcd-client')
        # The Debian package may start a system etcd on 2379; the lab and the tests use their own ports.
        return
    }
    throw "etcd is not installed. On Debian/Ubuntu run: sudo apt-get update && sudo apt-get install -y etcd-server etcd-client (or put an etcd binary on PATH)."
}

function Install-Chromium {
    # Only the browser tests of Export-EtcdReport need it; they are skipped, saying why, where it cannot be installed.
    if ($env:CHROMIUM -and (Test-Path $env:CHROMIUM)) { return }
    if ((Test-Path /usr/bin/chromium) -or (Test-Path /usr/bin/chromium-browser)) { return }
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if ($isRoot -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host 'chromium is missing: installing Debian''s chromium with apt-get for the report''s browser tests' -ForegroundColor Yellow
        $env:DEBIAN_FRONTEND = 'noninteractive'
        try {
            Invoke-Native apt-get @('update', '-qq')
            Invoke-Native apt-get @('install', '-y', '-qq', 'chromium')
        }
        catch {
            Write-Warning "chromium could not be installed ($_): the browser tests of the report will be skipped."
        }
        return
    }
    Write-Warning 'chromium is not installed and cannot be installed here (needs root and apt-get): the browser tests of the report will be skipped. Install it with: sudo apt-get install chromium'
}

function Get-PesterPath {
    $path = Join-Path $root "tools/packages/pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) {
        Invoke-Native dotnet @('restore', (Join-Path $root 'tools/tools.csproj'), '--nologo', '-v', 'q')
    }
    $path
}

function Invoke-Build {
    # Pester too: the README's Pester commands and examples/EtcdCluster.Tests.ps1 need it right after a build.
    $null = Get-PesterPath
    Invoke-Native dotnet @('build', (Join-Path $root 'EtcdPS.sln'), '-c', $Configuration, '--nologo', '-v', 'q', '-clp:ErrorsOnly')
    if (Test-Path (Join-Path $root 'tools/HelpBuilder.ps1')) { & (Join-Path $root 'tools/HelpBuilder.ps1') -Root $root }
}

function Invoke-Test {
    Install-Etcd
    Install-Chromium
    $pester = Get-PesterPath
    Invoke-Build
    $results = Join-Path $root 'out/test-results'
    $null = New-Item -ItemType Directory -Force -Path $results

    Write-Host '== xunit' -ForegroundColor Cyan
    & dotnet test (Join-Path $root 'tests/EtcdPS.Tests/EtcdPS.Tests.csproj') -c $Configuration --no-build --nologo `
        --logger "trx;LogFileName=xunit.trx" --results-directory $results --logger 'console;verbosity=normal'
    $xunitExit = $LASTEXITCODE
    $trx = Get-ChildItem $results -Filter xunit.trx -Recurse | Sort-Object LastWriteTime | Select-Object -Last 1
    $xPassed = 0; $xFailed = 0
    if ($trx) {
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $xPassed = [int] $counters.passed
        $xFailed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
    }
    if ($xunitExit -ne 0 -and $xFailed -eq 0) { $xFailed = 1 }

    Write-Host '== Pester' -ForegroundColor Cyan
    # Pester runs in a child pwsh so the module it imports is the freshly built one, not a copy this process holds.
    $pesterScript = @"
Import-Module '$pester'
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $root 'tests/pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$r = Invoke-Pester -Configuration `$c
'PESTER-COUNTS {0} {1}' -f `$r.PassedCount, (`$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount)
"@
    $pPassed = 0; $pFailed = 1
    $pwshHost = [Environment]::ProcessPath
    $pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($pwshHost) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    & $pwshHost @pwshArgs -NoProfile -NonInteractive -Command $pesterScript | ForEach-Object {
        if ($_ -is [string] -and $_ -match '^PESTER-COUNTS (\d+) (\d+)$') { $pPassed = [int]$Matches[1]; $pFailed = [int]$Matches[2] }
        else { $_ }
    }

    $passed = $xPassed + $pPassed
    $failed = $xFailed + $pFailed
    Write-Host "xunit: $xPassed passed, $xFailed failed; Pester: $pPassed passed, $pFailed failed"
    Write-Output "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Get-PwshInvocation {
    # Under 'dotnet pwsh' this process is the dotnet host: a child pwsh is the same pwsh.dll run through it.
    $exe = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { return @($exe, (Join-Path $PSHOME 'pwsh.dll')) }
    @($exe)
}

function Start-Lab {
    Install-Etcd
    Invoke-Build
    Import-Module (Join-Path $root 'EtcdPS.psd1') -Force -Global
    $lab = Start-EtcdLab -Seed Medium
    $lab | Format-Table | Out-Host
    Write-Host @"
EtcdPS lab '$($lab.Name)': $($lab.KeyCount) keys of a Kubernetes cluster in etcd at $($lab.Endpoints -join ', ') (connected). Try these:

  Get-EtcdStatus                                                  # revision, db size, leader
  Measure-EtcdKey -Prefix /registry/ -By Resource | Sort-Object Bytes -Descending   # who uses the disk
  Get-EtcdKey /registry/deployments/shop/ -Prefix -KeysOnly       # keys under a prefix (Tab completes keys)
  Get-EtcdKey /registry/deployments/shop/web | Format-List Key, CreateRevision, ModRevision, Version
  Get-EtcdKeyHistory /registry/deployments/shop/web -Diff         # every stored version: time travel
  Get-EtcdKey /registry/deployments/ -Prefix -Decode             # decoded: Kind, Namespace, Name, Summary
  Watch-EtcdPrefix /registry/pods/ -Revision 1000 -Count 5        # a watch resumed from a revision
  Invoke-EtcdCompaction -KeepRevisions 100 -WhatIf                # compaction, safely
  & ./examples/tour.ps1                                           # the guided tour (Get-Help about_EtcdPS for concepts)
  Stop-EtcdLab                                                    # stop it and remove its data
"@
}

function Invoke-Tour {
    Install-Etcd
    Invoke-Build
    # The tour runs in a child pwsh so it imports the freshly built module and never waits for input.
    $pwsh = @(Get-PwshInvocation)
    $tour = Join-Path $root 'examples/tour.ps1'
    $exe = $pwsh[0]
    $rest = @($pwsh | Select-Object -Skip 1)
    & $exe @rest -NoProfile -NonInteractive -File $tour -NonInteractive
    if ($LASTEXITCODE -ne 0) { throw "The tour failed (exit $LASTEXITCODE)." }
}

function Invoke-Package {
    Invoke-Build
    & (Join-Path $root 'tools/Package.ps1') -Root $root
}

Assert-DotnetSdk
switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Lab' { Start-Lab }
    'Tour' { Invoke-Tour }
    'Package' { Invoke-Package }
    'Docs' { Invoke-Build }
}
