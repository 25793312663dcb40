using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdPS.Tests.Errors;

/// <summary>
/// The gRPC-to-ErrorId mapping, fed with the exact status codes and texts etcd 3.4 (and grpc-go / grpc-dotnet) send.
/// Pure mapping, so constructed RpcExceptions are enough; the real-etcd cases follow in <see cref="RealRpcErrorMappingTests"/>.
/// </summary>
public sealed class RpcErrorMappingTests
{
    private const string Target = "http://127.0.0.1:2379";

    private static EtcdException Map(StatusCode code, string detail, bool overTls = false) =>
        EtcdErrors.FromRpc(new RpcException(new Status(code, detail)), Target, overTls);

    [Theory]
    [InlineData(StatusCode.ResourceExhausted, "grpc: received message larger than max (2200010 vs. 2097152)")]
    [InlineData(StatusCode.ResourceExhausted, "grpc: trying to send message larger than max (5000000 vs. 4194304)")]
    [InlineData(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.")]
    [InlineData(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.")]
    public void Message_size_limits_are_EtcdMessageTooLarge_not_NoSpace(StatusCode code, string detail)
    {
        var error = Map(code, detail);
        Assert.Equal("EtcdMessageTooLarge", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.InvalidArgument, error.Category);
        Assert.Contains("--max-request-bytes", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("pages", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(Target, error.Target);
    }

    [Fact]
    public void An_unanswered_keep_alive_ping_is_a_timeout_not_a_server_error()
    {
        // What grpc-dotnet reports when a member froze while the connection was idle (seen after ~40 s of SIGSTOP).
        var inner = new HttpRequestException("The HTTP/2 server didn't respond to a ping request within the configured KeepAlivePingTimeout.");
        var ex = new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call. HttpRequestException: " + inner.Message, inner));
        var error = EtcdErrors.FromRpc(ex, Target, overTls: false);
        Assert.Equal("EtcdTimeout", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.OperationTimeout, error.Category);
        Assert.DoesNotContain("KeepAlivePingTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_space_exceeded_stays_EtcdNoSpace()
    {
        var error = Map(StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded");
        Assert.Equal("EtcdNoSpace", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.QuotaExceeded, error.Category);
    }

    [Fact]
    public void Too_many_requests_is_its_own_id()
    {
        var error = Map(StatusCode.ResourceExhausted, "etcdserver: too many requests");
        Assert.Equal("EtcdTooManyRequests", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.ResourceUnavailable, error.Category);
        Assert.False(string.IsNullOrEmpty(error.RecommendedAction));
    }

    [Fact]
    public void Other_resource_exhaustion_is_not_reported_as_a_full_database()
    {
        var error = Map(StatusCode.ResourceExhausted, "something else ran out");
        Assert.Equal("EtcdServerError", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.NotSpecified, error.Category);
        Assert.Contains("something else ran out", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("etcdserver: no leader")]
    [InlineData("etcdserver: leader changed")]
    public void Leader_problems_are_EtcdNoLeader(string detail)
    {
        var error = Map(StatusCode.Unavailable, detail);
        Assert.Equal("EtcdNoLeader", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.ResourceUnavailable, error.Category);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.Contains("majority", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("etcdserver: request timed out")]
    [InlineData("etcdserver: request timed out, possibly due to previous leader failure")]
    [InlineData("etcdserver: request timed out, possibly due to connection lost")]
    public void Raft_timeouts_are_EtcdRequestTimedOut(string detail)
    {
        var error = Map(StatusCode.Unavailable, detail);
        Assert.Equal("EtcdRequestTimedOut", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.OperationTimeout, error.Category);
        Assert.False(string.IsNullOrEmpty(error.RecommendedAction));
    }

    [Fact]
    public void A_plain_unreachable_endpoint_stays_EtcdUnavailable()
    {
        var error = Map(StatusCode.Unavailable, "Error connecting to subchannel.");
        Assert.Equal("EtcdUnavailable", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.ConnectionError, error.Category);
    }

    [Fact]
    public void Cancelled_uses_the_constant_id()
    {
        Assert.Equal(EtcdErrorIds.Cancelled, Map(StatusCode.Cancelled, "Call canceled by the client.").ErrorId);
    }

    [Fact]
    public void A_broken_http2_preface_is_a_tls_failure_only_over_tls()
    {
        const string detail = "Error starting gRPC call. HttpRequestException: The HTTP/2 server closed the connection. HTTP/2 error code 'PROTOCOL_ERROR' (0x1). (HttpProtocolError) The request was aborted. The response ended prematurely while waiting for the next frame from the server. The server did not complete the HTTP/2 handshake.";
        Assert.Equal("EtcdTlsFailed", Map(StatusCode.Unavailable, detail, overTls: true).ErrorId);
        Assert.NotEqual("EtcdTlsFailed", Map(StatusCode.Unavailable, detail).ErrorId);
    }

    [Fact]
    public void Reads_move_to_another_member_on_no_leader_and_raft_timeouts_but_not_on_other_failures()
    {
        Assert.True(EtcdErrors.IsRetryableOnAnotherEndpoint(Map(StatusCode.Unavailable, "etcdserver: no leader")));
        Assert.True(EtcdErrors.IsRetryableOnAnotherEndpoint(Map(StatusCode.Unavailable, "etcdserver: request timed out")));
        Assert.True(EtcdErrors.IsRetryableOnAnotherEndpoint(Map(StatusCode.Unavailable, "connection refused")));
        Assert.False(EtcdErrors.IsRetryableOnAnotherEndpoint(Map(StatusCode.PermissionDenied, "etcdserver: permission denied")));
        Assert.False(EtcdErrors.IsRetryableOnAnotherEndpoint(Map(StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded")));
    }
}

/// <summary>The mapping with real etcd answers that are cheap to provoke.</summary>
public sealed class RealRpcErrorMappingTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>
{
    private static PutRequest Put(string key, int size) =>
        new() { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(new byte[size]) };

    [Fact]
    public async Task A_put_beyond_grpcs_receive_limit_is_EtcdMessageTooLarge()
    {
        var connected = await Engine.Connection.EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None);
        using var connection = connected.Connection;
        // etcd's gRPC server takes --max-request-bytes (1.5 MiB by default) plus 512 KiB: 2.2 MB is over both limits.
        var error = await Assert.ThrowsAsync<EtcdException>(() => connection.CallAsync(
            (c, o) => c.KV.PutAsync(Put("/errors/too-big", 2_200_000), o).ResponseAsync, CancellationToken.None, idempotent: false));
        Assert.Equal("EtcdMessageTooLarge", error.ErrorId);
        Assert.Contains("larger than max", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotFound_about_a_lease_or_a_member_has_its_own_id_not_EtcdKeyNotFound()
    {
        var connected = await Engine.Connection.EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None);
        using var connection = connected.Connection;
        var lease = await Assert.ThrowsAsync<EtcdException>(() => connection.CallAsync(
            (c, o) => c.KV.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("/errors/leased"), Lease = 0x1234567 }, o).ResponseAsync,
            CancellationToken.None, idempotent: false));
        Assert.Equal("EtcdLeaseNotFound", lease.ErrorId);
        Assert.Equal(EtcdErrorCategory.ObjectNotFound, lease.Category);
        var revoke = await Assert.ThrowsAsync<EtcdException>(() => connection.CallAsync(
            (c, o) => c.Lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = 0x7654321 }, o).ResponseAsync, CancellationToken.None, idempotent: false));
        Assert.Equal("EtcdLeaseNotFound", revoke.ErrorId);
        var member = await Assert.ThrowsAsync<EtcdException>(() => connection.CallAsync(
            (c, o) => c.Cluster.MemberRemoveAsync(new MemberRemoveRequest { ID = 0xabcdef }, o).ResponseAsync, CancellationToken.None, idempotent: false));
        Assert.Equal("EtcdMemberNotFound", member.ErrorId);
        Assert.Equal(EtcdErrorCategory.ObjectNotFound, member.Category);
    }

    [Fact]
    public async Task A_put_between_etcds_limit_and_grpcs_limit_is_EtcdRequestTooLarge()
    {
        var connected = await Engine.Connection.EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None);
        using var connection = connected.Connection;
        var error = await Assert.ThrowsAsync<EtcdException>(() => connection.CallAsync(
            (c, o) => c.KV.PutAsync(Put("/errors/big", 1_700_000), o).ResponseAsync, CancellationToken.None, idempotent: false));
        Assert.Equal("EtcdRequestTooLarge", error.ErrorId);
    }
}

/// <summary>A real member without a leader: two of three members killed.</summary>
public sealed class NoLeaderMappingTests
{
    [Fact]
    public async Task A_read_that_requires_a_leader_on_a_member_that_lost_quorum_is_EtcdNoLeader()
    {
        using var server = await Engine.Lab.EtcdServer.StartAsync(new Engine.Lab.EtcdServerOptions { Members = 3 }, CancellationToken.None);
        var connected = await Engine.Connection.EtcdConnector.ConnectAsync(server.ConnectionOptions() with { Endpoints = [server.ClientUrls[0]] },
            CancellationToken.None);
        using var connection = connected.Connection;
        server.Kill(1);
        server.Kill(2);

        // The survivor steps down once it misses the others for an election timeout (1 s by default).
        var client = connection.Clients[0];
        for (var i = 0; i < 100; i++)
        {
            var status = await connection.CallEndpointAsync(client, (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync, CancellationToken.None);
            if (status.Leader == 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        // "hasleader" is the metadata etcdctl and EtcdPS's watches send to be refused at once rather than wait for quorum.
        var error = await Assert.ThrowsAsync<EtcdException>(() => connection.CallEndpointAsync(client, (c, o) =>
        {
            var headers = o.Headers ?? [];
            headers.Add("hasleader", "true");
            return c.KV.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("k") }, o.WithHeaders(headers)).ResponseAsync;
        }, CancellationToken.None));
        Assert.Equal("EtcdNoLeader", error.ErrorId);
        Assert.Equal(EtcdErrorCategory.ResourceUnavailable, error.Category);
    }
}
