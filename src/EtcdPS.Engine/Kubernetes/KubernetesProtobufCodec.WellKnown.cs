using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

// Decoding the well-known messages whose JSON is not an object (Time, Quantity, IntOrString, ...).
internal static partial class KubernetesProtobufCodec
{
    /// <summary>The JSON value of one message, honouring the special forms of the well-known types.</summary>
    private static JsonNode? DecodeValue(MessageDef message, ReadOnlySpan<byte> data, int depth)
    {
        CheckDepth(depth);
        switch (message.Special)
        {
            case SpecialForm.None:
                var obj = new JsonObject();
                DecodeInto(message, data, obj, depth);
                return obj;
            case SpecialForm.Time:
                // Empty is Go's zero time, written as null; the API server keeps whole seconds only.
                return data.IsEmpty ? null : JsonValue.Create(GoFormats.FormatTime(ReadInt(data, 1)));
            case SpecialForm.MicroTime:
                return data.IsEmpty ? null : JsonValue.Create(GoFormats.FormatMicroTime(ReadInt(data, 1), (int)ReadInt(data, 2)));
            case SpecialForm.Duration:
                return JsonValue.Create(GoFormats.FormatDuration(ReadInt(data, 1)));
            case SpecialForm.Quantity:
                var quantity = ReadString(data, 1);
                return JsonValue.Create(string.IsNullOrEmpty(quantity) ? "0" : quantity);
            case SpecialForm.IntOrString:
                return ReadInt(data, 1) == 1
                    ? JsonValue.Create(ReadString(data, 3) ?? string.Empty)
                    : JsonValue.Create((int)ReadInt(data, 2));
            case SpecialForm.EmbeddedJson:
                return EmbeddedJson(ReadBytes(data, 1));
            case SpecialForm.GroupVersion:
                var group = ReadString(data, 1) ?? string.Empty;
                var version = ReadString(data, 2) ?? string.Empty;
                return JsonValue.Create(group.Length == 0 ? version : group + "/" + version);
            case SpecialForm.ArrayWrapper:
                var items = ReadStrings(data, 1);
                return items;
            case SpecialForm.SchemaOrArray:
            case SpecialForm.SchemaOrStringArray:
                return SchemaOrArray(message, data, depth);
            case SpecialForm.SchemaOrBool:
                var schema = ReadBytes(data, 2, out var hasSchema);
                if (hasSchema && message.Field(2)?.Message is { } schemaMessage)
                {
                    return DecodeValue(schemaMessage, schema, depth + 1);
                }

                return JsonValue.Create(ReadInt(data, 1) != 0);
            default:
                return null;
        }
    }

    // JSONSchemaPropsOrArray / OrStringArray: the array (field 2) when it has items, otherwise the schema (field 1).
    private static JsonNode? SchemaOrArray(MessageDef message, ReadOnlySpan<byte> data, int depth)
    {
        var arrayField = message.Field(2)!;
        var array = new JsonArray();
        var reader = new ProtoReader(data);
        ReadOnlySpan<byte> schema = default;
        var hasSchema = false;
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 2 && wire == WireType.LengthDelimited)
            {
                array.Add(ReadScalar(arrayField.Type, arrayField.Message, wire, ref reader, depth));
            }
            else if (number == 1 && wire == WireType.LengthDelimited)
            {
                schema = reader.ReadLengthDelimited();
                hasSchema = true;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (array.Count > 0)
        {
            return array;
        }

        return hasSchema && message.Field(1)?.Message is { } schemaMessage ? DecodeValue(schemaMessage, schema, depth + 1) : null;
    }

    private static JsonNode? EmbeddedJson(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes, documentOptions: s_parseOptions);
        }
        catch (JsonException)
        {
            // CBOR or otherwise not JSON: keep the bytes visible rather than fail the whole object.
            return JsonValue.Create(Convert.ToBase64String(bytes));
        }
    }

    private static long ReadInt(ReadOnlySpan<byte> data, int field)
    {
        long result = 0;
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == field && wire == WireType.Varint)
            {
                result = (long)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return result;
    }

    private static string? ReadString(ReadOnlySpan<byte> data, int field)
    {
        var bytes = ReadBytes(data, field, out var found);
        return found ? Utf8(bytes) : null;
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> data, int field) => ReadBytes(data, field, out _);

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> data, int field, out bool found)
    {
        ReadOnlySpan<byte> result = default;
        found = false;
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == field && wire == WireType.LengthDelimited)
            {
                result = reader.ReadLengthDelimited();
                found = true;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return result;
    }

    private static JsonArray? ReadStrings(ReadOnlySpan<byte> data, int field)
    {
        JsonArray? items = null;
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == field && wire == WireType.LengthDelimited)
            {
                (items ??= []).Add(JsonValue.Create(Utf8(reader.ReadLengthDelimited())));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return items;
    }
}
