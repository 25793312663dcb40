using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Connection;

/// <summary>
/// The outcome of a connect: the connection, the endpoints that did not answer (the rest still work), and every
/// warning for the user (those endpoints' failures, a credential the cluster did not need).
/// </summary>
internal sealed record ConnectResult(EtcdConnection Connection, IReadOnlyList<EtcdException> UnreachableEndpoints)
{
    public IReadOnlyList<string> Warnings { get; init; } = UnreachableEndpoints.Select(f => f.Message).ToArray();
}

/// <summary>Opens a connection and proves the cluster answers before anyone relies on it.</summary>
internal static class EtcdConnector
{
    /// <param name="options">Endpoints, TLS files, credential, timeouts.</param>
    /// <param name="cancellation">Stops the connect.</param>
    /// <param name="tls">TLS material made by the caller (certificates read from a pod); null reads the files in <paramref name="options"/>.</param>
    /// <param name="tunnel">Something the connection owns and closes with it (a port-forward); closed here too when the connect fails.</param>
    public static async Task<ConnectResult> ConnectAsync(EtcdConnectionOptions options, CancellationToken cancellation,
        TlsMaterial? tls = null, IDisposable? tunnel = null)
    {
        try
        {
            return await ConnectCoreAsync(options, tls, tunnel, cancellation).ConfigureAwait(false);
        }
        catch
        {
            tunnel?.Dispose();
            throw;
        }
    }

    private static async Task<ConnectResult> ConnectCoreAsync(EtcdConnectionOptions options, TlsMaterial? presetTls, IDisposable? tunnel, CancellationToken cancellation)
    {
        if (options.Endpoints.Count == 0)
        {
            throw new EtcdException(EtcdErrorIds.InvalidEndpoint, EtcdErrorCategory.InvalidArgument,
                "No endpoint was given.", null, "Give at least one endpoint, for example -Endpoint http://127.0.0.1:2379.");
        }

        var addresses = options.Endpoints.Select(e => EndpointAddress.Parse(e, options.WantsTls)).Distinct().ToArray();
        var tls = addresses.Any(a => a.Scheme == Uri.UriSchemeHttps) ? presetTls ?? TlsMaterial.Load(options) : null;
        var clients = addresses.Select(a => new EndpointClient(a, tls, options.DialTimeout, options.ReadOnlySnapshot)).ToArray();
        var connection = new EtcdConnection(options, tls, clients) { Tunnel = tunnel };
        try
        {
            var probes = clients.Select(c => ProbeAsync(connection, c, cancellation)).ToArray();
            await Task.WhenAll(probes).ConfigureAwait(false);
            var answered = probes.Select(p => p.Result).OfType<StatusResponse>().FirstOrDefault();
            var failures = probes.Select(p => p.Result).OfType<EtcdException>().ToArray();
            if (answered is null)
            {
                throw NoEndpointAnswered(options, failures);
            }

            connection.ClusterId = answered.Header.ClusterId.ToString("x");
            connection.UnreachableEndpoints = clients.Where((_, i) => probes[i].Result is EtcdException).Select(c => c.Name).ToArray();
            connection.ServerVersion = answered.Version;
            var reachable = clients.Where((_, i) => probes[i].Result is StatusResponse).First();
            await connection.AuthenticateAsync(reachable, cancellation).ConfigureAwait(false);
            await VerifyAccessAsync(connection, cancellation).ConfigureAwait(false);
            var warnings = failures.Select(f => f.Message).ToList();
            if (connection.CredentialNotNeeded)
            {
                warnings.Add($"etcd at {reachable.Name} does not have authentication enabled: the credential for user '{connection.User}' was not needed and is not used.");
            }

            return new ConnectResult(connection, failures) { Warnings = warnings };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Status of one endpoint within the dial timeout; returns the response or the failure.</summary>
    private static async Task<object> ProbeAsync(EtcdConnection connection, EndpointClient client, CancellationToken cancellation)
    {
        try
        {
            return await connection.CallEndpointAsync(client,
                (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                cancellation, timeout: connection.Options.DialTimeout).ConfigureAwait(false);
        }
        catch (EtcdException ex)
        {
            return ex;
        }
    }

    /// <summary>
    /// Status needs no credential, so a read proves the credential (or its absence) is right.
    /// A user whose role does not cover this key is still connected: permission denied is fine here.
    /// </summary>
    private static async Task VerifyAccessAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        try
        {
            await connection.CallAsync((c, o) => c.KV.RangeAsync(
                // Serializable: answered by the member itself, so a cluster that lost its leader can still be connected to
                // (and its members' status read); the member still checks the user's permission.
                new RangeRequest { Key = ByteString.CopyFromUtf8("health"), CountOnly = true, Serializable = true }, o).ResponseAsync,
                cancellation, timeout: connection.Options.DialTimeout + connection.Options.CommandTimeout).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
        }
    }

    private static EtcdException NoEndpointAnswered(EtcdConnectionOptions options, EtcdException[] failures)
    {
        // A TLS or auth problem is more telling than "unavailable"; report the most specific failure.
        var telling = failures.FirstOrDefault(f => f.ErrorId == EtcdErrorIds.TlsFailed)
            ?? failures.FirstOrDefault(f => f.ErrorId != EtcdErrorIds.Unavailable)
            ?? failures.FirstOrDefault();
        if (telling is null)
        {
            return new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                "No etcd endpoint answered.", string.Join(",", options.Endpoints), "Check the endpoints.");
        }

        var all = string.Join("; ", failures.Select(f => f.Message));
        return new EtcdException(telling.ErrorId, telling.Category,
            failures.Length == 1 ? telling.Message : $"No etcd endpoint answered: {all}",
            string.Join(",", options.Endpoints), telling.RecommendedAction, telling);
    }
}
