namespace EtcdPS.Tests.Maintenance;

public sealed class ClusterDefragTests(ClusterEtcdFixture etcd) : IClassFixture<ClusterEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void The_connection_endpoints_by_default_and_with_cluster_every_member_followers_first_leader_last()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoints[0]}");
        var own = Assert.Single(_pwsh.Run("Invoke-EtcdDefragmentation -Confirm:$false"));
        Assert.Equal(etcd.Endpoints[0], own.Properties["Endpoint"].Value);

        var results = _pwsh.Run("Invoke-EtcdDefragmentation -Cluster -Confirm:$false");
        Assert.Equal(3, results.Count);
        Assert.Equal([false, false, true], results.Select(r => (bool)r.Properties["IsLeader"].Value));
        Assert.Equal(etcd.Endpoints.Order(), results.Select(r => (string)r.Properties["Endpoint"].Value).Order());
        Assert.All(results, r => Assert.True((long)r.Properties["DbSizeAfter"].Value > 0));
    }

    [Fact]
    public void Endpoint_picks_members_by_name_or_url_and_status_objects_pipe_in()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        var byName = Assert.Single(_pwsh.Run("Invoke-EtcdDefragmentation -Endpoint etcd-1 -Confirm:$false"));
        Assert.Equal(etcd.Endpoints[1], byName.Properties["Endpoint"].Value);
        Assert.Equal("etcd-1", byName.Properties["Name"].Value);

        var piped = _pwsh.Run("Get-EtcdStatus | Where-Object { -not $_.IsLeader } | Invoke-EtcdDefragmentation -Confirm:$false");
        Assert.Equal(2, piped.Count);
        Assert.All(piped, r => Assert.False((bool)r.Properties["IsLeader"].Value));
    }
}
