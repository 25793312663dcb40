using System.Net;
using Authpb;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Cluster;

/// <summary>Test-EtcdHealth -Quiet answers $false rather than failing when the cluster cannot be reached.</summary>
public sealed class QuietHealthTests : IDisposable
{
    private readonly PwshSession _pwsh = new();

    // Unreachable ETCDCTL_ENDPOINTS is covered in tests/pester/Connection.Tests.ps1: the variable is process-wide,
    // and xunit runs test classes in parallel.
    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public async Task Quiet_is_false_when_the_member_list_of_Cluster_cannot_be_read()
    {
        using var server = await EtcdServer.StartAsync(new EtcdServerOptions(), CancellationToken.None);
        _pwsh.Run($"Connect-Etcd {server.ClientUrls[0]}");
        Assert.True((bool)Assert.Single(_pwsh.Run("Test-EtcdHealth -Quiet -Cluster")).BaseObject);
        server.Kill(0);
        foreach (var script in new[] { "Test-EtcdHealth -Quiet -Cluster", "Test-EtcdHealth -Quiet" })
        {
            var result = _pwsh.Invoke(script);
            Assert.Empty(result.Errors);
            Assert.False((bool)Assert.Single(result.Output).BaseObject);
        }

        // Without -Quiet, the failure is still an error with its id.
        Assert.Equal("EtcdUnavailable", _pwsh.Invoke("Test-EtcdHealth -Cluster").FirstErrorId);
    }

    [Fact]
    public void Quiet_still_reports_that_there_is_no_connection_at_all()
    {
        var result = _pwsh.Invoke("Remove-Item Env:ETCDCTL_ENDPOINTS -ErrorAction Ignore; Test-EtcdHealth -Quiet");
        Assert.Equal("EtcdNotConnected", result.FirstErrorId);
        Assert.Empty(result.Output);
    }
}
