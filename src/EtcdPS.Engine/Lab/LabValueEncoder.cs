using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Engine.Lab;

/// <summary>
/// Turns the lab's objects into the bytes the API server would store: built-in kinds in the Kubernetes protobuf
/// encoding (k8s\0 envelope), custom resources and CRDs as JSON, as a real cluster stores them. <see cref="Decode"/>
/// reads back what the lab wrote (the tests check the seeded objects through it whatever the encoding).
/// </summary>
internal static class LabValueEncoder
{
    private static readonly JsonSerializerOptions s_compact = new() { WriteIndented = false };

    /// <summary>A built-in object (Pod, Deployment, ...).</summary>
    public static byte[] Encode(JsonObject value) => KubernetesProtobufCodec.Encode(value);

    /// <summary>A CustomResourceDefinition or a custom resource: JSON, as the API server stores them.</summary>
    public static byte[] EncodeCustom(JsonObject value) => EncodeJson(value);

    /// <summary>An object the lab wrote, back as a tree.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> value) => value.StartsWith(KubernetesProtobufCodec.Magic)
        ? KubernetesProtobufCodec.Decode(value)
        : JsonNode.Parse(value)?.AsObject() ?? throw new InvalidDataException("The value is JSON null, not an object.");

    private static byte[] EncodeJson(JsonObject value) =>
        // The API server's JSON serializer ends each object with a newline.
        Encoding.UTF8.GetBytes(value.ToJsonString(s_compact) + "\n");
}
