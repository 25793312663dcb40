namespace EtcdPS;

/// <summary>One member's hash of its keyspace (etcd HashKV): members that agree on the data give the same hash at the same revision.</summary>
public sealed class EtcdHashKV
{
    /// <summary>The endpoint that answered.</summary>
    public string Endpoint { get; init; } = string.Empty;
    /// <summary>The member's id in hex.</summary>
    public string MemberId { get; init; } = string.Empty;
    /// <summary>The member's name, when known.</summary>
    public string? Name { get; init; }
    /// <summary>The hash (CRC-32C) of the keyspace's history from the compact revision up to <see cref="HashRevision"/>.</summary>
    public uint Hash { get; init; }
    /// <summary>The revision the hash covers up to (etcd 3.4 does not report it: then the revision asked for, or the member's current one).</summary>
    public long HashRevision { get; init; }
    /// <summary>The member's compact revision: hashes compare only between members with the same one.</summary>
    public long CompactRevision { get; init; }
    /// <summary>The member's current revision when it answered.</summary>
    public long Revision { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Endpoint}, {Hash}, {HashRevision}, {CompactRevision}";
}

/// <summary>What Test-EtcdConsistency -Detailed found: every member's hash at one common revision, and who disagrees.</summary>
public sealed class EtcdConsistencyReport
{
    /// <summary>True when every member answered with the same hash at <see cref="Revision"/>.</summary>
    public bool Consistent { get; init; }
    /// <summary>The common revision the hashes were asked at (the lowest current revision of the members).</summary>
    public long Revision { get; init; }
    /// <summary>The compact revision the members had when they answered.</summary>
    public long CompactRevision { get; init; }
    /// <summary>How many rounds were needed (a compaction during a round makes the hashes incomparable, and the round is repeated).</summary>
    public int Attempts { get; init; }
    /// <summary>Each member's answer.</summary>
    public EtcdHashKV[] Members { get; init; } = [];
    /// <summary>The members whose hash differs from the majority's (names, or ids when unnamed).</summary>
    public TextList Disagreeing { get; init; } = [];
    /// <summary>The members that could not be asked, with why.</summary>
    public TextList Unreachable { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Consistent
        ? $"{Members.Length} members agree at revision {Revision}"
        : $"members disagree at revision {Revision}: {string.Join(", ", Disagreeing.Concat(Unreachable))}";
}
