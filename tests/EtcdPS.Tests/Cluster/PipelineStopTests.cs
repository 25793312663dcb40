using System.Management.Automation;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Cluster;

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
