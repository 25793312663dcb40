using System.Runtime.CompilerServices;
using Google.Protobuf;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Engine.Watch;

/// <summary>Why a key's history ends where it does.</summary>
internal enum KeyHistoryEnd
{
    /// <summary>At the creation of its oldest life still on record.</summary>
    Created,
    /// <summary>At the compaction horizon: older versions were compacted away.</summary>
    Compacted,
}

/// <summary>
/// Every stored version of one key, newest first. Versions of one life of the key are found by reading at
/// ModRevision - 1, which gives the previous version. Range reads cannot tell when a key was deleted, so the
/// deletion revisions come from one watch over the key's retained history (for a deleted key, the key and one
/// neighbour: <see cref="KeyDeletionScan"/>), never a replay of the keyspace; at each creation the history continues with the latest deletion before it, then the version
/// that deletion removed (read at deletion - 1), and so on down to the first creation or the compaction horizon.
/// </summary>
internal sealed class KeyHistoryReader(EtcdConnection connection, string key)
{
    private readonly ByteString _key = ByteString.CopyFromUtf8(key);

    /// <summary>How the history ended (after enumeration).</summary>
    public KeyHistoryEnd End { get; private set; } = KeyHistoryEnd.Created;

    /// <summary>The compact revision seen, 0 when history was never compacted (after enumeration).</summary>
    public long CompactRevision { get; private set; }

    public async IAsyncEnumerable<EtcdKeyVersion> ReadAsync(bool diff, [EnumeratorCancellation] CancellationToken cancellation)
    {
        EtcdKeyVersion? pending = null;
        await foreach (var version in WalkAsync(cancellation).ConfigureAwait(false))
        {
            if (pending is not null)
            {
                if (diff)
                {
                    pending.Diff = TextList.Lines(ValueDiff.Between(version, pending));
                }

                yield return pending;
            }

            pending = version;
        }

        if (pending is not null)
        {
            if (diff)
            {
                pending.Diff = TextList.Lines(ValueDiff.Between(null, pending));
            }

            yield return pending;
        }
    }

    private async IAsyncEnumerable<EtcdKeyVersion> WalkAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        var (kv, current) = await RevisionReads.GetAtAsync(connection, _key, 0, key, cancellation).ConfigureAwait(false);
        var deletions = await DeletionsAsync(kv, current, cancellation).ConfigureAwait(false);
        if (kv is null && deletions.Count == 0)
        {
            throw new EtcdException(EtcdErrorIds.KeyNotFound, EtcdErrorCategory.ObjectNotFound,
                $"The key '{key}' does not exist and has no history since revision {Math.Max(1, CompactRevision)}.", key,
                "Check the key name (keys are case-sensitive and usually start with '/').");
        }

        var before = current + 1;
        while (true)
        {
            if (kv is null)
            {
                // The key did not exist just below 'before': it was deleted at the latest deletion under it.
                var deletedAt = deletions.LastOrDefault(d => d < before);
                if (deletedAt == 0)
                {
                    yield break;
                }

                yield return EtcdKeyVersion.Deletion(key, deletedAt);
                kv = await ReadOrHorizonAsync(deletedAt - 1, cancellation).ConfigureAwait(false);
                if (kv is null)
                {
                    yield break;
                }

                continue;
            }

            yield return EtcdKeyVersion.FromProto(kv);
            if (kv.Version > 1)
            {
                kv = await ReadOrHorizonAsync(kv.ModRevision - 1, cancellation).ConfigureAwait(false);
                if (kv is null)
                {
                    yield break;
                }
            }
            else
            {
                before = kv.CreateRevision;
                kv = null;
                if (!deletions.Any(d => d < before))
                {
                    yield break;
                }
            }
        }
    }

    private async Task<Mvccpb.KeyValue?> ReadOrHorizonAsync(long revision, CancellationToken cancellation)
    {
        try
        {
            return (await RevisionReads.GetAtAsync(connection, _key, revision, key, cancellation).ConfigureAwait(false)).Kv;
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.RevisionCompacted)
        {
            End = KeyHistoryEnd.Compacted;
            return null;
        }
    }

    private async Task<List<long>> DeletionsAsync(Mvccpb.KeyValue? now, long current, CancellationToken cancellation)
    {
        if (now is null)
        {
            // A deleted key: its last deletion is unknown, so the watch needs a proof that it has caught up with the
            // current revision (KeyDeletionScan explains it). It watches the key and one neighbour, never the keyspace.
            var scan = new KeyDeletionScan(connection, _key, key);
            var found = await scan.DeletionsAsync(current, cancellation).ConfigureAwait(false);
            CompactRevision = scan.CompactRevision;
            return found;
        }

        // A key that exists ends the watch with its own current version: the event at its ModRevision.
        var deletions = new List<long>();
        var start = 1L;
        while (true)
        {
            var watcher = new ResumingWatcher(connection, new WatchOptions
            {
                Range = KeyRange.Single(_key.ToByteArray()),
                StartRevision = start,
                StopAtRevision = now.ModRevision,
            });
            try
            {
                await foreach (var e in watcher.WatchAsync(cancellation).ConfigureAwait(false))
                {
                    if (e.Type == EtcdWatchEventType.Delete && e.ModRevision <= current)
                    {
                        deletions.Add(e.ModRevision);
                    }
                }

                return deletions;
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.RevisionCompacted && ex.Revision is { } compacted && compacted > start)
            {
                // History below the compact revision is gone: look for deletions from there.
                CompactRevision = compacted;
                start = compacted;
            }
        }
    }
}
