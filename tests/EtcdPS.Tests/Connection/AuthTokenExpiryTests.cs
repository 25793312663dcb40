using System.Net;
using System.Net.Sockets;

namespace EtcdPS.Tests.Connection;

public sealed class AuthTokenExpiryTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>
{
    [Fact]
    public async Task The_fixture_token_really_expires_so_the_renewal_test_means_something()
    {
        var options = etcd.Server.ConnectionOptions(credential: new System.Net.NetworkCredential("root", AuthEtcdFixture.RootPassword));
        var connected = await Engine.Connection.EtcdConnector.ConnectAsync(options, CancellationToken.None);
        using var connection = connected.Connection;
        var withToken = connection.CallOptions(CancellationToken.None);
        await Task.Delay(2500);
        var request = new Etcdserverpb.RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("health") };
        var stale = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => connection.Clients[0].KV.RangeAsync(request, withToken).ResponseAsync);
        Assert.Contains("invalid auth token", stale.Status.Detail, StringComparison.Ordinal);

        // Through the connection the same read succeeds: the token is renewed once and the call retried.
        var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(request, o).ResponseAsync, CancellationToken.None);
        Assert.True(response.Header.Revision > 0);
    }
}
