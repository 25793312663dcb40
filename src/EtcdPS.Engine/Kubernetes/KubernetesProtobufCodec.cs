using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// Turns the protobuf values the Kubernetes API server keeps in etcd into the JSON the API server itself would
/// print, and back, driven entirely by <see cref="FieldTable"/> (no per-kind code).
/// </summary>
internal static class KubernetesProtobufCodec
{
    /// <summary>Deepest nesting of messages (and embedded JSON) the codec follows before it gives up.</summary>
    public const int MaxDepth = 100;

    /// <summary>The 4 bytes every protobuf value starts with: "k8s\0".</summary>
    public static ReadOnlySpan<byte> Magic => [0x6b, 0x38, 0x73, 0x00];

    private static readonly JsonSerializerOptions s_embedded = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions s_parseOptions = new() { MaxDepth = MaxDepth };
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>
    /// Decodes a full storage value (magic + runtime.Unknown) into the API server's JSON shape: kind and apiVersion
    /// first, then the object's fields in Go struct order. Unknown kinds give metadata plus raw field numbers.
    /// </summary>
    /// <exception cref="ProtoFormatException">The bytes are not a readable Kubernetes protobuf value.</exception>
    public static JsonObject Decode(ReadOnlySpan<byte> value) => Decode(value, null);

    /// <summary>
    /// Decodes like <see cref="Decode(ReadOnlySpan{byte})"/>, and puts <paramref name="resourceVersion"/> into an empty
    /// metadata.resourceVersion (in its place among the metadata keys), as the API server does when it reads.
    /// </summary>
    public static JsonObject Decode(ReadOnlySpan<byte> value, string? resourceVersion)
    {
        var envelope = ReadEnvelope(value, out var raw);
        if (envelope.ContentEncoding.Length > 0)
        {
            throw new ProtoFormatException($"The object is stored with content encoding '{envelope.ContentEncoding}', which is not supported.");
        }

        var result = new JsonObject
        {
            ["kind"] = envelope.Kind,
            ["apiVersion"] = envelope.ApiVersion,
        };
        var table = FieldTable.Default;
        if (table.ForKind(envelope.ApiVersion, envelope.Kind) is { } message)
        {
            DecodeInto(message, raw, result, 1, resourceVersion);
        }
        else
        {
            DecodeUnknownKind(raw, result);
        }

        return result;
    }

    /// <summary>Reads only the envelope: apiVersion, kind and the encodings, and the object's raw bytes.</summary>
    public static (string ApiVersion, string Kind, string ContentEncoding, string ContentType) ReadEnvelope(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> raw)
    {
        if (!value.StartsWith(Magic))
        {
            throw new ProtoFormatException("The value does not start with the Kubernetes protobuf magic bytes 6b 38 73 00 (\"k8s\\0\").");
        }

        string apiVersion = string.Empty, kind = string.Empty, encoding = string.Empty, contentType = string.Empty;
        raw = default;
        var seenRaw = false;
        var reader = new ProtoReader(value[Magic.Length..]);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (wire != WireType.LengthDelimited || field > 4)
            {
                reader.Skip(wire);
                continue;
            }

            var bytes = reader.ReadLengthDelimited();
            switch (field)
            {
                case 1:
                    var typeMeta = new ProtoReader(bytes);
                    while (!typeMeta.End)
                    {
                        var (f, w) = typeMeta.ReadTag();
                        if (w == WireType.LengthDelimited && f is 1 or 2)
                        {
                            var text = Utf8(typeMeta.ReadLengthDelimited());
                            if (f == 1) { apiVersion = text; } else { kind = text; }
                        }
                        else
                        {
                            typeMeta.Skip(w);
                        }
                    }

                    break;
                case 2:
                    raw = bytes;
                    seenRaw = true;
                    break;
                case 3:
                    encoding = Utf8(bytes);
                    break;
                case 4:
                    contentType = Utf8(bytes);
                    break;
            }
        }

        if (kind.Length == 0 && !seenRaw)
        {
            throw new ProtoFormatException("The runtime.Unknown envelope after the magic bytes has neither a kind nor an object.");
        }

        return (apiVersion, kind, encoding, contentType);
    }

    /// <summary>
    /// Encodes an object in the API server's JSON shape (kind and apiVersion at the top) into the exact bytes the
    /// API server writes to etcd: magic, then runtime.Unknown with the object's protobuf in field 2.
    /// </summary>
    /// <exception cref="ArgumentException">No kind/apiVersion, a kind the table does not know, or a value of the wrong type.</exception>
    public static byte[] Encode(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var kind = StringProperty(obj, "kind");
        var apiVersion = StringProperty(obj, "apiVersion");
        var message = FieldTable.Default.ForKind(apiVersion, kind)
            ?? throw new ArgumentException($"The kind {apiVersion}/{kind} has no protobuf message in the field table.", nameof(obj));

        var w = new ProtoWriter(1024);
        w.Raw(Magic);
        var typeMeta = w.BeginLengthDelimited(1);
        w.Tag(1, WireType.LengthDelimited);
        w.Bytes(Encoding.UTF8.GetBytes(apiVersion));
        w.Tag(2, WireType.LengthDelimited);
        w.Bytes(Encoding.UTF8.GetBytes(kind));
        w.EndLengthDelimited(typeMeta);
        var raw = w.BeginLengthDelimited(2);
        try
        {
            EncodeFields(message, obj, w, 1);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"The {kind} cannot be encoded: {ex.Message}", nameof(obj), ex);
        }

        w.EndLengthDelimited(raw);
        // contentEncoding and contentType are written even when empty, as the API server does.
        w.Tag(3, WireType.LengthDelimited);
        w.Varint(0);
        w.Tag(4, WireType.LengthDelimited);
        w.Varint(0);
        return w.ToArray();
    }

    private static string StringProperty(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text
            ? text
            : throw new ArgumentException($"The object has no '{name}' string.", nameof(obj));

    // ----- decoding -----

    private static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProtoFormatException($"The object nests more than {MaxDepth} levels deep; decoding stops there (depth limit).");
        }
    }

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

            if (field.OmitEmpty && !field.Pointer && field.Type != ProtoType.Message && IsEmptyScalar(node))
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
                return SchemaOr(message, data, depth, preferArrayField: true);
            case SpecialForm.SchemaOrStringArray:
                return SchemaOr(message, data, depth, preferArrayField: true);
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

    private static JsonNode? SchemaOr(MessageDef message, ReadOnlySpan<byte> data, int depth, bool preferArrayField)
    {
        var arrayField = message.Field(2)!;
        var array = new JsonArray();
        var reader = new ProtoReader(data);
        byte[]? schema = null;
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 2 && wire == WireType.LengthDelimited && preferArrayField)
            {
                array.Add(ReadScalar(arrayField.Type, arrayField.Message, wire, ref reader, depth));
            }
            else if (number == 1 && wire == WireType.LengthDelimited)
            {
                schema = reader.ReadLengthDelimited().ToArray();
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

        return schema is not null && message.Field(1)?.Message is { } schemaMessage ? DecodeValue(schemaMessage, schema, depth + 1) : null;
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

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ProtoFormatException("A string field holds bytes that are not UTF-8 (not a Kubernetes object, or corrupted).");
        }
    }

    // ----- encoding -----

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
