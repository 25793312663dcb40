using EtcdPS.Engine.Kubernetes;

namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>How a key differs between two revisions.</summary>
public enum EtcdChangeType : long
{
    /// <summary>The key exists at the later revision only.</summary>
    Added,
    /// <summary>The key exists at both revisions and was written in between (its ModRevision differs).</summary>
    Modified,
    /// <summary>The key exists at the earlier revision only.</summary>
    Deleted,
}

/// <summary>One key that changed under a prefix between <see cref="FromRevision"/> and <see cref="ToRevision"/>.</summary>
public sealed class EtcdRevisionChange
{
    /// <summary>Added, Modified or Deleted.</summary>
    public EtcdChangeType ChangeType { get; init; }
    /// <summary>The key.</summary>
    public string Key { get; init; } = string.Empty;
    /// <summary>The key's ModRevision at the earlier revision; 0 when it did not exist then.</summary>
    public long FromModRevision { get; init; }
    /// <summary>The key's ModRevision at the later revision; 0 when it does not exist then.</summary>
    public long ToModRevision { get; init; }
    /// <summary>The key's Version at the earlier revision; 0 when it did not exist then.</summary>
    public long FromVersion { get; init; }
    /// <summary>The key's Version at the later revision; 0 when it does not exist then.</summary>
    public long ToVersion { get; init; }
    /// <summary>True when a key present at both revisions was deleted and created again in between.</summary>
    public bool Recreated { get; init; }
    /// <summary>With -Diff: what changed in the value, one line per changed field (Kubernetes and JSON values) or "- old"/"+ new" text lines.</summary>
    public TextList? Diff { get; internal set; }
    /// <summary>With -Diff on a Kubernetes (or JSON) value: the changed fields by JSON path.</summary>
    public EtcdFieldChange[]? Changes { get; internal set; }
    /// <summary>The earlier revision of the comparison.</summary>
    public long FromRevision { get; init; }
    /// <summary>The later revision of the comparison.</summary>
    public long ToRevision { get; init; }
    /// <summary>Kubernetes API group ("" for the core group).</summary>
    public string Group { get => KubernetesParts.Group; init => KubernetesParts = KubernetesParts with { Group = value }; }
    /// <summary>Kubernetes resource; empty for a key that is not Kubernetes'.</summary>
    public string Resource { get => KubernetesParts.Resource; init => KubernetesParts = KubernetesParts with { Resource = value }; }
    /// <summary>Kubernetes namespace.</summary>
    public string Namespace { get => KubernetesParts.Namespace; init => KubernetesParts = KubernetesParts with { Namespace = value }; }
    /// <summary>Kubernetes object name.</summary>
    public string Name { get => KubernetesParts.Name; init => KubernetesParts = KubernetesParts with { Name = value }; }

    /// <summary>The parts of the key when it is a Kubernetes storage key; <see cref="KubernetesKey.None"/> otherwise.</summary>
    internal KubernetesKey KubernetesParts { get; init; } = KubernetesKey.None;

    /// <inheritdoc />
    public override string ToString() => $"{ChangeType} {Key} ({FromModRevision} -> {ToModRevision})";

    internal static EtcdRevisionChange Create(EtcdChangeType type, string key, Mvccpb.KeyValue? from, Mvccpb.KeyValue? to,
        long fromRevision, long toRevision) => new()
    {
        ChangeType = type,
        Key = key,
        FromModRevision = from?.ModRevision ?? 0,
        ToModRevision = to?.ModRevision ?? 0,
        FromVersion = from?.Version ?? 0,
        ToVersion = to?.Version ?? 0,
        Recreated = from is not null && to is not null && to.CreateRevision != from.CreateRevision,
        FromRevision = fromRevision,
        ToRevision = toRevision,
        KubernetesParts = KubernetesKey.Parse(key),
    };
}
