using System.Management.Automation;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Watch;
using Google.Protobuf;

namespace EtcdPS.Tests.Connection;

/// <summary>Client certificate and key files that do not fit, and TLS failures of watch streams.</summary>
public sealed class TlsFileAndStreamTests(TlsEtcdFixture etcd) : IClassFixture<TlsEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    private TestCertificates Pki => etcd.Pki;

    private PwshResult Connect(string certPath, string keyPath) =>
        _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Pki.CaPath}' -CertPath '{certPath}' -KeyPath '{keyPath}'");

    private static void AssertNeverShowsKeyContent(ErrorRecord error, string keyPath)
    {
        var body = File.ReadAllText(keyPath).Split('\n')[1];
        var shown = error + "\n" + error.Exception + "\n" + error.ErrorDetails?.RecommendedAction;
        Assert.DoesNotContain(body, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN RSA PRIVATE KEY", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_belong_to_the_certificate_is_EtcdInvalidCertificate_naming_the_key_file()
    {
        var result = Connect(Pki.ClientCertPath, Pki.ExpiredClientKeyPath);
        Assert.Equal("EtcdInvalidCertificate", result.FirstErrorId);
        var error = result.Errors[0];
        Assert.Equal("EtcdPS.EtcdException", error.Exception.GetType().FullName); // the module loads its own copy of the engine
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(Pki.ExpiredClientKeyPath, error.TargetObject);
        Assert.Contains("does not match", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.ErrorDetails?.RecommendedAction));
        AssertNeverShowsKeyContent(error, Pki.ExpiredClientKeyPath);
    }

    [Fact]
    public void A_key_file_that_holds_no_key_is_EtcdInvalidCertificate_naming_the_key_file()
    {
        var result = Connect(Pki.ClientCertPath, Pki.NotACertificatePath);
        Assert.Equal("EtcdInvalidCertificate", result.FirstErrorId);
        Assert.Equal(Pki.NotACertificatePath, result.Errors[0].TargetObject);
        Assert.Contains("not a PEM private key", result.Errors[0].Exception.Message, StringComparison.Ordinal);

        var certificateAsKey = Connect(Pki.ClientCertPath, Pki.CaPath);
        Assert.Equal("EtcdInvalidCertificate", certificateAsKey.FirstErrorId);
        Assert.Equal(Pki.CaPath, certificateAsKey.Errors[0].TargetObject);
    }

    [Fact]
    public void Certificate_and_key_given_the_wrong_way_round_names_the_certificate_file()
    {
        var result = Connect(Pki.ClientKeyPath, Pki.ClientCertPath);
        Assert.Equal("EtcdInvalidCertificate", result.FirstErrorId);
        Assert.Equal(Pki.ClientKeyPath, result.Errors[0].TargetObject);
        Assert.Contains("client certificate", result.Errors[0].Exception.Message, StringComparison.Ordinal);
        AssertNeverShowsKeyContent(result.Errors[0], Pki.ClientKeyPath);
    }

    [Fact]
    public async Task A_watch_stream_refused_for_its_missing_client_certificate_fails_with_EtcdTlsFailed_instead_of_retrying()
    {
        // A connection that skips Connect-Etcd's probe, so the watch is the first call that meets the TLS refusal.
        var options = etcd.Server.ConnectionOptions(caPath: Pki.CaPath);
        var tls = TlsMaterial.Load(options);
        using var connection = new EtcdConnection(options, tls, [new EndpointClient(new Uri(etcd.Endpoint), tls, TimeSpan.FromSeconds(5))]);
        var watcher = new ResumingWatcher(connection, new WatchOptions { Range = KeyRange.Single("/tls-watch"u8.ToArray()), Duration = TimeSpan.FromSeconds(8) });
        var error = await Assert.ThrowsAsync<EtcdException>(async () =>
        {
            await foreach (var _ in watcher.WatchAsync(CancellationToken.None))
            {
            }
        });
        Assert.Equal("EtcdTlsFailed", error.ErrorId);
    }
}
