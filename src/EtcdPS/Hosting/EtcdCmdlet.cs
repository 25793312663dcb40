using System.Management.Automation;
using EtcdPS.Commands.Connection;
using EtcdPS.Engine.Connection;

namespace EtcdPS.Commands;

/// <summary>
/// Base of every cmdlet that talks to etcd: the <c>-Connection</c> parameter, and the fallback to the
/// runspace's default connection or, like etcdctl, to the ETCDCTL_* environment variables.
/// </summary>
public abstract class EtcdCmdlet : AsyncPSCmdlet
{
    /// <summary>The connection to use (a connection object, or the name of one of the session's connections); the runspace's default connection when omitted.</summary>
    [Parameter]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    [ValidateNotNull]
    public EtcdConnection? Connection { get; set; }

    /// <summary>Resolves the connection: -Connection, the default one, or one made from ETCDCTL_* variables.</summary>
    protected async Task<EtcdConnection> GetConnectionAsync(CancellationToken cancellation)
    {
        if (Connection is not null)
        {
            return Connection;
        }

        var registry = Connections;
        if (registry.Default is { IsClosed: false } current)
        {
            return current;
        }

        var options = EtcdConnectionOptions.FromEnvironment(Environment.GetEnvironmentVariable)
            ?? throw new EtcdException(EtcdErrorIds.NotConnected, EtcdErrorCategory.InvalidOperation,
                "There is no etcd connection in this session and ETCDCTL_ENDPOINTS is not set.", null,
                "Run Connect-Etcd -Endpoint <url> first (or Start-EtcdLab for a local lab), or set ETCDCTL_ENDPOINTS.");
        var result = await EtcdConnector.ConnectAsync(options, cancellation).ConfigureAwait(false);
        foreach (var failure in result.UnreachableEndpoints)
        {
            await WriteWarningAsync(failure.Message).ConfigureAwait(false);
        }

        registry.Add(result.Connection);
        return result.Connection;
    }
}
