using System.Management.Automation;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Watch;
using Google.Protobuf;

namespace EtcdPS.Tests.Connection;

/// <summary>Connection names, "not connected" errors, a credential the cluster does not need, TLS file checks.</summary>
public sealed class ConnectionNameAndCredentialTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Switch_EtcdConnection_matches_names_without_regard_to_case()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Name Prod; Connect-Etcd {etcd.Endpoint} -Name lab");
        var result = _pwsh.Invoke("Switch-EtcdConnection pROD -PassThru");
        Assert.Empty(result.Errors);
        Assert.Equal("Prod", result.Output.Single().Properties["Name"].Value);
        Assert.Equal("Prod", _pwsh.Run("(Get-EtcdConnection -Default).Name")[0].BaseObject);
    }

    [Fact]
    public void Disconnect_Etcd_Name_matches_without_regard_to_case()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Name Staging");
        Assert.Empty(_pwsh.Invoke("Disconnect-Etcd -Name STAGING").Errors);
        Assert.Empty(_pwsh.Run("Get-EtcdConnection Staging"));
    }

    [Fact]
    public void A_name_differing_only_in_case_replaces_the_connection()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Name Dev; Connect-Etcd {etcd.Endpoint} -Name dev");
        Assert.Equal("dev", Assert.Single(_pwsh.Run("Get-EtcdConnection -Name dev")).Properties["Name"].Value);
    }

    [Fact]
    public void Connection_parameter_takes_a_name_without_regard_to_case()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Name Other; Connect-Etcd 'http://localhost:{new Uri(etcd.Endpoint).Port}' -Name current");
        var status = Assert.Single(_pwsh.Run("Get-EtcdStatus -Connection OTHER"));
        Assert.Equal(etcd.Endpoint, status.Properties["Endpoint"].Value);
        Assert.Equal("current", _pwsh.Run("(Get-EtcdConnection -Default).Name")[0].BaseObject);
    }

    [Theory]
    [InlineData("Get-EtcdStatus -Connection nope")]
    [InlineData("Switch-EtcdConnection nope")]
    [InlineData("Disconnect-Etcd -Name nope")]
    [InlineData("$c = Connect-Etcd {0} -Name closing -PassThru; Disconnect-Etcd -Name closing; Get-EtcdStatus -Connection $c")]
    [InlineData("Disconnect-Etcd -All; Remove-Item Env:ETCDCTL_ENDPOINTS -ErrorAction Ignore; Get-EtcdMember")]
    public void Every_no_connection_path_gives_the_same_EtcdNotConnected_error(string script)
    {
        var result = _pwsh.Invoke(script.Replace("{0}", etcd.Endpoint, StringComparison.Ordinal));
        Assert.Equal("EtcdNotConnected", result.FirstErrorId);
        var error = result.Errors[0];
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Equal("EtcdPS.EtcdException", error.Exception.GetType().FullName); // the module loads its own copy of the engine
        Assert.Contains("Connect-Etcd", error.ErrorDetails?.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("Start-EtcdLab", error.ErrorDetails?.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_on_a_cluster_without_auth_connects_with_a_warning()
    {
        var result = _pwsh.Invoke($"Connect-Etcd {etcd.Endpoint} -PassThru -Credential ([pscredential]::new('someone', (ConvertTo-SecureString 'Unused-Pa55' -AsPlainText -Force)))");
        Assert.Empty(result.Errors);
        Assert.Single(result.Output);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("authentication enabled", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("Unused-Pa55", warning, StringComparison.Ordinal);
        Assert.True((bool)_pwsh.Run("Test-EtcdHealth -Quiet")[0].BaseObject);
        Assert.Single(_pwsh.Run("Get-EtcdStatus"));
    }

    [Fact]
    public void A_key_path_alone_makes_a_scheme_less_endpoint_https_like_the_other_tls_options()
    {
        using var pki = new TestCertificates();
        var hostPort = new Uri(etcd.Endpoint).Authority;
        // Plain etcd would have answered over http, silently ignoring the key; https asks for the certificate too.
        var result = _pwsh.Invoke($"Connect-Etcd {hostPort} -KeyPath '{pki.ClientKeyPath}'");
        Assert.Equal("EtcdInvalidCertificate", result.FirstErrorId);
    }

    [Fact]
    public void WantsTls_counts_every_tls_option()
    {
        Assert.False(new EtcdConnectionOptions { Endpoints = ["a:1"] }.WantsTls);
        Assert.True(new EtcdConnectionOptions { Endpoints = ["a:1"], KeyPath = "k" }.WantsTls);
        Assert.True(new EtcdConnectionOptions { Endpoints = ["a:1"], CertPath = "c" }.WantsTls);
        Assert.True(new EtcdConnectionOptions { Endpoints = ["a:1"], CaCertPath = "ca" }.WantsTls);
        Assert.True(new EtcdConnectionOptions { Endpoints = ["a:1"], SkipCertificateCheck = true }.WantsTls);
    }
}
