using EtcdPS.Engine;

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

    /// <summary>
    /// A member that stops answering once the run has started (here: frozen after the plan was made, while every member
    /// answered) ends the run: the next member is not touched, so two members are never blocked at once. A member that
    /// does not answer when the plan is made is refused up front instead (DefragRefusalTests).
    /// </summary>
    [Fact]
    public async Task A_member_that_does_not_answer_after_its_defragmentation_stops_the_run_before_the_next_member()
    {
        using var connection = (await Engine.Connection.EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None)).Connection;
        var plan = await Engine.Maintenance.Defragmenter.PlanAsync(connection, null, allMembers: true, CancellationToken.None);
        Assert.Equal(3, plan.Count);
        var first = plan[0];
        Assert.False(first.IsLeader);
        var frozen = etcd.Server.Members.Select((m, i) => (m, i)).First(x => x.m.ClientUrl == first.Endpoint);
        etcd.Server.Signal(frozen.i, stop: true);
        try
        {
            var outcomes = new List<Outcome<EtcdDefragResult>>();
            await foreach (var outcome in Engine.Maintenance.Defragmenter.DefragmentAsync(connection, plan, _ => Task.FromResult(true),
                TimeSpan.FromSeconds(2), moveLeader: false, settle: TimeSpan.FromSeconds(2), report: _ => { }, CancellationToken.None))
            {
                outcomes.Add(outcome);
            }

            var ids = outcomes.Where(o => o.Error is not null).Select(o => o.Error!.ErrorId).ToArray();
            Assert.Equal("EtcdMemberNotAnswering", ids[^1]);
            Assert.Contains(first.Endpoint, outcomes[^1].Error!.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(outcomes, o => o.Value is not null);
        }
        finally
        {
            etcd.Server.Signal(frozen.i, stop: false);
        }
    }
}
