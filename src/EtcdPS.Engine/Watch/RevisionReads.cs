using System.Runtime.CompilerServices;
using Etcdserverpb;
using Google.Protobuf;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Engine.Watch;

/// <summary>
/// The few Range calls time travel needs: the current revision, one key at a revision, and a keys-only listing
/// pinned to one revision, page by page (each page starts after the last key of the previous one).
/// </summary>
internal static class RevisionReads
{
    private const int PageSize = 1000;
    private static readonly ByteString AnyKey = ByteString.CopyFrom(0);

    /// <summary>The cluster's current revision (a linearizable count-only read).</summary>
    public static async Task<long> CurrentRevisionAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        try
        {
            var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest { Key = AnyKey, CountOnly = true }, o).ResponseAsync,
                cancellation).ConfigureAwait(false);
            return response.Header.Revision;
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PermissionDenied)
        {
            // A user whose roles do not cover the key "\0": Status carries the revision too (the answering member's,
            // not linearizable). etcd 3.5.28+ answers Status only to root: then the first refusal stands.
            try
            {
                var status = await connection.CallAsync((c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync, cancellation)
                    .ConfigureAwait(false);
                return status.Header.Revision;
            }
            catch (EtcdException) when (!cancellation.IsCancellationRequested)
            {
                throw ex;
            }
        }
    }

    /// <summary>The key as it was at <paramref name="revision"/> (0 = now), or null when it did not exist then.</summary>
    public static async Task<(Mvccpb.KeyValue? Kv, long Revision)> GetAtAsync(EtcdConnection connection, ByteString key, long revision,
        string target, CancellationToken cancellation, bool keysOnly = false)
    {
        var response = await RangeAtAsync(connection, new RangeRequest { Key = key, Revision = revision, KeysOnly = keysOnly }, target, cancellation)
            .ConfigureAwait(false);
        return (response.Kvs.Count == 0 ? null : response.Kvs[0], response.Header.Revision);
    }

    /// <summary>
    /// Keys (no values) in [key, rangeEnd) as they were at <paramref name="revision"/>, ascending by key. Every page is
    /// read at the same revision, so the listing is one consistent snapshot however long it takes.
    /// </summary>
    public static async IAsyncEnumerable<Mvccpb.KeyValue> ListKeysAsync(EtcdConnection connection, KeyRange range,
        long revision, long minModRevision, string target, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var start = ByteString.CopyFrom(range.Start);
        var rangeEnd = ByteString.CopyFrom(range.End);
        while (true)
        {
            var request = new RangeRequest
            {
                Key = start,
                RangeEnd = rangeEnd,
                Revision = revision,
                KeysOnly = true,
                Limit = PageSize,
                MinModRevision = minModRevision,
            };
            var response = await RangeAtAsync(connection, request, target, cancellation).ConfigureAwait(false);
            foreach (var kv in response.Kvs)
            {
                yield return kv;
            }

            // With a ModRevision filter a page can be empty while more keys follow, so page on the server's "more" only.
            if (!response.More || response.Kvs.Count == 0)
            {
                yield break;
            }

            start = ByteString.CopyFrom([.. response.Kvs[^1].Key.Span, 0]);
        }
    }

    /// <summary>A range read at a revision; "compacted" names the oldest revision still available, as every read does.</summary>
    private static async Task<RangeResponse> RangeAtAsync(EtcdConnection connection, RangeRequest request, string target, CancellationToken cancellation)
    {
        try
        {
            return await connection.CallAsync((c, o) => c.KV.RangeAsync(request, o).ResponseAsync, cancellation, target).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.RevisionCompacted && request.Revision > 0)
        {
            throw await Keys.RevisionErrors.ExplainAsync(connection, ex, request.Revision, cancellation).ConfigureAwait(false);
        }
    }
}
