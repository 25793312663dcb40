using EtcdPS.Engine.Keys;

namespace EtcdPS.Engine.Watch;

/// <summary>What to watch and how.</summary>
internal sealed record WatchOptions
{
    /// <summary>The keys to watch: one key, a prefix or the whole keyspace, the same type reads take.</summary>
    public required KeyRange Range { get; init; }
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
}
