<#
.SYNOPSIS
Pester checks of an etcd cluster, as an operator would run them after a change or on a schedule.

.DESCRIPTION
The members are found at discovery (BeforeDiscovery), so each member gets its own checks with its real status:
"etcd-1 is reachable", "the database of etcd-1 is under the quota limit", and a member that is down fails by name.
Every status is read member by member, so the checks also run (and fail) when the cluster lost its quorum.

.EXAMPLE
$c = New-PesterContainer -Path ./examples/EtcdCluster.Tests.ps1 -Data @{ Endpoint = 'http://10.0.0.5:2379','http://10.0.0.6:2379','http://10.0.0.7:2379' }
Invoke-Pester -Container $c -Output Detailed

.EXAMPLE
Start-EtcdLab -Members 3; Invoke-Pester ./examples/EtcdCluster.Tests.ps1 -Output Detailed    # uses the session's connection
#>
param(
    # Endpoints to check; the session's connection (or ETCDCTL_ENDPOINTS) when omitted.
    [string[]] $Endpoint,
    [int] $ExpectedMembers = 3,
    [int] $MaxDbPercent = 80,
    # The quota to compare with when etcd does not report one (before 3.6): etcd's default, 2 GiB.
    [long] $DefaultQuotaBytes = 2GB,
    [double] $MaxRevisionsPerSecond = 1000,
    [TimeSpan] $RateSample = '00:00:05'
)

BeforeDiscovery {
    if (-not (Get-Command Get-EtcdStatus -ErrorAction Ignore)) {
        Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1') -ErrorAction Stop
    }
    if ($Endpoint) { Connect-Etcd -Endpoint $Endpoint -Name cluster-tests -WarningAction SilentlyContinue }
    # One entry per member, reachable or not: the tests below are generated from it.
    $members = @(Get-EtcdStatus -Cluster -ErrorAction SilentlyContinue | ForEach-Object {
            @{ Member = $(if ($_.Name) { $_.Name } else { $_.Endpoint }); Status = $_ }
        })
}

BeforeAll {
    if (-not (Get-Command Get-EtcdStatus -ErrorAction Ignore)) {
        Import-Module (Join-Path $PSScriptRoot '../EtcdPS.psd1') -ErrorAction Stop
    }
    if ($Endpoint -and -not (Get-EtcdConnection -Name cluster-tests)) { Connect-Etcd -Endpoint $Endpoint -Name cluster-tests -WarningAction SilentlyContinue }
    $script:status = @(Get-EtcdStatus -Cluster -ErrorAction SilentlyContinue)
    $script:reachable = @($script:status | Where-Object Reachable)
}

Describe 'etcd cluster' {
    It 'has the expected number of members' {
        @($script:status) | Should -HaveCount $ExpectedMembers
    }

    It 'has a quorum: a majority of the members follow a leader' {
        $following = @($script:reachable | Where-Object LeaderId)
        $following.Count | Should -BeGreaterOrEqual ([math]::Floor($script:status.Count / 2) + 1)
    }

    It 'has exactly one leader, and every member agrees on it' {
        @($script:reachable | Where-Object IsLeader) | Should -HaveCount 1
        @($script:reachable.LeaderId | Select-Object -Unique) | Should -HaveCount 1
    }

    It 'has no alarm (NOSPACE, CORRUPT)' {
        @($script:reachable | ForEach-Object { $_.Alarms }) | Should -BeNullOrEmpty
    }

    It 'members are at most a few raft entries apart' {
        $applied = $script:reachable.RaftAppliedIndex | Measure-Object -Minimum -Maximum
        ($applied.Maximum - $applied.Minimum) | Should -BeLessThan 1000
    }

    It 'writes at a sane rate' {
        (Measure-EtcdRevisionRate -Duration $RateSample).PerSecond | Should -BeLessThan $MaxRevisionsPerSecond
    }
}

Describe 'member <Member>' -ForEach $members {
    It 'is reachable' {
        $Status.Reachable | Should -BeTrue -Because $Status.Error
    }

    It 'has a leader' {
        $Status.LeaderId | Should -Not -BeNullOrEmpty -Because $Status.Error
    }

    It 'answers a linearizable read (health)' {
        $health = Test-EtcdHealth -Cluster -ErrorAction SilentlyContinue | Where-Object Endpoint -eq $Status.Endpoint
        $health.Healthy | Should -BeTrue -Because $health.Error
    }

    It 'has its database under the quota limit' {
        $quota = if ($Status.DbSizeQuota -gt 0) { $Status.DbSizeQuota } else { $DefaultQuotaBytes }
        (100.0 * $Status.DbSize / $quota) | Should -BeLessThan $MaxDbPercent -Because "$($Status.DbSize) bytes of $quota"
    }
}
