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
            chosen.AddRange(endpoints.Select(wanted => MemberEndpoints.Resolve(connection, members, wanted)));
        }
        else if (allMembers)
        {
            chosen.AddRange(members.Where(m => m.ClientUrls.Count > 0).Select(m => m.ClientUrls[0]));
        }
        else
        {
            chosen.AddRange(connection.Endpoints);
        }

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
                var member = members.FirstOrDefault(m => m.ClientUrls.Any(u => MemberEndpoints.SameEndpoint(u, client)));
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
    /// Defragments the planned members one after the other. Before each member the leader is read again (an election may
    /// have moved it): followers go first, the leader last. <paramref name="approve"/> is asked before each one
    /// (ShouldProcess). With <paramref name="moveLeader"/>, leadership moves to the healthiest follower before the leader is
    /// defragmented. After each member, success or not, the next one waits until that member answers Status again: etcd
    /// goes on defragmenting after a call timed out, and two members blocked at once can cost a 3-member cluster its quorum.
    /// A member that does not come back within <paramref name="settle"/> stops the run with EtcdMemberNotAnswering.
    /// </summary>
    public static async IAsyncEnumerable<Outcome<EtcdDefragResult>> DefragmentAsync(EtcdConnection connection, IReadOnlyList<DefragTarget> plan,
        Func<DefragTarget, Task<bool>> approve, TimeSpan timeout, bool moveLeader, TimeSpan settle, Action<string> report,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var target = connection.WithEndpoints(plan.Select(p => p.Endpoint));
        var remaining = plan.ToList();
        while (remaining.Count > 0)
        {
            var leaderId = await CurrentLeaderAsync(target, cancellation).ConfigureAwait(false);
            // The plan's order (followers, then the leader) stands; only the current leader moves to the end.
            var member = remaining.FirstOrDefault(m => m.MemberId != leaderId) ?? remaining[0];
            remaining.Remove(member);
            member = member with { IsLeader = member.MemberId == leaderId };
            if (!await approve(member).ConfigureAwait(false))
            {
                continue;
            }

            string? movedTo = null;
            if (member.IsLeader && moveLeader)
            {
                Outcome<EtcdLeaderChange> moved;
                try
                {
                    report($"Moving leadership away from {member.Name ?? member.MemberId}");
                    var probes = await ClusterProbe.ProbeAsync(connection, cancellation).ConfigureAwait(false);
                    var leader = LeaderMover.FindLeader(probes);
                    var next = LeaderMover.ChooseTarget(probes, leader, null);
                    moved = Outcome<EtcdLeaderChange>.Ok(await LeaderMover.MoveAsync(connection, leader, next, cancellation).ConfigureAwait(false));
                }
                catch (EtcdException ex)
                {
                    moved = Outcome<EtcdLeaderChange>.Failed(ex);
                }

                if (moved.Error is { } error)
                {
                    // Defragmenting the leader anyway is what -MoveLeader was asked to avoid: skip it, and say why.
                    yield return Outcome<EtcdDefragResult>.Failed(error);
                    continue;
                }

                movedTo = moved.Value!.Leader;
            }

            var client = target.Clients.First(c => c.Name == member.Endpoint);
            report($"Defragmenting {member}");
            var outcome = await DefragmentOneAsync(target, client, member, timeout, cancellation).ConfigureAwait(false);
            yield return outcome.Value is { } done ? Outcome<EtcdDefragResult>.Ok(done.WithLeaderMovedTo(movedTo)) : outcome;
            if (remaining.Count > 0 && !await AnswersAgainAsync(target, client, settle, report, member, cancellation).ConfigureAwait(false))
            {
                yield return Outcome<EtcdDefragResult>.Failed(new EtcdException(EtcdErrorIds.MemberNotAnswering, EtcdErrorCategory.OperationTimeout,
                    $"{member} did not answer Status within {settle.TotalSeconds:0} s after its defragmentation; the remaining {remaining.Count} member(s) were not defragmented, so that two members are never blocked at once.",
                    member.Endpoint, "Wait until the member answers (Get-EtcdStatus -Cluster), then run Invoke-EtcdDefragmentation again for the rest."));
                yield break;
            }
        }
    }

    /// <summary>The leader's id as the first planned member that answers reports it; empty when none answers.</summary>
    private static async Task<string> CurrentLeaderAsync(EtcdConnection target, CancellationToken cancellation)
    {
        foreach (var client in target.Clients)
        {
            try
            {
                var status = await target.CallEndpointAsync(client, (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                    cancellation, timeout: TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                if (status.Leader != 0)
                {
                    return MemberIds.ToHex(status.Leader);
                }
            }
            catch (EtcdException) when (!cancellation.IsCancellationRequested)
            {
            }
        }

        return string.Empty;
    }

    private static async Task<bool> AnswersAgainAsync(EtcdConnection connection, Connection.EndpointClient client, TimeSpan settle,
        Action<string> report, DefragTarget member, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await connection.CallEndpointAsync(client, (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                    cancellation, timeout: TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                return true;
            }
            catch (EtcdException) when (!cancellation.IsCancellationRequested)
            {
                if (watch.Elapsed >= settle)
                {
                    return false;
                }

                report($"Waiting for {member} to answer again ({watch.Elapsed.TotalSeconds:0} s)");
                await Task.Delay(500, cancellation).ConfigureAwait(false);
            }
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
                Took = took.TotalMilliseconds,
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
}
