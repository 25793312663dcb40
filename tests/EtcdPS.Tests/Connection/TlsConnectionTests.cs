using System.Net;
using System.Net.Sockets;

namespace EtcdPS.Tests.Connection;

public sealed class TlsConnectionTests(TlsEtcdFixture etcd) : IClassFixture<TlsEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    private TestCertificates Pki => etcd.Pki;

    [Fact]
    public void Right_ca_and_client_certificate_connect()
    {
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Pki.CaPath}' -CertPath '{Pki.ClientCertPath}' -KeyPath '{Pki.ClientKeyPath}'");
        var status = Assert.Single(_pwsh.Run("Get-EtcdStatus"));
        Assert.Equal(etcd.Endpoint, status.Properties["Endpoint"].Value);
        Assert.True((bool)_pwsh.Run("(Get-EtcdConnection -Default).UsesTls")[0].BaseObject);
    }

    [Fact]
    public void Scheme_less_endpoint_uses_https_when_tls_files_are_given()
    {
        var hostPort = new Uri(etcd.Endpoint).Authority;
        _pwsh.Run($"Connect-Etcd -Endpoint {hostPort} -CaCertPath '{Pki.CaPath}' -CertPath '{Pki.ClientCertPath}' -KeyPath '{Pki.ClientKeyPath}'");
        Assert.Single(_pwsh.Run("Get-EtcdStatus"));
    }

    [Fact]
    public void Wrong_ca_gives_EtcdTlsFailed()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Pki.OtherCaPath}' -CertPath '{Pki.ClientCertPath}' -KeyPath '{Pki.ClientKeyPath}'");
        Assert.Equal("EtcdTlsFailed", result.FirstErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.SecurityError, result.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void Missing_client_certificate_when_the_server_requires_one_gives_EtcdTlsFailed()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Pki.CaPath}' -DialTimeout 00:00:03");
        Assert.Equal("EtcdTlsFailed", result.FirstErrorId);
    }

    [Fact]
    public void Expired_client_certificate_gives_EtcdTlsFailed()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Pki.CaPath}' -CertPath '{Pki.ExpiredClientCertPath}' -KeyPath '{Pki.ExpiredClientKeyPath}' -DialTimeout 00:00:03");
        Assert.Equal("EtcdTlsFailed", result.FirstErrorId);
    }

    [Fact]
    public void Skip_certificate_check_still_needs_the_client_certificate_but_not_the_ca()
    {
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -SkipCertificateCheck -CertPath '{Pki.ClientCertPath}' -KeyPath '{Pki.ClientKeyPath}'");
        Assert.Single(_pwsh.Run("Get-EtcdStatus"));
    }

    [Fact]
    public void Missing_pem_file_gives_EtcdCertificateNotFound()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Path.Combine(Pki.Folder, "nope.crt")}'");
        Assert.Equal("EtcdCertificateNotFound", result.FirstErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, result.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void Pem_that_is_not_a_certificate_gives_EtcdInvalidCertificate()
    {
        var asCa = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Pki.NotACertificatePath}'");
        Assert.Equal("EtcdInvalidCertificate", asCa.FirstErrorId);
        var asClient = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{Pki.CaPath}' -CertPath '{Pki.NotACertificatePath}' -KeyPath '{Pki.ClientKeyPath}'");
        Assert.Equal("EtcdInvalidCertificate", asClient.FirstErrorId);
        Assert.DoesNotContain("PRIVATE KEY", asClient.Errors[0].ToString(), StringComparison.Ordinal);
    }
}
