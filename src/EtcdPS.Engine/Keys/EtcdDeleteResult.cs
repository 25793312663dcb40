namespace EtcdPS;

/// <summary>What Remove-EtcdKey deleted, like the count etcdctl del prints: the key or range and how many keys went.</summary>
public sealed class EtcdDeleteResult
{
    /// <summary>The key deleted, or the first key of the range.</summary>
    public required string Key { get; init; }

    /// <summary>The end of the range (exclusive), or null when one key was deleted.</summary>
    public string? RangeEnd { get; init; }

    /// <summary>How many keys were deleted (0 when the key did not exist).</summary>
    public long Deleted { get; init; }

    /// <summary>The revision of the delete (the current revision when nothing was deleted).</summary>
    public long Revision { get; init; }

    /// <inheritdoc />
    public override string ToString() => RangeEnd is null
        ? $"{Deleted} key(s) deleted: {Key}"
        : $"{Deleted} key(s) deleted in [{Key}, {RangeEnd})";
}
