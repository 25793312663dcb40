using EtcdPS.Engine.Kubernetes;

namespace EtcdPS;

/// <summary>
/// One key as stored in etcd, read at <see cref="Revision"/>: the value (text and raw bytes), its revisions,
/// and for Kubernetes keys the group, resource, namespace and name parsed from the key.
/// </summary>
public sealed partial class EtcdKeyValue
{
    /// <summary>The key as text (bytes that are not UTF-8 shown as \xNN).</summary>
    public string Key { get; init; } = string.Empty;
    /// <summary>The key's bytes.</summary>
    public byte[] RawKey { get; init; } = [];
    /// <summary>The value as text when its bytes are valid UTF-8; null otherwise (see RawValue).</summary>
    // Made from RawValue when first read: a listing piped to Measure-Object or Group-Object never pays for the text.
    public string? Value { get => _value ??= _valueIsText ? System.Text.Encoding.UTF8.GetString(RawValue) : null; init => _value = value; }

    private string? _value;
    private bool _valueIsText;
    /// <summary>The value's bytes (empty with -KeysOnly).</summary>
    public byte[] RawValue { get => _rawValue; init => _rawValue = value; }

    private byte[] _rawValue = [];
    /// <summary>What the value is: text, JSON, Kubernetes protobuf, encrypted, CBOR, binary.</summary>
    public ValueKind ValueKind { get; init; }
    /// <summary>Size of the value in bytes.</summary>
    public long Size { get; init; }
    /// <summary>Revision of the write that created the key (since its last deletion).</summary>
    public long CreateRevision { get; init; }
    /// <summary>Revision of the last write to the key; Kubernetes' resourceVersion.</summary>
    public long ModRevision { get; init; }
    /// <summary>Number of writes since the key was created; reset by deletion.</summary>
    public long Version { get; init; }
    /// <summary>The lease the key is attached to; 0 for none.</summary>
    public long Lease { get; init; }
    /// <summary>The cluster revision the read was made at.</summary>
    public long Revision { get; init; }
    /// <summary>Kubernetes API group ("" for the core group).</summary>
    public string Group { get => KubernetesParts.Group; init => KubernetesParts = KubernetesParts with { Group = value }; }
    /// <summary>Kubernetes resource (pods, deployments, configmapapps, ...); empty for a key that is not Kubernetes'.</summary>
    public string Resource { get => KubernetesParts.Resource; init => KubernetesParts = KubernetesParts with { Resource = value }; }
    /// <summary>Kubernetes namespace; empty for cluster-scoped objects.</summary>
    public string Namespace { get => KubernetesParts.Namespace; init => KubernetesParts = KubernetesParts with { Namespace = value }; }
    /// <summary>Kubernetes object name.</summary>
    public string Name { get => KubernetesParts.Name; init => KubernetesParts = KubernetesParts with { Name = value }; }

    /// <summary>The parts of the key when it is a Kubernetes storage key; <see cref="KubernetesKey.None"/> otherwise.</summary>
    internal KubernetesKey KubernetesParts { get; init; } = KubernetesKey.None;

    /// <inheritdoc />
    public override string ToString() => Key;

    /// <summary>
    /// Builds the object from etcd's KeyValue read at <paramref name="revision"/>. Without <paramref name="valueRead"/> (a
    /// keys-only read) etcd sent no value, and the object says so (<see cref="ValueKind.NotRead"/>) instead of "empty".
    /// </summary>
    internal static EtcdKeyValue FromProto(Mvccpb.KeyValue kv, long revision, IReadOnlyList<string>? kubernetesPrefixes = null, bool valueRead = true)
    {
        var rawKey = Bytes(kv.Key);
        var key = ValueKinds.KeyToText(rawKey);
        var rawValue = Bytes(kv.Value);
        return new EtcdKeyValue
        {
            Key = key,
            RawKey = rawKey,
            _valueIsText = ValueKinds.IsText(rawValue, out var kind),
            RawValue = rawValue,
            ValueKind = valueRead ? kind : ValueKind.NotRead,
            Size = kv.Value.Length,
            CreateRevision = kv.CreateRevision,
            ModRevision = kv.ModRevision,
            Version = kv.Version,
            Lease = kv.Lease,
            Revision = revision,
            KubernetesParts = KubernetesKey.Parse(key, kubernetesPrefixes ?? KubernetesPrefixes.Default),
        };
    }

    /// <summary>
    /// The bytes of a field just parsed from a response. The parser gave each field its own array, and the response is
    /// dropped once its keys are converted, so the array is taken over instead of copied: a listing allocates its
    /// values once, not twice.
    /// </summary>
    private static byte[] Bytes(Google.Protobuf.ByteString bytes)
    {
        if (bytes.Length == 0)
        {
            return [];
        }

        return System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes.Memory, out var segment)
            && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToByteArray();
    }
}
