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

    [Theory]
    [InlineData("Get-EtcdStatus")]
    [InlineData("Get-EtcdMember")]
    public void The_default_table_fits_an_80_column_terminal_one_line_per_member(string command)
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var lines = ((string)Assert.Single(_pwsh.Run($"{command} | Out-String -Width 80")).BaseObject)
            .Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        // A header, its underline and one line per member: nothing wrapped onto a second line.
        Assert.True(lines.Length == 5, string.Join("\n", lines));
        Assert.DoesNotContain("…", string.Join("\n", lines), StringComparison.Ordinal);
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
