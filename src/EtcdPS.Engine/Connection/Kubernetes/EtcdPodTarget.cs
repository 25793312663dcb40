using k8s.Models;

namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>
/// The etcd pod chosen for a connection and what its command line says: the container, the client port and scheme,
/// the names its server certificate may carry, and where its PKI files are mounted.
/// </summary>
internal sealed record EtcdPodTarget
{
    public const string DefaultPkiFolder = "/etc/kubernetes/pki/etcd";
    public const int DefaultClientPort = 2379;

    public required string Namespace { get; init; }
    public required string Pod { get; init; }
    public string? Container { get; init; }
    public string? Node { get; init; }
    public int Port { get; init; } = DefaultClientPort;
    public string Scheme { get; init; } = Uri.UriSchemeHttps;

    /// <summary>--client-cert-auth: etcd refuses clients without a certificate signed by its CA.</summary>
    public bool RequiresClientCertificate { get; init; }

    /// <summary>Names the server certificate may carry besides 127.0.0.1 (node name, host and pod IPs, advertised hosts).</summary>
    public IReadOnlyList<string> ServerNames { get; init; } = [];

    public string CaPath { get; init; } = DefaultPkiFolder + "/ca.crt";
    public string ClientCertPath { get; init; } = DefaultPkiFolder + "/healthcheck-client.crt";
    public string ClientKeyPath { get; init; } = DefaultPkiFolder + "/healthcheck-client.key";

    /// <summary>--cert-file/--key-file: the server's own pair, tried when there is no healthcheck client pair.</summary>
    public string? ServerCertPath { get; init; }
    public string? ServerKeyPath { get; init; }

    /// <summary>Why this pod was chosen, for -Verbose.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>namespace/pod, for messages and the connection.</summary>
    public string Display => $"{Namespace}/{Pod}";

    /// <summary>Reads the pod spec: the etcd container's flags, its node and addresses.</summary>
    public static EtcdPodTarget FromPod(V1Pod pod, string reason)
    {
        var containers = pod.Spec?.Containers ?? [];
        var container = containers.FirstOrDefault(c => c.Name == "etcd")
            ?? containers.FirstOrDefault(c => (c.Command ?? []).Concat(c.Args ?? []).Any(a => a.EndsWith("etcd", StringComparison.Ordinal)))
            ?? containers.FirstOrDefault();
        var flags = EtcdFlags.Parse((container?.Command ?? []).Concat(container?.Args ?? []));

        var listen = SplitUrls(flags.Get("listen-client-urls"));
        var advertised = SplitUrls(flags.Get("advertise-client-urls"));

        // Port-forward dials inside the pod's network namespace, so a loopback listener is the natural target.
        var dial = listen.FirstOrDefault(u => u.IsLoopback) ?? listen.FirstOrDefault() ?? advertised.FirstOrDefault();
        var names = new List<string>();
        void AddName(string? name)
        {
            if (!string.IsNullOrEmpty(name) && name is not ("0.0.0.0" or "::" or "[::]") && !names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        AddName(pod.Spec?.NodeName);
        AddName(pod.Status?.HostIP);
        AddName(pod.Status?.PodIP);
        foreach (var ip in pod.Status?.PodIPs ?? [])
        {
            AddName(ip.Ip);
        }

        foreach (var url in advertised.Concat(listen))
        {
            AddName(url.IdnHost);
        }

        var ca = flags.Get("trusted-ca-file") ?? DefaultPkiFolder + "/ca.crt";
        var pki = PosixDirectory(ca);
        return new EtcdPodTarget
        {
            Namespace = pod.Metadata?.NamespaceProperty ?? string.Empty,
            Pod = pod.Metadata?.Name ?? string.Empty,
            Container = container?.Name,
            Node = pod.Spec?.NodeName,
            Port = dial?.Port ?? DefaultClientPort,
            Scheme = dial?.Scheme ?? Uri.UriSchemeHttps,
            RequiresClientCertificate = string.Equals(flags.Get("client-cert-auth"), "true", StringComparison.OrdinalIgnoreCase),
            ServerNames = names,
            CaPath = ca,
            ClientCertPath = pki + "/healthcheck-client.crt",
            ClientKeyPath = pki + "/healthcheck-client.key",
            ServerCertPath = flags.Get("cert-file"),
            ServerKeyPath = flags.Get("key-file"),
            Reason = reason,
        };
    }

    private static Uri[] SplitUrls(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .Where(u => u.Scheme is "http" or "https")
            .ToArray();

    private static string PosixDirectory(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash > 0 ? path[..slash] : DefaultPkiFolder;
    }
}

/// <summary>etcd's command-line flags, <c>--name=value</c> or <c>--name value</c>; a bare <c>--name</c> is true.</summary>
internal sealed class EtcdFlags
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public static EtcdFlags Parse(IEnumerable<string> arguments)
    {
        var flags = new EtcdFlags();
        var list = arguments.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var argument = list[i];
            if (!argument.StartsWith('-'))
            {
                continue;
            }

            var name = argument.TrimStart('-');
            var equals = name.IndexOf('=');
            if (equals >= 0)
            {
                flags._values[name[..equals]] = name[(equals + 1)..];
            }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith('-'))
            {
                flags._values[name] = list[++i];
            }
            else
            {
                flags._values[name] = "true";
            }
        }

        return flags;
    }
}
