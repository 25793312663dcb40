namespace EtcdPS;

/// <summary>What Invoke-EtcdCompaction did: history below <see cref="CompactRevision"/> is gone.</summary>
public sealed class EtcdCompactionResult
{
    /// <summary>The compact revision before this compaction (0 when history was never compacted).</summary>
    public long PreviousCompactRevision { get; init; }
    /// <summary>The new compact revision: reads below it now fail with EtcdRevisionCompacted.</summary>
    public long CompactRevision { get; init; }
    /// <summary>The cluster revision when the compaction was requested.</summary>
    public long CurrentRevision { get; init; }
    /// <summary>How many revisions of history were removed (CompactRevision - PreviousCompactRevision).</summary>
    public long RevisionsRemoved => Math.Max(0, CompactRevision - Math.Max(PreviousCompactRevision, 1));
    /// <summary>True when the revision was estimated from a sampled write rate (-OlderThan).</summary>
    public bool IsEstimate { get; init; }
    /// <summary>True when the call waited until the compaction was applied to the backend (-Physical).</summary>
    public bool Physical { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"compacted revision {CompactRevision} (was {PreviousCompactRevision}, current {CurrentRevision}){(IsEstimate ? " estimated" : string.Empty)}";
}

/// <summary>The defragmentation of one member: database sizes before and after, and how long the member was blocked.</summary>
public sealed class EtcdDefragResult
{
    /// <summary>The endpoint defragmented.</summary>
    public string Endpoint { get; init; } = string.Empty;
    /// <summary>The member id in hex.</summary>
    public string MemberId { get; init; } = string.Empty;
    /// <summary>The member's name, when known.</summary>
    public string? Name { get; init; }
    /// <summary>True when the member was the leader (it is defragmented last).</summary>
    public bool IsLeader { get; init; }
    /// <summary>Database file size before, in bytes.</summary>
    public long DbSizeBefore { get; init; }
    /// <summary>Bytes in use before.</summary>
    public long DbSizeInUseBefore { get; init; }
    /// <summary>Database file size after, in bytes.</summary>
    public long DbSizeAfter { get; init; }
    /// <summary>Bytes in use after.</summary>
    public long DbSizeInUseAfter { get; init; }
    /// <summary>Bytes returned to the file system (DbSizeBefore - DbSizeAfter).</summary>
    public long Freed => DbSizeBefore - DbSizeAfter;
    /// <summary>How long the defragment call took, in milliseconds (the member serves nothing meanwhile).</summary>
    public double Took { get; init; }
    /// <summary>With -MoveLeader: the member leadership moved to before this member (the leader) was defragmented; null otherwise.</summary>
    public string? LeaderMovedTo { get; init; }

    internal EtcdDefragResult WithLeaderMovedTo(string? movedTo) => movedTo is null ? this : new EtcdDefragResult
    {
        Endpoint = Endpoint, MemberId = MemberId, Name = Name, IsLeader = IsLeader, DbSizeBefore = DbSizeBefore,
        DbSizeInUseBefore = DbSizeInUseBefore, DbSizeAfter = DbSizeAfter, DbSizeInUseAfter = DbSizeInUseAfter, Took = Took,
        LeaderMovedTo = movedTo,
    };

    /// <inheritdoc />
    public override string ToString() =>
        $"{Endpoint}: {ByteSize.Format(DbSizeBefore)} -> {ByteSize.Format(DbSizeAfter)} in {Took / 1000:0.##} s";
}

/// <summary>A snapshot saved by Save-EtcdSnapshot, its checksum verified.</summary>
public sealed class EtcdSnapshotInfo
{
    /// <summary>Full path of the snapshot file.</summary>
    public string Path { get; init; } = string.Empty;
    /// <summary>File size in bytes (the database plus etcd's 32-byte sha256 trailer).</summary>
    public long Size { get; init; }
    /// <summary>The cluster revision the member reported when the snapshot started.</summary>
    public long Revision { get; init; }
    /// <summary>The sha256 (hex) of the database, as etcd appended it and as verified while receiving.</summary>
    public string Sha256 { get; init; } = string.Empty;
    /// <summary>The endpoint the snapshot came from.</summary>
    public string Endpoint { get; init; } = string.Empty;
    /// <summary>How long receiving and verifying took, in milliseconds.</summary>
    public double Took { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Path} ({ByteSize.Format(Size)}, revision {Revision})";
}
