using System.Collections;
using System.Management.Automation;

namespace EtcdPS.Completion;

/// <summary>
/// The connection a completer should ask (the command's -Connection, given as an object or a name, else the session
/// default), and the one way completers call etcd.
/// </summary>
internal static class CompleterConnection
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(3);

    public static EtcdConnection? From(IDictionary fakeBoundParameters)
    {
        var given = fakeBoundParameters.Contains("Connection") ? fakeBoundParameters["Connection"] : null;
        var explicitConnection = (given is PSObject wrapped ? wrapped.BaseObject : given) switch
        {
            EtcdConnection connection => connection,
            string name => ConnectionNameTransformationAttribute.Find(name),
            _ => null,
        };
        if (explicitConnection is { IsClosed: false })
        {
            return explicitConnection;
        }

        return ConnectionRegistry.Current.Default is { IsClosed: false } current ? current : null;
    }

    /// <summary>
    /// Asks etcd for completions. Completers are synchronous by contract, so the call runs on the thread pool with a hard
    /// time budget (Tab never hangs); nothing comes back when there is no connection, etcd fails or the time is up.
    /// </summary>
    public static IReadOnlyList<T> Ask<T>(IDictionary fakeBoundParameters, Func<EtcdConnection, CancellationToken, Task<IReadOnlyList<T>>> ask)
    {
        if (From(fakeBoundParameters) is not { } connection)
        {
            return [];
        }

        try
        {
            using var budget = new CancellationTokenSource(s_budget);
            return Task.Run(() => ask(connection, budget.Token), budget.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is EtcdException or OperationCanceledException)
        {
            return [];
        }
    }
}
