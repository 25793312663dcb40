using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>How <see cref="KubernetesValueDecoder"/> treats secrets and encrypted values.</summary>
internal sealed record DecodeOptions
{
    public static readonly DecodeOptions Default = new();

    /// <summary>Show Secret data instead of the mask.</summary>
    public bool ShowSecret { get; init; }

    /// <summary>Keys from an EncryptionConfiguration; null leaves encrypted values encrypted.</summary>
    public EncryptionKeys? EncryptionKeys { get; init; }

    /// <summary>The options of -ShowSecret and -EncryptionConfig (a resolved file path, or null for none).</summary>
    /// <exception cref="EtcdException">The encryption configuration cannot be read or is not one.</exception>
    public static DecodeOptions From(bool showSecret, string? encryptionConfigPath) => new()
    {
        ShowSecret = showSecret,
        EncryptionKeys = encryptionConfigPath is null ? null : EncryptionKeys.Load(encryptionConfigPath),
    };
}

/// <summary>
/// The one entry point that turns an etcd value into a <see cref="KubernetesObject"/>: protobuf, JSON (custom
/// resources), CBOR (Kubernetes' CBOR serializer), encrypted at rest (reported, or decrypted with keys).
/// </summary>
internal static class KubernetesValueDecoder
{
    /// <summary>What masked Secret data shows instead of its value.</summary>
    public const string Mask = "*****";

    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";
    private static readonly byte[] s_encryptedPrefix = "k8s:enc:"u8.ToArray();
    private static readonly JsonDocumentOptions s_jsonOptions = new() { MaxDepth = KubernetesProtobufCodec.MaxDepth };

    /// <summary>Decodes a value read from etcd.</summary>
    /// <param name="rawValue">The value's bytes.</param>
    /// <param name="modRevision">The key's ModRevision; fills an empty metadata.resourceVersion as the API server does. 0 for none.</param>
    /// <param name="options">Secret masking and encryption keys.</param>
    /// <param name="key">The etcd key (shown on the object, and authenticated data for aesgcm); null when not known.</param>
    /// <exception cref="EtcdException">EtcdValueNotDecodable: the value is not a Kubernetes object, or cannot be read.</exception>
    public static KubernetesObject Decode(byte[] rawValue, long modRevision, DecodeOptions options, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(rawValue);
        options ??= DecodeOptions.Default;
        var kind = ValueKinds.Detect(rawValue, System.Text.Unicode.Utf8.IsValid(rawValue));
        switch (kind)
        {
            case ValueKind.KubernetesProtobuf:
                return Build(DecodeProtobuf(rawValue, modRevision, key), ValueKind.KubernetesProtobuf, modRevision, options, key);
            case ValueKind.Json:
                return Build(DecodeJson(rawValue, key), ValueKind.Json, modRevision, options, key);
            case ValueKind.KubernetesEncrypted:
                return DecodeEncrypted(rawValue, modRevision, options, key);
            case ValueKind.Cbor:
                return Build(DecodeCbor(rawValue, key), ValueKind.Cbor, modRevision, options, key);
            case ValueKind.Empty:
                throw NotDecodable(key, "The value is empty (0 bytes), not a Kubernetes object.");
            default:
                throw NotDecodable(key, $"The value is {(kind == ValueKind.Text ? "plain text" : "binary data")}, not a Kubernetes object (no k8s\\0 magic, JSON object or k8s:enc: prefix).");
        }
    }

    private static JsonObject DecodeProtobuf(byte[] rawValue, long modRevision, string? key)
    {
        try
        {
            return KubernetesProtobufCodec.Decode(rawValue, modRevision > 0 ? modRevision.ToString(CultureInfo.InvariantCulture) : null);
        }
        catch (ProtoFormatException ex)
        {
            throw NotDecodable(key, "The Kubernetes protobuf value cannot be decoded: " + ex.Message, ex);
        }
    }

    private static JsonObject DecodeJson(byte[] rawValue, string? key)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(rawValue, documentOptions: s_jsonOptions);
        }
        catch (JsonException ex)
        {
            throw NotDecodable(key, "The JSON value cannot be parsed: " + ex.Message, ex);
        }

        if (node is not JsonObject obj || obj["kind"] is not JsonValue || obj["apiVersion"] is not JsonValue)
        {
            throw NotDecodable(key, "The value is JSON but not a Kubernetes object (no kind and apiVersion).");
        }

        return obj;
    }

    private static JsonObject DecodeCbor(byte[] rawValue, string? key)
    {
        JsonNode? node;
        try
        {
            node = KubernetesCbor.Decode(rawValue);
        }
        catch (ProtoFormatException ex)
        {
            throw NotDecodable(key, "The CBOR value cannot be decoded: " + ex.Message, ex);
        }

        return node is JsonObject obj && obj["kind"] is JsonValue && obj["apiVersion"] is JsonValue
            ? obj
            : throw NotDecodable(key, "The value is CBOR but not a Kubernetes object (no kind and apiVersion).");
    }

    private static KubernetesObject DecodeEncrypted(byte[] rawValue, long modRevision, DecodeOptions options, string? key)
    {
        // k8s:enc:<provider>:<version>:<keyName>:<data>
        var rest = rawValue.AsSpan(s_encryptedPrefix.Length);
        var parts = new string[3];
        for (var i = 0; i < 3; i++)
        {
            var colon = rest.IndexOf((byte)':');
            if (colon < 0)
            {
                throw NotDecodable(key, "The value starts with k8s:enc: but its provider:version:key prefix is incomplete.");
            }

            parts[i] = Encoding.UTF8.GetString(rest[..colon]);
            rest = rest[(colon + 1)..];
        }

        var (provider, keyName) = (parts[0], parts[2]);
        var encrypted = new KubernetesObject
        {
            Key = key,
            ModRevision = modRevision,
            Encoding = ValueKind.KubernetesEncrypted,
            Encrypted = true,
            Provider = provider,
            KeyName = keyName,
            Summary = $"encrypted with {provider} key {keyName}",
        };

        if (options.EncryptionKeys is not { } keys)
        {
            return encrypted;
        }

        if (provider is not ("aescbc" or "aesgcm" or "secretbox"))
        {
            // kms (v1, v2) keeps its key in an external plugin: no key file can open it.
            throw NotDecodable(key, $"The value is encrypted with {provider} (key {keyName}); decrypting {provider} is not supported (aescbc, aesgcm and secretbox are).");
        }

        if (!keys.TryGet(provider, keyName, out var secret))
        {
            throw NotDecodable(key, $"The value is encrypted with {provider} key '{keyName}', which the encryption configuration does not have.");
        }

        var etcdKey = key is null ? null : Encoding.UTF8.GetBytes(key);
        var plain = EncryptionKeys.Decrypt(provider, secret, rest, etcdKey)
            ?? throw NotDecodable(key, $"The {provider} key '{keyName}' does not decrypt the value (wrong key, or a value written under another etcd key).");
        var inner = Decode(plain, modRevision, options with { EncryptionKeys = null }, key);
        return new KubernetesObject
        {
            Key = inner.Key,
            Kind = inner.Kind,
            ApiVersion = inner.ApiVersion,
            Namespace = inner.Namespace,
            Name = inner.Name,
            ModRevision = modRevision,
            Encoding = ValueKind.KubernetesEncrypted,
            Encrypted = true,
            Provider = provider,
            KeyName = keyName,
            Decrypted = true,
            SecretMasked = inner.SecretMasked,
            Summary = inner.Summary,
            Content = inner.Content,
        };
    }

    private static KubernetesObject Build(JsonObject content, ValueKind encoding, long modRevision, DecodeOptions options, string? key)
    {
        var metadata = content["metadata"] as JsonObject;
        if (modRevision > 0 && metadata is not null && string.IsNullOrEmpty(Text(metadata["resourceVersion"])))
        {
            // The API server stores objects without a resourceVersion and fills it from the key's ModRevision on read.
            metadata = WithResourceVersion(metadata, modRevision.ToString(CultureInfo.InvariantCulture));
            content["metadata"] = metadata;
        }

        var kind = Text(content["kind"]);
        var apiVersion = Text(content["apiVersion"]);
        var masked = !options.ShowSecret && kind == "Secret" && apiVersion == "v1" && MaskSecret(content);
        return new KubernetesObject
        {
            Key = key,
            Kind = kind,
            ApiVersion = apiVersion,
            Namespace = Text(metadata?["namespace"]),
            Name = Text(metadata?["name"]),
            ModRevision = modRevision,
            Encoding = encoding,
            SecretMasked = masked,
            Summary = KubernetesSummary.For(kind, content),
            Content = content,
        };
    }

    private static JsonObject WithResourceVersion(JsonObject metadata, string resourceVersion)
    {
        // JsonObject on net8.0 cannot insert at a position; rebuild in ObjectMeta's field order.
        var properties = metadata.ToList();
        metadata.Clear();
        var result = new JsonObject();
        var placed = false;
        foreach (var field in FieldTable.Default.ObjectMeta.Fields)
        {
            if (field.JsonName == "resourceVersion")
            {
                result["resourceVersion"] = resourceVersion;
                placed = true;
                continue;
            }

            foreach (var (name, value) in properties)
            {
                if (name == field.JsonName)
                {
                    result[name] = value;
                }
            }
        }

        foreach (var (name, value) in properties)
        {
            if (!result.ContainsKey(name) && !(placed && name == "resourceVersion"))
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static bool MaskSecret(JsonObject secret)
    {
        var masked = false;
        foreach (var field in new[] { "data", "stringData" })
        {
            if (secret[field] is JsonObject data)
            {
                foreach (var name in data.Select(p => p.Key).ToList())
                {
                    data[name] = Mask;
                    masked = true;
                }
            }
        }

        // kubectl apply keeps the whole Secret, data included, in this annotation.
        if (secret["metadata"]?["annotations"] is JsonObject annotations && annotations.ContainsKey(LastApplied))
        {
            annotations[LastApplied] = Mask;
            masked = true;
        }

        return masked;
    }

    internal static string Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node is JsonValue other ? other.ToJsonString() : string.Empty;

    private static EtcdException NotDecodable(string? key, string message, Exception? inner = null) =>
        new(EtcdErrorIds.ValueNotDecodable, EtcdErrorCategory.InvalidData, key is null ? message : $"{key}: {message}", key,
            "ConvertFrom-EtcdValue decodes Kubernetes objects (protobuf, JSON, encrypted with -EncryptionConfig); read other values as text or bytes.", inner);
}

/// <summary>One-line summaries of common kinds, for table views.</summary>
internal static class KubernetesSummary
{
    public static string For(string kind, JsonObject obj)
    {
        string T(JsonNode? n) => KubernetesValueDecoder.Text(n);
        switch (kind)
        {
            case "Pod":
                var node = T(obj["spec"]?["nodeName"]);
                var phase = T(obj["status"]?["phase"]);
                return node.Length > 0 ? $"{phase} on {node}" : phase;
            case "Deployment":
            case "ReplicaSet":
            case "StatefulSet":
                var desired = obj["spec"]?["replicas"] is JsonNode r ? T(r) : "1";
                var ready = obj["status"]?["readyReplicas"] is JsonNode rr ? T(rr) : "0";
                return $"{ready}/{desired} ready";
            case "ConfigMap":
                var keys = Keys(obj["data"]).Concat(Keys(obj["binaryData"])).ToList();
                return keys.Count == 0 ? "no keys" : "keys: " + string.Join(", ", keys);
            case "Secret":
                var count = Keys(obj["data"]).Concat(Keys(obj["stringData"])).Distinct().Count();
                return $"{T(obj["type"])}, {count} key{(count == 1 ? "" : "s")}";
            case "Event":
                var reason = T(obj["reason"]);
                var times = obj["count"] ?? obj["deprecatedCount"] ?? obj["series"]?["count"];
                return times is null ? reason : $"{reason} (x{T(times)})";
            case "Service":
                return $"{T(obj["spec"]?["type"])} {T(obj["spec"]?["clusterIP"])}".Trim();
            case "Node":
                var nodeReady = Condition(obj, "Ready");
                var kubelet = T(obj["status"]?["nodeInfo"]?["kubeletVersion"]);
                return string.Join(", ", new[] { nodeReady is null ? null : nodeReady == "True" ? "Ready" : "NotReady", kubelet }.Where(p => !string.IsNullOrEmpty(p)));
            case "Namespace":
                return Or(T(obj["status"]?["phase"]), "Active");
            case "DaemonSet":
                return $"{Or(T(obj["status"]?["numberReady"]), "0")}/{Or(T(obj["status"]?["desiredNumberScheduled"]), "0")} ready";
            case "Job":
                if (Condition(obj, "Complete") == "True") { return "Complete"; }
                if (Condition(obj, "Failed") == "True") { return "Failed"; }
                var completions = obj["spec"]?["completions"] is JsonNode c ? T(c) : "1";
                return $"{(obj["status"]?["succeeded"] is JsonNode sc ? T(sc) : "0")}/{completions} succeeded";
            case "CronJob":
                var suspended = obj["spec"]?["suspend"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
                return $"{T(obj["spec"]?["schedule"])}{(suspended ? " (suspended)" : string.Empty)}";
            case "Lease":
                var holder = T(obj["spec"]?["holderIdentity"]);
                return holder.Length > 0 ? "held by " + holder : "not held";
            case "PersistentVolumeClaim":
            case "PersistentVolume":
                var capacity = T(obj["status"]?["capacity"]?["storage"] ?? obj["spec"]?["capacity"]?["storage"] ?? obj["spec"]?["resources"]?["requests"]?["storage"]);
                return $"{T(obj["status"]?["phase"])} {capacity}".Trim();
            case "HorizontalPodAutoscaler":
                return $"{Or(T(obj["status"]?["currentReplicas"]), "0")} replicas ({Or(T(obj["spec"]?["minReplicas"]), "1")}-{T(obj["spec"]?["maxReplicas"])})";
            case "Endpoints":
                var addresses = (obj["subsets"] as JsonArray ?? []).Sum(subset => (subset?["addresses"] as JsonArray)?.Count ?? 0);
                return $"{addresses} address{(addresses == 1 ? "" : "es")}";
            case "EndpointSlice":
                var endpoints = (obj["endpoints"] as JsonArray)?.Count ?? 0;
                return $"{endpoints} endpoint{(endpoints == 1 ? "" : "s")}";
            case "Role":
            case "ClusterRole":
                var rules = (obj["rules"] as JsonArray)?.Count ?? 0;
                return $"{rules} rule{(rules == 1 ? "" : "s")}";
            case "RoleBinding":
            case "ClusterRoleBinding":
                return $"{T(obj["roleRef"]?["kind"])} {T(obj["roleRef"]?["name"])}".Trim();
            case "RangeAllocation":
                return T(obj["range"]);
            case "ServiceAccount":
                var secrets = (obj["secrets"] as JsonArray)?.Count ?? 0;
                var pull = (obj["imagePullSecrets"] as JsonArray)?.Count ?? 0;
                return $"{secrets} secret{(secrets == 1 ? "" : "s")}{(pull > 0 ? $", {pull} image pull secret{(pull == 1 ? "" : "s")}" : "")}";
            case "CustomResourceDefinition":
                var scope = T(obj["spec"]?["scope"]);
                return $"{T(obj["spec"]?["names"]?["kind"])} ({T(obj["spec"]?["group"])}{(scope.Length > 0 ? ", " + scope : "")})";
            default:
                return Fallback(obj);
        }
    }

    /// <summary>
    /// Custom resources and kinds without their own summary: the Ready (or Available) condition, else status.phase or
    /// status.state, else whether the controller has seen the latest spec (observedGeneration against generation).
    /// </summary>
    private static string Fallback(JsonObject obj)
    {
        string T(JsonNode? n) => KubernetesValueDecoder.Text(n);
        foreach (var type in (ReadOnlySpan<string>)["Ready", "Available"])
        {
            if (ConditionNode(obj, type) is { } condition)
            {
                var status = T(condition["status"]);
                var reason = T(condition["reason"]);
                return status == "True" ? type : $"Not{type}{(reason.Length > 0 ? ": " + reason : "")}";
            }
        }

        var phase = T(obj["status"]?["phase"]);
        if (phase.Length > 0)
        {
            return phase;
        }

        var state = T(obj["status"]?["state"]);
        if (state.Length > 0)
        {
            return state;
        }

        var generation = T(obj["metadata"]?["generation"]);
        var observed = T(obj["status"]?["observedGeneration"]);
        if (generation.Length > 0 && observed.Length > 0)
        {
            return generation == observed ? $"observed generation {observed}" : $"reconciling (generation {generation}, observed {observed})";
        }

        return obj["status"] is JsonObject { Count: > 0 } s ? string.Join(", ", s.Where(p => p.Value is JsonValue).Take(3).Select(p => $"{p.Key}={T(p.Value)}")) : string.Empty;
    }

    private static string Or(string text, string fallback) => text.Length > 0 ? text : fallback;

    private static JsonObject? ConditionNode(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(c => string.Equals(KubernetesValueDecoder.Text(c["type"]), type, StringComparison.Ordinal));

    private static string? Condition(JsonObject obj, string type) =>
        ConditionNode(obj, type) is { } c ? KubernetesValueDecoder.Text(c["status"]) : null;

    private static IEnumerable<string> Keys(JsonNode? node) => node is JsonObject o ? o.Select(p => p.Key) : [];
}
