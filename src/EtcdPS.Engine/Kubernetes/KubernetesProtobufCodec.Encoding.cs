using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

// Encoding: JSON back to the bytes the API server writes (fields by number, maps sorted by key).
internal static partial class KubernetesProtobufCodec
{
    private static void EncodeFields(MessageDef message, JsonObject? obj, ProtoWriter w, int depth, int version, bool strict)
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
                    EncodeFields(field.Message, obj, w, depth + 1, version, strict);
                }

                w.EndLengthDelimited(inline);
                continue;
            }

            JsonNode? node = null;
            var has = obj is not null && obj.TryGetPropertyValue(field.JsonName, out node) && node is not null;
            if (field.Since > version && (!has || (!field.Pointer && IsZeroJson(node))))
            {
                // Added after the Kubernetes version written for: that API server does not write its zero value
                // (a value the object has is kept, as later code that wrote it did).
                continue;
            }

            try
            {
                EncodeField(field, node, has, w, depth, version, strict);
            }
            catch (InvalidOperationException ex)
            {
                throw AtField(field.JsonName, ex);
            }
        }
    }

    private static void EncodeField(FieldDef field, JsonNode? node, bool has, ProtoWriter w, int depth, int version, bool strict)
    {
        if (field.Type == ProtoType.Map)
        {
            if (has)
            {
                var map = node as JsonObject ?? throw new InvalidOperationException($"expected an object (a map), got {Shorten(node!)}.");
                // Go's protobuf marshaller writes map entries sorted by key.
                foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var entry = w.BeginLengthDelimited(field.Number);
                    w.Tag(1, WireType.LengthDelimited);
                    w.Bytes(Encoding.UTF8.GetBytes(key));
                    try
                    {
                        EncodeSingle(2, field.MapValue, field.Message, value, w, depth, version, strict);
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw AtField(key, ex);
                    }

                    w.EndLengthDelimited(entry);
                }
            }

            return;
        }

        if (field.Repeated)
        {
            if (has)
            {
                var items = node as JsonArray ?? throw new InvalidOperationException($"expected an array, got {Shorten(node!)}.");
                for (var i = 0; i < items.Count; i++)
                {
                    try
                    {
                        // Repeated scalars are written unpacked, as go-to-protobuf's proto2 marshaller does.
                        EncodeSingle(field.Number, field.Type, field.Message, items[i], w, depth, version, strict);
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw AtField("[" + i.ToString(CultureInfo.InvariantCulture) + "]", ex);
                    }
                }
            }

            return;
        }

        // Go writes pointers and byte slices only when set, every other field always (zero values included). A field
        // removed before the version written for exists only in objects that carry it.
        if ((field.Pointer || field.Type == ProtoType.Bytes || version >= field.RemovedInMinor) && !has)
        {
            return;
        }

        EncodeSingle(field.Number, field.Type, field.Message, node, w, depth, version, strict);
    }

    /// <summary>Puts the JSON path of the field in front of an encoding error ("spec.replicas: expected an integer").</summary>
    private static InvalidOperationException AtField(string name, InvalidOperationException inner) =>
        inner is FieldPathException path
            ? new FieldPathException(name + (path.Path.StartsWith('[') ? "" : ".") + path.Path, path.Reason)
            : new FieldPathException(name, inner.Message);

    private sealed class FieldPathException(string path, string reason) : InvalidOperationException($"{path}: {reason}")
    {
        public string Path { get; } = path;
        public string Reason { get; } = reason;
    }

    private static void EncodeSingle(int number, ProtoType type, MessageDef? message, JsonNode? node, ProtoWriter w, int depth, int version, bool strict)
    {
        switch (type)
        {
            case ProtoType.String:
                w.Tag(number, WireType.LengthDelimited);
                w.Bytes(Encoding.UTF8.GetBytes(node is null ? string.Empty : StrictString(node)));
                break;
            case ProtoType.Bytes:
                w.Tag(number, WireType.LengthDelimited);
                w.Bytes(node is null ? [] : Base64(StrictString(node)));
                break;
            case ProtoType.Bool:
                w.Tag(number, WireType.Varint);
                w.Varint(node is not null && StrictBool(node) ? 1UL : 0UL);
                break;
            case ProtoType.Int32:
                w.Tag(number, WireType.Varint);
                var int32 = node is null ? 0 : AsLong(node);
                if (int32 is < int.MinValue or > int.MaxValue)
                {
                    throw new InvalidOperationException($"{int32} does not fit a 32-bit integer.");
                }

                w.Varint((ulong)int32);
                break;
            case ProtoType.Int64:
                w.Tag(number, WireType.Varint);
                w.Varint((ulong)(node is null ? 0 : AsLong(node)));
                break;
            case ProtoType.Double:
                w.Tag(number, WireType.Fixed64);
                w.Fixed64(BitConverter.DoubleToUInt64Bits(node is null ? 0 : AsDouble(node)));
                break;
            case ProtoType.Message:
                var mark = w.BeginLengthDelimited(number);
                if (message is not null)
                {
                    EncodeValue(message, node, w, depth + 1, version, strict);
                }

                w.EndLengthDelimited(mark);
                break;
        }
    }

    private static void EncodeValue(MessageDef message, JsonNode? node, ProtoWriter w, int depth, int version, bool strict)
    {
        switch (message.Special)
        {
            case SpecialForm.None:
                var obj = node as JsonObject ?? (node is null ? null : throw new InvalidOperationException($"expected an object ({ShortName(message)}), got {Shorten(node)}."));
                if (strict)
                {
                    RejectUnknownFields(message, obj, null);
                }
                EncodeFields(message, obj, w, depth, version, strict);
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
                        EncodeSingle(2, second.Type, second.Message, item, w, depth, version, strict);
                    }
                }
                else if (node is JsonObject)
                {
                    EncodeSingle(1, ProtoType.Message, message.Field(1)!.Message, node, w, depth, version, strict);
                }

                break;
            case SpecialForm.SchemaOrBool:
                var isSchema = node is JsonObject;
                w.Tag(1, WireType.Varint);
                w.Varint(isSchema || (node is not null && node.GetValue<bool>()) ? 1UL : 0UL);
                if (isSchema)
                {
                    EncodeSingle(2, ProtoType.Message, message.Field(2)!.Message, node, w, depth, version, strict);
                }

                break;
        }
    }

    /// <summary>A JSON key the message does not have is a typo or a field of another kind: refuse, as kubectl's strict decoding does.</summary>
    private static void RejectUnknownFields(MessageDef message, JsonObject? obj, string[]? allowed)
    {
        if (obj is null)
        {
            return;
        }

        foreach (var (name, _) in obj)
        {
            if (!message.JsonNames.Contains(name) && (allowed is null || !allowed.Contains(name)))
            {
                throw new InvalidOperationException($"{ShortName(message)} has no field '{name}'.");
            }
        }
    }

    private static bool IsZeroJson(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.All(p => IsZeroJson(p.Value)),
        JsonArray a => a.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            JsonValueKind.False or JsonValueKind.Null => true,
            JsonValueKind.Number => v.ToJsonString() is "0" or "0.0",
            _ => false,
        },
        _ => false,
    };

    private static string ShortName(MessageDef message) => message.Name[(message.Name.LastIndexOf('.') + 1)..];

    private static string Shorten(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length > 40 ? text[..40] + "..." : text;
    }

    private static string AsString(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : node.ToJsonString();

    private static long AsLong(JsonNode node)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            if (value.TryGetValue<long>(out var l)) { return l; }
            if (value.TryGetValue<int>(out var i)) { return i; }
            if (value.TryGetValue<JsonElement>(out var e) && e.TryGetInt64(out var fromElement)) { return fromElement; }
            if (value.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18) { return (long)d; }
            if (value.TryGetValue<decimal>(out var m) && m == decimal.Truncate(m) && m is >= long.MinValue and <= long.MaxValue) { return (long)m; }
            if (long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) { return parsed; }
        }

        throw new InvalidOperationException($"expected an integer, got {Shorten(node)}.");
    }

    private static double AsDouble(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"expected a number, got {Shorten(node)}.");

    private static string StrictString(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new InvalidOperationException($"expected a string, got {Shorten(node)}.");

    private static bool StrictBool(JsonNode node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidOperationException($"expected true or false, got {Shorten(node)}."),
        }
        : throw new InvalidOperationException($"expected true or false, got {Shorten(node)}.");

    private static byte[] Base64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("expected base64 data.");
        }
    }
}
