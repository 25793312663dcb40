using System.Management.Automation;
using EtcdPS.Commands.Connection;
using EtcdPS.Engine.Connection;

namespace EtcdPS.Hosting;

/// <summary>
/// Base of every cmdlet that talks to etcd: the <c>-Connection</c> parameter, and the fallback to the
/// runspace's default connection or, like etcdctl, to the ETCDCTL_* environment variables.
/// </summary>
public abstract class EtcdCmdlet : AsyncPSCmdlet
{
    [Parameter]
    [ValidateNotNull]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public EtcdConnection? Connection { get; set; }

    /// <summary>Resolves the connection: -Connection, the default one, or one made from ETCDCTL_* variables.</summary>
    protected async Task<EtcdConnection> GetConnectionAsync(CancellationToken cancellation)
    {
        if (Connection is not null)
        {
            return Connection.IsClosed ? throw Connection.NotConnectedError() : Connection;
        }

        var registry = Connections;
        if (registry.Default is { IsClosed: false } current)
        {
            return current;
        }

        var options = EtcdConnectionOptions.FromEnvironment(Environment.GetEnvironmentVariable)
            ?? throw EtcdErrors.NotConnected("There is no etcd connection in this session and ETCDCTL_ENDPOINTS is not set.");
        var result = await EtcdConnector.ConnectAsync(options, cancellation).ConfigureAwait(false);
        foreach (var warning in result.Warnings)
        {
            await WriteWarningAsync(warning).ConfigureAwait(false);
        }

        registry.Add(result.Connection);
        return result.Connection;
    }
}
