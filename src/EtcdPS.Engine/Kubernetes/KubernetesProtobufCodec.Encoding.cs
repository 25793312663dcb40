using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

// Encoding: JSON back to the bytes the API server writes (fields by number, maps sorted by key).
internal static partial class KubernetesProtobufCodec
{
    private static void EncodeFields(MessageDef message, JsonObject? obj, ProtoWriter w, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"the object nests more than {MaxDepth} levels deep.");
        }

        foreach (var field in message.WireOrder)
        {
            if (field.Inline)
            {
                // An embedded Go struct: its fields live in the parent JSON object; always on the wire.
                var inline = w.BeginLengthDelimited(field.Number);
                if (field.Message is not null)
                {
                    EncodeFields(field.Message, obj, w, depth + 1);
                }

                w.EndLengthDelimited(inline);
                continue;
            }

            JsonNode? node = null;
            var has = obj is not null && obj.TryGetPropertyValue(field.JsonName, out node) && node is not null;
            if (field.Type == ProtoType.Map)
            {
                if (has && node is JsonObject map)
                {
                    foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        var entry = w.BeginLengthDelimited(field.Number);
                        w.Tag(1, WireType.LengthDelimited);
                        w.Bytes(Encoding.UTF8.GetBytes(key));
                        EncodeSingle(2, field.MapValue, field.Message, value, w, depth);
                        w.EndLengthDelimited(entry);
                    }
                }

                continue;
            }

            if (field.Repeated)
            {
                if (has)
                {
                    foreach (var item in node as JsonArray ?? throw new InvalidOperationException($"'{field.JsonName}' must be an array."))
                    {
                        EncodeSingle(field.Number, field.Type, field.Message, item, w, depth);
                    }
                }

                continue;
            }

            // Go writes pointers and byte slices only when set, every other field always.
            if ((field.Pointer || field.Type == ProtoType.Bytes) && !has)
            {
                continue;
            }

            EncodeSingle(field.Number, field.Type, field.Message, node, w, depth);
        }
    }

    private static void EncodeSingle(int number, ProtoType type, MessageDef? message, JsonNode? node, ProtoWriter w, int depth)
    {
        switch (type)
        {
            case ProtoType.String:
                w.Tag(number, WireType.LengthDelimited);
                w.Bytes(Encoding.UTF8.GetBytes(node is null ? string.Empty : AsString(node)));
                break;
            case ProtoType.Bytes:
                w.Tag(number, WireType.LengthDelimited);
                w.Bytes(node is null ? [] : Convert.FromBase64String(AsString(node)));
                break;
            case ProtoType.Bool:
                w.Tag(number, WireType.Varint);
                w.Varint(node is not null && node.GetValue<bool>() ? 1UL : 0UL);
                break;
            case ProtoType.Int32:
            case ProtoType.Int64:
                w.Tag(number, WireType.Varint);
                w.Varint((ulong)(node is null ? 0 : AsLong(node)));
                break;
            case ProtoType.Double:
                w.Tag(number, WireType.Fixed64);
                w.Fixed64(BitConverter.DoubleToUInt64Bits(node is null ? 0 : node.GetValue<double>()));
                break;
            case ProtoType.Message:
                var mark = w.BeginLengthDelimited(number);
                if (message is not null)
                {
                    EncodeValue(message, node, w, depth + 1);
                }

                w.EndLengthDelimited(mark);
                break;
        }
    }

    private static void EncodeValue(MessageDef message, JsonNode? node, ProtoWriter w, int depth)
    {
        switch (message.Special)
        {
            case SpecialForm.None:
                EncodeFields(message, node as JsonObject ?? (node is null ? null : throw new InvalidOperationException($"{message.Name} must be an object.")), w, depth);
                break;
            case SpecialForm.Time:
            case SpecialForm.MicroTime:
                if (node is not null)
                {
                    var (seconds, nanos) = GoFormats.ParseTime(AsString(node));
                    w.Tag(1, WireType.Varint);
                    w.Varint((ulong)seconds);
                    w.Tag(2, WireType.Varint);
                    // metav1.Time keeps whole seconds; MicroTime keeps microseconds.
                    w.Varint(message.Special == SpecialForm.Time ? 0UL : (ulong)(nanos / 1000 * 1000));
                }

                break;
            case SpecialForm.Duration:
                w.Tag(1, WireType.Varint);
                w.Varint((ulong)(node is null ? 0 : GoFormats.ParseDuration(AsString(node))));
                break;
            case SpecialForm.Quantity:
                w.Tag(1, WireType.LengthDelimited);
                w.Bytes(Encoding.UTF8.GetBytes(node is null ? "0" : AsString(node)));
                break;
            case SpecialForm.IntOrString:
                var isString = node is JsonValue v && v.GetValueKind() == JsonValueKind.String;
                w.Tag(1, WireType.Varint);
                w.Varint(isString ? 1UL : 0UL);
                w.Tag(2, WireType.Varint);
                w.Varint(isString || node is null ? 0UL : (ulong)AsLong(node));
                w.Tag(3, WireType.LengthDelimited);
                w.Bytes(Encoding.UTF8.GetBytes(isString ? AsString(node!) : string.Empty));
                break;
            case SpecialForm.EmbeddedJson:
                if (node is not null)
                {
                    w.Tag(1, WireType.LengthDelimited);
                    w.Bytes(JsonSerializer.SerializeToUtf8Bytes(node, s_embedded));
                }

                break;
            case SpecialForm.GroupVersion:
                var text = node is null ? string.Empty : AsString(node);
                var slash = text.IndexOf('/', StringComparison.Ordinal);
                w.Tag(1, WireType.LengthDelimited);
                w.Bytes(Encoding.UTF8.GetBytes(slash < 0 ? string.Empty : text[..slash]));
                w.Tag(2, WireType.LengthDelimited);
                w.Bytes(Encoding.UTF8.GetBytes(slash < 0 ? text : text[(slash + 1)..]));
                break;
            case SpecialForm.ArrayWrapper:
                if (node is JsonArray items)
                {
                    foreach (var item in items)
                    {
                        w.Tag(1, WireType.LengthDelimited);
                        w.Bytes(Encoding.UTF8.GetBytes(item is null ? string.Empty : AsString(item)));
                    }
                }

                break;
            case SpecialForm.SchemaOrArray:
            case SpecialForm.SchemaOrStringArray:
                if (node is JsonArray array)
                {
                    var second = message.Field(2)!;
                    foreach (var item in array)
                    {
                        EncodeSingle(2, second.Type, second.Message, item, w, depth);
                    }
                }
                else if (node is JsonObject)
                {
                    EncodeSingle(1, ProtoType.Message, message.Field(1)!.Message, node, w, depth);
                }

                break;
            case SpecialForm.SchemaOrBool:
                var isSchema = node is JsonObject;
                w.Tag(1, WireType.Varint);
                w.Varint(isSchema || (node is not null && node.GetValue<bool>()) ? 1UL : 0UL);
                if (isSchema)
                {
                    EncodeSingle(2, ProtoType.Message, message.Field(2)!.Message, node, w, depth);
                }

                break;
        }
    }

    private static string AsString(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : node.ToJsonString();

    private static long AsLong(JsonNode node)
    {
        var value = node.AsValue();
        if (value.TryGetValue<long>(out var l)) { return l; }
        if (value.TryGetValue<int>(out var i)) { return i; }
        if (value.TryGetValue<double>(out var d)) { return (long)d; }
        if (value.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) { return parsed; }
        if (value.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number) { return e.GetInt64(); }
        throw new InvalidOperationException($"'{node.ToJsonString()}' is not an integer.");
    }
}
