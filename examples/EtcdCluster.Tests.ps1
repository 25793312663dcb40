<#
.SYNOPSIS
Pester checks of an etcd cluster, as an operator would run them after a change or on a schedule.

.EXAMPLE
$c = New-PesterContainer -Path ./examples/EtcdCluster.Tests.ps1 -Data @{ Endpoint = 'http://10.0.0.5:2379','http://10.0.0.6:2379','http://10.0.0.7:2379' }
Invoke-Pester -Container $c -Output Detailed

.EXAMPLE
Start-EtcdLab -Members 3; Invoke-Pester ./examples/EtcdCluster.Tests.ps1     # uses the session's connection
#>
param(
    # Endpoints to check; the session's connection (or ETCDCTL_ENDPOINTS) when omitted.
    [string[]] $Endpoint,
    [int] $ExpectedMembers = 3,
    [int] $MaxDbPercent = 80,
    [long] $DefaultQuotaBytes = 2GB,
    [double] $MaxRevisionsPerSecond = 1000
)

BeforeAll {
    if (-not (Get-Command Get-EtcdStatus -ErrorAction Ignore)) {
        Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1') -ErrorAction Stop
    }
    if ($Endpoint) { Connect-Etcd -Endpoint $Endpoint -Name cluster-tests }
    $script:status = @(Get-EtcdStatus -Cluster)
}

Describe 'etcd cluster' {
    It 'has the expected number of members' {
        @(Get-EtcdMember) | Should -HaveCount $ExpectedMembers
    }

    It 'every member is healthy' {
        $health = @(Test-EtcdHealth -Cluster)
        $health | Should -HaveCount $ExpectedMembers
        $health | Where-Object { -not $_.Healthy } | Should -BeNullOrEmpty
    }

    It 'has exactly one leader, and every member agrees on it' {
        @($script:status | Where-Object IsLeader) | Should -HaveCount 1
        @($script:status.LeaderId | Select-Object -Unique) | Should -HaveCount 1
    }

    It 'has no alarm (NOSPACE, CORRUPT)' {
        Get-EtcdAlarm | Should -BeNullOrEmpty
    }

    It 'members are at most a few raft entries apart' {
        $applied = $script:status.RaftAppliedIndex | Measure-Object -Minimum -Maximum
        ($applied.Maximum - $applied.Minimum) | Should -BeLessThan 1000
    }

    It 'the database of <Endpoint> is under the quota limit' -ForEach @($script:status | ForEach-Object { @{ Endpoint = $_.Endpoint; Status = $_ } }) {
        $quota = if ($Status.DbSizeQuota -gt 0) { $Status.DbSizeQuota } else { $DefaultQuotaBytes }
        (100.0 * $Status.DbSize / $quota) | Should -BeLessThan $MaxDbPercent
    }

    It 'writes at a sane rate' {
        (Measure-EtcdRevisionRate -Duration 00:00:05).PerSecond | Should -BeLessThan $MaxRevisionsPerSecond
    }
}
