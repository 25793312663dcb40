# Shared by the Pester files: starts real etcd processes on free loopback ports and stops exactly those.
Set-StrictMode -Version Latest

$script:RepoRoot = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent

function Get-RepoRoot { $script:RepoRoot }

function Get-FreeTcpPort {
    param([int] $Count = 1)
    $listeners = foreach ($i in 1..$Count) {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start()
        $l
    }
    try { $listeners | ForEach-Object { $_.LocalEndpoint.Port } }
    finally { $listeners | ForEach-Object { $_.Stop() } }
}

<#
.SYNOPSIS
Runs a fresh child pwsh (the same PowerShell as this one, also when it runs as a dotnet tool) with these arguments and
returns its output lines, error lines included; $LASTEXITCODE is the child's exit code.
#>
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    # Under 'dotnet pwsh' this process is the dotnet host: the child is pwsh.dll run through it.
    $host_ = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    & $host_ @prefix -NoProfile -NonInteractive @Arguments 2>&1
}

<#
.SYNOPSIS
Runs a script in a fresh child pwsh and returns its exit code and its whole output as one string.
#>
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script)
    $output = Invoke-FreshPwsh -Arguments @('-Command', $Script)
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
}

<#
.SYNOPSIS
The common start of a Pester file: imports the built EtcdPS afresh into the session and, unless -Members is 0, starts a
throwaway etcd (see Start-TestEtcd) and returns it.
#>
function Initialize-EtcdPSTest {
    param([ValidateSet(0, 1, 3)] [int] $Members = 1, [long] $QuotaBackendBytes)
    Import-Module (Join-Path $script:RepoRoot 'EtcdPS.psd1') -Force -Global
    if ($Members -gt 0) { Start-TestEtcd -Members $Members -QuotaBackendBytes $QuotaBackendBytes }
}

<#
.SYNOPSIS
The common end of a Pester file: closes the session's etcd connections and stops the etcd Initialize-EtcdPSTest started.
#>
function Complete-EtcdPSTest {
    param($Etcd)
    if (Get-Command Disconnect-Etcd -ErrorAction SilentlyContinue) { Disconnect-Etcd -All }
    if ($Etcd) { Stop-TestEtcd $Etcd }
}

function Find-EtcdBinary {
    # build.ps1 -Task Test runs the suite once per etcd version and names the binary in ETCDPS_ETCD.
    if ($env:ETCDPS_ETCD) {
        if (-not (Test-Path -LiteralPath $env:ETCDPS_ETCD)) { throw "ETCDPS_ETCD names '$env:ETCDPS_ETCD', which does not exist." }
        return $env:ETCDPS_ETCD
    }
    $etcd = Get-Command etcd -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($etcd) { return $etcd.Source }
    if (Test-Path /usr/bin/etcd) { return '/usr/bin/etcd' }
    throw 'etcd is not installed: install etcd-server (apt-get install -y etcd-server etcd-client) or put etcd on PATH.'
}

<#
.SYNOPSIS
Starts a throwaway etcd (1 or 3 members) and returns an object with Endpoints, Endpoint and the processes.
#>
function Start-TestEtcd {
    param(
        [ValidateSet(1, 3)] [int] $Members = 1,
        [long] $QuotaBackendBytes,
        [string[]] $ExtraArgument = @()
    )
    $etcd = Find-EtcdBinary
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("etcdps-pester-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $null = New-Item -ItemType Directory -Path $root
    $ports = @(Get-FreeTcpPort -Count ($Members * 2))
    $nodes = for ($i = 0; $i -lt $Members; $i++) {
        [pscustomobject]@{
            Name      = "etcd-$i"
            ClientUrl = "http://127.0.0.1:$($ports[$i * 2])"
            PeerUrl   = "http://127.0.0.1:$($ports[$i * 2 + 1])"
            DataDir   = Join-Path $root "etcd-$i"
            Process   = $null
        }
    }
    $initial = ($nodes | ForEach-Object { "$($_.Name)=$($_.PeerUrl)" }) -join ','
    foreach ($n in $nodes) {
        $arguments = @(
            '--name', $n.Name, '--data-dir', $n.DataDir,
            '--listen-client-urls', $n.ClientUrl, '--advertise-client-urls', $n.ClientUrl,
            '--listen-peer-urls', $n.PeerUrl, '--initial-advertise-peer-urls', $n.PeerUrl,
            '--initial-cluster', $initial, '--initial-cluster-token', (Split-Path $root -Leaf),
            '--initial-cluster-state', 'new', '--logger', 'zap', '--log-level', 'error'
        )
        if ($QuotaBackendBytes) { $arguments += @('--quota-backend-bytes', $QuotaBackendBytes) }
        $arguments += $ExtraArgument
        $n.Process = Start-Process -FilePath $etcd -ArgumentList $arguments -PassThru `
            -RedirectStandardOutput (Join-Path $root "$($n.Name).out") -RedirectStandardError (Join-Path $root "$($n.Name).log")
    }
    $cluster = [pscustomobject]@{
        Root      = $root
        Members   = @($nodes)
        Endpoints = @($nodes.ClientUrl)
        Endpoint  = $nodes[0].ClientUrl
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    foreach ($n in $nodes) {
        while ($true) {
            if ($n.Process.HasExited) {
                Stop-TestEtcd $cluster
                throw "etcd $($n.Name) exited at start: $(Get-Content (Join-Path $root "$($n.Name).log") -Raw -ErrorAction SilentlyContinue)"
            }
            try {
                $health = Invoke-RestMethod -Uri "$($n.ClientUrl)/health" -TimeoutSec 2 -ErrorAction Stop
                if ($health.health -eq 'true') { break }
            }
            catch { }
            if ([DateTime]::UtcNow -gt $deadline) {
                Stop-TestEtcd $cluster
                throw "etcd $($n.Name) did not become healthy in 30 s"
            }
            Start-Sleep -Milliseconds 100
        }
    }
    $cluster
}

<#
.SYNOPSIS
Kills the processes Start-TestEtcd started and removes their data.
#>
function Stop-TestEtcd {
    param([Parameter(Mandatory)] $Cluster)
    foreach ($n in $Cluster.Members) {
        if ($n.Process -and -not $n.Process.HasExited) {
            $n.Process.Kill($true)
            $null = $n.Process.WaitForExit(10000)
        }
    }
    Remove-Item -LiteralPath $Cluster.Root -Recurse -Force -ErrorAction SilentlyContinue
}

<#
.SYNOPSIS
Puts keys with etcdctl-free raw gRPC is not available in pwsh; this uses the etcd v3 JSON gateway instead.
#>
function Set-TestKey {
    param([Parameter(Mandatory)] [string] $Endpoint, [Parameter(Mandatory)] [string] $Key, [string] $Value = '')
    $body = @{
        key   = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Key))
        value = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Value))
    } | ConvertTo-Json
    $response = Invoke-RestMethod -Method Post -Uri "$Endpoint/v3/kv/put" -Body $body -ContentType 'application/json'
    [long] $response.header.revision
}

Export-ModuleMember -Function Get-RepoRoot, Invoke-FreshPwsh, Invoke-ChildPwsh, Initialize-EtcdPSTest, Complete-EtcdPSTest, Get-FreeTcpPort, Start-TestEtcd, Stop-TestEtcd, Set-TestKey
