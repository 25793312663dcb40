using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

// Decoding: protobuf fields to JSON in Go struct order, with encoding/json's omission rules.
internal static partial class KubernetesProtobufCodec
{
    /// <summary>Decodes one message's fields into <paramref name="target"/> in declaration order, applying Go's JSON omission rules.</summary>
    private static void DecodeInto(MessageDef message, ReadOnlySpan<byte> data, JsonObject target, int depth, string? fillResourceVersion = null)
    {
        CheckDepth(depth);
        var fields = message.Fields;
        var values = new JsonNode?[fields.Length];
        var present = new bool[fields.Length];
        (int Start, int Length)[]? inline = null;

        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            var field = message.Field(number);
            if (field is null)
            {
                // Fields removed from the API (or added after the table) are skipped, as the API server does.
                reader.Skip(wire);
                continue;
            }

            var i = field.Index;
            if (field.Inline)
            {
                if (wire != WireType.LengthDelimited)
                {
                    reader.Skip(wire);
                    continue;
                }

                var bytes = reader.ReadLengthDelimited();
                inline ??= new (int, int)[fields.Length];
                inline[i] = (reader.Position - bytes.Length, bytes.Length);
                present[i] = true;
                continue;
            }

            if (field.Type == ProtoType.Map)
            {
                if (wire != WireType.LengthDelimited)
                {
                    reader.Skip(wire);
                    continue;
                }

                var map = (JsonObject?)values[i] ?? new JsonObject();
                values[i] = map;
                present[i] = true;
                var (key, value) = DecodeMapEntry(field, reader.ReadLengthDelimited(), depth);
                map[key] = value;
                continue;
            }

            if (field.Repeated)
            {
                var array = (JsonArray?)values[i] ?? new JsonArray();
                values[i] = array;
                present[i] = true;
                if (wire == WireType.LengthDelimited && field.Type is ProtoType.Int32 or ProtoType.Int64 or ProtoType.Bool or ProtoType.Double)
                {
                    var packed = new ProtoReader(reader.ReadLengthDelimited());
                    var packedWire = field.Type == ProtoType.Double ? WireType.Fixed64 : WireType.Varint;
                    while (!packed.End)
                    {
                        array.Add(ReadScalar(field.Type, field.Message, packedWire, ref packed, depth));
                    }
                }
                else if (WireMatches(field.Type, wire))
                {
                    array.Add(ReadScalar(field.Type, field.Message, wire, ref reader, depth));
                }
                else
                {
                    reader.Skip(wire);
                }

                continue;
            }

            if (!WireMatches(field.Type, wire))
            {
                reader.Skip(wire);
                continue;
            }

            JsonNode? node;
            if (fillResourceVersion is not null && depth == 1 && field.Message == FieldTable.Default.ObjectMeta)
            {
                // The object's own metadata (not a template's): fill resourceVersion while decoding it.
                var meta = new JsonObject();
                DecodeInto(field.Message, reader.ReadLengthDelimited(), meta, depth + 1, fillResourceVersion);
                node = meta;
            }
            else
            {
                node = ReadScalar(field.Type, field.Message, wire, ref reader, depth);
            }

            if (field.OmitEmpty && !field.Pointer && !field.Removed && field.Type != ProtoType.Message && IsEmptyScalar(node))
            {
                // On the wire because Go writes every non-pointer field; omitempty drops it from JSON.
                values[i] = null;
                present[i] = false;
                continue;
            }

            values[i] = node;
            present[i] = true;
        }

        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (field.Inline)
            {
                var slice = inline is not null && present[i] ? data.Slice(inline[i].Start, inline[i].Length) : default;
                if (field.Message is { } embedded)
                {
                    DecodeInto(embedded, slice, target, depth + 1);
                }

                continue;
            }

            if (present[i])
            {
                var node = values[i];
                if (field.OmitZero && IsZero(node))
                {
                    continue;
                }

                target[field.JsonName] = node;
                continue;
            }

            if (field.Removed)
            {
                // Removed from the API: shown only when the object carries it.
                continue;
            }

            if (fillResourceVersion is not null && depth == 2 && field.JsonName == "resourceVersion" && message == FieldTable.Default.ObjectMeta)
            {
                target["resourceVersion"] = fillResourceVersion;
                continue;
            }

            if (field.Pointer || field.Repeated || field.Type is ProtoType.Map or ProtoType.Bytes)
            {
                // A nil pointer, slice or map: omitempty drops it, otherwise Go writes null.
                if (!field.OmitEmpty)
                {
                    target[field.JsonName] = null;
                }

                continue;
            }

            if (field.Type == ProtoType.Message)
            {
                // A Go struct: omitempty has no effect, omitzero drops a zero value.
                var zero = field.Message is null ? null : DecodeValue(field.Message, default, depth + 1);
                if (!(field.OmitZero && IsZero(zero)))
                {
                    target[field.JsonName] = zero;
                }

                continue;
            }

            if (!field.OmitEmpty)
            {
                target[field.JsonName] = ZeroScalar(field.Type);
            }
        }
    }

    private static (string Key, JsonNode? Value) DecodeMapEntry(FieldDef field, ReadOnlySpan<byte> entry, int depth)
    {
        var key = string.Empty;
        JsonNode? value = null;
        var hasValue = false;
        var reader = new ProtoReader(entry);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1 && wire == WireType.LengthDelimited)
            {
                key = Utf8(reader.ReadLengthDelimited());
            }
            else if (number == 2 && WireMatches(field.MapValue, wire))
            {
                value = ReadScalar(field.MapValue, field.Message, wire, ref reader, depth);
                hasValue = true;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (!hasValue)
        {
            value = field.MapValue switch
            {
                ProtoType.Message when field.Message is not null => DecodeValue(field.Message, default, depth + 1),
                ProtoType.Bytes => null,
                _ => ZeroScalar(field.MapValue),
            };
        }

        return (key, value);
    }

    private static bool WireMatches(ProtoType type, WireType wire) => type switch
    {
        ProtoType.String or ProtoType.Bytes or ProtoType.Message or ProtoType.Map => wire == WireType.LengthDelimited,
        ProtoType.Double => wire == WireType.Fixed64,
        _ => wire == WireType.Varint,
    };

    private static JsonNode? ReadScalar(ProtoType type, MessageDef? message, WireType wire, ref ProtoReader reader, int depth)
    {
        switch (type)
        {
            case ProtoType.String:
                return JsonValue.Create(Utf8(reader.ReadLengthDelimited()));
            case ProtoType.Bytes:
                return JsonValue.Create(Convert.ToBase64String(reader.ReadLengthDelimited()));
            case ProtoType.Message:
                var bytes = reader.ReadLengthDelimited();
                return message is null ? JsonValue.Create(Convert.ToBase64String(bytes)) : DecodeValue(message, bytes, depth + 1);
            case ProtoType.Bool:
                return JsonValue.Create(reader.ReadVarint() != 0);
            case ProtoType.Int32:
                return JsonValue.Create((int)reader.ReadVarint());
            case ProtoType.Int64:
                return JsonValue.Create((long)reader.ReadVarint());
            case ProtoType.Double:
                return JsonValue.Create(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
            default:
                reader.Skip(wire);
                return null;
        }
    }

    private static bool IsEmptyScalar(JsonNode? node) => node switch
    {
        null => true,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<int>(out var i) => i == 0,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        JsonValue v when v.TryGetValue<double>(out var d) => d == 0,
        _ => false,
    };

    private static bool IsZero(JsonNode? node) => node is null || (node is JsonObject o && o.Count == 0);

    private static JsonNode ZeroScalar(ProtoType type) => type switch
    {
        ProtoType.String => JsonValue.Create(string.Empty),
        ProtoType.Bool => JsonValue.Create(false),
        ProtoType.Int32 => JsonValue.Create(0),
        ProtoType.Int64 => JsonValue.Create(0L),
        ProtoType.Double => JsonValue.Create(0d),
        _ => JsonValue.Create(string.Empty),
    };
}
