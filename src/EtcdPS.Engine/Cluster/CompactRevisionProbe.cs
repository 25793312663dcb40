using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdPS.Engine.Cluster;

/// <summary>
/// Finds the compact revision, which no etcd version reports in Status.
/// One count-only read at revision 1 tells whether history was ever compacted (the usual answer is "no");
/// when it was, a watch from revision 1 is cancelled by the server with the exact compact revision.
/// A binary search of count-only reads is the fallback when the watch gives no answer.
/// A user whose roles do not cover the probe key cannot learn it this way: the compact revision is then unknown (0).
/// </summary>
internal static class CompactRevisionProbe
{
    private static readonly ByteString ProbeKey = ByteString.CopyFrom(0);

    public static async Task<long> FindAsync(EtcdConnection connection, Connection.EndpointClient client, long currentRevision,
        CancellationToken cancellation)
    {
        try
        {
            return await SearchAsync(connection, client, currentRevision, cancellation).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            return 0;
        }
    }

    private static async Task<long> SearchAsync(EtcdConnection connection, Connection.EndpointClient client, long currentRevision,
        CancellationToken cancellation)
    {
        if (currentRevision <= 1 || !await IsCompactedAsync(connection, client, 1, cancellation).ConfigureAwait(false))
        {
            return 0;
        }

        var fromWatch = await AskWatchAsync(connection, client, cancellation).ConfigureAwait(false);
        if (fromWatch > 0)
        {
            return fromWatch;
        }

        // Invariant: reads at lo fail (compacted), reads at hi succeed.
        long lo = 1, hi = currentRevision;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (await IsCompactedAsync(connection, client, mid, cancellation).ConfigureAwait(false))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }

    private static async Task<bool> IsCompactedAsync(EtcdConnection connection, Connection.EndpointClient client, long revision,
        CancellationToken cancellation)
    {
        try
        {
            await connection.CallEndpointAsync(client, (c, o) => c.KV.RangeAsync(
                new RangeRequest { Key = ProbeKey, Revision = revision, CountOnly = true, Serializable = true }, o).ResponseAsync,
                cancellation).ConfigureAwait(false);
            return false;
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.RevisionCompacted)
        {
            return true;
        }
    }

    private static async Task<long> AskWatchAsync(EtcdConnection connection, Connection.EndpointClient client, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(connection.Options.DialTimeout);
        try
        {
            using var call = client.Watch.Watch(connection.CallOptions(timeout.Token, Timeout.InfiniteTimeSpan));
            await call.RequestStream.WriteAsync(new WatchRequest
            {
                CreateRequest = new WatchCreateRequest { Key = ProbeKey, StartRevision = 1 },
            }, timeout.Token).ConfigureAwait(false);
            while (await call.ResponseStream.MoveNext(timeout.Token).ConfigureAwait(false))
            {
                var response = call.ResponseStream.Current;
                if (response.CompactRevision > 0)
                {
                    return response.CompactRevision;
                }

                if (response.Canceled)
                {
                    return 0;
                }
            }
        }
        catch (RpcException) when (!cancellation.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
        }

        return 0;
    }
}
