using Rpc = Etcdserverpb;
using Grpc.Net.Client;

namespace EtcdPS.Engine.Connection;

/// <summary>
/// One etcd endpoint: its own HTTP/2 channel and the generated service clients on it.
/// The channel is built here rather than by dotnet-etcd's convenience constructor, whose retry
/// policy turned a refused connection into seconds of waiting.
/// </summary>
internal sealed class EndpointClient : IDisposable
{
    private readonly GrpcChannel _channel;

    /// <param name="address">The endpoint.</param>
    /// <param name="tls">TLS material for https.</param>
    /// <param name="dialTimeout">How long connecting may take.</param>
    /// <param name="readOnlySnapshot">A mounted snapshot's file: every call that writes is refused.</param>
    public EndpointClient(Uri address, TlsMaterial? tls, TimeSpan dialTimeout, string? readOnlySnapshot = null)
    {
        Address = address;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = dialTimeout,
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (address.Scheme == Uri.UriSchemeHttps && tls is not null)
        {
            handler.SslOptions = tls.ToSslOptions();
        }

        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // etcd answers can be far larger than gRPC's 4 MB default (a big range, a snapshot chunk).
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
        var invoker = readOnlySnapshot is null
            ? _channel.CreateCallInvoker()
            : Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(_channel.CreateCallInvoker(), new Snapshots.ReadOnlyInterceptor(readOnlySnapshot));
        KV = new Rpc.KV.KVClient(invoker);
        Watch = new Rpc.Watch.WatchClient(invoker);
        Lease = new Rpc.Lease.LeaseClient(invoker);
        Cluster = new Rpc.Cluster.ClusterClient(invoker);
        Maintenance = new Rpc.Maintenance.MaintenanceClient(invoker);
        Auth = new Rpc.Auth.AuthClient(invoker);
    }

    /// <summary>The endpoint as a normalized URL, e.g. <c>https://10.0.0.5:2379</c>.</summary>
    public Uri Address { get; }

    /// <summary>True for an https endpoint: gRPC failures are then read as possible TLS failures.</summary>
    public bool UsesTls => Address.Scheme == Uri.UriSchemeHttps;

    /// <summary>The endpoint the way etcdctl prints it.</summary>
    public string Name => Address.GetLeftPart(UriPartial.Authority);

    public Rpc.KV.KVClient KV { get; }
    public Rpc.Watch.WatchClient Watch { get; }
    public Rpc.Lease.LeaseClient Lease { get; }
    public Rpc.Cluster.ClusterClient Cluster { get; }
    public Rpc.Maintenance.MaintenanceClient Maintenance { get; }
    public Rpc.Auth.AuthClient Auth { get; }

    public void Dispose() => _channel.Dispose();

    public override string ToString() => Name;
}
