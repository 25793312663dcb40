namespace EtcdPS.Tests.Maintenance;

/// <summary>
/// Defragmentation that never blocks two members at once: the leader read again before each member, -MoveLeader, and a
/// wait for each member to answer again (issue 14, item 5).
/// </summary>
public sealed class DefragLeaderTests(ClusterEtcdFixture etcd) : IClassFixture<ClusterEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void MoveLeader_defragments_the_original_leader_as_a_follower()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var leader = (string)_pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject;
        var results = _pwsh.Run("Invoke-EtcdDefragmentation -Cluster -MoveLeader -Confirm:$false");
        Assert.Equal(3, results.Count);
        var last = results[^1];
        Assert.Equal(leader, last.Properties["Name"].Value);
        Assert.True((bool)last.Properties["IsLeader"].Value);
        var movedTo = (string)last.Properties["LeaderMovedTo"].Value;
        Assert.NotNull(movedTo);
        Assert.NotEqual(leader, movedTo);
        Assert.All(results.Take(2), r => Assert.Null(r.Properties["LeaderMovedTo"].Value));
        Assert.Equal(movedTo, _pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject);
    }

    [Fact]
    public void A_member_that_does_not_answer_after_its_defragmentation_stops_the_run_before_the_next_member()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var leader = (string)_pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject;
        var frozen = etcd.Server.Members.Select((m, i) => (m, i)).First(x => x.m.Name != leader);
        // The connection itself avoids the frozen member (a frozen endpoint stalls any call for the command timeout).
        _pwsh.Run($"Connect-Etcd {string.Join(",", etcd.Server.Members.Where(m => m != frozen.m).Select(m => m.ClientUrl))}");
        etcd.Server.Signal(frozen.i, stop: true);
        try
        {
            var run = _pwsh.Invoke("Invoke-EtcdDefragmentation -Cluster -Timeout 00:00:02 -SettleTimeout 00:00:02 -Confirm:$false");
            var ids = run.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray();
            Assert.True(ids.Contains("EtcdMemberNotAnswering"), string.Join(" | ", run.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
            Assert.Contains("EtcdMemberNotAnswering", ids);
            Assert.Equal("EtcdMemberNotAnswering", ids[^1]);
            Assert.DoesNotContain(run.Output, r => (string)r.Properties["Name"].Value == leader);
            Assert.Contains(frozen.m.ClientUrl, run.Errors[^1].Exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            etcd.Server.Signal(frozen.i, stop: false);
        }
    }
}
