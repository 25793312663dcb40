using EtcdPS.Engine.Kubernetes;

namespace EtcdPS;

/// <summary>
/// One stored version of a key (a Put), or the deletion that ended one of its lives (a Delete), as
/// <c>Get-EtcdKeyHistory</c> lists them from newest to oldest.
/// </summary>
public sealed class EtcdKeyVersion
{
    /// <summary>Put (a version of the key) or Delete (the key was deleted at <see cref="ModRevision"/>).</summary>
    public EtcdWatchEventType Type { get; init; }
    /// <summary>The key.</summary>
    public string Key { get; init; } = string.Empty;
    /// <summary>The value of this version as text when it is text; null for deletions, binary and Kubernetes protobuf.</summary>
    public string? Value { get => _value; init => _value = value; }
    /// <summary>The value's bytes (empty for a deletion).</summary>
    public byte[] RawValue { get => _rawValue; init => _rawValue = value; }

    private string? _value;
    private byte[] _rawValue = [];

    /// <summary>Drops the clear value of a Secret whose diff was shown masked (see EtcdWatchEvent.DropClearValues).</summary>
    internal void DropClearValues()
    {
        _size = Size;
        _value = null;
        _rawValue = null!;
    }
    /// <summary>What the value is.</summary>
    public ValueKind ValueKind { get; init; }
    /// <summary>Size of the value in bytes.</summary>
    public long Size => _size ?? RawValue.LongLength;

    private long? _size;
    /// <summary>The revision that wrote this version (or deleted the key).</summary>
    public long ModRevision { get; init; }
    /// <summary>The revision that created this life of the key (0 for a deletion).</summary>
    public long CreateRevision { get; init; }
    /// <summary>The version number within this life of the key; 1 is a creation (0 for a deletion).</summary>
    public long Version { get; init; }
    /// <summary>The lease the version was attached to.</summary>
    public long Lease { get; init; }
    /// <summary>True when this version created the key (first version after a deletion or ever).</summary>
    public bool IsCreate => Type == EtcdWatchEventType.Put && Version == 1;
    /// <summary>
    /// True when this Put stored exactly the bytes of the version before it (a write a real API server would have
    /// skipped); false when it changed them; null for deletions, re-creations and the oldest version kept.
    /// </summary>
    public bool? NoOp { get; internal set; }
    /// <summary>With -Diff: what changed from the previous (older) version to this one: one line per changed field (<c>spec.replicas: 3 → 5</c>) for Kubernetes and JSON values, "- old" and "+ new" lines for text.</summary>
    public TextList? Diff { get; internal set; }
    /// <summary>With -Diff on a Kubernetes (or JSON) value: the changed fields by JSON path; null for text and binary values.</summary>
    public EtcdFieldChange[]? Changes { get; internal set; }
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
    public override string ToString() => Type == EtcdWatchEventType.Delete
        ? $"{Key} deleted @{ModRevision}"
        : $"{Key} v{Version} @{ModRevision}";

    internal static EtcdKeyVersion FromProto(Mvccpb.KeyValue kv)
    {
        var key = ValueKinds.KeyToText(kv.Key.Span);
        var raw = kv.Value.Length == 0 ? [] : kv.Value.ToByteArray();
        return new EtcdKeyVersion
        {
            Type = EtcdWatchEventType.Put,
            Key = key,
            Value = ValueKinds.ToText(raw, out var kind),
            RawValue = raw,
            ValueKind = kind,
            ModRevision = kv.ModRevision,
            CreateRevision = kv.CreateRevision,
            Version = kv.Version,
            Lease = kv.Lease,
            KubernetesParts = KubernetesKey.Parse(key),
        };
    }

    internal static EtcdKeyVersion Deletion(string key, long revision) => new()
    {
        Type = EtcdWatchEventType.Delete,
        Key = key,
        ValueKind = ValueKind.Empty,
        ModRevision = revision,
        KubernetesParts = KubernetesKey.Parse(key),
    };
}
