namespace EtcdPS;

/// <summary>A lease: its remaining and granted TTL and, when asked, the keys attached to it.</summary>
public sealed class EtcdLease
{
    /// <summary>The lease id (decimal).</summary>
    public long Id { get; init; }
    /// <summary>The lease id in hex, as etcdctl prints it.</summary>
    public string HexId => MemberIds.LeaseToHex(Id);
    /// <summary>Seconds left before the lease expires.</summary>
    public long TTL { get; init; }
    /// <summary>The TTL the lease was granted with, in seconds.</summary>
    public long GrantedTTL { get; init; }
    /// <summary>The attached keys (filled with -Keys; empty otherwise).</summary>
    public TextList Keys { get; init; } = [];
    /// <summary>Number of attached keys (known only with -Keys; -1 otherwise).</summary>
    public int KeyCount { get; init; } = -1;

    /// <inheritdoc />
    public override string ToString() => $"lease {HexId} granted with TTL({GrantedTTL}s), remaining({TTL}s)";
}
