using System.Runtime.CompilerServices;
using EtcdPS.Engine.Kubernetes;
using Google.Protobuf;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Engine.Watch;

/// <summary>
/// Keys added, modified and deleted under a prefix between two revisions, from keys-only listings pinned to each
/// revision: values are never fetched. A key changed between the revisions exactly when its ModRevision differs.
/// When deletions are not wanted, one listing at the later revision filtered by the server to ModRevision &gt; from
/// is enough; the earlier state of those few keys is then read one by one.
/// </summary>
internal static class RevisionComparer
{
    public static async IAsyncEnumerable<EtcdRevisionChange> CompareAsync(EtcdConnection connection, string prefix, long from, long to,
        IReadOnlySet<EtcdChangeType> wanted, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var current = await RevisionReads.CurrentRevisionAsync(connection, cancellation).ConfigureAwait(false);
        if (to == 0)
        {
            to = current;
        }

        if (to > current || from > current)
        {
            var future = Math.Max(from, to);
            throw new EtcdException(EtcdErrorIds.FutureRevision, EtcdErrorCategory.InvalidArgument,
                $"Revision {future} is newer than the cluster's current revision {current}.", future,
                $"Use revisions at or below {current}.");
        }

        if (from > to)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-From ({from}) must not be greater than -To ({to}).", from, "Swap -From and -To.");
        }

        var range = KeyRange.Prefix(prefix);
        if (!wanted.Contains(EtcdChangeType.Deleted))
        {
            await foreach (var change in ChangedOnlyAsync(connection, prefix, range, from, to, wanted, cancellation).ConfigureAwait(false))
            {
                yield return change;
            }

            yield break;
        }

        await using var before = RevisionReads.ListKeysAsync(connection, range, from, 0, prefix, cancellation).GetAsyncEnumerator(cancellation);
        await using var after = RevisionReads.ListKeysAsync(connection, range, to, 0, prefix, cancellation).GetAsyncEnumerator(cancellation);
        var hasBefore = await before.MoveNextAsync().ConfigureAwait(false);
        var hasAfter = await after.MoveNextAsync().ConfigureAwait(false);
        while (hasBefore || hasAfter)
        {
            var order = !hasBefore ? 1 : !hasAfter ? -1 : before.Current.Key.Span.SequenceCompareTo(after.Current.Key.Span);
            EtcdRevisionChange? change = null;
            if (order < 0)
            {
                change = EtcdRevisionChange.Create(EtcdChangeType.Deleted, ValueKinds.KeyToText(before.Current.Key.Span), before.Current, null, from, to);
                hasBefore = await before.MoveNextAsync().ConfigureAwait(false);
            }
            else if (order > 0)
            {
                change = EtcdRevisionChange.Create(EtcdChangeType.Added, ValueKinds.KeyToText(after.Current.Key.Span), null, after.Current, from, to);
                hasAfter = await after.MoveNextAsync().ConfigureAwait(false);
            }
            else
            {
                if (before.Current.ModRevision != after.Current.ModRevision)
                {
                    change = EtcdRevisionChange.Create(EtcdChangeType.Modified, ValueKinds.KeyToText(after.Current.Key.Span), before.Current, after.Current, from, to);
                }

                hasBefore = await before.MoveNextAsync().ConfigureAwait(false);
                hasAfter = await after.MoveNextAsync().ConfigureAwait(false);
            }

            if (change is not null && wanted.Contains(change.ChangeType))
            {
                yield return change;
            }
        }
    }

    private static async IAsyncEnumerable<EtcdRevisionChange> ChangedOnlyAsync(EtcdConnection connection, string prefix, KeyRange range,
        long from, long to, IReadOnlySet<EtcdChangeType> wanted, [EnumeratorCancellation] CancellationToken cancellation)
    {
        // Fail early, like the full comparison would, when the earlier revision is compacted.
        await RevisionReads.GetAtAsync(connection, ByteString.CopyFrom(range.Start), from, prefix, cancellation, keysOnly: true).ConfigureAwait(false);
        await foreach (var kv in RevisionReads.ListKeysAsync(connection, range, to, from + 1, prefix, cancellation).ConfigureAwait(false))
        {
            var text = ValueKinds.KeyToText(kv.Key.Span);
            // Its state at 'from' (also for a key created after 'from': an earlier incarnation may have existed then).
            var old = (await RevisionReads.GetAtAsync(connection, kv.Key, from, text, cancellation, keysOnly: true).ConfigureAwait(false)).Kv;
            var change = EtcdRevisionChange.Create(old is null ? EtcdChangeType.Added : EtcdChangeType.Modified, text, old, kv, from, to);
            if (wanted.Contains(change.ChangeType))
            {
                yield return change;
            }
        }
    }

    /// <summary>
    /// Compare-EtcdRevision -Diff: reads the key's value at both revisions (point reads, only for keys that changed)
    /// and sets <see cref="EtcdRevisionChange.Diff"/> and <see cref="EtcdRevisionChange.Changes"/>.
    /// </summary>
    public static async Task AddDiffAsync(EtcdConnection connection, EtcdRevisionChange change, DiffOptions options, CancellationToken cancellation)
    {
        var key = ByteString.CopyFromUtf8(change.Key);
        var older = change.FromModRevision == 0 ? null
            : (await RevisionReads.GetAtAsync(connection, key, change.FromRevision, change.Key, cancellation).ConfigureAwait(false)).Kv?.Value.ToByteArray();
        var newer = change.ToModRevision == 0 ? null
            : (await RevisionReads.GetAtAsync(connection, key, change.ToRevision, change.Key, cancellation).ConfigureAwait(false)).Kv?.Value.ToByteArray();
        var diff = ValueDiff.Compare(older, newer, change.Key, options);
        change.Diff = TextList.Lines(diff.Lines);
        change.Changes = diff.Changes;
    }
}
