using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EtcdPS.Tests.Connection;

/// <summary>A CA, and a server certificate from it that lacks the server-authentication EKU (client auth only).</summary>
public sealed class ClientOnlyEkuPki : IServerPki
{
    public ClientOnlyEkuPki()
    {
        Folder = Directory.CreateTempSubdirectory("etcdps-eku-").FullName;
        using var caKey = RSA.Create(2048);
        using var ca = TestCertificates.CreateCa("EtcdPS EKU test CA", caKey);
        CaPath = Path.Combine(Folder, "ca.crt");
        File.WriteAllText(CaPath, ca.ExportCertificatePem() + "\n");

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)); // client auth only
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        ServerCertPath = Path.Combine(Folder, "server.crt");
        ServerKeyPath = Path.Combine(Folder, "server.key");
        File.WriteAllText(ServerCertPath, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(ServerKeyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public string Folder { get; }
    public string CaPath { get; }
    public string ServerCertPath { get; }
    public string ServerKeyPath { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public sealed class ClientOnlyEkuEtcdFixture : ClientCertificateEtcdFixture<ClientOnlyEkuPki>;

/// <summary>-CaCertPath's own chain check requires the server-authentication EKU, as Go and .NET do.</summary>
public sealed class ServerEkuTests(ClientOnlyEkuEtcdFixture etcd) : IClassFixture<ClientOnlyEkuEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void A_server_certificate_without_the_server_auth_usage_is_refused()
    {
        var pki = etcd.Pki;
        var result = _pwsh.Invoke($"Connect-Etcd {etcd.Endpoint} -CaCertPath '{pki.CaPath}' -CertPath '{pki.ServerCertPath}' -KeyPath '{pki.ServerKeyPath}'");
        Assert.Equal("EtcdTlsFailed", result.FirstErrorId);
    }
}

/// <summary>Connect-Etcd says when security is weaker than it looks, and refuses settings that contradict each other.</summary>
public sealed class InsecureSettingsTests(TlsEtcdFixture tls, SingleEtcdFixture plain) : IClassFixture<TlsEtcdFixture>, IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void SkipCertificateCheck_warns_and_shows_on_the_connection()
    {
        var pki = tls.Pki;
        var result = _pwsh.Invoke($"Connect-Etcd {tls.Endpoint} -SkipCertificateCheck -CertPath '{pki.ClientCertPath}' -KeyPath '{pki.ClientKeyPath}' -PassThru");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains("not checked", StringComparison.Ordinal));
        Assert.True((bool)result.Output.Single().Properties["SkipsCertificateCheck"].Value);
        var table = string.Join("\n", _pwsh.Run("Get-EtcdConnection | Format-Table | Out-String -Width 200").Select(o => o.ToString()));
        Assert.Contains("certificate NOT checked", table, StringComparison.Ordinal);
    }

    [Fact]
    public void ETCDCTL_INSECURE_SKIP_TLS_VERIFY_warns_too()
    {
        var pki = tls.Pki;
        var result = _pwsh.Invoke($"$env:ETCDCTL_ENDPOINTS = '{tls.Endpoint}'; $env:ETCDCTL_INSECURE_SKIP_TLS_VERIFY = 'true'; " +
                                  $"$env:ETCDCTL_CERT = '{pki.ClientCertPath}'; $env:ETCDCTL_KEY = '{pki.ClientKeyPath}'; " +
                                  "try { Get-EtcdStatus } finally { Remove-Item env:ETCDCTL_* }");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains("not checked", StringComparison.Ordinal));
    }

    [Fact]
    public void Http_with_TLS_files_is_an_error_not_silently_plain()
    {
        var result = _pwsh.Invoke($"Connect-Etcd {plain.Endpoint} -CaCertPath '{tls.Pki.CaPath}'");
        Assert.Equal("EtcdInvalidArgument", result.FirstErrorId);
        Assert.Contains("https://", result.Errors[0].ErrorDetails!.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Https_to_a_plain_member_suggests_http()
    {
        var https = plain.Endpoint.Replace("http://", "https://", StringComparison.Ordinal);
        var result = _pwsh.Invoke($"Connect-Etcd {https} -CaCertPath '{tls.Pki.CaPath}'");
        Assert.Equal("EtcdTlsFailed", result.FirstErrorId);
        Assert.Contains(plain.Endpoint, result.Errors[0].ErrorDetails!.RecommendedAction, StringComparison.Ordinal);
    }
}

/// <summary>A password sent over plain http is worth a warning.</summary>
public sealed class CleartextPasswordTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Credential_over_http_warns_that_the_password_travels_in_clear()
    {
        var result = _pwsh.Invoke($"Connect-Etcd {etcd.Endpoint} -Credential ([pscredential]::new('root', (ConvertTo-SecureString '{AuthEtcdFixture.RootPassword}' -AsPlainText -Force)))");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains("clear text", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings, w => w.Contains(AuthEtcdFixture.RootPassword, StringComparison.Ordinal));
    }
}
