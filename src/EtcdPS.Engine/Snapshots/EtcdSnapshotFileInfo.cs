namespace EtcdPS;

/// <summary>What a snapshot file holds (Get-EtcdSnapshotInfo): its integrity, revision, keys and Kubernetes resources.</summary>
public sealed class EtcdSnapshotFileInfo
{
    /// <summary>The file.</summary>
    public string Path { get; init; } = string.Empty;
    /// <summary>The file's size in bytes.</summary>
    public long Size { get; init; }
    /// <summary>The sha256 of the database (the file without its trailer), in hex.</summary>
    public string Sha256 { get; init; } = string.Empty;
    /// <summary>True when the file ends with etcd's sha256 trailer (a saved snapshot); false for a database copied from a data folder.</summary>
    public bool HasHashTrailer { get; init; }
    /// <summary>True when the trailer matches the database, false when it does not; null when there is no trailer.</summary>
    public bool? HashValid { get; init; }
    /// <summary>The store's revision in the snapshot.</summary>
    public long Revision { get; init; }
    /// <summary>The compact revision in the snapshot (history below it is gone); 0 when never compacted.</summary>
    public long CompactRevision { get; init; }
    /// <summary>Keys in the snapshot at its revision.</summary>
    public long TotalKeys { get; init; }
    /// <summary>Bytes of those keys and their values.</summary>
    public long TotalBytes { get; init; }
    /// <summary>The cluster (or storage) version recorded in the database, e.g. 3.5.0; null when the file does not say.</summary>
    public string? EtcdVersion { get; init; }
    /// <summary>Keys and bytes per Kubernetes resource (deployments.apps, pods, ...); other keys under "(none)".</summary>
    public EtcdKeyStatistics[] Resources { get; init; } = [];
    /// <summary>The tool that restored the copy the figures were read from (etcdutl or etcdctl).</summary>
    public string RestoreTool { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => $"{Path}: revision {Revision}, {TotalKeys} keys, {ByteSize.Format(Size)}";
}
