using System.Net;

namespace EtcdPS.Engine.Connection;

/// <summary>Everything Connect-Etcd (or the ETCDCTL_* variables) says about how to reach a cluster.</summary>
internal sealed record EtcdConnectionOptions
{
    public static readonly TimeSpan DefaultDialTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);

    public required IReadOnlyList<string> Endpoints { get; init; }
    public string? Name { get; init; }
    public string? CaCertPath { get; init; }
    public string? CertPath { get; init; }
    public string? KeyPath { get; init; }
    public NetworkCredential? Credential { get; init; }
    public bool SkipCertificateCheck { get; init; }
    public TimeSpan DialTimeout { get; init; } = DefaultDialTimeout;
    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;
    /// <summary>The snapshot file a mounted snapshot's connection serves: such a connection refuses every write.</summary>
    public string? ReadOnlySnapshot { get; init; }

    /// <summary>True when any TLS material was given: scheme-less endpoints then use https, like etcdctl.</summary>
    public bool WantsTls => CaCertPath is not null || CertPath is not null || KeyPath is not null || SkipCertificateCheck;

    /// <summary>
    /// Reads the variables etcdctl reads. Returns null when ETCDCTL_ENDPOINTS is not set.
    /// ETCDCTL_USER is <c>user</c> or <c>user:password</c>; ETCDCTL_PASSWORD is used when the password is not there.
    /// </summary>
    public static EtcdConnectionOptions? FromEnvironment(Func<string, string?> getVariable)
    {
        var endpoints = getVariable("ETCDCTL_ENDPOINTS");
        if (string.IsNullOrWhiteSpace(endpoints))
        {
            return null;
        }

        NetworkCredential? credential = null;
        var user = getVariable("ETCDCTL_USER");
        if (!string.IsNullOrEmpty(user))
        {
            var colon = user.IndexOf(':');
            credential = colon >= 0
                ? new NetworkCredential(user[..colon], user[(colon + 1)..])
                : new NetworkCredential(user, getVariable("ETCDCTL_PASSWORD") ?? string.Empty);
        }

        return new EtcdConnectionOptions
        {
            Endpoints = endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Name = "env",
            CaCertPath = NullIfEmpty(getVariable("ETCDCTL_CACERT")),
            CertPath = NullIfEmpty(getVariable("ETCDCTL_CERT")),
            KeyPath = NullIfEmpty(getVariable("ETCDCTL_KEY")),
            SkipCertificateCheck = string.Equals(getVariable("ETCDCTL_INSECURE_SKIP_TLS_VERIFY"), "true", StringComparison.OrdinalIgnoreCase),
            Credential = credential,
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
