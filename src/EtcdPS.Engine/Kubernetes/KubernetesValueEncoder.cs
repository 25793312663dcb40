using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>The storage encoding of a Kubernetes object.</summary>
internal enum StorageEncoding
{
    /// <summary>Protobuf for built-in kinds, JSON for custom resources: what the API server chooses.</summary>
    Auto,
    Protobuf,
    Json,
    Cbor,
}

/// <summary>How <see cref="KubernetesValueEncoder"/> encodes an object.</summary>
internal sealed record EncodeOptions
{
    public StorageEncoding Encoding { get; init; }

    /// <summary>Write as the API server of Kubernetes 1.N writes (fields added later are left out); default the newest.</summary>
    public int KubernetesMinor { get; init; } = FieldTable.Head;

    /// <summary>Encrypt with the write provider of this EncryptionConfiguration; null writes plain.</summary>
    public EncryptionWriter? Encryption { get; init; }

    /// <summary>The etcd key the value is for: picks the encryption provider's resource, and is aesgcm's authenticated data.</summary>
    public string? Key { get; init; }

    /// <summary>etcd's request limit (--max-request-bytes, 1.5 MiB by default) minus room for the key and the request.</summary>
    public int MaxValueBytes { get; init; } = 1572864 - 4096;
}

/// <summary>
/// The one entry point that turns an object (the API server's JSON shape) into the bytes the API server would keep
/// in etcd: protobuf for built-in kinds, JSON for custom resources, CBOR when asked, encrypted when configured.
/// </summary>
internal static class KubernetesValueEncoder
{
    private static readonly JsonDocumentOptions s_jsonOptions = new() { MaxDepth = KubernetesProtobufCodec.MaxDepth };

    /// <summary>Parses JSON or YAML text into an object.</summary>
    /// <exception cref="EtcdException">EtcdObjectNotParsable.</exception>
    public static JsonObject Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(text, documentOptions: s_jsonOptions) as JsonObject
                    ?? throw NotParsable("The JSON text is not an object.");
            }
            catch (JsonException ex)
            {
                throw NotParsable($"The text is not valid JSON: {ex.Message}", ex);
            }
        }

        return YamlToJson.Parse(text) as JsonObject ?? throw NotParsable("The text is neither a JSON object nor a YAML mapping.");
    }

    /// <summary>Encodes <paramref name="obj"/> for storage. The object is not changed.</summary>
    /// <exception cref="EtcdException">EtcdObjectIncomplete, EtcdUnknownKind, EtcdObjectInvalid, EtcdValueTooLarge, EtcdNoWriteProvider.</exception>
    public static byte[] Encode(JsonObject obj, EncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var target = options.Key;
        var apiVersion = obj["apiVersion"] is JsonValue av && av.GetValueKind() == JsonValueKind.String ? av.GetValue<string>() : string.Empty;
        var kind = obj["kind"] is JsonValue k && k.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : string.Empty;
        if (apiVersion.Length == 0 || kind.Length == 0)
        {
            throw new EtcdException(EtcdErrorIds.ObjectIncomplete, EtcdErrorCategory.InvalidArgument,
                $"The object has no {(apiVersion.Length == 0 ? "apiVersion" : "kind")}; every Kubernetes object needs apiVersion and kind.", target,
                "Add apiVersion (e.g. v1, apps/v1) and kind (e.g. ConfigMap) at the top of the object.");
        }

        var stored = ForStorage(obj);
        var builtIn = FieldTable.Default.ForKind(apiVersion, kind) is not null;
        var encoding = options.Encoding;
        if (encoding == StorageEncoding.Auto)
        {
            encoding = builtIn ? StorageEncoding.Protobuf : StorageEncoding.Json;
        }

        if (!builtIn && (encoding == StorageEncoding.Protobuf || IsBuiltInGroup(apiVersion)))
        {
            throw new EtcdException(EtcdErrorIds.UnknownKind, EtcdErrorCategory.InvalidArgument,
                IsBuiltInGroup(apiVersion)
                    ? $"{apiVersion} has no kind '{kind}' in any Kubernetes release since 1.17 (a typo?); a built-in kind is stored as protobuf and needs its message."
                    : $"The kind {apiVersion}/{kind} is not a built-in kind: custom resources have no protobuf form (use -Encoding Json or Cbor).",
                target, "Check apiVersion and kind against `kubectl api-resources`.");
        }

        byte[] bytes;
        try
        {
            bytes = encoding switch
            {
                StorageEncoding.Protobuf => KubernetesProtobufCodec.Encode(stored, options.KubernetesMinor),
                StorageEncoding.Cbor => KubernetesCborWriter.Serialize(stored),
                _ => GoJson.Serialize(stored),
            };
        }
        catch (ArgumentException ex)
        {
            throw new EtcdException(EtcdErrorIds.ObjectInvalid, EtcdErrorCategory.InvalidArgument,
                ex.Message.Replace(" (Parameter 'obj')", string.Empty, StringComparison.Ordinal), target,
                "Fix the field named in the message: its type or name does not match the Kubernetes API.", ex);
        }

        if (options.Encryption is { } encryption)
        {
            bytes = encryption.Encrypt(bytes, target);
        }

        if (bytes.Length > options.MaxValueBytes)
        {
            throw new EtcdException(EtcdErrorIds.ValueTooLarge, EtcdErrorCategory.InvalidArgument,
                $"The encoded object is {bytes.Length} bytes, over etcd's request limit ({options.MaxValueBytes} bytes for the value); etcd would refuse it.",
                target, "Make the object smaller (large annotations such as last-applied-configuration, managedFields).");
        }

        return bytes;
    }

    /// <summary>
    /// The object as the API server stores it: metadata.resourceVersion is empty in etcd (it is the key's
    /// ModRevision, filled in on every read).
    /// </summary>
    private static JsonObject ForStorage(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject metadata && metadata.ContainsKey("resourceVersion"))
        {
            metadata.Remove("resourceVersion");
        }

        return copy;
    }

    private static readonly Lazy<HashSet<string>> s_builtInGroups = new(() =>
        [.. FieldTable.Default.Kinds.Select(k => GroupOf(k.ApiVersion))]);

    private static string GroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }

    private static bool IsBuiltInGroup(string apiVersion) => s_builtInGroups.Value.Contains(GroupOf(apiVersion));

    private static EtcdException NotParsable(string message, Exception? inner = null) =>
        new(EtcdErrorIds.ObjectNotParsable, EtcdErrorCategory.InvalidArgument, message, null,
            "Give a Kubernetes object as JSON or YAML text (kubectl get -o json / -o yaml), a hashtable, or a KubernetesObject.", inner);
}
