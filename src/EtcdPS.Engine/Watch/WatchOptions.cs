using EtcdPS.Engine.Keys;
using Google.Protobuf;

namespace EtcdPS.Engine.Watch;

/// <summary>What to watch and how.</summary>
internal sealed record WatchOptions
{
    /// <summary>The key, or the start of the range.</summary>
    public required ByteString Key { get; init; }
    /// <summary>End of the range (exclusive); empty for one key.</summary>
    public ByteString RangeEnd { get; init; } = ByteString.Empty;
    /// <summary>First revision to deliver; 0 means "changes after now".</summary>
    public long StartRevision { get; init; }
    public bool PrevKv { get; init; }
    public bool NoPut { get; init; }
    public bool NoDelete { get; init; }
    /// <summary>Also yield progress notifications (events of type Progress).</summary>
    public bool ProgressNotify { get; init; }
    /// <summary>
    /// When set, the watch completes once it delivered an event at or after this revision (the caller must know one
    /// exists, e.g. the key's current ModRevision, or any revision for a watch of the whole keyspace).
    /// </summary>
    public long StopAtRevision { get; init; }
    /// <summary>
    /// When set, the watch completes after this many events, at the end of the revision the last one is in (so a
    /// transaction is never cut: resuming at the last ModRevision + 1 loses nothing).
    /// </summary>
    public int MaxEvents { get; init; }
    /// <summary>When set, the watch completes (without error) after this long.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Silence after which the watcher asks the member for a progress notification.</summary>
    public TimeSpan ProbeAfter { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Further silence after the probe after which the stream is declared dead (a hung or partitioned member).</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The range end that makes <paramref name="prefix"/> a prefix watch (all keys for an empty prefix).</summary>
    public static ByteString PrefixEnd(ByteString prefix) => ByteString.CopyFrom(KeyRange.PrefixEnd(prefix.Span));
}
