using System.Diagnostics;
using Etcdserverpb;
using EtcdPS.Engine.Maintenance;

namespace EtcdPS.Engine.Leases;

/// <summary>Grants, revokes and keeps alive leases. A key attached to a lease is deleted when the lease expires or is revoked.</summary>
internal static class LeaseKeeper
{
    public static async Task<EtcdLease> GrantAsync(EtcdConnection connection, long ttlSeconds, long id, CancellationToken cancellation)
    {
        var response = await ClusterOperationErrors.Translate(() => connection.CallAsync((c, o) => c.Lease.LeaseGrantAsync(
            new LeaseGrantRequest { TTL = ttlSeconds, ID = id }, o).ResponseAsync, cancellation, idempotent: false), id == 0 ? "new lease" : MemberIds.LeaseToHex(id)).ConfigureAwait(false);
        if (response.Error is { Length: > 0 } error)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, $"etcd refused the lease: {error}", MemberIds.LeaseToHex(id));
        }

        return new EtcdLease { Id = response.ID, TTL = response.TTL, GrantedTTL = response.TTL, Keys = [], KeyCount = 0 };
    }

    /// <summary>The lease with its keys as it is now (EtcdLeaseNotFound when it expired or was revoked).</summary>
    public static async Task<EtcdLease> ReadAsync(EtcdConnection connection, long id, CancellationToken cancellation)
    {
        await foreach (var outcome in LeaseReader.GetAsync(connection, [id], withKeys: true, cancellation).ConfigureAwait(false))
        {
            return outcome.Value ?? throw outcome.Error!;
        }

        throw NotFound(id);
    }

    /// <summary>Revokes the lease after <paramref name="approve"/> saw it with the keys that go with it; null when not approved.</summary>
    public static async Task<EtcdLease?> RevokeAsync(EtcdConnection connection, long id, Func<EtcdLease, Task<bool>> approve, CancellationToken cancellation)
    {
        var hex = MemberIds.LeaseToHex(id);
        EtcdLease? lease = null;
        try
        {
            lease = await ReadAsync(connection, id, cancellation).ConfigureAwait(false);
            if (!await approve(lease).ConfigureAwait(false))
            {
                return null;
            }

            await ClusterOperationErrors.Translate(() => connection.CallAsync((c, o) => c.Lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id }, o).ResponseAsync,
                cancellation, hex), hex).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            // etcd revokes a lease only for a user who may write every key attached to it (3.5 also lists its keys
            // only to a user who may read them all).
            var keys = lease is null ? "its keys (which this user may not even read)"
                : lease.Keys.Count == 0 ? "its keys" : string.Join(", ", lease.Keys.Take(5)) + (lease.Keys.Count > 5 ? $" and {lease.Keys.Count - 5} more" : string.Empty);
            throw new EtcdException(ex.ErrorId, ex.Category,
                $"The lease {hex} was not revoked: revoking deletes {keys}, and etcd allows it only to a user who may write every one of them; the user '{connection.User}' may not.",
                hex, "Revoke it as a user whose role grants write access to those keys (or root), or let it expire.", ex.InnerException);
        }

        return lease;
    }

    /// <summary>
    /// Renews the lease once, or with <paramref name="duration"/> again and again (every third of its TTL) until the duration
    /// passed (null: until cancelled). <paramref name="renewed"/> hears each renewal with the TTL etcd reset it to and the time kept so far.
    /// </summary>
    public static async Task<EtcdLease> KeepAliveAsync(EtcdConnection connection, long id, bool repeat, TimeSpan? duration,
        Action<long, TimeSpan> renewed, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        await connection.CallAsync(async (c, o) =>
        {
            using var call = c.Lease.LeaseKeepAlive(o);
            while (true)
            {
                await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = id }, cancellation).ConfigureAwait(false);
                if (!await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
                {
                    throw new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                        $"etcd closed the keep-alive stream of lease {MemberIds.LeaseToHex(id)}.", MemberIds.LeaseToHex(id));
                }

                var ttl = call.ResponseStream.Current.TTL;
                if (ttl <= 0)
                {
                    throw NotFound(id);
                }

                renewed(ttl, watch.Elapsed);
                if (!repeat)
                {
                    break;
                }

                var pause = TimeSpan.FromSeconds(Math.Max(1, ttl / 3.0));
                if (duration is { } limit)
                {
                    var left = limit - watch.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    pause = left < pause ? left : pause;
                }

                // After the last pause the loop renews once more, so the lease ends the duration with its full TTL.
                await Task.Delay(pause, cancellation).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return true;
        }, cancellation, MemberIds.LeaseToHex(id), timeout: Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        return await ReadAsync(connection, id, cancellation).ConfigureAwait(false);
    }

    public static EtcdException NotFound(long id) =>
        new(EtcdErrorIds.LeaseNotFound, EtcdErrorCategory.ObjectNotFound,
            $"There is no lease {MemberIds.LeaseToHex(id)} ({id}); it expired or was revoked.", MemberIds.LeaseToHex(id),
            "Get-EtcdLease lists the leases that exist; New-EtcdLease grants a new one.");
}
