using System.Diagnostics;
using System.Runtime.CompilerServices;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Cluster;

/// <summary>Status, health and members: the read-only views of the cluster itself (alarms are in Engine/Alarms).</summary>
internal static class ClusterInspector
{
    /// <summary>
    /// Status of every endpoint of the connection, asked in parallel and yielded in endpoint order, like
    /// <c>etcdctl endpoint status</c>: one object per endpoint, reachable or not (an unreachable one also yields its
    /// error), each within the dial timeout, so a cluster that lost its quorum is still described member by member.
    /// With <paramref name="allMembers"/>, the endpoints are the client URLs of every member in the member list, which
    /// any member that answers gives.
    /// </summary>
    public static async IAsyncEnumerable<Outcome<EtcdStatus>> GetStatusAsync(EtcdConnection connection, bool allMembers,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var (members, endpoints) = await MembersAndEndpointsAsync(connection, allMembers, cancellation).ConfigureAwait(false);
        await foreach (var (status, error) in MemberFanOut.AskEachAsync(connection, endpoints,
            (target, client, token) => StatusOfAsync(target, client, members, token), cancellation).ConfigureAwait(false))
        {
            // A member that refused the user answered: it is not unreachable, there is just no status to show
            // (etcd 3.5.28+ answers Status only to the root role once auth is on).
            if (error is not { ErrorId: EtcdErrorIds.PermissionDenied or EtcdErrorIds.AuthRequired or EtcdErrorIds.AuthFailed })
            {
                yield return Outcome<EtcdStatus>.Ok(status);
            }

            if (error is not null)
            {
                yield return Outcome<EtcdStatus>.Failed(error);
            }
        }
    }

    /// <summary>
    /// A linearizable read of one key per endpoint, timed, like <c>etcdctl endpoint health</c>, each within the dial
    /// timeout; a member that reports no leader is unhealthy at once, without waiting for the read to time out.
    /// </summary>
    public static async IAsyncEnumerable<EtcdHealth> CheckHealthAsync(EtcdConnection connection, bool allMembers,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var (members, endpoints) = await MembersAndEndpointsAsync(connection, allMembers, cancellation).ConfigureAwait(false);
        await foreach (var health in MemberFanOut.AskEachAsync(connection, endpoints,
            (target, client, token) => HealthOfAsync(target, client, members, token), cancellation).ConfigureAwait(false))
        {
            yield return health;
        }
    }

    /// <summary>
    /// The member list from whichever endpoint answers first (all asked at once, each within the dial timeout), and the
    /// endpoints to ask: every member's with <paramref name="allMembers"/>, else the connection's own (null).
    /// The list names the members; without -Cluster a failure to get it only leaves the names empty.
    /// </summary>
    private static async Task<(IReadOnlyList<EtcdMember>? Members, IReadOnlyList<string>? Endpoints)> MembersAndEndpointsAsync(
        EtcdConnection connection, bool allMembers, CancellationToken cancellation)
    {
        try
        {
            var members = await ListMembersFromAnyAsync(connection, cancellation).ConfigureAwait(false);
            return (members, allMembers ? MemberFanOut.ClientUrls(members) : null);
        }
        catch (EtcdException) when (!allMembers)
        {
            return (null, null);
        }
    }

    /// <summary>The member list from the first endpoint that answers; every endpoint is asked at once, within the dial timeout.</summary>
    public static async Task<IReadOnlyList<EtcdMember>> ListMembersFromAnyAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var asks = connection.Clients.Select(c => connection.CallEndpointAsync(c,
            (client, o) => client.Cluster.MemberListAsync(new MemberListRequest(), o).ResponseAsync, first.Token,
            timeout: connection.DialTimeout)).ToList();
        var failures = new List<EtcdException>();
        while (asks.Count > 0)
        {
            var done = await Task.WhenAny(asks).ConfigureAwait(false);
            asks.Remove(done);
            try
            {
                var response = await done.ConfigureAwait(false);
                await first.CancelAsync().ConfigureAwait(false);
                return ToMembers(response);
            }
            catch (EtcdException ex)
            {
                failures.Add(ex);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
            }
        }

        cancellation.ThrowIfCancellationRequested();
        var telling = failures.FirstOrDefault() ?? new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
            "No etcd endpoint answered.", string.Join(",", connection.Endpoints), "Check the endpoints.");
        throw failures.Count <= 1 ? telling : new EtcdException(telling.ErrorId, telling.Category,
            "No member answered for the member list: " + string.Join("; ", failures.Select(f => f.Message)),
            string.Join(",", connection.Endpoints), telling.RecommendedAction, telling);
    }

    public static async Task<IReadOnlyList<EtcdMember>> ListMembersAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var response = await connection.CallAsync((c, o) => c.Cluster.MemberListAsync(new MemberListRequest(), o).ResponseAsync,
            cancellation).ConfigureAwait(false);
        return ToMembers(response);
    }

    private static EtcdMember[] ToMembers(MemberListResponse response) => response.Members.Select(ToMember).ToArray();

    internal static EtcdMember ToMember(Member m) => new()
    {
        Id = MemberIds.ToHex(m.ID),
        Name = m.Name,
        PeerUrls = m.PeerURLs.ToArray(),
        ClientUrls = m.ClientURLs.ToArray(),
        IsLearner = m.IsLearner,
    };

    /// <summary>The member an endpoint belongs to, by its client URLs (so an unreachable endpoint is named too).</summary>
    private static EtcdMember? MemberAt(IReadOnlyList<EtcdMember>? members, string endpoint) =>
        members?.FirstOrDefault(m => m.ClientUrls.Any(u => string.Equals(u.TrimEnd('/'), endpoint, StringComparison.OrdinalIgnoreCase)));

    private static async Task<(EtcdStatus Status, EtcdException? Error)> StatusOfAsync(EtcdConnection connection, Connection.EndpointClient client,
        IReadOnlyList<EtcdMember>? members, CancellationToken cancellation)
    {
        try
        {
            var status = await connection.CallEndpointAsync(client,
                (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync, cancellation, timeout: connection.DialTimeout).ConfigureAwait(false);
            var compact = await CompactRevisionProbe.FindAsync(connection, client, status.Header.Revision, cancellation).ConfigureAwait(false);
            var memberId = MemberIds.ToHex(status.Header.MemberId);
            var errors = status.Errors.ToArray();
            return (new EtcdStatus
            {
                Endpoint = client.Name,
                Reachable = true,
                MemberId = memberId,
                Name = members?.FirstOrDefault(m => m.Id == memberId)?.Name ?? MemberAt(members, client.Name)?.Name,
                ClusterId = MemberIds.ToHex(status.Header.ClusterId),
                Version = status.Version,
                StorageVersion = status.StorageVersion,
                DbSize = status.DbSize,
                DbSizeInUse = status.DbSizeInUse,
                DbSizeQuota = status.DbSizeQuota,
                IsLeader = status.Leader != 0 && status.Leader == status.Header.MemberId,
                IsLearner = status.IsLearner,
                LeaderId = status.Leader == 0 ? string.Empty : MemberIds.ToHex(status.Leader),
                RaftTerm = status.RaftTerm,
                RaftIndex = status.RaftIndex,
                RaftAppliedIndex = status.RaftAppliedIndex,
                Revision = status.Header.Revision,
                CompactRevision = compact,
                Errors = errors,
                Alarms = EtcdStatus.AlarmsIn(errors),
                Error = status.Leader == 0 ? "etcdserver: no leader" : string.Empty,
            }, null);
        }
        catch (EtcdException ex)
        {
            var member = MemberAt(members, client.Name);
            return (new EtcdStatus
            {
                Endpoint = client.Name,
                Reachable = false,
                MemberId = member?.Id ?? string.Empty,
                Name = member?.Name,
                Error = ex.Message,
            }, ex);
        }
    }

    private static async Task<EtcdHealth> HealthOfAsync(EtcdConnection connection, Connection.EndpointClient client,
        IReadOnlyList<EtcdMember>? members, CancellationToken cancellation)
    {
        var name = MemberAt(members, client.Name)?.Name;
        var watch = Stopwatch.StartNew();
        try
        {
            // Status answers without a leader: it tells at once what the read would only tell after its deadline.
            var status = await connection.CallEndpointAsync(client,
                (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync, cancellation, timeout: connection.DialTimeout).ConfigureAwait(false);
            if (status.Leader == 0)
            {
                return new EtcdHealth { Endpoint = client.Name, Name = name, Healthy = false, Took = watch.Elapsed.TotalMilliseconds, Error = "etcdserver: no leader" };
            }

            watch.Restart();
            await connection.CallEndpointAsync(client, (c, o) => c.KV.RangeAsync(
                new RangeRequest { Key = ByteString.CopyFromUtf8("health") }, o).ResponseAsync, cancellation, timeout: connection.DialTimeout).ConfigureAwait(false);
            return new EtcdHealth { Endpoint = client.Name, Name = name, Healthy = true, Took = watch.Elapsed.TotalMilliseconds };
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            // etcdctl counts "permission denied" as healthy: the member answered through raft.
            return new EtcdHealth { Endpoint = client.Name, Name = name, Healthy = true, Took = watch.Elapsed.TotalMilliseconds };
        }
        catch (EtcdException ex)
        {
            return new EtcdHealth { Endpoint = client.Name, Name = name, Healthy = false, Took = watch.Elapsed.TotalMilliseconds, Error = ex.Message };
        }
    }
}
