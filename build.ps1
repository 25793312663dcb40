#!/usr/bin/env pwsh
<#
.SYNOPSIS
Builds, tests, packages and demonstrates EtcdPS.

.DESCRIPTION
Tasks:
  Build    dotnet build and restore Pester; the module is then importable from the repository root (./EtcdPS.psd1).
  Test     Build, then xunit (dotnet test) and Pester (tests/pester) on the default etcd (ETCDPS_ETCD, else etcd on PATH)
           and again on etcd 3.5.30; prints each run's etcd version and one closing 'N passed, N failed' line;
           non-zero exit on any failure.
  Lab      Build, import, start a local lab etcd and connect to it. Run with 'dotnet pwsh -NoExit' to stay at the prompt.
  Tour     Build, start the lab and run examples/tour.ps1 non-interactively.
  Package  Lay out out/EtcdPS/<version>/ ready for Import-Module or publishing.
  Docs     Build the MAML help (en-US/EtcdPS.dll-Help.xml) from docs/*.md.

Bootstraps what is missing: etcd (apt-get when root on Debian/Ubuntu, else a message with the command),
etcd 3.5.30 for the tests (Debian sid's etcd-server/etcd-client unpacked into tools/etcd-3.5.30, once),
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

# The second etcd every test run uses: Debian unstable's static 3.5 build (Kubernetes 1.26-1.33 run 3.5).
$etcd35Version = '3.5.30'
$etcd35Package = '3.5.30-2'

function Get-EtcdVersion {
    param([string] $Path)
    $text = (& $Path --version 2>&1) -join "`n"
    if ($text -match 'etcd Version: (\S+)') { return $Matches[1] }
    throw "'$Path --version' did not print an etcd version: $text"
}

function Find-DefaultEtcd {
    if ($env:ETCDPS_ETCD) { return $env:ETCDPS_ETCD }
    $etcd = Get-Command etcd -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($etcd) { return $etcd.Source }
    '/usr/bin/etcd'
}

function Install-Etcd35 {
    <# Fetches etcd-server and etcd-client $etcd35Package from Debian sid once into tools/etcd-<version>/ (ignored by git):
       a private apt source list and state folder, 'apt-get download' and 'dpkg-deb -x'; nothing on the system changes.
       ETCDPS_ETCD35 names an etcd 3.5 binary to use instead (for machines without apt). #>
    if ($env:ETCDPS_ETCD35) { return $env:ETCDPS_ETCD35 }
    $dir = Join-Path $root "tools/etcd-$etcd35Version"
    $etcd = Join-Path $dir 'usr/bin/etcd'
    if (Test-Path $etcd) { return $etcd }
    if (-not ((Get-Command apt-get -ErrorAction SilentlyContinue) -and (Get-Command dpkg-deb -ErrorAction SilentlyContinue))) {
        throw "The tests also run on etcd $etcd35Version, fetched with apt-get from Debian sid; this machine has no apt-get. Set ETCDPS_ETCD35 to an etcd $etcd35Version binary."
    }
    Write-Host "Fetching etcd $etcd35Version (Debian sid etcd-server/etcd-client $etcd35Package) into $dir" -ForegroundColor Yellow
    $work = Join-Path $root "tools/.etcd-$etcd35Version-download"
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    $lists = Join-Path $work 'lists'
    $archives = Join-Path $work 'archives'
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $lists 'partial'), (Join-Path $archives 'partial')
    $sources = Join-Path $work 'sources.list'
    Set-Content -LiteralPath $sources -Value 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main'
    $apt = @('-q', '-o', "Dir::Etc::SourceList=$sources", '-o', 'Dir::Etc::SourceParts=/dev/null',
        '-o', "Dir::State::Lists=$lists", '-o', "Dir::Cache::Archives=$archives", '-o', 'APT::Sandbox::User=root')
    Invoke-Native apt-get ($apt + @('update')) | Out-Host
    Push-Location $work
    try { Invoke-Native apt-get ($apt + @('download', "etcd-server=$etcd35Package", "etcd-client=$etcd35Package")) | Out-Host }
    finally { Pop-Location }
    $staging = Join-Path $work 'root'
    foreach ($deb in Get-ChildItem -LiteralPath $work -Filter '*.deb') { Invoke-Native dpkg-deb @('-x', $deb.FullName, $staging) | Out-Host }
    $version = Get-EtcdVersion (Join-Path $staging 'usr/bin/etcd')
    if ($version -ne $etcd35Version) { throw "The fetched etcd says it is $version, not $etcd35Version." }
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    Move-Item -LiteralPath $staging -Destination $dir
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    $etcd
}

function Invoke-TestRun {
    <# One run of xunit and Pester with ETCDPS_ETCD = $Etcd; returns @(passed, failed). #>
    param([string] $Etcd, [string] $Label, [string] $XunitFilter, [string[]] $PesterPaths)
    $pester = Get-PesterPath
    $results = Join-Path $root "out/test-results/$Label"
    Remove-Item -LiteralPath $results -Recurse -Force -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force -Path $results
    $previous = $env:ETCDPS_ETCD
    $env:ETCDPS_ETCD = $Etcd
    try {
        Write-Host "== xunit on $Label ($Etcd)" -ForegroundColor Cyan
        $filter = @(if ($XunitFilter) { '--filter', $XunitFilter })
        & dotnet test (Join-Path $root 'tests/EtcdPS.Tests/EtcdPS.Tests.csproj') -c $Configuration --no-build --nologo @filter `
            --logger "trx;LogFileName=xunit.trx" --results-directory $results --logger 'console;verbosity=normal' | Out-Host
        $xunitExit = $LASTEXITCODE
        $trx = Get-ChildItem $results -Filter xunit.trx -Recurse | Sort-Object LastWriteTime | Select-Object -Last 1
        $xPassed = 0; $xFailed = 0
        if ($trx) {
            $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
            $xPassed = [int] $counters.passed
            $xFailed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
            # Named again at the very end, so a failure is visible in the last lines of a CI log.
            ([xml](Get-Content $trx.FullName -Raw)).TestRun.Results.UnitTestResult |
                Where-Object { $_.outcome -notin 'Passed', 'NotExecuted' } |
                ForEach-Object { $script:testFailures += "$Label xunit: $($_.testName): $(("$($_.Output.ErrorInfo.Message)" -split "`n")[0])" }
        }
        if ($xunitExit -ne 0 -and $xFailed -eq 0) { $xFailed = 1 }

        Write-Host "== Pester on $Label ($Etcd)" -ForegroundColor Cyan
        # Pester runs in a child pwsh so the module it imports is the freshly built one, not a copy this process holds.
        $paths = ($PesterPaths | ForEach-Object { "'$_'" }) -join ','
        $pesterScript = @"
Import-Module '$pester'
`$c = New-PesterConfiguration
`$c.Run.Path = @($paths)
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$r = Invoke-Pester -Configuration `$c
'PESTER-COUNTS {0} {1}' -f `$r.PassedCount, (`$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount)
foreach (`$t in `$r.Failed) { 'PESTER-FAILED ' + `$t.ExpandedPath }
foreach (`$b in `$r.FailedBlocks) { 'PESTER-FAILED ' + (`$b.Path -join '.') }
foreach (`$f in `$r.FailedContainers) { 'PESTER-FAILED ' + `$f.Item }
"@
        $pPassed = 0; $pFailed = 1
        $pwshHost = [Environment]::ProcessPath
        $pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($pwshHost) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        & $pwshHost @pwshArgs -NoProfile -NonInteractive -Command $pesterScript | ForEach-Object {
            if ($_ -is [string] -and $_ -match '^PESTER-COUNTS (\d+) (\d+)$') { $pPassed = [int]$Matches[1]; $pFailed = [int]$Matches[2] }
            elseif ($_ -is [string] -and $_ -match '^PESTER-FAILED (.*)$') { $script:testFailures += "$Label Pester: $($Matches[1])" }
            else { $_ | Out-Host }
        }
    }
    finally { $env:ETCDPS_ETCD = $previous }
    $summary = "$Label ($Etcd): xunit $xPassed passed, $xFailed failed; Pester $pPassed passed, $pFailed failed"
    $script:testSummaries += $summary
    Write-Host $summary -ForegroundColor Cyan
    @(($xPassed + $pPassed), ($xFailed + $pFailed))
}

function Invoke-Test {
    <# The whole suite on the default etcd (ETCDPS_ETCD, else etcd on PATH: 3.4.23 on Debian bookworm), then the suite
       minus the tour and examples on etcd 3.5.30. Both etcd versions run every test that starts an etcd: the behaviour
       that differs (count-only ranges, watch progress, Status fields, snapshots, auth tokens) is spread over all areas. #>
    Install-Etcd
    Install-Chromium
    $null = Get-PesterPath
    $etcd35 = Install-Etcd35
    Invoke-Build
    $default = Find-DefaultEtcd
    $runs = @(
        @{ Etcd = $default; Version = (Get-EtcdVersion $default); Pester = @(Join-Path $root 'tests/pester') }
        @{ Etcd = $etcd35; Version = (Get-EtcdVersion $etcd35)
            # Examples.Tests.ps1 runs the tour and the example scripts: documentation checks, not etcd behaviour.
            Pester = @(Get-ChildItem (Join-Path $root 'tests/pester') -Filter '*.Tests.ps1' | Where-Object Name -ne 'Examples.Tests.ps1' | ForEach-Object FullName) }
    )
    if ($runs[0].Version -eq $runs[1].Version) { $runs = @($runs[0]) }
    $script:testSummaries = @()
    $script:testFailures = @()
    $passed = 0; $failed = 0
    foreach ($run in $runs) {
        $counts = Invoke-TestRun -Etcd $run.Etcd -Label "etcd-$($run.Version)" -PesterPaths $run.Pester
        $passed += $counts[0]; $failed += $counts[1]
    }
    foreach ($line in $script:testFailures) { Write-Host "FAILED $line" -ForegroundColor Red }
    foreach ($line in $script:testSummaries) { Write-Host $line }
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
