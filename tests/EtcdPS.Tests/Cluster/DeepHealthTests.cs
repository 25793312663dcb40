using Etcdserverpb;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Cluster;

/// <summary>Three members of its own: the tests stop a member and raise alarms.</summary>
public sealed class DeepHealthEtcdFixture : EtcdFixture
{
    internal override EtcdServerOptions CreateOptions() => new() { Members = 3 };
}

/// <summary>Test-EtcdHealth -Deep on a real 3-member cluster: healthy, a member stopped, a NOSPACE alarm, a latency threshold below what is measured.</summary>
public sealed class DeepHealthTests(DeepHealthEtcdFixture etcd) : IClassFixture<DeepHealthEtcdFixture>, IDisposable
{
    // The disks of a shared test machine are slow at times; the latency checks get their own test with a threshold below the measurement.
    private const string LooseLatency = "-MaxWalFsyncMs 5000 -MaxBackendCommitMs 5000 -SampleInterval 00:00:01";

    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    private IReadOnlyList<(string Check, string Member, string Status)> Deep(string arguments)
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        return _pwsh.Run($"Test-EtcdHealth -Deep {arguments}")
            .Select(c => ((string)c.Properties["Check"].Value, (string)c.Properties["Member"].Value, c.Properties["Status"].Value.ToString()!))
            .ToArray();
    }

    private static string[] Failed(IEnumerable<(string Check, string Member, string Status)> checks) =>
        checks.Where(c => c.Status == "Fail").Select(c => $"{c.Check}/{c.Member}").Order().ToArray();

    [Fact]
    public void A_healthy_cluster_passes_every_check_of_every_member()
    {
        var checks = Deep(LooseLatency);
        Assert.Empty(Failed(checks));
        string[] perMember = ["MemberAnswers", "DbQuota", "Fragmentation", "WalFsyncP99", "BackendCommitP99", "LeaderChanges", "FailedProposals", "RaftApplyGap"];
        foreach (var member in new[] { "etcd-0", "etcd-1", "etcd-2" })
        {
            Assert.Equal(perMember.Order(), checks.Where(c => c.Member == member).Select(c => c.Check).Order());
        }

        Assert.Contains(checks, c => c is { Check: "Leader", Member: "cluster", Status: "Pass" });
        Assert.Contains(checks, c => c is { Check: "Alarms", Member: "cluster", Status: "Pass" });
        Assert.True((bool)Assert.Single(_pwsh.Run($"Test-EtcdHealth -Deep -Quiet {LooseLatency}")).BaseObject);
    }

    [Fact]
    public void A_threshold_below_the_measured_fsync_p99_fails_that_check_only()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}; 1..10 | ForEach-Object {{ Set-EtcdKey /deep/$_ v }}");
        var checks = Deep("-MaxWalFsyncMs 0.000001 -MaxBackendCommitMs 5000 -SampleInterval 00:00:01");
        Assert.Equal(["WalFsyncP99/etcd-0", "WalFsyncP99/etcd-1", "WalFsyncP99/etcd-2"], Failed(checks));
        var fsync = _pwsh.Run("Test-EtcdHealth -Deep -MaxWalFsyncMs 0.000001 -SampleInterval 0:0:0 | Where-Object Check -eq WalFsyncP99 | Select-Object -First 1")[0];
        Assert.True((double)fsync.Properties["Value"].Value > 0.000001);
        Assert.Equal(0.000001, (double)fsync.Properties["Threshold"].Value);
        Assert.Contains("fsync", (string)fsync.Properties["RecommendedAction"].Value, StringComparison.OrdinalIgnoreCase);
        Assert.False((bool)Assert.Single(_pwsh.Run("Test-EtcdHealth -Deep -Quiet -MaxWalFsyncMs 0.000001 -SampleInterval 0:0:0")).BaseObject);
    }

    [Fact]
    public void A_nospace_alarm_fails_the_alarm_check()
    {
        using var raw = new RawEtcd(etcd.Endpoint);
        var memberId = raw.Status().Header.MemberId;
        raw.Maintenance.Alarm(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = memberId, Alarm = AlarmType.Nospace });
        try
        {
            var checks = Deep(LooseLatency);
            Assert.Equal(["Alarms/cluster"], Failed(checks));
            var alarm = _pwsh.Run("Test-EtcdHealth -Deep -SampleInterval 0:0:0 -MaxWalFsyncMs 5000 -MaxBackendCommitMs 5000 | Where-Object Check -eq Alarms")[0];
            Assert.Contains("NOSPACE", (string)alarm.Properties["Message"].Value, StringComparison.Ordinal);
            Assert.Contains("Clear-EtcdAlarm", (string)alarm.Properties["RecommendedAction"].Value, StringComparison.Ordinal);
        }
        finally
        {
            raw.Maintenance.Alarm(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Deactivate, MemberID = memberId, Alarm = AlarmType.Nospace });
        }
    }

    [Fact]
    public async Task A_stopped_member_fails_its_answer_check_and_the_rest_is_still_checked()
    {
        // Stop a follower, so that no election makes the leader check race with the test.
        var statuses = etcd.Endpoints.Select(e => { using var r = new RawEtcd(e); return r.Status(); }).ToArray();
        var follower = Array.FindIndex(statuses, s => s.Leader != s.Header.MemberId);
        etcd.Server.Kill(follower);
        try
        {
            var checks = Deep(LooseLatency);
            Assert.Equal([$"MemberAnswers/etcd-{follower}"], Failed(checks));
            Assert.DoesNotContain(checks, c => c.Member == $"etcd-{follower}" && c.Check != "MemberAnswers");
            Assert.Contains(checks, c => c is { Check: "Leader", Status: "Pass" });
            Assert.False((bool)Assert.Single(_pwsh.Run($"Test-EtcdHealth -Deep -Quiet {LooseLatency}")).BaseObject);
        }
        finally
        {
            await etcd.Server.RestartAsync(follower, CancellationToken.None);
        }
    }

    [Fact]
    public void Bad_thresholds_are_refused_before_anything_is_asked()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        Assert.Equal("ParameterArgumentValidationError", _pwsh.Invoke("Test-EtcdHealth -Deep -QuotaWarnPercent 120").FirstErrorId);
        Assert.Equal("ParameterArgumentValidationError", _pwsh.Invoke("Test-EtcdHealth -Deep -MaxWalFsyncMs -1").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Test-EtcdHealth -Deep -SampleInterval 2:00:00").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Test-EtcdHealth -Deep -QuotaWarnPercent 90 -QuotaFailPercent 50").FirstErrorId);
        var withoutDeep = _pwsh.Invoke("Test-EtcdHealth -MaxWalFsyncMs 3");
        Assert.Equal("EtcdInvalidArgument", withoutDeep.FirstErrorId);
        Assert.Contains("-Deep", withoutDeep.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }
}
