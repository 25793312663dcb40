using System.Net;
using System.Net.Sockets;

namespace EtcdPS.Tests.Connection;

/// <summary>Every way a connection can go wrong gives its own ErrorId, fast, without hanging the host.</summary>
public sealed class PlainConnectionErrorTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Refused_endpoint_gives_EtcdUnavailable_naming_the_endpoint()
    {
        var port = FreePort();
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint 127.0.0.1:{port} -DialTimeout 00:00:02");
        Assert.Equal("EtcdUnavailable", result.FirstErrorId);
        var error = result.Errors[0];
        Assert.Equal($"127.0.0.1:{port}", error.TargetObject);
        Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.False(string.IsNullOrEmpty(error.ErrorDetails?.RecommendedAction));
    }

    [Fact]
    public void Endpoint_that_accepts_but_never_answers_times_out()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await blackHole.AcceptTcpClientAsync());
                }
            }
            catch (ObjectDisposedException)
            {
            }
            catch (SocketException)
            {
            }
        });
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint http://127.0.0.1:{port} -DialTimeout 00:00:01");
        Assert.Equal("EtcdTimeout", result.FirstErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.OperationTimeout, result.Errors[0].CategoryInfo.Category);
        blackHole.Stop();
        accepted.ForEach(c => c.Dispose());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:2379")]
    [InlineData("127.0.0.1")]
    [InlineData("http://127.0.0.1:2379/some/path")]
    [InlineData("http://[::1")]
    public void Malformed_endpoint_gives_EtcdInvalidEndpoint(string endpoint)
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint '{endpoint}'");
        Assert.Equal("EtcdInvalidEndpoint", result.FirstErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, result.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void One_of_three_endpoints_down_warns_and_connects_to_the_others()
    {
        var dead = $"http://127.0.0.1:{FreePort()}";
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint '{etcd.Endpoint}','{dead}' -DialTimeout 00:00:02 -PassThru");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains(dead, StringComparison.Ordinal));
        var status = _pwsh.Invoke("Get-EtcdStatus");
        Assert.Single(status.Output);
        Assert.Equal("EtcdUnavailable", status.FirstErrorId);
        Assert.Equal(dead, status.Errors[0].TargetObject);
    }

    [Fact]
    public void No_connection_and_no_environment_gives_EtcdNotConnected()
    {
        var result = _pwsh.Invoke("Remove-Item Env:ETCDCTL_ENDPOINTS -ErrorAction Ignore; Get-EtcdStatus");
        Assert.Equal("EtcdNotConnected", result.FirstErrorId);
    }

    [Fact]
    public void Connections_are_listed_switched_and_closed()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Name one; Connect-Etcd {etcd.Endpoint} -Name two");
        Assert.Equal("two", _pwsh.Run("(Get-EtcdConnection -Default).Name")[0].BaseObject);
        _pwsh.Run("Switch-EtcdConnection one");
        Assert.Equal("one", _pwsh.Run("(Get-EtcdConnection -Default).Name")[0].BaseObject);
        Assert.Equal(2, _pwsh.Run("Get-EtcdConnection").Count);
        _pwsh.Run("Get-EtcdConnection two | Disconnect-Etcd");
        Assert.Single(_pwsh.Run("Get-EtcdConnection"));
        Assert.Equal("EtcdNotConnected", _pwsh.Invoke("Switch-EtcdConnection nope").FirstErrorId);
    }

    [Fact]
    public void Stopping_the_pipeline_cancels_a_hanging_connect_promptly()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;
        using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace();
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Import-Module '{RepoPaths.ModuleManifest}'; Connect-Etcd -Endpoint http://127.0.0.1:{port} -DialTimeout 00:05:00");
        var running = ps.BeginInvoke();
        Thread.Sleep(1500);
        Assert.False(running.IsCompleted);
        ps.Stop();
        Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "the stopped pipeline did not end");
        Assert.Equal(System.Management.Automation.PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

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

public sealed class AuthConnectionTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    private static string Credential(string password) =>
        $"([pscredential]::new('root', (ConvertTo-SecureString '{password}' -AsPlainText -Force)))";

    [Fact]
    public void Right_password_connects_and_reads()
    {
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential(AuthEtcdFixture.RootPassword)}");
        Assert.True((bool)_pwsh.Run("Test-EtcdHealth -Quiet")[0].BaseObject);
        Assert.Equal("root", _pwsh.Run("(Get-EtcdConnection -Default).User")[0].BaseObject);
    }

    [Fact]
    public void Wrong_password_gives_EtcdAuthFailed_and_never_shows_the_password()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential("not-the-Pa55word")} -Verbose");
        Assert.Equal("EtcdAuthFailed", result.FirstErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, result.Errors[0].CategoryInfo.Category);
        var everything = string.Join("\n", result.Errors.Select(e => e.ToString() + e.Exception + e.ErrorDetails?.RecommendedAction).Concat(result.Verbose));
        Assert.DoesNotContain("not-the-Pa55word", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void No_credential_on_an_auth_cluster_gives_EtcdAuthRequired()
    {
        var result = _pwsh.Invoke($"Connect-Etcd -Endpoint {etcd.Endpoint}");
        Assert.Equal("EtcdAuthRequired", result.FirstErrorId);
    }

    [Fact]
    public void Password_and_token_never_appear_in_the_connection_object()
    {
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential(AuthEtcdFixture.RootPassword)}");
        var shown = string.Join("\n", _pwsh.Run("$c = Get-EtcdConnection -Default; $c.ToString(); $c | Format-List * | Out-String; $c | Format-Table | Out-String; $c | ConvertTo-Json -Depth 3 -WarningAction Ignore").Select(o => o.ToString()));
        Assert.DoesNotContain(AuthEtcdFixture.RootPassword, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("token", shown, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Expired_token_is_renewed_transparently()
    {
        // The fixture's etcd runs with --auth-token-ttl 1: tokens expire after a second of idleness.
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -Credential {Credential(AuthEtcdFixture.RootPassword)}");
        Thread.Sleep(2500);
        var health = Assert.Single(_pwsh.Run("Test-EtcdHealth"));
        Assert.True((bool)health.Properties["Healthy"].Value, (string)health.Properties["Error"].Value);
    }
}

public sealed class AuthTokenExpiryTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>
{
    [Fact]
    public async Task The_fixture_token_really_expires_so_the_renewal_test_means_something()
    {
        var options = etcd.Server.ConnectionOptions(credential: new System.Net.NetworkCredential("root", AuthEtcdFixture.RootPassword));
        var connected = await Engine.Connection.EtcdConnector.ConnectAsync(options, CancellationToken.None);
        using var connection = connected.Connection;
        var withToken = connection.CallOptions(CancellationToken.None);
        await Task.Delay(2500);
        var request = new Etcdserverpb.RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("health") };
        var stale = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => connection.Clients[0].KV.RangeAsync(request, withToken).ResponseAsync);
        Assert.Contains("invalid auth token", stale.Status.Detail, StringComparison.Ordinal);

        // Through the connection the same read succeeds: the token is renewed once and the call retried.
        var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(request, o).ResponseAsync, CancellationToken.None);
        Assert.True(response.Header.Revision > 0);
    }
}
