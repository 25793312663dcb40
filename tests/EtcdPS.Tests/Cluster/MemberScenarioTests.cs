using System.Diagnostics;
using System.Management.Automation;

namespace EtcdPS.Tests.Cluster;

/// <summary>
/// Issue 18's scenario on a real 3-member cluster: add a learner, start it with the flags Add-EtcdMember printed, promote
/// it (refused before it caught up), move leadership to it, remove the old leader; the members still agree afterwards.
/// </summary>
public sealed class MemberScenarioTests(ExtraMemberFixture etcd) : IClassFixture<ExtraMemberFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void A_learner_is_added_started_promoted_made_leader_and_the_old_leader_removed()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var (clientPort, peerPort) = ExtraMemberFixture.FreePorts();
        var peerUrl = $"http://127.0.0.1:{peerPort}";

        var added = Assert.Single(_pwsh.Run($"Add-EtcdMember etcd-new {peerUrl} -Learner -Confirm:$false"));
        Assert.True((bool)added.Properties["IsLearner"].Value);
        Assert.Equal("existing", added.Properties["InitialClusterState"].Value);
        var initialCluster = (string)added.Properties["InitialCluster"].Value;
        Assert.Contains($"etcd-new={peerUrl}", initialCluster, StringComparison.Ordinal);
        Assert.All(etcd.Server.Members, m => Assert.Contains($"{m.Name}={m.PeerUrl}", initialCluster, StringComparison.Ordinal));
        Assert.Equal(4, ((object[])added.Properties["Members"].Value).Length);

        // Not started yet: etcd refuses to promote a learner that has not caught up.
        var early = _pwsh.Invoke("Invoke-EtcdMemberPromotion etcd-new -Confirm:$false");
        Assert.Equal("EtcdMemberNotFound", early.FirstErrorId); // an unstarted member has no name yet
        var byId = _pwsh.Invoke($"Invoke-EtcdMemberPromotion {added.Properties["Id"].Value} -Confirm:$false");
        Assert.Equal("EtcdLearnerNotReady", byId.FirstErrorId);

        etcd.StartMember("etcd-new", clientPort, peerPort, (string)added.Properties["EtcdArguments"].Value);
        PwshResult promoted;
        var watch = Stopwatch.StartNew();
        do
        {
            Thread.Sleep(300);
            promoted = _pwsh.Invoke("Invoke-EtcdMemberPromotion etcd-new -Confirm:$false");
        }
        while (promoted.FirstErrorId is "EtcdLearnerNotReady" or "EtcdMemberNotFound" && watch.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Empty(promoted.Errors);
        Assert.Equal(4, promoted.Output.Count);
        Assert.All(promoted.Output, m => Assert.False((bool)m.Properties["IsLearner"].Value));

        var oldLeader = (string)_pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject;
        var moved = Assert.Single(_pwsh.Run("Move-EtcdLeader -To etcd-new -Confirm:$false"));
        Assert.Equal("etcd-new", moved.Properties["Leader"].Value);
        Assert.Equal(oldLeader, moved.Properties["PreviousLeader"].Value);
        Assert.Equal("etcd-new", _pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject);

        var after = _pwsh.Run($"Get-EtcdMember {oldLeader} | Remove-EtcdMember -Confirm:$false");
        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(after, m => (string)m.Properties["Name"].Value == oldLeader);
        Assert.Contains(after, m => (string)m.Properties["Name"].Value == "etcd-new");

        _pwsh.Run($"Connect-Etcd (Get-EtcdMember).ClientUrls");
        Assert.True((bool)Assert.Single(_pwsh.Run("Test-EtcdConsistency")).BaseObject);
    }
}
