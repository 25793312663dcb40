using Etcdserverpb;

namespace EtcdPS.Engine.Cluster;

/// <summary>What to add: the new member's name (for its <c>--initial-cluster</c>), peer URLs, and whether it starts as a learner.</summary>
internal sealed record MemberAdditionRequest(string Name, IReadOnlyList<string> PeerUrls, bool IsLearner, bool Force);

/// <summary>
/// Adds, removes, updates and promotes members, refusing (unless forced) the changes that would cost quorum or the
/// connection itself. Each change returns the member list as it is afterwards, read from a member that remains.
/// </summary>
internal static class MemberChanger
{
    public static async Task<EtcdMemberAddition?> AddAsync(EtcdConnection connection, MemberAdditionRequest request,
        Func<string, Task<bool>> approve, CancellationToken cancellation)
    {
        var probes = await ClusterProbe.ProbeAsync(connection, cancellation).ConfigureAwait(false);
        var members = probes.Select(p => p.Member).ToArray();
        var urls = request.PeerUrls.Select(NormalizeUrl).ToArray();
        if (members.FirstOrDefault(m => m.PeerUrls.Select(NormalizeUrl).Intersect(urls, StringComparer.OrdinalIgnoreCase).Any()) is { } owner)
        {
            throw new EtcdException(EtcdErrorIds.PeerUrlExists, EtcdErrorCategory.ResourceExists,
                $"The peer URL {string.Join(",", request.PeerUrls)} is already used by member {Label(owner)}.", string.Join(",", request.PeerUrls),
                "Give a peer URL no member uses (Get-EtcdMember shows PeerUrls); to change a member's URL use Update-EtcdMember.");
        }

        if (members.Any(m => string.Equals(m.Name, request.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new EtcdException(EtcdErrorIds.MemberExists, EtcdErrorCategory.ResourceExists,
                $"A member named '{request.Name}' exists already.", request.Name,
                "Choose another name, or remove the old member first (Remove-EtcdMember).");
        }

        if (!request.IsLearner && !request.Force && QuorumRules.WhyNotAddVoter(probes, $"Adding {request.Name} as a voting member") is { } why)
        {
            throw ClusterOperationErrors.QuorumAtRisk(why + " Add it as a learner (-Learner), or use -Force.", request.Name);
        }

        var kind = request.IsLearner ? "learner" : "voting member";
        if (!await approve($"Add {kind} {request.Name} with peer URL {string.Join(",", request.PeerUrls)}").ConfigureAwait(false))
        {
            return null;
        }

        var add = new MemberAddRequest { IsLearner = request.IsLearner };
        add.PeerURLs.AddRange(request.PeerUrls);
        var response = await ChangeAsync(() => connection.CallAsync(
            (c, o) => c.Cluster.MemberAddAsync(add, o).ResponseAsync, cancellation, request.Name, idempotent: false), request.Name, connection.User).ConfigureAwait(false);
        var newId = MemberIds.ToHex(response.Member.ID);
        var after = response.Members.Select(ClusterInspector.ToMember).ToArray();
        var initialCluster = string.Join(",", after.SelectMany(m => m.PeerUrls.Select(u => $"{(m.Id == newId ? request.Name : m.Name)}={u}")));
        return new EtcdMemberAddition
        {
            Id = newId,
            Name = request.Name,
            PeerUrls = response.Member.PeerURLs.ToArray(),
            IsLearner = response.Member.IsLearner,
            InitialCluster = initialCluster,
            Members = after,
        };
    }

    public static async Task<IReadOnlyList<EtcdMember>?> RemoveAsync(EtcdConnection connection, string wanted, bool force,
        Func<EtcdMember, string, Task<bool>> approve, CancellationToken cancellation)
    {
        var probes = await ClusterProbe.ProbeAsync(connection, cancellation).ConfigureAwait(false);
        var member = ClusterProbe.Resolve(probes.Select(p => p.Member).ToArray(), wanted);
        var others = probes.Where(p => p.Member.Id != member.Id).SelectMany(p => p.Member.ClientUrls).ToArray();
        if (!force)
        {
            if (QuorumRules.WhyNotRemove(probes, member) is { } why)
            {
                throw ClusterOperationErrors.QuorumAtRisk(why, wanted);
            }

            if (connection.Endpoints.All(e => member.ClientUrls.Any(u => SameUrl(u, e))))
            {
                throw new EtcdException(EtcdErrorIds.MemberIsConnection, EtcdErrorCategory.InvalidOperation,
                    $"The connection '{connection.Name}' reaches the cluster only through {Label(member)}, the member to remove; a removed member stops, and the connection would have nothing left to talk to.",
                    wanted, $"Connect to the other members first (Connect-Etcd {string.Join(",", others)}), or use -Force.");
            }
        }

        var probe = probes.First(p => p.Member.Id == member.Id);
        var what = $"Remove {(member.IsLearner ? "learner" : "voting member")}{(probe.IsLeader ? " (the leader)" : string.Empty)}; the member stops and its data can no longer rejoin";
        if (!await approve(member, what).ConfigureAwait(false))
        {
            return null;
        }

        var id = ClusterProbe.IdOf(member);
        // Asked through another member: the member removed stops at once, and may do so before it answers
        // ("etcdserver: server stopped" on etcd 3.5) when it is the one asked.
        var reachOthers = connection.Endpoints.Where(e => !member.ClientUrls.Any(u => SameUrl(u, e))).ToArray();
        using var through = reachOthers.Length > 0 ? connection.WithEndpoints(reachOthers) : null;
        var target = through ?? connection;
        await ChangeAsync(() => target.CallAsync((c, o) => c.Cluster.MemberRemoveAsync(new MemberRemoveRequest { ID = id }, o).ResponseAsync,
            cancellation, wanted, idempotent: false), wanted, connection.User).ConfigureAwait(false);
        return await ListFromAsync(connection, others.Length > 0 ? others : connection.Endpoints, cancellation).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<EtcdMember>?> UpdateAsync(EtcdConnection connection, string wanted, IReadOnlyList<string> peerUrls,
        Func<EtcdMember, string, Task<bool>> approve, CancellationToken cancellation)
    {
        var members = await ClusterInspector.ListMembersAsync(connection, cancellation).ConfigureAwait(false);
        var member = ClusterProbe.Resolve(members, wanted);
        var urls = peerUrls.Select(NormalizeUrl).ToArray();
        if (members.FirstOrDefault(m => m.Id != member.Id && m.PeerUrls.Select(NormalizeUrl).Intersect(urls, StringComparer.OrdinalIgnoreCase).Any()) is { } owner)
        {
            throw new EtcdException(EtcdErrorIds.PeerUrlExists, EtcdErrorCategory.ResourceExists,
                $"The peer URL {string.Join(",", peerUrls)} is already used by member {Label(owner)}.", string.Join(",", peerUrls),
                "Give a peer URL no other member uses (Get-EtcdMember shows PeerUrls).");
        }

        if (!await approve(member, $"Change peer URLs from {string.Join(",", member.PeerUrls)} to {string.Join(",", peerUrls)}").ConfigureAwait(false))
        {
            return null;
        }

        var update = new MemberUpdateRequest { ID = ClusterProbe.IdOf(member) };
        update.PeerURLs.AddRange(peerUrls);
        var response = await ChangeAsync(() => connection.CallAsync(
            (c, o) => c.Cluster.MemberUpdateAsync(update, o).ResponseAsync, cancellation, wanted, idempotent: false), wanted, connection.User).ConfigureAwait(false);
        return response.Members.Select(ClusterInspector.ToMember).ToArray();
    }

    public static async Task<IReadOnlyList<EtcdMember>?> PromoteAsync(EtcdConnection connection, string wanted, bool force,
        Func<EtcdMember, string, Task<bool>> approve, CancellationToken cancellation)
    {
        var probes = await ClusterProbe.ProbeAsync(connection, cancellation).ConfigureAwait(false);
        var member = ClusterProbe.Resolve(probes.Select(p => p.Member).ToArray(), wanted);
        if (!member.IsLearner)
        {
            throw new EtcdException(EtcdErrorIds.MemberNotLearner, EtcdErrorCategory.InvalidOperation,
                $"{Label(member)} is a voting member already; only learners can be promoted.", wanted,
                "Get-EtcdMember shows IsLearner for each member.");
        }

        if (!force && QuorumRules.WhyNotAddVoter(probes.Where(p => p.Member.Id != member.Id).ToArray(), $"Promoting {Label(member)}") is { } why)
        {
            throw ClusterOperationErrors.QuorumAtRisk(why, wanted);
        }

        if (!await approve(member, "Promote the learner to a voting member").ConfigureAwait(false))
        {
            return null;
        }

        // Asked on the leader when it answered its probe: a follower forwards a promotion to the leader over the peer API
        // without the caller's auth token, so with auth enabled the leader refuses it and the follower retries until
        // "request timed out" (7 s) instead of saying whether the learner is ready (etcd 3.4, 3.5).
        using var atLeader = probes.FirstOrDefault(p => p.IsLeader) is { } leader ? connection.WithEndpoints([leader.Endpoint]) : null;
        var through = atLeader ?? connection;
        var response = await ChangeAsync(() => through.CallAsync((c, o) => c.Cluster.MemberPromoteAsync(
            new MemberPromoteRequest { ID = ClusterProbe.IdOf(member) }, o).ResponseAsync, cancellation, wanted, idempotent: false), wanted, connection.User).ConfigureAwait(false);
        return response.Members.Select(ClusterInspector.ToMember).ToArray();
    }

    /// <summary>
    /// Runs a membership change. etcd answers "unhealthy cluster" until its leader has been connected to the members for
    /// 5 seconds (just after a start or an election) even when every member is fine; such a refusal comes before anything
    /// is proposed, so the change is retried for a few seconds before the refusal is reported.
    /// </summary>
    private static async Task<T> ChangeAsync<T>(Func<Task<T>> call, string target, string? user)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        while (true)
        {
            try
            {
                return await ClusterOperationErrors.Translate(call, target).ConfigureAwait(false);
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.QuorumAtRisk && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500).ConfigureAwait(false);
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
            {
                throw ClusterOperationErrors.NeedsRoot(ex, user, "change the cluster's members", target);
            }
        }
    }

    private static async Task<IReadOnlyList<EtcdMember>> ListFromAsync(EtcdConnection connection, IReadOnlyList<string> endpoints, CancellationToken cancellation)
    {
        using var remaining = connection.WithEndpoints(endpoints);
        return await ClusterInspector.ListMembersAsync(remaining, cancellation).ConfigureAwait(false);
    }

    internal static string Label(EtcdMember member) => member.Name.Length > 0 ? $"{member.Name} ({member.Id})" : member.Id;

    private static string NormalizeUrl(string url) => url.Trim().TrimEnd('/');

    private static bool SameUrl(string a, string b) => string.Equals(NormalizeUrl(a), NormalizeUrl(b), StringComparison.OrdinalIgnoreCase);
}
