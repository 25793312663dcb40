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
        Assert.Equal(new[] { etcd.Endpoint }, (IReadOnlyList<string>)member.Properties["ClientUrls"].Value);
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
