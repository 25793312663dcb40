namespace EtcdPS;

/// <summary>How much Kubernetes data <c>Start-EtcdLab</c> writes.</summary>
public enum EtcdLabSeed
{
    /// <summary>An empty etcd.</summary>
    None,

    /// <summary>About 500 keys: 8 namespaces, a few deployments each.</summary>
    Small,

    /// <summary>About 20,000 keys: 87 namespaces with 10 deployments of 5 pods each.</summary>
    Medium,

    /// <summary>About 200,000 keys: 870 namespaces with 10 deployments of 5 pods each.</summary>
    Large,
}

/// <summary>A local throwaway etcd started by <c>Start-EtcdLab</c>.</summary>
public sealed class EtcdLab
{
    /// <summary>The lab's name; also the name of its connection.</summary>
    public required string Name { get; init; }

    /// <summary>The client URLs of the members.</summary>
    public required string[] Endpoints { get; init; }

    /// <summary>The number of members.</summary>
    public int Members => Endpoints.Length;

    /// <summary>The operating-system process ids of the etcd members.</summary>
    public required int[] ProcessIds { get; init; }

    /// <summary>The folder holding the members' data and logs.</summary>
    public required string DataPath { get; init; }

    /// <summary>The seed size written at start.</summary>
    public EtcdLabSeed Seed { get; init; }

    /// <summary>The number of keys the seed left in etcd.</summary>
    public long KeyCount { get; internal set; }

    /// <summary>The cluster revision when seeding ended.</summary>
    public long Revision { get; internal set; }

    /// <summary>How long seeding took.</summary>
    public TimeSpan SeedDuration { get; internal set; }

    /// <summary>True while the background writer (<c>-Activity</c>) runs.</summary>
    public bool Activity { get; internal set; }

    /// <summary>When the lab started.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.Now;

    /// <summary>True once Stop-EtcdLab stopped it.</summary>
    public bool IsStopped { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({string.Join(",", Endpoints)}, {Seed}, {KeyCount} keys)";
}
