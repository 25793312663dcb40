using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdPS.Engine.Watch;

/// <summary>
/// The revisions at which one key was deleted, up to a target revision R fixed at the start, found with ONE watch over
/// the key and its next existing neighbour (not over the keyspace), and known to be complete on every etcd from 3.4.
/// <para>
/// Why it knows it has seen everything. A watch that starts at an old revision is "unsynced": etcd's sync loop
/// (mvcc/watchable_store.go, syncWatchers, the same in 3.4 and 3.5) reads history [start, current] in one pass and
/// sends the watcher its events in ONE response whose header revision is that pass's current revision (≥ R), unless
/// they span more than 1000 revisions (watchBatchMaxRevs): then it sends exactly 1000 revisions and goes on in a later
/// pass. A watcher that got all its events moves to the synced group and from then on receives only new writes, each
/// with its own revision in the header. So a response with fewer than 1000 distinct revisions and a header revision ≥ R
/// proves that every event of the range up to R has been delivered, before it on the same watcher, in order. That
/// response exists only if the range has at least one event in [start, R]: the neighbour is chosen so that it has (its
/// current version was written at or after the start), so the proof always arrives. Progress notifications are not
/// used: before etcd 3.4.24 / 3.5.8 (issue #15220) the answer to a progress request is sent on a separate channel and
/// can overtake events still queued for the watcher, and 3.5 never answers one that came while a watcher was unsynced.
/// A response with exactly 1000 revisions is ambiguous (more may follow, or not): the scan then starts a fresh watch
/// after its last revision. When no neighbour qualifies (nothing after the key was written since the start), the scan
/// falls back to a watch over the whole keyspace up to R, which always carries the event at R.
/// </para>
/// <para>
/// Cost: each watch makes etcd read the history from its start once (a single-key watch over 200,000 revisions costs
/// it under a second of CPU), instead of once per 1000 revisions for a watch that matches every event.
/// </para>
/// </summary>
internal sealed class KeyDeletionScan(EtcdConnection connection, ByteString key, string target)
{
    /// <summary>etcd's watchBatchMaxRevs: the most distinct revisions one response of an unsynced watcher carries.</summary>
    internal const int BatchRevisions = 1000;

    private const int Candidates = 8;

    /// <summary>The compact revision a watch reported, 0 when history was never compacted.</summary>
    public long CompactRevision { get; private set; }

    /// <summary>Watches opened (for tests and benchmarks).</summary>
    public int Watches { get; private set; }

    /// <summary>True when no neighbour qualified and the whole keyspace was watched.</summary>
    public bool WatchedKeyspace { get; private set; }

    /// <summary>The deletions of the key at revisions up to <paramref name="upTo"/>, ascending.</summary>
    public async Task<List<long>> DeletionsAsync(long upTo, CancellationToken cancellation)
    {
        var deletions = new SortedSet<long>();
        var from = 1L;
        while (from <= upTo)
        {
            var end = await SentinelEndAsync(from, upTo, cancellation).ConfigureAwait(false);
            var rangeStart = key;
            if (end is null)
            {
                // Every revision carries an event somewhere in the keyspace: the one at upTo ends this watch.
                WatchedKeyspace = true;
                rangeStart = end = ByteString.CopyFrom(0);
            }

            var (next, compacted) = await WatchAsync(rangeStart, end, from, upTo, deletions, cancellation).ConfigureAwait(false);
            if (compacted > 0)
            {
                // History below the compact revision is gone: look for deletions from there.
                CompactRevision = compacted;
                from = compacted;
                continue;
            }

            from = next;
        }

        return [.. deletions];
    }

    /// <summary>
    /// The end of a watch range [key, end) that holds at least one event in [from, upTo]: just after the first key after
    /// this one that exists at upTo and was written at or after <paramref name="from"/>; null when there is none.
    /// Siblings (same parent path) are tried first, so etcd counts few keys for the limited read.
    /// </summary>
    private async Task<ByteString?> SentinelEndAsync(long from, long upTo, CancellationToken cancellation)
    {
        var after = ByteString.CopyFrom([.. key.Span, 0]);
        var slash = key.Span.LastIndexOf((byte)'/');
        if (slash > 0 && slash < key.Length - 1)
        {
            var siblingsEnd = ByteString.CopyFrom(Keys.KeyRange.PrefixEnd(key.Span[..(slash + 1)]));
            if (await NearestAsync(after, siblingsEnd, from, upTo, cancellation).ConfigureAwait(false) is { } sibling)
            {
                return sibling;
            }
        }

        return await NearestAsync(after, ByteString.CopyFrom(0), from, upTo, cancellation).ConfigureAwait(false);
    }

    private async Task<ByteString?> NearestAsync(ByteString start, ByteString end, long from, long upTo, CancellationToken cancellation)
    {
        var request = new RangeRequest { Key = start, RangeEnd = end, Revision = upTo, KeysOnly = true, Limit = Candidates };
        var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(request, o).ResponseAsync, cancellation, target).ConfigureAwait(false);
        // Keys in between that exist but were written before 'from' add no events; of the ones written since, the first
        // with a short life is best (fewer events to send), else the one with the fewest versions.
        var qualified = response.Kvs.Where(kv => kv.ModRevision >= from).ToList();
        if (qualified.Count == 0)
        {
            return null;
        }

        var chosen = qualified.FirstOrDefault(kv => kv.Version <= 64) ?? qualified.MinBy(kv => kv.Version)!;
        return ByteString.CopyFrom([.. chosen.Key.Span, 0]);
    }

    /// <summary>
    /// One watch of [rangeStart, end) from <paramref name="from"/>; records the key's deletions. Returns the revision to
    /// go on from (upTo + 1 when complete) or the compact revision when the start was compacted.
    /// </summary>
    private async Task<(long Next, long Compacted)> WatchAsync(ByteString rangeStart, ByteString end, long from, long upTo,
        SortedSet<long> deletions, CancellationToken cancellation)
    {
        var clients = connection.Clients;
        EtcdException? last = null;
        for (var attempt = 0; attempt < clients.Count; attempt++)
        {
            var client = clients[(Watches + attempt) % clients.Count];
            Watches++;
            using var streamCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var options = connection.CallOptions(streamCancel.Token, Timeout.InfiniteTimeSpan);
            try
            {
                using var call = client.Watch.Watch(options);
                await call.RequestStream.WriteAsync(new WatchRequest
                {
                    CreateRequest = new WatchCreateRequest { Key = rangeStart, RangeEnd = end, StartRevision = from },
                }, streamCancel.Token).ConfigureAwait(false);
                while (await call.ResponseStream.MoveNext(streamCancel.Token).ConfigureAwait(false))
                {
                    var response = call.ResponseStream.Current;
                    if (response.CompactRevision > 0)
                    {
                        return (0, response.CompactRevision);
                    }

                    if (response.Canceled)
                    {
                        throw new EtcdException(EtcdErrorIds.WatchCanceled, EtcdErrorCategory.InvalidOperation,
                            $"etcd at {client.Name} cancelled the watch for the history of '{target}': {response.CancelReason}", target);
                    }

                    if (response.Events.Count == 0)
                    {
                        continue; // created, or a progress notification: neither proves anything here (see the class notes)
                    }

                    var revisions = 0;
                    long lastRevision = 0;
                    foreach (var e in response.Events)
                    {
                        if (e.Kv.ModRevision != lastRevision)
                        {
                            revisions++;
                            lastRevision = e.Kv.ModRevision;
                        }

                        if (e.Type == Mvccpb.Event.Types.EventType.Delete && e.Kv.ModRevision <= upTo && e.Kv.Key.Span.SequenceEqual(key.Span))
                        {
                            deletions.Add(e.Kv.ModRevision);
                        }
                    }

                    if (revisions >= BatchRevisions)
                    {
                        // Exactly one sync batch: more may follow or not. Everything up to it is in; start again after it.
                        return (lastRevision + 1, 0);
                    }

                    if ((response.Header?.Revision ?? 0) >= upTo || lastRevision >= upTo)
                    {
                        return (upTo + 1, 0);
                    }
                }

                last = new EtcdException(EtcdErrorIds.Unavailable, EtcdErrorCategory.ConnectionError,
                    $"The watch stream from {client.Name} was closed by the server.", client.Name);
            }
            catch (RpcException ex) when (!cancellation.IsCancellationRequested)
            {
                last = EtcdErrors.FromRpc(ex, client.Name, client.UsesTls);
                if (last.ErrorId is not (EtcdErrorIds.Unavailable or EtcdErrorIds.NoLeader or EtcdErrorIds.RequestTimedOut or EtcdErrorIds.ServerError))
                {
                    throw last;
                }
            }
            finally
            {
                await streamCancel.CancelAsync().ConfigureAwait(false);
            }
        }

        throw last!;
    }
}
