using System.Runtime.CompilerServices;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Engine.Watch;
using Mvccpb;

namespace EtcdPS.Engine.Keys;

/// <summary>What Compare-EtcdKeyspace compares.</summary>
internal sealed record KeyspaceComparison
{
    public required EtcdConnection Reference { get; init; }
    public required EtcdConnection Difference { get; init; }
    /// <summary>The key prefix; empty for the whole keyspace.</summary>
    public string Prefix { get; init; } = string.Empty;
    /// <summary>Revisions to read each side at; 0 for the current one.</summary>
    public long ReferenceRevision { get; init; }
    public long DifferenceRevision { get; init; }
    /// <summary>Field-level diffs of the values; null compares bytes only.</summary>
    public DiffOptions? Diff { get; init; }
}

/// <summary>Keys read on both sides so far, for progress.</summary>
internal readonly record struct KeyspaceProgress(long ReferenceKeys, long? ReferenceTotal, long DifferenceKeys, long? DifferenceTotal, long Differences);

/// <summary>
/// Compares two keyspaces (two clusters, a cluster and a mounted backup, or two revisions of one cluster) by
/// merge-joining two key-ordered listings, each pinned to one revision and read page by page: memory stays at a few
/// pages per side whatever the number of keys. A key on one side only is Added or Removed; a key on both sides is
/// Changed when its value bytes differ (revisions are not compared: a mirror or a restored cluster has its own).
/// With field-level diffs, a changed value whose only changes are ignored fields is not reported.
/// </summary>
internal sealed class KeyspaceComparer(KeyspaceComparison comparison)
{
    /// <summary>
    /// Smaller pages than a plain listing: two readers each hold a page being consumed and one prefetched, so 4 MB
    /// pages keep both sides' buffers near 32 MB (measured in docs/performance.md, 1M keys per side).
    /// </summary>
    internal static readonly RangePaging Paging = RangePaging.Default with { TargetPageBytes = 4L * 1024 * 1024 };

    /// <summary>Called every few thousand keys.</summary>
    public Action<KeyspaceProgress>? Progress { get; init; }

    /// <summary>The revision each side was read at (after the first page).</summary>
    public long ReferenceRevision => _reference?.Revision ?? comparison.ReferenceRevision;
    public long DifferenceRevision => _difference?.Revision ?? comparison.DifferenceRevision;

    private RevisionPinnedRangeReader? _reference;
    private RevisionPinnedRangeReader? _difference;

    public async IAsyncEnumerable<EtcdKeyspaceDifference> CompareAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        var range = KeyRange.Prefix(comparison.Prefix);
        _reference = new RevisionPinnedRangeReader(comparison.Reference, new KeyQuery { Range = range, Revision = comparison.ReferenceRevision }, Paging);
        _difference = new RevisionPinnedRangeReader(comparison.Difference, new KeyQuery { Range = range, Revision = comparison.DifferenceRevision }, Paging);
        await using var left = _reference.ReadRawAsync(cancellation).GetAsyncEnumerator(cancellation);
        await using var right = _difference.ReadRawAsync(cancellation).GetAsyncEnumerator(cancellation);
        var hasLeft = await left.MoveNextAsync().ConfigureAwait(false);
        var hasRight = await right.MoveNextAsync().ConfigureAwait(false);
        long leftCount = 0, rightCount = 0, found = 0;
        while (hasLeft || hasRight)
        {
            var order = !hasLeft ? 1 : !hasRight ? -1 : left.Current.Key.Span.SequenceCompareTo(right.Current.Key.Span);
            EtcdKeyspaceDifference? difference = null;
            if (order < 0)
            {
                difference = Create(EtcdKeyspaceChangeType.Removed, left.Current, null);
                leftCount++;
                hasLeft = await left.MoveNextAsync().ConfigureAwait(false);
            }
            else if (order > 0)
            {
                difference = Create(EtcdKeyspaceChangeType.Added, null, right.Current);
                rightCount++;
                hasRight = await right.MoveNextAsync().ConfigureAwait(false);
            }
            else
            {
                if (!left.Current.Value.Span.SequenceEqual(right.Current.Value.Span))
                {
                    difference = Create(EtcdKeyspaceChangeType.Changed, left.Current, right.Current);
                }

                leftCount++;
                rightCount++;
                hasLeft = await left.MoveNextAsync().ConfigureAwait(false);
                hasRight = await right.MoveNextAsync().ConfigureAwait(false);
            }

            if ((leftCount + rightCount) % 5000 == 0)
            {
                Progress?.Invoke(new(leftCount, _reference.Total, rightCount, _difference.Total, found));
            }

            if (difference is not null)
            {
                found++;
                yield return difference;
            }
        }
    }

    private EtcdKeyspaceDifference? Create(EtcdKeyspaceChangeType type, KeyValue? reference, KeyValue? difference)
    {
        var kv = reference ?? difference!;
        var key = ValueKinds.KeyToText(kv.Key.Span);
        var result = new EtcdKeyspaceDifference
        {
            ChangeType = type,
            Key = key,
            ReferenceModRevision = reference?.ModRevision ?? 0,
            DifferenceModRevision = difference?.ModRevision ?? 0,
            ReferenceSize = reference?.Value.Length ?? 0,
            DifferenceSize = difference?.Value.Length ?? 0,
            ReferenceRevision = ReferenceRevision,
            DifferenceRevision = DifferenceRevision,
            KubernetesParts = KubernetesKey.Parse(key),
        };
        if (comparison.Diff is { } options)
        {
            var diff = ValueDiff.Compare(reference?.Value.ToByteArray(), difference?.Value.ToByteArray(), key, options);
            if (type == EtcdKeyspaceChangeType.Changed && diff.Changes is { Length: 0 })
            {
                // Only ignored fields changed.
                return null;
            }

            result.Diff = TextList.Lines(diff.Lines);
            result.Changes = diff.Changes;
        }

        return result;
    }
}
