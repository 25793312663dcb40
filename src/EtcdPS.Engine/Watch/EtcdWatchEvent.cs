using EtcdPS.Engine.Kubernetes;

namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>What happened to a key in a watch event.</summary>
public enum EtcdWatchEventType : long
{
    /// <summary>The key was created or changed.</summary>
    Put,
    /// <summary>The key was deleted (or its lease expired).</summary>
    Delete,
    /// <summary>No change: a progress notification saying every event up to <see cref="EtcdWatchEvent.Revision"/> was delivered.</summary>
    Progress,
}

/// <summary>
/// One change seen by a watch, in the order etcd committed it. <see cref="ModRevision"/> is the revision of the change;
/// a consumer that stores the last one it processed can resume with <c>Watch-EtcdPrefix -Revision (ModRevision + 1)</c>.
/// </summary>
public sealed class EtcdWatchEvent
{
    /// <summary>Put, Delete, or Progress (only with -ProgressNotify).</summary>
    public EtcdWatchEventType Type { get; init; }
    /// <summary>The key as text (bytes that are not UTF-8 shown as \xNN); empty for a progress notification.</summary>
    public string Key { get; init; } = string.Empty;
    /// <summary>The key's bytes.</summary>
    public byte[] RawKey { get; init; } = [];
    /// <summary>The new value as text when it is text; null for deletions, binary and Kubernetes protobuf values.</summary>
    public string? Value { get => _value; init => _value = value; }
    /// <summary>The new value's bytes (empty for deletions).</summary>
    public byte[] RawValue { get => _rawValue; init => _rawValue = value; }
    /// <summary>What the new value is (text, JSON, Kubernetes protobuf, ...).</summary>
    public ValueKind ValueKind { get; init; }
    /// <summary>The value before the change as text, with -PrevKv; null otherwise.</summary>
    public string? PrevValue { get => _prevValue; init => _prevValue = value; }
    /// <summary>The value before the change, with -PrevKv; empty otherwise.</summary>
    public byte[] PrevRawValue { get => _prevRawValue; init => _prevRawValue = value; }

    private string? _value;
    private byte[] _rawValue = [];
    private string? _prevValue;
    private byte[] _prevRawValue = [];
    /// <summary>The ModRevision the key had before the change, with -PrevKv; 0 otherwise.</summary>
    public long PrevModRevision { get; init; }
    /// <summary>The revision of this change (Kubernetes' resourceVersion after it).</summary>
    public long ModRevision { get; init; }
    /// <summary>The revision that created the key (0 for a deletion).</summary>
    public long CreateRevision { get; init; }
    /// <summary>Number of writes since the key was created (0 for a deletion).</summary>
    public long Version { get; init; }
    /// <summary>The lease the key is attached to; 0 for none.</summary>
    public long Lease { get; init; }
    /// <summary>
    /// True when this Put stored exactly the bytes the key already held (a real API server skips such writes, so a
    /// no-op write points at a client writing etcd directly or a controller rewriting unchanged objects); false when it
    /// changed them; null when not known (a deletion, a creation, or a watch without -PrevKv).
    /// </summary>
    public bool? NoOp => _noOp ??= Type == EtcdWatchEventType.Put && PrevModRevision > 0 ? RawValue.AsSpan().SequenceEqual(PrevRawValue) : null;

    private bool? _noOp;
    /// <summary>
    /// For a Put of a Kubernetes object: the field manager that made the write (kubelet, kube-controller-manager, an
    /// operator), from the managedFields entry it changed; read from the object's metadata when first asked for. Needs
    /// -PrevKv, except for creations; null when not known.
    /// </summary>
    public string? Manager => _manager ??= Type != EtcdWatchEventType.Put || Resource.Length == 0 ? null
        : PrevModRevision > 0 ? ManagedFieldsAttribution.Attribute(PrevRawValue, RawValue).Manager
        : IsCreate ? ManagedFieldsAttribution.Attribute(null, RawValue).Manager
        : null;

    private string? _manager;

    /// <summary>
    /// Drops the clear values of a Secret shown masked (decoded or diffed without -ShowSecret), so ConvertTo-Json,
    /// Export-Clixml and Format-List cannot show them. NoOp and Manager are worked out first, from the clear bytes.
    /// Null, not empty: piping the event into Set-EtcdKey fails instead of writing an empty Secret.
    /// </summary>
    internal void DropClearValues()
    {
        _ = NoOp;
        _ = Manager;
        _value = null;
        _rawValue = null!;
        _prevValue = null;
        _prevRawValue = null!;
    }
    /// <summary>True when this Put created the key.</summary>
    public bool IsCreate => Type == EtcdWatchEventType.Put && CreateRevision == ModRevision;
    /// <summary>The cluster revision in the header of the watch response that carried the event.</summary>
    public long Revision { get; init; }
    /// <summary>Kubernetes API group ("" for the core group).</summary>
    public string Group { get => KubernetesParts.Group; init => KubernetesParts = KubernetesParts with { Group = value }; }
    /// <summary>Kubernetes resource; empty for a key that is not Kubernetes'.</summary>
    public string Resource { get => KubernetesParts.Resource; init => KubernetesParts = KubernetesParts with { Resource = value }; }
    /// <summary>Kubernetes namespace; empty for cluster-scoped objects.</summary>
    public string Namespace { get => KubernetesParts.Namespace; init => KubernetesParts = KubernetesParts with { Namespace = value }; }
    /// <summary>Kubernetes object name.</summary>
    public string Name { get => KubernetesParts.Name; init => KubernetesParts = KubernetesParts with { Name = value }; }
    /// <summary>When the client received the event.</summary>
    public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>The endpoint whose stream delivered the event.</summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>With -Diff (and -PrevKv): what the change did to the value, one line per changed field for Kubernetes and JSON values.</summary>
    public TextList? Diff { get; internal set; }
    /// <summary>With -Diff on a Kubernetes (or JSON) value: the changed fields by JSON path.</summary>
    public EtcdFieldChange[]? Changes { get; internal set; }
    /// <summary>With -Decode: the Kubernetes object of a Put, or the deleted object (from -PrevKv) of a Delete; null otherwise.</summary>
    public KubernetesObject? Decoded { get; internal set; }
    /// <summary>The decoded object's kind (Pod, Deployment, ...); null when not decoded.</summary>
    public string? Kind => Decoded?.Kind;
    /// <summary>A one-line summary of the decoded object; null when not decoded.</summary>
    public string? Summary => Decoded?.Summary;

    /// <summary>The parts of the key when it is a Kubernetes storage key; <see cref="KubernetesKey.None"/> otherwise.</summary>
    internal KubernetesKey KubernetesParts { get; init; } = KubernetesKey.None;

    /// <inheritdoc />
    public override string ToString() => Type == EtcdWatchEventType.Progress
        ? $"PROGRESS @{Revision}"
        : $"{Type.ToString().ToUpperInvariant()} {Key} @{ModRevision}";

    internal static EtcdWatchEvent FromProto(Mvccpb.Event e, long revision, string endpoint, DateTimeOffset receivedAt)
    {
        var kv = e.Kv;
        var rawKey = kv.Key.ToByteArray();
        var key = ValueKinds.KeyToText(rawKey);
        var isDelete = e.Type == Mvccpb.Event.Types.EventType.Delete;
        var rawValue = isDelete || kv.Value.Length == 0 ? [] : kv.Value.ToByteArray();
        var prev = e.PrevKv;
        var prevRaw = prev is null || prev.Value.Length == 0 ? [] : prev.Value.ToByteArray();
        return new EtcdWatchEvent
        {
            Type = isDelete ? EtcdWatchEventType.Delete : EtcdWatchEventType.Put,
            Key = key,
            RawKey = rawKey,
            Value = ValueKinds.ToText(rawValue, out var kind),
            RawValue = rawValue,
            ValueKind = kind,
            PrevValue = prev is null ? null : ValueKinds.ToText(prevRaw, out _),
            PrevRawValue = prevRaw,
            PrevModRevision = prev?.ModRevision ?? 0,
            ModRevision = kv.ModRevision,
            CreateRevision = kv.CreateRevision,
            Version = kv.Version,
            Lease = kv.Lease,
            Revision = revision,
            KubernetesParts = KubernetesKey.Parse(key),
            ReceivedAt = receivedAt,
            Endpoint = endpoint,
        };
    }

    internal static EtcdWatchEvent ProgressAt(long revision, string endpoint, DateTimeOffset receivedAt) => new()
    {
        Type = EtcdWatchEventType.Progress,
        Revision = revision,
        ModRevision = revision,
        ReceivedAt = receivedAt,
        Endpoint = endpoint,
    };
}
