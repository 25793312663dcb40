namespace EtcdPS;

/// <summary>How many keys and bytes one group of keys (a resource, namespace, API group or key prefix) holds.</summary>
public sealed class EtcdKeyStatistics
{
    /// <summary>The group: a resource (<c>deployments.apps</c>), a namespace, an API group or a key prefix.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>What the keys were grouped by: Resource, Namespace, Group or Prefix.</summary>
    public string By { get; init; } = string.Empty;
    /// <summary>Number of keys in the group.</summary>
    public long Count { get; init; }
    /// <summary>Bytes of the keys' names (0 when only counted).</summary>
    public long KeyBytes { get; init; }
    /// <summary>Bytes of the values (0 when only counted).</summary>
    public long ValueBytes { get; init; }
    /// <summary>KeyBytes + ValueBytes.</summary>
    public long Bytes => KeyBytes + ValueBytes;
    /// <summary>Share of all bytes measured, in percent (share of all keys when only counted).</summary>
    public double Percent { get; init; }
    /// <summary>The revision the keys were read at.</summary>
    public long Revision { get; init; }
    /// <summary>True when only counts were asked for (count-only ranges; no bytes).</summary>
    public bool CountOnly { get; init; }

    /// <inheritdoc />
    public override string ToString() => CountOnly
        ? $"{Name}: {Count} keys"
        : $"{Name}: {Count} keys, {ByteSize.Format(Bytes)}";
}
