using System.Runtime.CompilerServices;
using EtcdPS.Engine.Connection;

namespace EtcdPS.Engine.Cluster;

/// <summary>
/// The one way a call goes out to several members (Get-EtcdStatus, Test-EtcdHealth, defragmentation): which endpoints
/// (the connection's own, or with -Cluster the first client URL of every member in the member list), a connection to
/// exactly those, and the calls: in parallel for reads, one after the other for work that costs the member its service.
/// </summary>
internal static class MemberFanOut
{
    /// <summary>The URL each member is asked on: its first client URL (learners and members without one are skipped).</summary>
    public static IReadOnlyList<string> ClientUrls(IEnumerable<EtcdMember> members) =>
        members.SelectMany(m => m.ClientUrls.Take(1)).ToArray();

    /// <summary>
    /// Asks <paramref name="ask"/> of every endpoint in <paramref name="endpoints"/> (the connection's own endpoints when
    /// null), all at once, and yields the answers in endpoint order: the slowest member sets the pace, not their sum.
    /// For reads only; <paramref name="ask"/> reports a member's failure in its result (or throws to end the whole call).
    /// </summary>
    public static async IAsyncEnumerable<T> AskEachAsync<T>(EtcdConnection connection, IEnumerable<string>? endpoints,
        Func<EtcdConnection, EndpointClient, CancellationToken, Task<T>> ask, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var target = endpoints is null ? connection : connection.WithEndpoints(endpoints);
        try
        {
            var work = target.Clients.Select(c => ask(target, c, cancellation)).ToArray();
            foreach (var task in work)
            {
                yield return await task.ConfigureAwait(false);
            }
        }
        finally
        {
            if (!ReferenceEquals(target, connection))
            {
                target.Dispose();
            }
        }
    }

    /// <summary>
    /// Asks <paramref name="ask"/> of the endpoints one after the other, in the order given, each after
    /// <paramref name="approve"/> said yes (ShouldProcess): for work during which a member serves nothing, where two at
    /// once could cost the quorum.
    /// </summary>
    public static async IAsyncEnumerable<T> InTurnAsync<T>(EtcdConnection connection, IReadOnlyList<string> endpoints,
        Func<int, Task<bool>> approve, Func<EtcdConnection, EndpointClient, int, CancellationToken, Task<T>> ask,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var target = connection.WithEndpoints(endpoints);
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (!await approve(i).ConfigureAwait(false))
            {
                continue;
            }

            var client = target.Clients.First(c => c.Name == endpoints[i]);
            yield return await ask(target, client, i, cancellation).ConfigureAwait(false);
        }
    }
}
