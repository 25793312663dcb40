namespace EtcdPS.Tests.Infrastructure;

/// <summary>
/// Base of module tests against one etcd: a hosted pwsh session for the commands a user types, and raw gRPC access
/// (<see cref="RawEtcd"/>) to set up and check keys without going through the cmdlets under test.
/// </summary>
public abstract class CmdletTestBase : IDisposable
{
    private protected readonly PwshSession _pwsh = new();
    private protected readonly RawEtcd _raw;
    private readonly string _endpoint;

    /// <param name="endpoint">The etcd the tests use.</param>
    /// <param name="connect">Connect the session to it right away (otherwise each test calls <see cref="Connect"/> when it wants to).</param>
    private protected CmdletTestBase(string endpoint, bool connect = false)
    {
        _endpoint = endpoint;
        _raw = new RawEtcd(endpoint);
        if (connect)
        {
            Connect();
        }
    }

    /// <summary>Makes the test etcd the session's default connection.</summary>
    private protected void Connect() => _pwsh.Run($"Connect-Etcd {_endpoint}");

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pwsh.Dispose();
            _raw.Dispose();
        }
    }
}
