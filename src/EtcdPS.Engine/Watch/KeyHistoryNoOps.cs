using System.Runtime.CompilerServices;

namespace EtcdPS.Engine.Watch;

/// <summary>
/// Marks the history entries whose value is byte-identical to the version before them (<see cref="EtcdKeyVersion.NoOp"/>).
/// History comes newest first, so each entry is held back until the next (older) one has come.
/// </summary>
internal static class KeyHistoryNoOps
{
    public static async IAsyncEnumerable<EtcdKeyVersion> MarkAsync(IAsyncEnumerable<EtcdKeyVersion> newestFirst,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        EtcdKeyVersion? held = null;
        await foreach (var older in newestFirst.WithCancellation(cancellation).ConfigureAwait(false))
        {
            if (held is not null)
            {
                held.NoOp = held.Type == EtcdWatchEventType.Put && older.Type == EtcdWatchEventType.Put && !held.IsCreate
                    ? held.RawValue.AsSpan().SequenceEqual(older.RawValue)
                    : null;
                yield return held;
            }

            held = older;
        }

        if (held is not null)
        {
            yield return held;
        }
    }
}
