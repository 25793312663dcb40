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
        // Like etcdctl endpoint status: every endpoint is reported, the dead one as unreachable, plus its error.
        Assert.Equal(2, status.Output.Count);
        Assert.Equal([true, false], status.Output.Select(o => (bool)o.Properties["Reachable"].Value));
        Assert.Equal("EtcdUnavailable", status.FirstErrorId);
        Assert.Equal(dead, status.Errors[0].TargetObject);
        Assert.Equal(dead, Assert.Single(_pwsh.Run("(Get-EtcdConnection -Default).UnreachableEndpoints")).BaseObject);
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
