using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>What writing an object to a key would do: the bytes, the compare-and-swap revision, and what changes.</summary>
/// <param name="Value">The encoded (and, where configured, encrypted) value.</param>
/// <param name="ExpectedModRevision">The write succeeds only while the key has this ModRevision (0: while it does not exist).</param>
/// <param name="Encoding">How the value is encoded, for messages ("protobuf", "JSON, encrypted with aescbc", ...).</param>
/// <param name="Changes">Field-level changes from the stored object ("spec.replicas: 3 -> 5").</param>
internal sealed record ObjectWritePlan(byte[] Value, long ExpectedModRevision, string Encoding, IReadOnlyList<string> Changes);

/// <summary>
/// The safe edit of a Kubernetes object in etcd: written in the encoding the key holds (encrypted again when it was
/// encrypted), as a compare-and-swap on the ModRevision the object was read at.
/// </summary>
internal static class KubernetesObjectWriter
{
    /// <summary>Plans the write of <paramref name="obj"/> to <paramref name="key"/>.</summary>
    /// <remarks>readAt is the ModRevision the object was read at (0: not read from etcd; then the key's current one);
    /// expectedModRevision, when given, wins over it (a restore from a backup compares with the live key's).</remarks>
    /// <exception cref="EtcdException">EtcdEncryptedValueNeedsKey and the encoder's ids.</exception>
    public static async Task<ObjectWritePlan> PlanAsync(EtcdConnection connection, string key, JsonObject obj, long readAt,
        long? expectedModRevision, string? encryptionConfigPath, int kubernetesMinor, CancellationToken cancellation,
        IReadOnlyList<string>? prefixes = null)
    {
        var range = new RangeRequest { Key = ByteString.CopyFromUtf8(key) };
        var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(range, o).ResponseAsync, cancellation, key).ConfigureAwait(false);
        var current = response.Kvs.Count > 0 ? response.Kvs[0] : null;
        var currentValue = current?.Value.ToByteArray();
        var kind = currentValue is null ? ValueKind.Empty : ValueKinds.Detect(currentValue, System.Text.Unicode.Utf8.IsValid(currentValue));

        EncryptionWriter? encryption = null;
        DecodeOptions decodeOptions = DecodeOptions.Default;
        if (kind == ValueKind.KubernetesEncrypted && encryptionConfigPath is null)
        {
            throw new EtcdException(EtcdErrorIds.EncryptedValueNeedsKey, EtcdErrorCategory.InvalidOperation,
                $"'{key}' is encrypted at rest; writing it without -EncryptionConfig would store it in plain text. Nothing was written.", key,
                "Give the API server's EncryptionConfiguration with -EncryptionConfig: the object is then encrypted with its write provider.");
        }

        if (encryptionConfigPath is not null)
        {
            encryption = EncryptionWriter.Load(encryptionConfigPath);
            decodeOptions = DecodeOptions.From(true, encryptionConfigPath);
        }

        var encoding = kind switch
        {
            ValueKind.KubernetesProtobuf => StorageEncoding.Protobuf,
            ValueKind.Json => StorageEncoding.Json,
            ValueKind.Cbor => StorageEncoding.Cbor,
            // Encrypted (inner encoding is the API server's choice), absent, or not an object: as the API server chooses.
            _ => StorageEncoding.Auto,
        };
        var value = KubernetesValueEncoder.Encode(obj, new EncodeOptions
        {
            Encoding = encoding,
            KubernetesMinor = kubernetesMinor,
            Encryption = encryption,
            Key = key,
        });

        JsonObject? before = null;
        if (currentValue is not null)
        {
            try
            {
                before = KubernetesValueDecoder.Decode(currentValue, 0, decodeOptions with { ShowSecret = true }, key).ToJsonNode() as JsonObject;
            }
            catch (EtcdException)
            {
                // Not an object (or not decryptable): the diff shows the whole new object.
            }
        }

        CheckBelongsAt(key, obj, before, prefixes ?? KubernetesPrefixes.Default);
        var after = (JsonObject)obj.DeepClone();
        (after["metadata"] as JsonObject)?.Remove("resourceVersion");
        (before?["metadata"] as JsonObject)?.Remove("resourceVersion");
        var changes = new List<string>();
        Diff(before, after, string.Empty, changes);
        var expected = expectedModRevision ?? (readAt > 0 ? readAt : current?.ModRevision ?? 0);
        var described = (value.AsSpan().StartsWith(KubernetesProtobufCodec.Magic) ? "protobuf" : encoding == StorageEncoding.Cbor ? "CBOR" : "JSON")
            + (value.AsSpan().StartsWith("k8s:enc:"u8) ? ", encrypted" : string.Empty);
        if (value.AsSpan().StartsWith("k8s:enc:"u8))
        {
            described = "encrypted (" + System.Text.Encoding.ASCII.GetString(value, 8, value.AsSpan(8).IndexOf((byte)':')) + ")";
        }

        return new ObjectWritePlan(value, expected, described, changes);
    }

    /// <summary>
    /// Refuses an object written where the API server would never look for it: under another name or namespace than the
    /// key's, or of another kind than the object the key holds. The API server fails to read such an object, and with it
    /// every list of its resource.
    /// </summary>
    private static void CheckBelongsAt(string key, JsonObject obj, JsonObject? before, IReadOnlyList<string> prefixes)
    {
        var address = KubernetesKey.Parse(key, prefixes);
        if (address.Name.Length == 0)
        {
            return;
        }

        var metadata = obj["metadata"] as JsonObject;
        var kind = Text(obj["kind"]);
        var problems = new List<string>();
        if (Text(metadata?["name"]) is { Length: > 0 } name && name != address.Name)
        {
            problems.Add($"metadata.name is '{name}', the key's name is '{address.Name}'");
        }

        if (address.Namespace.Length > 0 && Text(metadata?["namespace"]) is { Length: > 0 } ns && ns != address.Namespace)
        {
            problems.Add($"metadata.namespace is '{ns}', the key's namespace is '{address.Namespace}'");
        }

        if (kind is { Length: > 0 } && Text(before?["kind"]) is { Length: > 0 } was && was != kind)
        {
            problems.Add($"the key holds a {was}");
        }

        if (problems.Count > 0)
        {
            throw new EtcdException(EtcdErrorIds.ObjectKeyMismatch, EtcdErrorCategory.InvalidArgument,
                $"The {kind ?? "object"} does not belong at '{key}': {string.Join("; ", problems)}. The API server reads an object only at the key of its kind, namespace and name, and fails to list the resource when one does not fit. Nothing was written.",
                key, "Write it to its own key (/registry/<resource>/<namespace>/<name>), or change metadata.name and metadata.namespace to match the key (a copy).");
        }

        static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    /// <summary>Field-level differences, one line per changed leaf ("metadata.finalizers: [\"a\"] -> []"); Secret data is not shown.</summary>
    internal static void Diff(JsonNode? before, JsonNode? after, string path, List<string> changes)
    {
        if (before is JsonObject b && after is JsonObject a)
        {
            foreach (var name in b.Select(p => p.Key).Union(a.Select(p => p.Key)))
            {
                var child = path.Length == 0 ? name : path + "." + name;
                if (!b.ContainsKey(name))
                {
                    changes.Add($"{child}: (absent) -> {Show(child, a[name])}");
                }
                else if (!a.ContainsKey(name))
                {
                    changes.Add($"{child}: {Show(child, b[name])} -> (absent)");
                }
                else if (!JsonNode.DeepEquals(b[name], a[name]))
                {
                    Diff(b[name], a[name], child, changes);
                }
            }

            return;
        }

        if (!JsonNode.DeepEquals(before, after))
        {
            changes.Add($"{(path.Length == 0 ? "(object)" : path)}: {Show(path, before)} -> {Show(path, after)}");
        }
    }

    private static string Show(string path, JsonNode? node)
    {
        if (path.StartsWith("data.", StringComparison.Ordinal) || path.StartsWith("stringData.", StringComparison.Ordinal) || path is "data" or "stringData")
        {
            // Could be a Secret's: never print the values.
            return node is null ? "null" : "(value hidden)";
        }

        var text = node?.ToJsonString() ?? "null";
        return text.Length > 120 ? text[..117] + "..." : text;
    }
}
