using System.Runtime.CompilerServices;
using Etcdserverpb;
using Google.Protobuf;
using Mvccpb;

namespace EtcdPS.Engine.Keys;

/// <summary>How pages are sized. The defaults come from measurements on etcd 3.4 (docs/performance.md).</summary>
internal sealed record RangePaging
{
    /// <summary>Keys asked for in the first page, before anything is known about their size.</summary>
    public int FirstPageLimit { get; init; } = 1000;
    /// <summary>The bytes a page should carry; later page limits are sized from the previous page's average key+value size.</summary>
    public long TargetPageBytes { get; init; } = 12L * 1024 * 1024;
    /// <summary>
    /// What a key costs the client beyond its key and value bytes (the EtcdKeyValue, its strings and arrays). Counting
    /// it keeps pages of tiny keys from holding many more objects than pages of big values: without it, 1M keys of
    /// ~100 bytes took pwsh to 310 MB against 240 MB for 100k keys of ~2 KB.
    /// </summary>
    public int PerKeyOverheadBytes { get; init; } = 160;
    public int MinPageLimit { get; init; } = 100;
    public int MaxPageLimit { get; init; } = 200_000;
    /// <summary>
    /// Bound every request after the first by a window end (<see cref="KeyWindows"/>), so that etcd counts only the
    /// window; false pages with limits alone (etcd counts the rest of the range for every page: quadratic).
    /// </summary>
    public bool Windowed { get; init; } = true;
    /// <summary>How full of the page limit a window aims to be: below 1 so that most windows come back whole.</summary>
    public double WindowFill { get; init; } = 0.75;

    public static RangePaging Default { get; } = new();

    /// <summary>The key limit of the next page, from what the last one weighed.</summary>
    public int NextLimit(int keys, long bytes)
    {
        if (keys == 0 || bytes <= 0)
        {
            return MaxPageLimit;
        }

        var perKey = Math.Max(1.0, (double)bytes / keys) + PerKeyOverheadBytes;
        return (int)Math.Clamp(TargetPageBytes / perKey, MinPageLimit, MaxPageLimit);
    }
}

/// <summary>What a reader has done so far, reported after each page.</summary>
internal readonly record struct RangeProgress(long Keys, long Bytes, long? Total, long Revision, int Requests);

/// <summary>
/// Reads a key range as a stream of pages, every page at ONE revision: the first page's header revision, or the
/// revision asked for. Pinning makes the listing the exact snapshot at that revision even while the cluster
/// writes (a key written after it is never seen, a key deleted after it is still listed). Pages are sized by
/// bytes (huge pages cost memory and hit message limits), and every request after the first is bounded by a window
/// end (<see cref="KeyWindows"/>): etcd up to 3.6 counts every key up to a limited request's range end, so pages
/// that all run to the end of the range make a big listing quadratic in etcd's CPU, while windows make it linear.
/// The next page starts at the last key + "\0", or at the end of a window that came back whole. At most two pages are held: the one being consumed and the next one, which is fetched
/// only once the consumer has taken the first key of the current page (so <c>Select-Object -First 1</c> costs
/// one request). Cancellation aborts the call in flight.
/// </summary>
internal sealed class RevisionPinnedRangeReader(EtcdConnection connection, KeyQuery query, RangePaging? paging = null)
{
    private readonly RangePaging _paging = paging ?? RangePaging.Default;
    private (byte[] Low, byte[] High, long Keys)? _density;
    private int _emptyWindows;
    private int _topSteps;
    private byte[]? _lastKey;
    private int _requests;

    /// <summary>Range requests made by this reader.</summary>
    public int RangeRequests => _requests;

    /// <summary>The revision every page is read at; 0 until the first page came.</summary>
    public long Revision { get; private set; } = query.Revision;

    /// <summary>How many keys the range holds, from the first page's count (before filters and limits).</summary>
    public long? Total { get; private set; }

    /// <summary>Keys received so far (before revision filters).</summary>
    public long KeysRead { get; private set; }

    /// <summary>Key and value bytes received so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// The keys etcd counted to answer this reader's page requests (the sum of their <c>count</c>): about what it
    /// read when windows bound the requests, and far more (the rest of the range, every page) when they do not.
    /// </summary>
    public long KeysCounted { get; private set; }

    /// <summary>Called after each page arrives.</summary>
    public Action<RangeProgress>? Progress { get; init; }

    /// <summary>The keys as <see cref="EtcdKeyValue"/> objects.</summary>
    public async IAsyncEnumerable<EtcdKeyValue> ReadAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        var prefixes = query.KubernetesPrefixes ?? KubernetesPrefixesDefault;
        await foreach (var kv in ReadRawAsync(cancellation).ConfigureAwait(false))
        {
            yield return EtcdKeyValue.FromProto(kv, Revision, prefixes, valueRead: !query.KeysOnly);
        }
    }

    private static IReadOnlyList<string> KubernetesPrefixesDefault => Kubernetes.KubernetesPrefixes.Default;

    /// <summary>The keys as etcd sent them, for callers that only need sizes or names.</summary>
    public async IAsyncEnumerable<KeyValue> ReadRawAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        if (!query.IsKeyOrdered)
        {
            // etcd sorts by anything but the key only over the whole range: one request, sorted and limited there.
            var sorted = await FetchAsync(new Window(query.Range.Start, query.Range.End, query.Limit), cancellation, sort: true).ConfigureAwait(false);
            foreach (var kv in sorted.Kvs)
            {
                yield return kv;
            }

            yield break;
        }

        using var prefetchCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Task<RangeResponse>? next = null;
        long yielded = 0;
        var windows = new KeyWindows();
        try
        {
            // The first request spans the whole range (etcd counts it once: that count is the progress total); every
            // later one is bounded by a window end, so etcd counts only that window.
            var window = new Window(query.Range.Start, query.Range.End, PageLimit(_paging.FirstPageLimit, yielded));
            var page = await FetchAsync(window, cancellation).ConfigureAwait(false);
            while (true)
            {
                var kvs = page.Kvs;
                var pageBytes = 0L;
                foreach (var kv in kvs)
                {
                    pageBytes += kv.Key.Length + kv.Value.Length;
                    if (_paging.Windowed)
                    {
                        windows.Learn(kv.Key.Span);
                    }
                }

                // Without filters the page holds only keys that will be yielded, so the limit may already be reached.
                var limitReached = query.Limit > 0 && !query.HasRevisionFilter && yielded + kvs.Count >= query.Limit;
                // An empty window says nothing about sizes: keep the page limit it had.
                var nextLimit = kvs.Count == 0 ? (int)window.Limit : _paging.NextLimit(kvs.Count, pageBytes);
                var following = limitReached ? null : NextWindow(windows, window, page, nextLimit);
                for (var i = 0; i < kvs.Count; i++)
                {
                    if (i == 1 && following is not null)
                    {
                        // The consumer came back for a second key: it is not stopping after one, so fetch ahead.
                        next = FetchAsync(following with { Limit = PageLimit(following.Limit, yielded + kvs.Count) }, prefetchCancel.Token);
                    }

                    var kv = kvs[i];
                    if (!query.Accepts(kv))
                    {
                        continue;
                    }

                    yield return kv;
                    yielded++;
                    if (query.Limit > 0 && yielded >= query.Limit)
                    {
                        yield break;
                    }
                }

                if (following is null)
                {
                    yield break;
                }

                var pending = next ?? FetchAsync(following with { Limit = PageLimit(following.Limit, yielded) }, cancellation);
                next = null;
                window = following;
                page = await pending.ConfigureAwait(false);
            }
        }
        finally
        {
            if (next is not null)
            {
                await prefetchCancel.CancelAsync().ConfigureAwait(false);
                try
                {
                    await next.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or EtcdException)
                {
                    // The consumer stopped; what the abandoned prefetch did no longer matters.
                }
            }
        }
    }

    /// <summary>One request: keys in [Start, End) at the pinned revision, at most Limit of them.</summary>
    private sealed record Window(byte[] Start, byte[] End, long Limit);

    /// <summary>What to ask for after <paramref name="page"/>, the answer to <paramref name="window"/>; null when the range is done.</summary>
    private Window? NextWindow(KeyWindows windows, Window window, RangeResponse page, int limit)
    {
        var kvs = page.Kvs;
        if (kvs.Count > 0)
        {
            _lastKey = kvs[^1].Key.ToByteArray();
        }

        var reachesRangeEnd = ReferenceEquals(window.End, query.Range.End) || window.End.AsSpan().SequenceEqual(query.Range.End);
        // The first answer counted the whole range at the pinned revision: what is left after the keys read so far is
        // known, and when it fits a page the rest of the range is one request that etcd counts cheaply.
        var rest = Total is { } total ? total - KeysRead : long.MaxValue;
        if (_paging.Windowed && rest <= 0)
        {
            return null;
        }

        if (page.More && kvs.Count > 0)
        {
            // The window held more than the page: go on after the last key.
            var start = KeyRange.After(kvs[^1].Key.Span);
            if (!_paging.Windowed || rest <= limit)
            {
                return new Window(start, query.Range.End, limit);
            }

            // etcd's count says exactly how many keys are left in this window: finish it when they fit a page,
            // otherwise cut a narrower window from the density of the keys just read.
            var left = page.Count - kvs.Count;
            if (!reachesRangeEnd && left <= limit)
            {
                return new Window(start, window.End, limit);
            }

            _emptyWindows = 0;
            _topSteps = 0;
            _density = kvs.Count >= 2 ? (kvs[0].Key.ToByteArray(), kvs[^1].Key.ToByteArray(), kvs.Count - 1) : _density;
            var end = kvs.Count >= 2
                ? windows.End(start, kvs[0].Key.Span, kvs[^1].Key.Span, kvs.Count - 1, limit * _paging.WindowFill, query.Range)
                : windows.End(start, window.Start, kvs[^1].Key.Span, kvs.Count, limit * _paging.WindowFill, query.Range);
            if (!reachesRangeEnd)
            {
                // etcd said how many keys are left in this window: a window cut from that density shrinks for sure,
                // where the keys just read may predict one as wide as this (every request would count the rest again).
                var fromLeft = windows.End(start, start, window.End, left, limit * _paging.WindowFill, query.Range);
                if (fromLeft.AsSpan().SequenceCompareTo(end) < 0)
                {
                    end = fromLeft;
                }

                if (end.AsSpan().SequenceCompareTo(window.End) > 0)
                {
                    end = window.End;
                }
            }

            return new Window(start, end, limit);
        }

        if (reachesRangeEnd || !_paging.Windowed)
        {
            return null;
        }

        if (rest <= limit)
        {
            return new Window(window.End, query.Range.End, limit);
        }

        if (page.Count > 0)
        {
            // The whole window came back: the next one starts at its end, as wide as its density suggests.
            _emptyWindows = 0;
            _topSteps = 0;
            _density = (window.Start, window.End, page.Count);
            return new Window(window.End, windows.End(window.End, window.Start, window.End, page.Count, limit * _paging.WindowFill, query.Range), limit);
        }

        // An empty window: measure from past the values it ran out of, at the last density seen, wider each time.
        _emptyWindows++;
        var (low, high, keys) = _density ?? (window.Start, window.End, 0);
        var target = limit * _paging.WindowFill * Math.Pow(8, _emptyWindows - 1);
        var from = windows.Normalize(window.End);
        var wider = windows.End(from, low, high, keys, target, query.Range);
        if (_lastKey is not null)
        {
            // Never past the directory the last keys were in (or, at the top, the next first byte), and after a second
            // empty window right to there: leaving /registry/configmaps/ for /registry/deployments/ then takes a few
            // requests, not dozens, and none of them counts the resources after deployments.
            var escape = KeyWindows.EscapeEnd(window.End, _lastKey, _topSteps, query.Range, out var stepped);
            var escapeIsNearer = !KeyRange.IsToTheEnd(escape) && (KeyRange.IsToTheEnd(wider) || escape.AsSpan().SequenceCompareTo(wider) < 0);
            if (_emptyWindows >= 2 || escapeIsNearer)
            {
                wider = escape;
                _topSteps += stepped ? 1 : 0;
            }
        }

        if (!ReferenceEquals(wider, query.Range.End) && wider.AsSpan().SequenceCompareTo(window.End) <= 0)
        {
            wider = query.Range.End;
        }

        return new Window(window.End, wider, limit);
    }

    /// <summary>How many keys the range holds at the revision, with a count-only range (no keys or values sent).</summary>
    public async Task<long> CountAsync(CancellationToken cancellation)
    {
        if (query.HasRevisionFilter)
        {
            // etcd's count ignores the revision filters: count the keys themselves, keys-only.
            var keysOnly = new RevisionPinnedRangeReader(connection, query with { KeysOnly = true, SortBy = KeySortTarget.Key, Descending = false }, _paging);
            long counted = 0;
            await foreach (var _ in keysOnly.ReadRawAsync(cancellation).ConfigureAwait(false))
            {
                counted++;
            }

            Revision = keysOnly.Revision;
            _requests += keysOnly.RangeRequests;
            Total = counted;
            return counted;
        }

        var response = await CallAsync(new RangeRequest
        {
            Key = UnsafeByteOperations.UnsafeWrap(query.Range.Start),
            RangeEnd = UnsafeByteOperations.UnsafeWrap(query.Range.End),
            Revision = Revision,
            CountOnly = true,
            Serializable = query.Serializable,
        }, cancellation).ConfigureAwait(false);
        Total = response.Count;
        return query.Limit > 0 ? Math.Min(query.Limit, response.Count) : response.Count;
    }

    /// <summary>Counts the keys of another range at this reader's revision (pinning it first when needed).</summary>
    public async Task<long> CountRangeAsync(KeyRange range, CancellationToken cancellation)
    {
        var response = await CallAsync(new RangeRequest
        {
            Key = UnsafeByteOperations.UnsafeWrap(range.Start),
            RangeEnd = UnsafeByteOperations.UnsafeWrap(range.End),
            Revision = Revision,
            CountOnly = true,
            Serializable = query.Serializable,
        }, cancellation).ConfigureAwait(false);
        return response.Count;
    }

    /// <summary>The first key at or after <paramref name="start"/> inside the query's range, keys-only; null when none.</summary>
    public async Task<KeyValue?> FirstKeyFromAsync(byte[] start, CancellationToken cancellation)
    {
        var response = await CallAsync(new RangeRequest
        {
            Key = UnsafeByteOperations.UnsafeWrap(start),
            RangeEnd = UnsafeByteOperations.UnsafeWrap(query.Range.End),
            Revision = Revision,
            Limit = 1,
            KeysOnly = true,
            Serializable = query.Serializable,
        }, cancellation).ConfigureAwait(false);
        return response.Kvs.Count > 0 ? response.Kvs[0] : null;
    }

    private long PageLimit(long pageLimit, long alreadyYielded)
    {
        if (query.Limit <= 0 || query.HasRevisionFilter)
        {
            return pageLimit;
        }

        return Math.Max(1, Math.Min(pageLimit, query.Limit - alreadyYielded));
    }

    private async Task<RangeResponse> FetchAsync(Window window, CancellationToken cancellation, bool sort = false)
    {
        var request = new RangeRequest
        {
            Key = UnsafeByteOperations.UnsafeWrap(window.Start),
            RangeEnd = UnsafeByteOperations.UnsafeWrap(window.End),
            Revision = Revision,
            Limit = window.Limit,
            KeysOnly = query.KeysOnly,
            Serializable = query.Serializable,
        };
        if (sort)
        {
            request.SortTarget = (RangeRequest.Types.SortTarget)(int)query.SortBy;
            request.SortOrder = query.Descending ? RangeRequest.Types.SortOrder.Descend : RangeRequest.Types.SortOrder.Ascend;
            request.MinModRevision = query.MinModRevision;
            request.MaxModRevision = query.MaxModRevision;
            request.MinCreateRevision = query.MinCreateRevision;
            request.MaxCreateRevision = query.MaxCreateRevision;
        }

        var response = await CallAsync(request, cancellation).ConfigureAwait(false);
        Total ??= response.Count;
        KeysCounted += response.Count;
        KeysRead += response.Kvs.Count;
        foreach (var kv in response.Kvs)
        {
            BytesRead += kv.Key.Length + kv.Value.Length;
        }

        Progress?.Invoke(new RangeProgress(KeysRead, BytesRead, Total, Revision, _requests));
        return response;
    }

    private async Task<RangeResponse> CallAsync(RangeRequest request, CancellationToken cancellation)
    {
        Interlocked.Increment(ref _requests);
        EtcdRangeStatistics.Count(connection);
        RangeResponse response;
        try
        {
            response = await connection.CallAsync((c, o) => c.KV.RangeAsync(request, o).ResponseAsync, cancellation,
                target: query.Range.ToString()).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (ex.ErrorId is EtcdErrorIds.RevisionCompacted or EtcdErrorIds.FutureRevision && request.Revision > 0)
        {
            throw await RevisionErrors.ExplainAsync(connection, ex, request.Revision, cancellation).ConfigureAwait(false);
        }

        // Pin: every later page is read at the revision of the first one.
        if (Revision == 0)
        {
            Revision = response.Header.Revision;
        }

        return response;
    }
}
