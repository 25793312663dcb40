using System.Management.Automation;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Cluster;

public sealed class SingleMemberClusterTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Status_revision_equals_the_revision_etcd_reports_after_puts()
    {
        var server = etcd.Server;
        using var raw = new Engine.Connection.EndpointClient(new Uri(server.ClientUrls[0]), null, TimeSpan.FromSeconds(5));
        PutResponse? last = null;
        for (var i = 0; i < 7; i++)
        {
            last = raw.KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8($"/status-test/{i}"), Value = ByteString.CopyFromUtf8("v") });
        }

        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var status = Assert.Single(_pwsh.Run("Get-EtcdStatus"));
        Assert.Equal(last!.Header.Revision, (long)status.Properties["Revision"].Value);
        Assert.Equal(MemberIds.ToHex(last.Header.MemberId), status.Properties["MemberId"].Value);
        Assert.True((bool)status.Properties["IsLeader"].Value);
        Assert.True((long)status.Properties["CompactRevision"].Value < last.Header.Revision);
        Assert.Matches("^3\\.", (string)status.Properties["Version"].Value);
        Assert.True((long)status.Properties["DbSize"].Value > 0);
    }

    [Fact]
    public void Compact_revision_is_found_after_a_compaction()
    {
        using var raw = new Engine.Connection.EndpointClient(new Uri(etcd.Endpoint), null, TimeSpan.FromSeconds(5));
        long revision = 0;
        for (var i = 0; i < 5; i++)
        {
            revision = raw.KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8("/compact-test/k"), Value = ByteString.CopyFromUtf8(i.ToString()) }).Header.Revision;
        }

        raw.KV.Compact(new CompactionRequest { Revision = revision - 2, Physical = true });
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var compact = _pwsh.Run("(Get-EtcdStatus).CompactRevision");
        Assert.Equal(revision - 2, (long)Assert.Single(compact).BaseObject);
    }

    [Fact]
    public void Health_quiet_gives_one_boolean()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        Assert.True((bool)Assert.Single(_pwsh.Run("Test-EtcdHealth -Quiet")).BaseObject);
        var health = Assert.Single(_pwsh.Run("Test-EtcdHealth"));
        Assert.Equal(etcd.Endpoint, health.Properties["Endpoint"].Value);
        Assert.True((bool)health.Properties["Healthy"].Value);
    }

    [Fact]
    public void Member_list_and_alarms()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var member = Assert.Single(_pwsh.Run("Get-EtcdMember"));
        Assert.Equal("etcd-0", member.Properties["Name"].Value);
        Assert.Equal(new[] { etcd.Endpoint }, (string[])member.Properties["ClientUrls"].Value);
        Assert.Empty(_pwsh.Run("Get-EtcdAlarm"));
    }

    [Fact]
    public void Table_view_humanizes_sizes()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var text = string.Join("\n", _pwsh.Run("Get-EtcdStatus | Format-Table | Out-String -Width 250").Select(o => o.ToString()));
        Assert.Matches(@"\d+(\.\d)? kB", text);
        Assert.Contains("Revision", text);
    }
}

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

public sealed class PipelineStopTests(ClusterEtcdFixture etcd) : IClassFixture<ClusterEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Select_first_one_stops_the_cmdlet_without_error()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var result = _pwsh.Invoke("Get-EtcdStatus | Select-Object -First 1");
        Assert.Empty(result.Errors);
        Assert.Single(result.Output);
        // The runspace is still usable after the stop.
        Assert.Equal(3, _pwsh.Run("Get-EtcdStatus").Count);
    }

    [Fact]
    public void Objects_compose_with_group_sort_and_csv()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var groups = _pwsh.Run("Get-EtcdStatus | Group-Object IsLeader | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }");
        Assert.Equal(["False=2", "True=1"], groups.Select(g => g.ToString()));
        var csv = _pwsh.Run("Get-EtcdMember | Sort-Object Name | ConvertTo-Csv | Select-Object -Skip 1 -First 1");
        Assert.Contains("etcd-0", csv[0].ToString(), StringComparison.Ordinal);
    }
}
