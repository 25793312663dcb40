using System.Runtime.CompilerServices;
using Etcdserverpb;

namespace EtcdPS.Engine.Leases;

/// <summary>Lists leases with their TTLs and, optionally, the keys attached to them.</summary>
internal static class LeaseReader
{
    /// <summary>
    /// The leases <paramref name="ids"/> (every lease of the cluster when null). A lease that does not exist
    /// (or expired meanwhile) gives a per-item error when it was asked for by id, and is skipped when listing all.
    /// </summary>
    public static async IAsyncEnumerable<Outcome<EtcdLease>> GetAsync(EtcdConnection connection, IReadOnlyCollection<long>? ids, bool withKeys,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var listAll = ids is null;
        var wanted = ids ?? (await connection.CallAsync((c, o) => c.Lease.LeaseLeasesAsync(new LeaseLeasesRequest(), o).ResponseAsync,
            cancellation).ConfigureAwait(false)).Leases.Select(l => l.ID).Order().ToArray();
        foreach (var id in wanted)
        {
            var response = await connection.CallAsync((c, o) => c.Lease.LeaseTimeToLiveAsync(
                new LeaseTimeToLiveRequest { ID = id, Keys = withKeys }, o).ResponseAsync, cancellation, MemberIds.LeaseToHex(id)).ConfigureAwait(false);
            if (response.TTL < 0)
            {
                if (!listAll)
                {
                    yield return Outcome<EtcdLease>.Failed(new EtcdException(EtcdErrorIds.LeaseNotFound, EtcdErrorCategory.ObjectNotFound,
                        $"There is no lease {MemberIds.LeaseToHex(id)} ({id}); it expired or was revoked.", MemberIds.LeaseToHex(id),
                        "Get-EtcdLease without -Id lists the leases that exist."));
                }

                continue;
            }

            yield return Outcome<EtcdLease>.Ok(new EtcdLease
            {
                Id = id,
                TTL = response.TTL,
                GrantedTTL = response.GrantedTTL,
                Keys = withKeys ? response.Keys.Select(k => ValueKinds.KeyToText(k.ToByteArray())).ToArray() : [],
                KeyCount = withKeys ? response.Keys.Count : -1,
            });
        }
    }
}
