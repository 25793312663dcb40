using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Infrastructure;

/// <summary>A real etcd for a test class. Fails with "install etcd-server" when etcd is missing, never skips.</summary>
public abstract class EtcdFixture : IAsyncLifetime
{
    private EtcdServer? _server;

    internal EtcdServer Server => _server ?? throw new InvalidOperationException("etcd did not start.");

    public string[] Endpoints => Server.ClientUrls;

    public string Endpoint => Server.ClientUrls[0];

    /// <summary>The endpoints as one argument for Connect-Etcd: 'a','b','c'.</summary>
    public string EndpointList => string.Join(",", Server.ClientUrls.Select(u => $"'{u}'"));

    public async Task InitializeAsync()
    {
        EtcdServer.FindEtcd();
        _server = await EtcdServer.StartAsync(CreateOptions(), CancellationToken.None);
    }

    public virtual Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }

    internal abstract EtcdServerOptions CreateOptions();
}

/// <summary>One member, plain http.</summary>
public sealed class SingleEtcdFixture : EtcdFixture
{
    internal override EtcdServerOptions CreateOptions() => new();
}

/// <summary>Three members, plain http.</summary>
public sealed class ClusterEtcdFixture : EtcdFixture
{
    internal override EtcdServerOptions CreateOptions() => new() { Members = 3 };
}

/// <summary>One member serving https with <typeparamref name="TPki"/>'s server certificate and requiring client certificates from its CA.</summary>
public abstract class ClientCertificateEtcdFixture<TPki> : EtcdFixture
    where TPki : IServerPki, new()
{
    public TPki Pki { get; } = new();

    internal override EtcdServerOptions CreateOptions() => new()
    {
        ServerCertPath = Pki.ServerCertPath,
        ServerKeyPath = Pki.ServerKeyPath,
        TrustedCaPath = Pki.CaPath,
        RequireClientCertificate = true,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Pki.Dispose();
    }
}

/// <summary>One member serving https and requiring a client certificate signed by the test CA.</summary>
public sealed class TlsEtcdFixture : ClientCertificateEtcdFixture<TestCertificates>;

/// <summary>One member with authentication enabled; user root, password <see cref="RootPassword"/>.</summary>
public sealed class AuthEtcdFixture : EtcdFixture
{
    public const string RootPassword = "s3cret-Pa55word";

    internal override EtcdServerOptions CreateOptions() => new() { RootPassword = RootPassword, ExtraArguments = ["--auth-token-ttl", "1"] };
}

/// <summary>Three members with authentication enabled; user root, password <see cref="AuthEtcdFixture.RootPassword"/>.</summary>
public sealed class ClusterAuthEtcdFixture : EtcdFixture
{
    internal override EtcdServerOptions CreateOptions() => new() { Members = 3, RootPassword = AuthEtcdFixture.RootPassword };
}
