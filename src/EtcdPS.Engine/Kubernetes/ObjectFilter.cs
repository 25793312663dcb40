using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// Keeps the keys whose value is a Kubernetes object that matches a label selector, a field selector and an owner
/// (all given ones must hold). It decodes only what the filter needs: for protobuf values and filters on metadata
/// alone, just the envelope and metadata (a Pod's spec and status are skipped), else the whole object. Values that are
/// not objects (text, binary, encrypted without keys, damaged) never match and are counted in <see cref="Undecodable"/>.
/// </summary>
internal sealed class ObjectFilter
{
    public LabelSelector? Labels { get; init; }
    public FieldSelector? Fields { get; init; }
    public string? OwnerUid { get; init; }
    public string? OwnerName { get; init; }
    public DecodeOptions Options { get; init; } = DecodeOptions.Default;

    /// <summary>Values that could not be looked at as objects.</summary>
    public long Undecodable { get; private set; }

    /// <summary>Values that were looked at.</summary>
    public long Examined { get; private set; }

    /// <summary>True when a filter was given.</summary>
    /// <summary>The -FieldSelector paths that no object examined had (a missing field reads as the empty string).</summary>
    public IEnumerable<string> FieldPathsNeverSeen => Fields is not { Evaluated: > 0 }
        ? []
        : Fields.Requirements.Where(r => !r.Seen).Select(r => r.Path).Distinct(StringComparer.Ordinal);

    public bool IsActive => Labels is not null || Fields is not null || OwnerUid is not null || OwnerName is not null;

    private bool MetadataIsEnough => Fields is null || Fields.OnMetadata;

    public async IAsyncEnumerable<EtcdKeyValue> WhereAsync(IAsyncEnumerable<EtcdKeyValue> items,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var kv in items.WithCancellation(cancellation).ConfigureAwait(false))
        {
            if (Matches(kv.RawValue, kv.ModRevision, kv.Key))
            {
                yield return kv;
            }
        }
    }

    /// <summary>True when the value is an object that passes every filter.</summary>
    public bool Matches(byte[]? value, long modRevision, string? key)
    {
        if (!IsActive)
        {
            return true;
        }

        Examined++;
        var obj = Read(value, modRevision, key);
        if (obj is null)
        {
            Undecodable++;
            return false;
        }

        return Matches(obj);
    }

    /// <summary>True when a decoded object (the API server's JSON shape) passes every filter.</summary>
    public bool Matches(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject;
        if (Labels is not null && !Labels.Matches(LabelsOf(metadata)))
        {
            return false;
        }

        if (Fields is not null && !Fields.Matches(obj))
        {
            return false;
        }

        if (OwnerUid is null && OwnerName is null)
        {
            return true;
        }

        return (metadata?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().Any(owner =>
            (OwnerUid is null || string.Equals((string?)owner["uid"], OwnerUid, StringComparison.OrdinalIgnoreCase))
            && (OwnerName is null || string.Equals((string?)owner["name"], OwnerName, StringComparison.Ordinal)));
    }

    private JsonObject? Read(byte[]? value, long modRevision, string? key)
    {
        if (value is null || value.Length == 0)
        {
            return null;
        }

        try
        {
            if (MetadataIsEnough && value.AsSpan().StartsWith(KubernetesProtobufCodec.Magic))
            {
                return KubernetesProtobufCodec.DecodeMetadata(value);
            }

            return KubernetesValueDecoder.Decode(value, modRevision, Options, key).Content;
        }
        catch (Exception ex) when (ex is EtcdException or ProtoFormatException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> LabelsOf(JsonObject? metadata)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata?["labels"] is JsonObject map)
        {
            foreach (var (name, value) in map)
            {
                labels[name] = value?.ToString() ?? string.Empty;
            }
        }

        return labels;
    }
}
