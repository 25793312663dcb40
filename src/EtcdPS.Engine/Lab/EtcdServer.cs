using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using EtcdPS.Engine.Connection;
using Etcdserverpb;

namespace EtcdPS.Engine.Lab;

/// <summary>How to start a local etcd: members, TLS files, auth, quota. Used by the lab and the tests.</summary>
internal sealed record EtcdServerOptions
{
    public int Members { get; init; } = 1;
    /// <summary>Folder for the members' data; a new temp folder when null.</summary>
    public string? DataPath { get; init; }
    /// <summary>Server certificate, key and CA (PEM); with them the members serve https and may require client certs.</summary>
    public string? ServerCertPath { get; init; }
    public string? ServerKeyPath { get; init; }
    public string? TrustedCaPath { get; init; }
    public bool RequireClientCertificate { get; init; }
    /// <summary>When set, auth is enabled with user root and this password.</summary>
    public string? RootPassword { get; init; }
    public long? QuotaBackendBytes { get; init; }
    public string[] ExtraArguments { get; init; } = [];
    /// <summary>The etcd binary to run; found on PATH when null.</summary>
    public string? EtcdPath { get; init; }
    /// <summary>
    /// First port to try (client and peer ports are taken upwards from it, skipping ports in use);
    /// any free port when null.
    /// </summary>
    public int? BasePort { get; init; }
}

/// <summary>One running etcd process of a local cluster.</summary>
internal sealed class EtcdServerMember
{
    public required string Name { get; init; }
    public required string ClientUrl { get; init; }
    public required string PeerUrl { get; init; }
    public required string DataDir { get; init; }
    public Process? Process { get; set; }
    public List<string> Arguments { get; } = [];
    public bool IsRunning => Process is { HasExited: false };
}

/// <summary>
/// Starts real etcd processes on free loopback ports with a temp data folder, waits until they serve,
/// and kills exactly those processes at the end. The lab and every test that needs etcd use it; the faults tests
/// inject (crash, freeze) live with the tests (tests/EtcdPS.Tests/Infrastructure/EtcdServerFaults.cs).
/// </summary>
internal sealed class EtcdServer : IDisposable
{
    private readonly bool _ownsDataPath;

    private EtcdServer(EtcdServerOptions options, string dataPath, bool ownsDataPath, IReadOnlyList<EtcdServerMember> members)
    {
        Options = options;
        DataPath = dataPath;
        _ownsDataPath = ownsDataPath;
        Members = members;
    }

    public EtcdServerOptions Options { get; }
    public string DataPath { get; }
    public IReadOnlyList<EtcdServerMember> Members { get; }
    public string[] ClientUrls => Members.Select(m => m.ClientUrl).ToArray();
    public bool KeepData { get; set; }

    /// <summary>The environment variable naming the etcd binary the lab and the tests run (build.ps1 sets it per test run).</summary>
    public const string EtcdPathVariable = "ETCDPS_ETCD";

    /// <summary>The etcd binary: $env:ETCDPS_ETCD, else on PATH, else /usr/bin/etcd. Throws with the install command when missing.</summary>
    public static string FindEtcd() => FindEtcd(null);

    /// <summary>The given etcd binary, or $env:ETCDPS_ETCD, or the one on PATH when <paramref name="explicitPath"/> is null.</summary>
    public static string FindEtcd(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? explicitPath : throw NotInstalled($"The etcd server binary '{explicitPath}' does not exist.");
        }

        if (Environment.GetEnvironmentVariable(EtcdPathVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw NotInstalled($"The etcd server binary '{configured}' named by ${EtcdPathVariable} does not exist.");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "etcd.exe" : "etcd");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw NotInstalled("The etcd server binary was not found on PATH.");
    }

    private static EtcdException NotInstalled(string message) =>
        new(EtcdErrorIds.NotInstalled, EtcdErrorCategory.ObjectNotFound, message, "etcd",
            "Install etcd: on Debian/Ubuntu 'sudo apt-get update && sudo apt-get install -y etcd-server etcd-client'; elsewhere put etcd on PATH.");

    public static async Task<EtcdServer> StartAsync(EtcdServerOptions options, CancellationToken cancellation)
    {
        if (options.Members < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "A cluster has at least one member.");
        }

        var etcd = FindEtcd(options.EtcdPath);
        var owns = options.DataPath is null;
        var dataPath = options.DataPath ?? Path.Combine(Path.GetTempPath(), "etcdps-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(dataPath);
        var scheme = options.ServerCertPath is null ? "http" : "https";
        var members = new List<EtcdServerMember>();
        var ports = options.BasePort is { } basePort ? FreePortsFrom(basePort, options.Members * 2) : FreePorts(options.Members * 2);
        for (var i = 0; i < options.Members; i++)
        {
            members.Add(new EtcdServerMember
            {
                Name = $"etcd-{i}",
                ClientUrl = $"{scheme}://127.0.0.1:{ports[i * 2]}",
                PeerUrl = $"http://127.0.0.1:{ports[(i * 2) + 1]}",
                DataDir = Path.Combine(dataPath, $"etcd-{i}"),
            });
        }

        var initialCluster = string.Join(",", members.Select(m => $"{m.Name}={m.PeerUrl}"));
        var clusterToken = "etcdps-" + Guid.NewGuid().ToString("n")[..8];
        foreach (var member in members)
        {
            member.Arguments.AddRange(
            [
                "--name", member.Name,
                "--data-dir", member.DataDir,
                "--listen-client-urls", member.ClientUrl,
                "--advertise-client-urls", member.ClientUrl,
                "--listen-peer-urls", member.PeerUrl,
                "--initial-advertise-peer-urls", member.PeerUrl,
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", clusterToken,
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-level", "error",
            ]);
            if (options.ServerCertPath is not null)
            {
                member.Arguments.AddRange(["--cert-file", options.ServerCertPath, "--key-file", options.ServerKeyPath!]);
                if (options.TrustedCaPath is not null)
                {
                    member.Arguments.AddRange(["--trusted-ca-file", options.TrustedCaPath]);
                }

                if (options.RequireClientCertificate)
                {
                    member.Arguments.Add("--client-cert-auth");
                }
            }

            if (options.QuotaBackendBytes is { } quota)
            {
                member.Arguments.AddRange(["--quota-backend-bytes", quota.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }

            member.Arguments.AddRange(options.ExtraArguments);
        }

        var server = new EtcdServer(options, dataPath, owns, members);
        try
        {
            foreach (var member in members)
            {
                server.Launch(member, etcd);
            }

            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);
            if (options.RootPassword is not null)
            {
                await server.EnableAuthAsync(options.RootPassword, cancellation).ConfigureAwait(false);
            }

            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Options for an EtcdPS connection to this server (TLS and credential are up to the caller).</summary>
    public EtcdConnectionOptions ConnectionOptions(string? caPath = null, string? certPath = null, string? keyPath = null,
        NetworkCredential? credential = null) => new()
        {
            Endpoints = ClientUrls,
            CaCertPath = caPath,
            CertPath = certPath,
            KeyPath = keyPath,
            Credential = credential,
            DialTimeout = TimeSpan.FromSeconds(5),
        };

    public void Dispose()
    {
        // Every member is signalled before any is waited for: when this runs as the process exits and is cut short,
        // no member is left running. SIGKILL ends a member frozen with SIGSTOP as well.
        foreach (var member in Members)
        {
            try
            {
                if (member.Process is { HasExited: false } process)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        foreach (var member in Members)
        {
            try
            {
                member.Process?.WaitForExit(10_000);
                member.Process?.Dispose();
            }
            catch (InvalidOperationException)
            {
            }
        }

        if (_ownsDataPath && !KeepData)
        {
            try
            {
                Directory.Delete(DataPath, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    internal void Launch(EtcdServerMember member, string etcd)
    {
        // In a session of its own (setsid execs etcd in place, so the process id stays etcd's): Ctrl+C in the terminal
        // signals the terminal's foreground process group, which is pwsh's; without this every member died with it.
        var session = NewSessionLauncher();
        var start = new ProcessStartInfo(session ?? etcd)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (session is not null)
        {
            start.ArgumentList.Add(etcd);
        }

        foreach (var argument in member.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // etcd must not pick up a user's ETCD_* settings.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(key);
        }

        var log = new StreamWriter(Path.Combine(DataPath, member.Name + ".log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (log) { log.Dispose(); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        member.Process = process;
    }

    /// <summary>
    /// setsid(1) on Linux, which starts a program as the leader of a new session and process group; null where there is
    /// none (Windows has no terminal process groups to escape; elsewhere the member shares pwsh's group).
    /// </summary>
    internal static string? NewSessionLauncher()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        return new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    }

    internal async Task WaitUntilReadyAsync(TimeSpan limit, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + limit;
        foreach (var member in Members.Where(m => m.IsRunning))
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (member.Process is { HasExited: true })
                {
                    throw new EtcdException(EtcdErrorIds.LabStartFailed, EtcdErrorCategory.ResourceUnavailable,
                        $"etcd member {member.Name} exited at start; see {Path.Combine(DataPath, member.Name + ".log")}.", member.ClientUrl,
                        "Check the log; a port may be in use or the data folder not writable.");
                }

                if (await HasLeaderAsync(member, cancellation).ConfigureAwait(false))
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new EtcdException(EtcdErrorIds.LabStartFailed, EtcdErrorCategory.OperationTimeout,
                        $"etcd member {member.Name} did not become ready in {limit.TotalSeconds:0} s.", member.ClientUrl,
                        "Check the member log in " + DataPath);
                }

                await Task.Delay(100, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> HasLeaderAsync(EtcdServerMember member, CancellationToken cancellation)
    {
        try
        {
            // etcd 3.5.28+ answers Status only to root once auth is on (a restarted member of an auth-enabled server).
            var root = Options.RootPassword is null ? null : new NetworkCredential("root", Options.RootPassword);
            using var probe = await OpenAdminConnectionAsync([member.ClientUrl], root, cancellation).ConfigureAwait(false);
            await probe.AuthenticateAsync(probe.Clients[0], cancellation).ConfigureAwait(false);
            var status = await probe.CallAsync((c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                cancellation, timeout: TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return status.Leader != 0;
        }
        catch (EtcdException ex) when (Options.RootPassword is null && ex.ErrorId is EtcdErrorIds.AuthRequired or EtcdErrorIds.PermissionDenied)
        {
            // A restored snapshot of a cluster with auth enabled (Mount-EtcdSnapshot): etcd 3.5.28+ answers Status only
            // to root, whose password is not known here.
            return await RefusesLoginAsync(member, cancellation).ConfigureAwait(false);
        }
        catch (EtcdException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the member turns down a login of a user that does not exist. etcd checks a password only after a
    /// linearizable read, which needs a leader: the refusal says the member serves, without knowing any password.
    /// </summary>
    private async Task<bool> RefusesLoginAsync(EtcdServerMember member, CancellationToken cancellation)
    {
        try
        {
            using var probe = await OpenAdminConnectionAsync([member.ClientUrl], null, cancellation).ConfigureAwait(false);
            await probe.CallAsync((c, o) => c.Auth.AuthenticateAsync(new AuthenticateRequest { Name = "etcdps-readiness-probe", Password = Guid.NewGuid().ToString("n") }, o).ResponseAsync,
                cancellation, timeout: TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return true;
        }
        catch (EtcdException ex)
        {
            return ex.ErrorId == EtcdErrorIds.AuthFailed;
        }
    }

    private async Task EnableAuthAsync(string rootPassword, CancellationToken cancellation)
    {
        using var admin = await OpenAdminConnectionAsync(ClientUrls, null, cancellation).ConfigureAwait(false);
        await admin.CallAsync((c, o) => c.Auth.UserAddAsync(new AuthUserAddRequest { Name = "root", Password = rootPassword }, o).ResponseAsync, cancellation).ConfigureAwait(false);
        await admin.CallAsync((c, o) => c.Auth.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = "root", Role = "root" }, o).ResponseAsync, cancellation).ConfigureAwait(false);
        await admin.CallAsync((c, o) => c.Auth.AuthEnableAsync(new AuthEnableRequest(), o).ResponseAsync, cancellation).ConfigureAwait(false);
    }

    /// <summary>A raw connection that skips verification; the server's own admin channel.</summary>
    private Task<EtcdConnection> OpenAdminConnectionAsync(string[] urls, NetworkCredential? credential, CancellationToken cancellation)
    {
        var options = new EtcdConnectionOptions
        {
            Endpoints = urls,
            SkipCertificateCheck = true,
            Credential = credential,
            DialTimeout = TimeSpan.FromSeconds(2),
        };
        var addresses = urls.Select(u => EndpointAddress.Parse(u, false)).ToArray();
        TlsMaterial? tls = null;
        if (addresses.Any(a => a.Scheme == Uri.UriSchemeHttps))
        {
            // A lab or test server that demands client certs is probed with its own server certificate,
            // which etcd's test CA also signed for client use.
            tls = TlsMaterial.Load(options with
            {
                CertPath = Options.RequireClientCertificate ? Options.ServerCertPath : null,
                KeyPath = Options.RequireClientCertificate ? Options.ServerKeyPath : null,
            });
        }

        var clients = addresses.Select(a => new EndpointClient(a, tls, options.DialTimeout)).ToArray();
        return Task.FromResult(new EtcdConnection(options, tls, clients));
    }

    /// <summary>The first <paramref name="count"/> ports at or above <paramref name="first"/> that nothing listens on.</summary>
    private static int[] FreePortsFrom(int first, int count)
    {
        var ports = new List<int>();
        for (var port = first; ports.Count < count && port <= IPEndPoint.MaxPort; port++)
        {
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                ports.Add(port);
            }
            catch (SocketException)
            {
                // In use (another etcd, a system service): skip it.
            }
        }

        return ports.Count == count ? ports.ToArray() : FreePorts(count);
    }

    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
