using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

internal static partial class KubernetesProtobufCodec
{
    /// <summary>
    /// Decodes only the envelope and <c>metadata</c> (field 1 of every top-level object) of a storage value: what a
    /// label, owner or metadata field selector needs, at a fraction of the cost of the whole object (a Pod's spec
    /// and status are most of its bytes). The result has kind, apiVersion and metadata.
    /// </summary>
    /// <exception cref="ProtoFormatException">The bytes are not a readable Kubernetes protobuf value.</exception>
    public static JsonObject DecodeMetadata(ReadOnlySpan<byte> value)
    {
        var envelope = ReadEnvelope(value, out var raw);
        var result = new JsonObject { ["kind"] = envelope.Kind, ["apiVersion"] = envelope.ApiVersion };
        var reader = new ProtoReader(raw);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                var metadata = new JsonObject();
                DecodeInto(FieldTable.Default.ObjectMeta, reader.ReadLengthDelimited(), metadata, 2);
                result["metadata"] = metadata;
                break;
            }

            reader.Skip(wire);
        }

        return result;
    }
}
