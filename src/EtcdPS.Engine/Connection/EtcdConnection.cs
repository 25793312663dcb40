using System.Net;
using EtcdPS.Engine.Connection;
using Etcdserverpb;
using Grpc.Core;

namespace EtcdPS;

/// <summary>
/// A connection to one etcd cluster through one or more endpoints. It keeps an HTTP/2 channel per endpoint,
/// the user's auth token (refreshed when it expires), and the timeouts. It never exposes the password or token.
/// </summary>
public sealed class EtcdConnection : IDisposable
{
    private readonly EndpointClient[] _clients;
    private readonly NetworkCredential? _credential;
    private readonly SemaphoreSlim _authGate = new(1, 1);
    private string? _token;
    private int _preferred;
    private bool _disposed;
    private bool _unresolved;

    internal EtcdConnection(EtcdConnectionOptions options, TlsMaterial? tls, EndpointClient[] clients)
    {
        Options = options;
        Tls = tls;
        _clients = clients;
        _credential = options.Credential;
        Name = options.Name ?? "default";
        Endpoints = clients.Select(c => c.Name).ToArray();
    }

    /// <summary>The name given with <c>Connect-Etcd -Name</c>; <c>default</c> when none was given.</summary>
    public string Name { get; }

    /// <summary>The endpoints of the connection, normalized (scheme, host, port).</summary>
    public TextList Endpoints { get; }

    /// <summary>The cluster id in hex, as etcdctl prints it.</summary>
    public string ClusterId { get; internal set; } = string.Empty;

    /// <summary>The endpoints that did not answer when the connection was made (the connection works through the others).</summary>
    public TextList UnreachableEndpoints { get; internal set; } = [];

    /// <summary>The etcd version of the first endpoint that answered.</summary>
    public string ServerVersion { get; internal set; } = string.Empty;

    /// <summary>The etcd user, when the connection authenticates; never the password.</summary>
    public string? User => _credential?.UserName;

    /// <summary>True when the endpoints use https.</summary>
    public bool UsesTls => _clients.Any(c => c.Address.Scheme == Uri.UriSchemeHttps);

    /// <summary>
    /// True when the server certificate is not verified (-SkipCertificateCheck or ETCDCTL_INSECURE_SKIP_TLS_VERIFY):
    /// anyone on the network path can pose as the cluster.
    /// </summary>
    public bool SkipsCertificateCheck => UsesTls && Options.SkipCertificateCheck;

    /// <summary>How long opening a connection to an endpoint may take.</summary>
    public TimeSpan DialTimeout => Options.DialTimeout;

    /// <summary>The deadline of an ordinary call.</summary>
    public TimeSpan CommandTimeout => Options.CommandTimeout;

    /// <summary>When the connection was made.</summary>
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.Now;

    /// <summary>True when this is the runspace's default connection.</summary>
    public bool IsDefault { get; set; }

    /// <summary>True once Disconnect-Etcd closed it.</summary>
    public bool IsClosed => _disposed;

    /// <summary>The etcd pod (namespace/name) reached through a Kubernetes port-forward; null for a direct connection.</summary>
    public string? KubernetesPod { get; internal set; }

    /// <summary>The snapshot file this connection serves (Mount-EtcdSnapshot); null for a live cluster.</summary>
    public string? SnapshotPath => Options.ReadOnlySnapshot;

    /// <summary>True for a mounted snapshot: EtcdPS refuses every write through this connection.</summary>
    public bool IsReadOnly => Options.ReadOnlySnapshot is not null;

    /// <summary>A port-forward the connection owns: it closes with the connection.</summary>
    internal IDisposable? Tunnel { get; init; }

    internal EtcdConnectionOptions Options { get; }
    internal TlsMaterial? Tls { get; }
    internal IReadOnlyList<EndpointClient> Clients => _clients;
    internal bool HasCredential => _credential is not null;

    /// <summary>True when a credential was given but the cluster has authentication disabled: calls carry no token.</summary>
    internal bool CredentialNotNeeded { get; private set; }

    /// <inheritdoc />
    public override string ToString() => SnapshotPath is null
        ? $"{Name} ({string.Join(",", Endpoints)})"
        : $"{Name} (snapshot {SnapshotPath})";

    /// <summary>Closes every channel.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Tunnel?.Dispose();
    }

    /// <summary>Call options with the deadline, the cancellation and the auth token.</summary>
    internal CallOptions CallOptions(CancellationToken cancellation, TimeSpan? timeout = null)
    {
        var deadline = timeout == Timeout.InfiniteTimeSpan ? (DateTime?)null : DateTime.UtcNow + (timeout ?? Options.CommandTimeout);
        var headers = _token is null ? null : new Metadata { { "token", _token } };
        return new CallOptions(headers, deadline, cancellation);
    }

    /// <summary>
    /// Runs a call on the preferred endpoint; when that endpoint is down and the call is idempotent, tries the others.
    /// An expired auth token is renewed once. Failures come back as <see cref="EtcdException"/>.
    /// </summary>
    internal async Task<T> CallAsync<T>(Func<EndpointClient, CallOptions, Task<T>> call, CancellationToken cancellation,
        object? target = null, bool idempotent = true, TimeSpan? timeout = null)
    {
        ThrowIfClosed();
        EtcdException? last = null;
        var start = Volatile.Read(ref _preferred);
        var attempts = idempotent ? _clients.Length : 1;
        for (var i = 0; i < attempts; i++)
        {
            var index = (start + i) % _clients.Length;
            try
            {
                var result = await CallEndpointAsync(_clients[index], call, cancellation, target, timeout).ConfigureAwait(false);
                Volatile.Write(ref _preferred, index);
                return result;
            }
            catch (EtcdException ex) when (EtcdErrors.IsRetryableOnAnotherEndpoint(ex) && !cancellation.IsCancellationRequested)
            {
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>Runs a call on one given endpoint (status of a member, defrag of a member).</summary>
    internal async Task<T> CallEndpointAsync<T>(EndpointClient client, Func<EndpointClient, CallOptions, Task<T>> call,
        CancellationToken cancellation, object? target = null, TimeSpan? timeout = null)
    {
        ThrowIfClosed();
        target ??= client.Name;
        for (var attempt = 0; ; attempt++)
        {
            var tokenUsed = _token;
            try
            {
                return await call(client, CallOptions(cancellation, timeout)).ConfigureAwait(false);
            }
            catch (RpcException ex) when (cancellation.IsCancellationRequested)
            {
                throw new OperationCanceledException("The call was cancelled.", ex, cancellation);
            }
            catch (RpcException ex) when (attempt == 0 && _credential is not null && IsExpiredToken(ex))
            {
                await RenewTokenAsync(client, tokenUsed, cancellation).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                throw EtcdErrors.FromRpc(ex, target, client.UsesTls, client.Name);
            }
        }
    }

    /// <summary>Authenticates with the connection's credential and keeps the token for later calls.</summary>
    internal async Task AuthenticateAsync(EndpointClient client, CancellationToken cancellation)
    {
        if (_credential is null)
        {
            return;
        }

        try
        {
            var response = await client.Auth.AuthenticateAsync(
                new AuthenticateRequest { Name = _credential.UserName, Password = _credential.Password },
                new CallOptions(deadline: DateTime.UtcNow + Options.DialTimeout + Options.CommandTimeout, cancellationToken: cancellation))
                .ConfigureAwait(false);
            _token = response.Token;
            CredentialNotNeeded = false;
        }
        catch (RpcException ex) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException("The call was cancelled.", ex, cancellation);
        }
        catch (RpcException ex) when (!cancellation.IsCancellationRequested && IsAuthNotEnabled(ex))
        {
            // etcdctl goes on without a token in this case; so does the connection, and the caller warns.
            _token = null;
            CredentialNotNeeded = true;
        }
        catch (RpcException ex) when (!cancellation.IsCancellationRequested)
        {
            throw EtcdErrors.FromRpc(ex, client.Name, client.UsesTls);
        }
    }

    /// <summary>
    /// Proves the auth token still works with a cheap authenticated read, renewing it when it expired; for streams,
    /// which cannot be retried once they started. Nothing to do without a credential.
    /// </summary>
    internal async Task EnsureFreshTokenAsync(EndpointClient client, CancellationToken cancellation)
    {
        if (_credential is null || CredentialNotNeeded)
        {
            return;
        }

        try
        {
            await CallEndpointAsync(client, (c, o) => c.KV.RangeAsync(
                new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("health"), CountOnly = true }, o).ResponseAsync, cancellation).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            // The token is valid; this user just may not read that key.
        }
    }

    /// <summary>A closed stand-in for a connection name that names no connection; using it fails with EtcdNotConnected.</summary>
    internal static EtcdConnection Unresolved(string name) =>
        new(new EtcdConnectionOptions { Endpoints = [], Name = name }, null, []) { _unresolved = true, _disposed = true };

    /// <summary>Why this connection cannot be used: it was closed, or its name named no connection.</summary>
    internal EtcdException NotConnectedError() => _unresolved
        ? EtcdErrors.NotConnected($"There is no etcd connection named '{Name}' in this session.", Name)
        : EtcdErrors.NotConnected($"The connection '{Name}' was closed.", Name);

    /// <summary>A connection to other endpoints of the same cluster with the same TLS, credential and token.</summary>
    internal EtcdConnection WithEndpoints(IEnumerable<string> endpoints)
    {
        var options = Options with { Endpoints = endpoints.ToArray() };
        var clients = options.Endpoints
            .Select(e => new EndpointClient(EndpointAddress.Parse(e, options.WantsTls), Tls, options.DialTimeout, options.ReadOnlySnapshot))
            .ToArray();
        return new EtcdConnection(options, Tls, clients) { ClusterId = ClusterId, ServerVersion = ServerVersion, _token = _token };
    }

    private async Task RenewTokenAsync(EndpointClient client, string? expiredToken, CancellationToken cancellation)
    {
        await _authGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            // Another call may have renewed it while this one waited.
            if (_token == expiredToken)
            {
                await AuthenticateAsync(client, cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            _authGate.Release();
        }
    }

    private static bool IsAuthNotEnabled(RpcException ex) =>
        ex.Status.Detail?.Contains("authentication is not enabled", StringComparison.Ordinal) == true;

    // "revision of auth store is old": the token predates a user, role or permission change; the Go client renews it too.
    // "user name is empty": no token yet (etcd 3.5.28+ guards Status, asked before the first authentication).
    private static bool IsExpiredToken(RpcException ex) =>
        ex.Status.Detail is { } detail
        && (detail.Contains("invalid auth token", StringComparison.Ordinal)
            || detail.Contains("revision of auth store is old", StringComparison.Ordinal)
            || detail.Contains("user name is empty", StringComparison.Ordinal));

    private void ThrowIfClosed()
    {
        if (_disposed)
        {
            throw NotConnectedError();
        }
    }
}
