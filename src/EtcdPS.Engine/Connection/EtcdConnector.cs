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
        var plain = addresses.Where(a => a.Scheme == Uri.UriSchemeHttp).ToArray();
        if (presetTls is null && plain.Length > 0 && (options.CaCertPath ?? options.CertPath ?? options.KeyPath) is not null)
        {
            // The TLS files would be silently ignored: a user who gave them means https.
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"TLS files (-CaCertPath, -CertPath, -KeyPath) were given, but {string.Join(", ", plain.Select(a => a.ToString().TrimEnd('/')))} uses plain http://.",
                string.Join(",", options.Endpoints),
                "Write the endpoints as https://host:port (or host:port, which then means https), or leave out the TLS files for a plain-http member.");
        }

        var tls = addresses.Any(a => a.Scheme == Uri.UriSchemeHttps) ? presetTls ?? TlsMaterial.Load(options) : null;
        var clients = addresses.Select(a => new EndpointClient(a, tls, options.DialTimeout, options.ReadOnlySnapshot)).ToArray();
        var connection = new EtcdConnection(options, tls, clients) { Tunnel = tunnel };
        try
        {
            var probes = clients.Select(c => ProbeAsync(connection, c, cancellation)).ToArray();
            await Task.WhenAll(probes).ConfigureAwait(false);
            var answered = probes.Select(p => p.Result).OfType<StatusResponse>().FirstOrDefault();
            // etcd 3.5.28+ and 3.6 guard Status with auth: a member that refused it for a missing token did answer.
            var gated = options.Credential is null ? [] : clients.Where((_, i) => probes[i].Result is EtcdException f && IsAuthGate(f)).ToArray();
            var failures = probes.Select(p => p.Result).OfType<EtcdException>().Where(f => options.Credential is null || !IsAuthGate(f)).ToArray();
            if (answered is null && gated.Length == 0)
            {
                throw NoEndpointAnswered(options, failures);
            }

            var reachable = answered is not null ? clients.Where((_, i) => probes[i].Result is StatusResponse).First() : gated[0];
            // Members that did not answer at all (a refusal for a missing token is an answer).
            connection.UnreachableEndpoints = clients.Where((_, i) => probes[i].Result is EtcdException e && !(options.Credential is not null && IsAuthGate(e)))
                .Select(c => c.Name).ToArray();
            await connection.AuthenticateAsync(reachable, cancellation).ConfigureAwait(false);
            answered ??= await StatusWithTokenAsync(connection, reachable, cancellation).ConfigureAwait(false);
            if (answered is not null)
            {
                connection.ClusterId = answered.Header.ClusterId.ToString("x");
                connection.ServerVersion = answered.Version;
            }

            var header = await VerifyAccessAsync(connection, cancellation).ConfigureAwait(false);
            if (answered is null && header is not null)
            {
                // A user without the root role may not read Status on etcd 3.5.28+: the cluster id comes from a read's header.
                connection.ClusterId = header.ClusterId.ToString("x");
            }

            var warnings = failures.Select(f => f.Message).ToList();
            if (connection.SkipsCertificateCheck)
            {
                warnings.Add("The server certificate is not checked (-SkipCertificateCheck or ETCDCTL_INSECURE_SKIP_TLS_VERIFY): anyone on the network path can pose as the cluster and read what is sent, including the password. Use -CaCertPath instead outside a lab.");
            }

            if (options.Credential is not null && !connection.CredentialNotNeeded && plain.Length > 0)
            {
                warnings.Add($"The password of user '{options.Credential.UserName}' travels in clear text over http:// to {string.Join(", ", plain.Select(a => a.ToString().TrimEnd('/')))}. Use https:// outside a lab.");
            }

            if (connection.CredentialNotNeeded)
            {
                warnings.Add($"etcd at {reachable.Name} does not have authentication enabled: the credential for user '{connection.User}' was not needed and is not used.");
            }

            return new ConnectResult(connection, failures) { Warnings = warnings };
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.AuthFailed && options.Credential is not null && plain.Length > 0)
        {
            // The login failed (while probing on etcd 3.5.28+, or logging in), but the password was sent all the same:
            // say so, as a successful login would warn.
            connection.Dispose();
            throw new EtcdException(ex.ErrorId, ex.Category,
                $"{ex.Message} The password was sent in clear text over http:// to {string.Join(", ", plain.Select(a => a.ToString().TrimEnd('/')))}.",
                ex.Target, $"{ex.RecommendedAction} Use https:// outside a lab.", ex.InnerException);
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

    /// <summary>True for a refusal that proves the member answered: it wants a (valid) token, or this user may not ask.</summary>
    private static bool IsAuthGate(EtcdException failure) =>
        failure.ErrorId is EtcdErrorIds.AuthRequired or EtcdErrorIds.PermissionDenied;

    /// <summary>Status again, now with the token; null when this user may not read Status (etcd 3.5.28+ wants the root role).</summary>
    private static async Task<StatusResponse?> StatusWithTokenAsync(EtcdConnection connection, EndpointClient client, CancellationToken cancellation)
    {
        try
        {
            return await connection.CallEndpointAsync(client,
                (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                cancellation, timeout: connection.Options.DialTimeout).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            return null;
        }
    }

    /// <summary>
    /// Status needs no credential on etcd before 3.5.28, so a read proves the credential (or its absence) is right.
    /// A user whose role does not cover this key is still connected: permission denied is fine here.
    /// Returns the read's header, or null when the read was denied.
    /// </summary>
    private static async Task<ResponseHeader?> VerifyAccessAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        try
        {
            var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(
                // Serializable: answered by the member itself, so a cluster that lost its leader can still be connected to
                // (and its members' status read); the member still checks the user's permission.
                new RangeRequest { Key = ByteString.CopyFromUtf8("health"), CountOnly = true, Serializable = true }, o).ResponseAsync,
                cancellation, timeout: connection.Options.DialTimeout + connection.Options.CommandTimeout).ConfigureAwait(false);
            return response.Header;
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            return null;
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
