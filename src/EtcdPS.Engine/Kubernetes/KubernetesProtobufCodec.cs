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
internal static partial class KubernetesProtobufCodec
{
    /// <summary>Deepest nesting of messages (and embedded JSON) the codec follows before it gives up.</summary>
    public const int MaxDepth = 100;

    /// <summary>The 4 bytes every protobuf value starts with: "k8s\0".</summary>
    public static ReadOnlySpan<byte> Magic => [0x6b, 0x38, 0x73, 0x00];

    private static readonly JsonSerializerOptions s_embedded = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions s_parseOptions = new() { MaxDepth = MaxDepth };
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);
    private static readonly string[] s_typeMetaKeys = ["apiVersion", "kind"];

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
    /// <remarks>Keys the kind does not have are ignored here (the lab's seed data); the user-facing encoder is strict.</remarks>
    public static byte[] Encode(JsonObject obj) => Encode(obj, FieldTable.Head, clampRemovedKinds: true, strict: false);

    /// <summary>
    /// Encodes like <see cref="Encode(JsonObject)"/>, as the API server of Kubernetes 1.<paramref name="kubernetesMinor"/>
    /// writes it: fields added after that version are left out (a non-pointer field is otherwise always written).
    /// </summary>
    /// <remarks>Strict: a key the kind does not have is an error, as in kubectl's strict field validation.</remarks>
    public static byte[] Encode(JsonObject obj, int kubernetesMinor) => Encode(obj, kubernetesMinor, clampRemovedKinds: true, strict: true);

    /// <param name="obj">The object.</param>
    /// <param name="kubernetesMinor">The API server version written for.</param>
    /// <param name="clampRemovedKinds">Write a kind the API has removed as its last serving version did (tests of
    /// fixtures regenerated by later code turn this off).</param>
    /// <param name="strict">Refuse keys the kind does not have.</param>
    internal static byte[] Encode(JsonObject obj, int kubernetesMinor, bool clampRemovedKinds, bool strict = true)
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
            if (strict)
            {
                RejectUnknownFields(message, obj, s_typeMetaKeys);
            }

            // A kind removed from the API was last written by the last version that served it.
            EncodeFields(message, obj, w, 1, clampRemovedKinds ? Math.Min(kubernetesMinor, FieldTable.Default.LastMinorOf(apiVersion, kind)) : kubernetesMinor, strict);
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

    private static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProtoFormatException($"The object nests more than {MaxDepth} levels deep; decoding stops there (depth limit).");
        }
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
}
