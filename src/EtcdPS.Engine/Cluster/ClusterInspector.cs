using System.Diagnostics;
using System.Runtime.CompilerServices;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Cluster;

/// <summary>Status, health and members: the read-only views of the cluster itself (alarms are in Engine/Alarms).</summary>
internal static class ClusterInspector
{
    /// <summary>
    /// Status of every endpoint of the connection, asked in parallel and yielded in endpoint order.
    /// With <paramref name="allMembers"/>, the endpoints are the client URLs of every member in the member list.
    /// </summary>
    public static async IAsyncEnumerable<Outcome<EtcdStatus>> GetStatusAsync(EtcdConnection connection, bool allMembers,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var members = allMembers ? await ListMembersAsync(connection, cancellation).ConfigureAwait(false) : null;
        var names = members?.ToDictionary(m => m.Id, m => m.Name);
        var endpoints = members is null ? null : MemberFanOut.ClientUrls(members);
        await foreach (var status in MemberFanOut.AskEachAsync(connection, endpoints, (target, client, token) => StatusOfAsync(target, client, names, token),
            cancellation).ConfigureAwait(false))
        {
            yield return status;
        }
    }

    /// <summary>A linearizable read of one key per endpoint, timed, like <c>etcdctl endpoint health</c>.</summary>
    public static async IAsyncEnumerable<EtcdHealth> CheckHealthAsync(EtcdConnection connection, bool allMembers,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var endpoints = allMembers ? MemberFanOut.ClientUrls(await ListMembersAsync(connection, cancellation).ConfigureAwait(false)) : null;
        await foreach (var health in MemberFanOut.AskEachAsync(connection, endpoints, HealthOfAsync, cancellation).ConfigureAwait(false))
        {
            yield return health;
        }
    }

    public static async Task<IReadOnlyList<EtcdMember>> ListMembersAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var response = await connection.CallAsync((c, o) => c.Cluster.MemberListAsync(new MemberListRequest(), o).ResponseAsync,
            cancellation).ConfigureAwait(false);
        return response.Members.Select(m => new EtcdMember
        {
            Id = MemberIds.ToHex(m.ID),
            Name = m.Name,
            PeerUrls = m.PeerURLs.ToArray(),
            ClientUrls = m.ClientURLs.ToArray(),
            IsLearner = m.IsLearner,
        }).ToArray();
    }

    private static async Task<Outcome<EtcdStatus>> StatusOfAsync(EtcdConnection connection, Connection.EndpointClient client,
        IReadOnlyDictionary<string, string>? names, CancellationToken cancellation)
    {
        try
        {
            var status = await connection.CallEndpointAsync(client,
                (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync, cancellation).ConfigureAwait(false);
            var compact = await CompactRevisionProbe.FindAsync(connection, client, status.Header.Revision, cancellation).ConfigureAwait(false);
            var memberId = MemberIds.ToHex(status.Header.MemberId);
            return Outcome<EtcdStatus>.Ok(new EtcdStatus
            {
                Endpoint = client.Name,
                MemberId = memberId,
                Name = names?.GetValueOrDefault(memberId),
                ClusterId = MemberIds.ToHex(status.Header.ClusterId),
                Version = status.Version,
                StorageVersion = status.StorageVersion,
                DbSize = status.DbSize,
                DbSizeInUse = status.DbSizeInUse,
                DbSizeQuota = status.DbSizeQuota,
                IsLeader = status.Leader == status.Header.MemberId,
                IsLearner = status.IsLearner,
                LeaderId = MemberIds.ToHex(status.Leader),
                RaftTerm = status.RaftTerm,
                RaftIndex = status.RaftIndex,
                RaftAppliedIndex = status.RaftAppliedIndex,
                Revision = status.Header.Revision,
                CompactRevision = compact,
                Errors = status.Errors.ToArray(),
            });
        }
        catch (EtcdException ex)
        {
            return Outcome<EtcdStatus>.Failed(ex);
        }
    }

    private static async Task<EtcdHealth> HealthOfAsync(EtcdConnection connection, Connection.EndpointClient client, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await connection.CallEndpointAsync(client, (c, o) => c.KV.RangeAsync(
                new RangeRequest { Key = ByteString.CopyFromUtf8("health") }, o).ResponseAsync, cancellation).ConfigureAwait(false);
            return new EtcdHealth { Endpoint = client.Name, Healthy = true, Took = watch.Elapsed };
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            // etcdctl counts "permission denied" as healthy: the member answered through raft.
            return new EtcdHealth { Endpoint = client.Name, Healthy = true, Took = watch.Elapsed };
        }
        catch (EtcdException ex)
        {
            return new EtcdHealth { Endpoint = client.Name, Healthy = false, Took = watch.Elapsed, Error = ex.Message };
        }
    }
}
