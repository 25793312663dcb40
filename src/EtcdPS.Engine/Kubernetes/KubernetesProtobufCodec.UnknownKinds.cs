using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

// Decoding objects of kinds the table does not know: metadata, then raw field numbers.
internal static partial class KubernetesProtobufCodec
{
    /// <summary>An object whose kind the table does not know: metadata (field 1) decoded, the rest by field number.</summary>
    private static void DecodeUnknownKind(ReadOnlySpan<byte> data, JsonObject target)
    {
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1 && wire == WireType.LengthDelimited)
            {
                target["metadata"] = DecodeValue(FieldTable.Default.ObjectMeta, reader.ReadLengthDelimited(), 2);
                continue;
            }

            AddRaw(target, number, RawField(wire, ref reader, 2));
        }
    }

    private static void AddRaw(JsonObject target, int number, JsonNode? node)
    {
        // RawField never returns an array, so an array under the key means the field repeats.
        var key = number.ToString(CultureInfo.InvariantCulture);
        if (!target.TryGetPropertyValue(key, out var previous))
        {
            target[key] = node;
        }
        else if (previous is JsonArray list)
        {
            list.Add(node);
        }
        else
        {
            target.Remove(key);
            target[key] = new JsonArray(previous, node);
        }
    }

    private static JsonNode? RawField(WireType wire, ref ProtoReader reader, int depth)
    {
        CheckDepth(depth);
        switch (wire)
        {
            case WireType.Varint:
                return JsonValue.Create(reader.ReadVarint());
            case WireType.Fixed64:
                return JsonValue.Create(reader.ReadFixed64());
            case WireType.Fixed32:
                return JsonValue.Create(reader.ReadFixed32());
            case WireType.LengthDelimited:
                var bytes = reader.ReadLengthDelimited();
                if (LooksLikeText(bytes))
                {
                    return JsonValue.Create(Encoding.UTF8.GetString(bytes));
                }

                if (TryRawMessage(bytes, depth + 1) is { } nested)
                {
                    return nested;
                }

                return JsonValue.Create(Convert.ToBase64String(bytes));
            default:
                reader.Skip(wire);
                return null;
        }
    }

    private static JsonObject? TryRawMessage(ReadOnlySpan<byte> bytes, int depth)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        try
        {
            var obj = new JsonObject();
            DecodeUnknownMessage(bytes, obj, depth);
            return obj;
        }
        catch (ProtoFormatException)
        {
            // Not a message after all (or too deep to guess at): the caller shows the bytes as base64.
            return null;
        }
    }

    private static void DecodeUnknownMessage(ReadOnlySpan<byte> data, JsonObject target, int depth)
    {
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (wire is WireType.StartGroup or WireType.EndGroup or (WireType)6 or (WireType)7)
            {
                throw new ProtoFormatException("Not a message.");
            }

            AddRaw(target, number, RawField(wire, ref reader, depth));
        }
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t')
            {
                return false;
            }
        }

        return true;
    }
}
