using System.Runtime.CompilerServices;
using Etcdserverpb;

namespace EtcdPS.Engine.Cluster;

/// <summary>
/// etcd's HashKV per member, and the check built on it: every voting member hashes its keyspace at one common revision
/// (the lowest current revision among them, which all of them have), and the hashes must be equal. A hash covers the
/// history from the member's compact revision on, so it only compares between members with the same compact revision;
/// a compaction landing during a round makes that round useless, and it is repeated.
/// </summary>
internal static class ConsistencyChecker
{
    private const int MaxAttempts = 5;

    public static async IAsyncEnumerable<Outcome<EtcdHashKV>> GetHashesAsync(EtcdConnection connection, long revision, bool allMembers,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var members = await ClusterInspector.ListMembersAsync(connection, cancellation).ConfigureAwait(false);
        using var target = connection.WithEndpoints(allMembers ? members.Where(m => m.ClientUrls.Count > 0).Select(m => m.ClientUrls[0]) : connection.Endpoints);
        var work = target.Clients.Select(c => HashOfAsync(target, c, revision, members, cancellation)).ToArray();
        foreach (var task in work)
        {
            yield return await task.ConfigureAwait(false);
        }
    }

    public static async Task<EtcdConsistencyReport> CheckAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            var probes = await ClusterProbe.ProbeAsync(connection, cancellation).ConfigureAwait(false);
            var voters = probes.Where(p => !p.Member.IsLearner).ToArray();
            var answering = voters.Where(p => p.Status is not null).ToArray();
            var unreachable = voters.Where(p => p.Status is null).Select(p => $"{p.Label}: {p.Problem}").ToArray();
            if (answering.Length == 0)
            {
                throw new EtcdException(EtcdErrorIds.ConsistencyUnknown, EtcdErrorCategory.ResourceUnavailable,
                    "No voting member answered Status, so their data cannot be compared.", null, "Check the members (Test-EtcdHealth -Cluster).");
            }

            var revision = answering.Min(p => p.Status!.Header.Revision);
            using var target = connection.WithEndpoints(answering.Select(p => p.Endpoint));
            var members = answering.Select(p => p.Member).ToArray();
            var outcomes = await Task.WhenAll(target.Clients.Select(c => HashOfAsync(target, c, revision, members, cancellation))).ConfigureAwait(false);
            var compacted = outcomes.Any(o => o.Error?.ErrorId == EtcdErrorIds.RevisionCompacted);
            if (compacted && answering.All(p => p.Status!.Header.Revision == revision))
            {
                // etcd 3.4 refuses a hash at exactly the compact revision, which is where a quiet cluster stays after a
                // compaction. Every member is at that one revision, so each one's current hash (revision 0) covers the same history.
                outcomes = await Task.WhenAll(target.Clients.Select(c => HashOfAsync(target, c, 0, members, cancellation))).ConfigureAwait(false);
                compacted = outcomes.Any(o => o.Error?.ErrorId == EtcdErrorIds.RevisionCompacted)
                    || outcomes.Any(o => o.Value is { } h && h.Revision != revision);
            }

            var hashes = outcomes.Where(o => o.Value is not null).Select(o => o.Value!).ToArray();
            if ((compacted || hashes.Select(h => h.CompactRevision).Distinct().Count() > 1) && attempt < MaxAttempts)
            {
                // A compaction moved underneath: the hashes cover different histories. Ask again at a newer revision.
                continue;
            }

            if (compacted || hashes.Select(h => h.CompactRevision).Distinct().Count() > 1)
            {
                throw new EtcdException(EtcdErrorIds.ConsistencyUnknown, EtcdErrorCategory.ResourceUnavailable,
                    $"The members' compact revisions kept changing during {MaxAttempts} rounds, so their hashes could not be compared.", null,
                    "Run it again when no compaction is running (the API server compacts every 5 minutes).");
            }

            unreachable = unreachable.Concat(outcomes.Where(o => o.Error is not null).Select(o => $"{o.Error!.Target}: {o.Error.Message}")).ToArray();
            var majority = hashes.GroupBy(h => h.Hash).OrderByDescending(g => g.Count()).FirstOrDefault()?.Key;
            var disagreeing = hashes.Where(h => h.Hash != majority).Select(h => h.Name ?? h.MemberId).ToArray();
            return new EtcdConsistencyReport
            {
                Consistent = disagreeing.Length == 0 && unreachable.Length == 0 && hashes.Length > 0,
                Revision = revision,
                CompactRevision = hashes.FirstOrDefault()?.CompactRevision ?? 0,
                Attempts = attempt,
                Members = hashes,
                Disagreeing = disagreeing,
                Unreachable = unreachable,
            };
        }
    }

    private static async Task<Outcome<EtcdHashKV>> HashOfAsync(EtcdConnection connection, Connection.EndpointClient client, long revision,
        IReadOnlyList<EtcdMember> members, CancellationToken cancellation)
    {
        try
        {
            var response = await connection.CallEndpointAsync(client, (c, o) => c.Maintenance.HashKVAsync(new HashKVRequest { Revision = revision }, o).ResponseAsync,
                cancellation).ConfigureAwait(false);
            var memberId = MemberIds.ToHex(response.Header.MemberId);
            return Outcome<EtcdHashKV>.Ok(new EtcdHashKV
            {
                Endpoint = client.Name,
                MemberId = memberId,
                Name = members.FirstOrDefault(m => m.Id == memberId)?.Name,
                Hash = response.Hash,
                // etcd 3.4 does not report the revision it hashed: it is the one asked for, or the current one for 0.
                HashRevision = response.HashRevision != 0 ? response.HashRevision : revision != 0 ? revision : response.Header.Revision,
                CompactRevision = response.CompactRevision,
                Revision = response.Header.Revision,
            });
        }
        catch (EtcdException ex) when (!cancellation.IsCancellationRequested)
        {
            return Outcome<EtcdHashKV>.Failed(ex);
        }
    }
}
