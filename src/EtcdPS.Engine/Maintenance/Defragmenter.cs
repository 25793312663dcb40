using System.Diagnostics;
using System.Runtime.CompilerServices;
using Etcdserverpb;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Engine.Maintenance;

/// <summary>One member to defragment, in the order it will be done.</summary>
internal sealed record DefragTarget(string Endpoint, string MemberId, string? Name, bool IsLeader, long DbSize, long DbSizeInUse)
{
    /// <summary>Why the member cannot be defragmented now (it did not answer); null when it answered.</summary>
    public EtcdException? Unreachable { get; init; }

    public override string ToString() => Unreachable is not null
        ? $"{Endpoint} ({(Name is { Length: > 0 } ? Name + ", " : string.Empty)}unreachable)"
        : $"{Endpoint} ({(Name is { Length: > 0 } ? Name + ", " : string.Empty)}{MemberId}{(IsLeader ? ", leader" : string.Empty)}, {ByteSize.Format(DbSize)})";
}

/// <summary>
/// Defragments members one at a time. A member serves nothing while it defragments, so doing two at once
/// can cost the quorum; followers go first and the leader last, which limits leader elections to one at most.
/// </summary>
internal static class Defragmenter
{
    /// <summary>
    /// The members to defragment in order (followers, then the leader): <paramref name="endpoints"/> (client URLs or member
    /// names) when given; otherwise every member of the member list with <paramref name="allMembers"/>, else the connection's
    /// own endpoints (like etcdctl defrag, and the only reachable ones behind a port-forward).
    /// </summary>
    public static async Task<IReadOnlyList<DefragTarget>> PlanAsync(EtcdConnection connection, IReadOnlyCollection<string>? endpoints,
        bool allMembers, CancellationToken cancellation)
    {
        var members = await ClusterInspector.ListMembersFromAnyAsync(connection, cancellation).ConfigureAwait(false);
        var chosen = new List<string>();
        if (endpoints is { Count: > 0 })
        {
            foreach (var wanted in endpoints)
            {
                var own = connection.Endpoints.FirstOrDefault(e => SameEndpoint(e, wanted));
                var member = members.FirstOrDefault(m => string.Equals(m.Name, wanted, StringComparison.OrdinalIgnoreCase)
                    || m.ClientUrls.Any(u => SameEndpoint(u, wanted)));
                var url = own ?? member?.ClientUrls.FirstOrDefault()
                    ?? throw new EtcdException(EtcdErrorIds.EndpointNotMember, EtcdErrorCategory.ObjectNotFound,
                        $"'{wanted}' is neither a member name nor a client URL of this cluster.", wanted,
                        "Get-EtcdMember lists the members with their names and client URLs.");
                chosen.Add(url);
            }
        }
        else if (allMembers)
        {
            chosen.AddRange(MemberFanOut.ClientUrls(members));
        }
        else
        {
            chosen.AddRange(connection.Endpoints);
        }

        // The plan is a read: the members are asked for their status in parallel.
        var plan = new List<DefragTarget>();
        // A member that does not answer stays in the plan, marked: the caller refuses the plan rather than half doing it.
        await foreach (var (client, status, error) in MemberFanOut.AskEachAsync(connection, chosen.Distinct(StringComparer.OrdinalIgnoreCase),
            async (target, client, token) =>
            {
                try
                {
                    return (client.Name, await StatusAsync(target, client, token, target.DialTimeout).ConfigureAwait(false), (EtcdException?)null);
                }
                catch (EtcdException ex)
                {
                    return (client.Name, (StatusResponse?)null, ex);
                }
            }, cancellation).ConfigureAwait(false))
        {
            if (status is null)
            {
                var member = members.FirstOrDefault(m => m.ClientUrls.Any(u => SameEndpoint(u, client)));
                plan.Add(new DefragTarget(client, member?.Id ?? client, member?.Name, false, 0, 0) { Unreachable = error });
                continue;
            }

            var memberId = MemberIds.ToHex(status.Header.MemberId);
            plan.Add(new DefragTarget(client, memberId, members.FirstOrDefault(m => m.Id == memberId)?.Name,
                status.Leader == status.Header.MemberId, status.DbSize, status.DbSizeInUse));
        }

        // Two URLs of one member must not defragment it twice.
        return plan.DistinctBy(p => p.MemberId).OrderBy(p => p.IsLeader).ToArray();
    }

    /// <summary>
    /// Defragments the planned members one after the other. <paramref name="approve"/> is asked before each one
    /// (ShouldProcess); a member that fails gives its error and the next one is still done.
    /// </summary>
    public static async IAsyncEnumerable<Outcome<EtcdDefragResult>> DefragmentAsync(EtcdConnection connection, IReadOnlyList<DefragTarget> plan,
        Func<DefragTarget, Task<bool>> approve, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var outcome in MemberFanOut.InTurnAsync(connection, plan.Select(p => p.Endpoint).ToArray(), i => approve(plan[i]),
            (target, client, i, token) => DefragmentOneAsync(target, client, plan[i], timeout, token), cancellation).ConfigureAwait(false))
        {
            yield return outcome;
        }
    }

    private static async Task<Outcome<EtcdDefragResult>> DefragmentOneAsync(EtcdConnection connection, Connection.EndpointClient client,
        DefragTarget member, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            var before = await StatusAsync(connection, client, cancellation).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            await connection.CallEndpointAsync(client, (c, o) => c.Maintenance.DefragmentAsync(new DefragmentRequest(), o).ResponseAsync,
                cancellation, timeout: timeout).ConfigureAwait(false);
            var took = watch.Elapsed;
            var after = await StatusAsync(connection, client, cancellation).ConfigureAwait(false);
            return Outcome<EtcdDefragResult>.Ok(new EtcdDefragResult
            {
                Endpoint = member.Endpoint,
                MemberId = member.MemberId,
                Name = member.Name,
                IsLeader = member.IsLeader,
                DbSizeBefore = before.DbSize,
                DbSizeInUseBefore = before.DbSizeInUse,
                DbSizeAfter = after.DbSize,
                DbSizeInUseAfter = after.DbSizeInUse,
                Duration = took,
            });
        }
        catch (EtcdException ex)
        {
            return Outcome<EtcdDefragResult>.Failed(ex);
        }
    }

    private static Task<StatusResponse> StatusAsync(EtcdConnection connection, Connection.EndpointClient client, CancellationToken cancellation,
        TimeSpan? timeout = null) =>
        connection.CallEndpointAsync(client, (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync, cancellation, timeout: timeout);

    /// <summary>
    /// The refusal when a planned member does not answer: defragmenting the others while one is down could leave the
    /// cluster without a quorum (a member serves nothing while it defragments), so nothing is done at all.
    /// </summary>
    public static EtcdException? Refusal(IReadOnlyList<DefragTarget> plan)
    {
        var down = plan.Where(p => p.Unreachable is not null).ToArray();
        if (down.Length == 0)
        {
            return null;
        }

        var which = string.Join("; ", down.Select(d => $"{(d.Name is { Length: > 0 } ? d.Name + " " : string.Empty)}{d.Endpoint}: {d.Unreachable!.Message}"));
        return new EtcdException(EtcdErrorIds.DefragRefused, EtcdErrorCategory.ResourceUnavailable,
            $"Refused on purpose, nothing was defragmented: {down.Length} of {plan.Count} planned member(s) did not answer ({which}). " +
            "A member serves nothing while it defragments; with another member down that could cost the quorum.",
            string.Join(",", down.Select(d => d.Endpoint)),
            "Bring the member back first (Get-EtcdStatus -Cluster shows which answer), or defragment only the members that answer with -Endpoint, knowing the risk.",
            down[0].Unreachable);
    }

    private static bool SameEndpoint(string url, string wanted)
    {
        var a = url.TrimEnd('/');
        var b = wanted.TrimEnd('/');
        return string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
            || (Uri.TryCreate(a, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, b, StringComparison.OrdinalIgnoreCase));
    }
}
