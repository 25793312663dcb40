using System.Management.Automation;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Cluster;

public sealed class ThreeMemberClusterTests(ClusterEtcdFixture etcd) : IClassFixture<ClusterEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Status_of_three_endpoints_in_one_call_with_exactly_one_leader()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var statuses = _pwsh.Run("Get-EtcdStatus");
        Assert.Equal(3, statuses.Count);
        Assert.Single(statuses, s => (bool)s.Properties["IsLeader"].Value);
        var leaderIds = statuses.Select(s => (string)s.Properties["LeaderId"].Value).Distinct();
        Assert.Single(leaderIds);
        Assert.Equal(3, statuses.Select(s => s.Properties["MemberId"].Value).Distinct().Count());
        Assert.All(statuses, s => Assert.Equal(0L, (long)s.Properties["CompactRevision"].Value));
        Assert.Equal(1, (int)Assert.Single(_pwsh.Run("Get-EtcdStatus | Where-Object IsLeader | Measure-Object")).Properties["Count"].Value);
    }

    [Fact]
    public void Cluster_switch_finds_every_member_from_one_endpoint()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoints[1]}");
        var statuses = _pwsh.Run("Get-EtcdStatus -Cluster");
        Assert.Equal(3, statuses.Count);
        Assert.Equal(etcd.Endpoints.Order(), statuses.Select(s => (string)s.Properties["Endpoint"].Value).Order());
        Assert.All(statuses, s => Assert.StartsWith("etcd-", (string)s.Properties["Name"].Value));
        Assert.Equal(3, _pwsh.Run("Get-EtcdMember").Count);
        Assert.Equal(3, _pwsh.Run("Test-EtcdHealth -Cluster").Count);
    }
}
