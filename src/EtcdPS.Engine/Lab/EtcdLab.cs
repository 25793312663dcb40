namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>How much Kubernetes data <c>Start-EtcdLab</c> writes.</summary>
public enum EtcdLabSeed : long
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
    public required TextList Endpoints { get; init; }

    /// <summary>The number of members.</summary>
    public int Members => Endpoints.Count;

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

    /// <summary>How long seeding took, in milliseconds.</summary>
    public double SeedTook { get; internal set; }

    /// <summary>True while the background writer (<c>-Activity</c>) runs.</summary>
    public bool Activity { get; internal set; }

    /// <summary>When the lab started.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.Now;

    /// <summary>True when none of its members runs: Stop-EtcdLab stopped it, or its processes ended.</summary>
    public bool IsStopped => Removed || Member.All(m => m.State is EtcdLabMemberState.Stopped or EtcdLabMemberState.Exited);

    /// <summary>Each member's state, read from its process now (running, frozen, stopped on purpose, exited).</summary>
    public EtcdLabMember[] Member => Instance is { } instance ? Engine.Lab.LabMembers.Read(instance) : [];

    /// <summary>
    /// Running: every member runs. Degraded: a member is down or frozen but a quorum runs. NoQuorum: fewer than a majority
    /// run, the cluster cannot write. Down: no member runs. Removed: Stop-EtcdLab stopped it.
    /// </summary>
    public string State
    {
        get
        {
            if (Removed)
            {
                return "Removed";
            }

            var members = Member;
            var running = members.Count(m => m.State == EtcdLabMemberState.Running);
            return running == members.Length ? "Running"
                : running == 0 && members.All(m => m.State != EtcdLabMemberState.Frozen) ? "Down"
                : running > members.Length / 2 ? "Degraded"
                : "NoQuorum";
        }
    }

    /// <summary>Set once Stop-EtcdLab removed the lab.</summary>
    internal bool Removed { get; set; }

    /// <summary>The running lab behind this object; null for a lab that was never registered.</summary>
    internal Engine.Lab.LabInstance? Instance { get; set; }

    /// <summary>Members stopped by Stop-EtcdLabMember or Stop-EtcdLab (not crashed).</summary>
    internal HashSet<string> StoppedOnPurpose { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({string.Join(",", Endpoints)}, {Seed}, {KeyCount} keys)";
}
