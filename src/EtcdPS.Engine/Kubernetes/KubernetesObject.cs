using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS;

/// <summary>
/// A Kubernetes object decoded from an etcd value (protobuf, JSON, or encrypted at rest), in the API server's JSON
/// shape. In PowerShell its top-level fields (metadata, spec, status, data, ...) are properties too.
/// </summary>
public sealed class KubernetesObject
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The etcd key the value was read from, when known.</summary>
    public string? Key { get; init; }
    /// <summary>The kind (Pod, Deployment, ...); empty for an encrypted value that could not be decrypted.</summary>
    public string Kind { get; init; } = string.Empty;
    /// <summary>The apiVersion (v1, apps/v1, ...).</summary>
    public string ApiVersion { get; init; } = string.Empty;
    /// <summary>metadata.namespace; empty for cluster-scoped objects.</summary>
    public string Namespace { get; init; } = string.Empty;
    /// <summary>metadata.name.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The ModRevision of the key (Kubernetes' resourceVersion); 0 when not known.</summary>
    public long ModRevision { get; init; }
    /// <summary>How the value was stored: KubernetesProtobuf, Json or KubernetesEncrypted.</summary>
    public ValueKind Encoding { get; init; }
    /// <summary>True when the value was encrypted at rest.</summary>
    public bool Encrypted { get; init; }
    /// <summary>The encryption provider (aescbc, aesgcm, secretbox, kms) of an encrypted value.</summary>
    public string? Provider { get; init; }
    /// <summary>The name of the key the value was encrypted with.</summary>
    public string? KeyName { get; init; }
    /// <summary>True when an encrypted value was decrypted with -EncryptionConfig.</summary>
    public bool Decrypted { get; init; }
    /// <summary>True when Secret data was replaced by a mask (the default; -ShowSecret shows it).</summary>
    public bool SecretMasked { get; init; }
    /// <summary>A one-line summary for common kinds (Pod phase and node, Deployment replicas, ConfigMap keys, ...).</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>The decoded object; null when the value stays encrypted.</summary>
    internal JsonObject? Content { get; init; }

    /// <summary>A copy of the decoded object as a JSON tree (null when it stays encrypted).</summary>
    public JsonNode? ToJsonNode() => Content?.DeepClone();

    /// <summary>The object as JSON (null when it stays encrypted).</summary>
    /// <param name="indented">Indent like kubectl get -o json.</param>
    public string? ToJson(bool indented = true) => Content?.ToJsonString(indented ? s_indented : s_compact);

    /// <inheritdoc />
    public override string ToString()
    {
        if (Content is null)
        {
            return $"encrypted ({Provider}, key {KeyName})";
        }

        var name = Namespace.Length > 0 ? Namespace + "/" + Name : Name;
        return $"{Kind} {name}";
    }
}
