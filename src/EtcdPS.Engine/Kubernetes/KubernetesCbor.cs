using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// Reads the CBOR (RFC 8949) values of Kubernetes' CBOR serializer into the same JSON-shaped tree as JSON and
/// protobuf values. That serializer starts with the self-describe tag (d9 d9 f7) and writes strings as byte strings
/// unless it knows they are UTF-8; byte fields ([]byte) are byte strings tagged 22 ("expected base64"), shown as JSON
/// shows them: base64 text.
/// </summary>
internal static class KubernetesCbor
{
    private const int SelfDescribeTag = 55799;
    private const int ExpectedBase64Tag = 22;
    private const int ExpectedBase64UrlTag = 21;
    private const int ExpectedBase16Tag = 23;

    /// <summary>Decodes one CBOR data item that fills the whole value.</summary>
    /// <exception cref="ProtoFormatException">The bytes are not well-formed CBOR, nest too deep, or have trailing data.</exception>
    public static JsonNode? Decode(ReadOnlySpan<byte> value)
    {
        var position = 0;
        var node = Read(value, ref position, 0, tag: null);
        if (position != value.Length)
        {
            throw new ProtoFormatException($"{value.Length - position} bytes follow the CBOR value.");
        }

        return node;
    }

    private static JsonNode? Read(ReadOnlySpan<byte> data, ref int position, int depth, ulong? tag)
    {
        if (depth > KubernetesProtobufCodec.MaxDepth)
        {
            throw new ProtoFormatException($"the CBOR value nests more than {KubernetesProtobufCodec.MaxDepth} levels deep.");
        }

        var initial = Next(data, ref position);
        var major = initial >> 5;
        var info = initial & 0x1f;
        if (major == 7)
        {
            return ReadSimple(data, ref position, info);
        }

        var indefinite = info == 31;
        if (indefinite && major is 0 or 1 or 6)
        {
            throw new ProtoFormatException($"CBOR major type {major} cannot have an indefinite length.");
        }

        var argument = indefinite ? 0 : Argument(data, ref position, info);
        switch (major)
        {
            case 0:
                return argument <= long.MaxValue ? JsonValue.Create((long)argument) : JsonValue.Create(argument);
            case 1:
                // -1 - argument; beyond long's range only as text, which keeps the number exact.
                return argument <= long.MaxValue
                    ? JsonValue.Create(-1 - (long)argument)
                    : JsonValue.Create("-" + (new System.Numerics.BigInteger(argument) + 1).ToString(CultureInfo.InvariantCulture));
            case 2:
                return BytesNode(indefinite ? Chunks(data, ref position, 2) : Slice(data, ref position, argument), tag);
            case 3:
                var text = indefinite ? Chunks(data, ref position, 3) : Slice(data, ref position, argument);
                return JsonValue.Create(Utf8(text));
            case 4:
                var array = new JsonArray();
                for (ulong i = 0; indefinite ? !AtBreak(data, ref position) : i < argument; i++)
                {
                    array.Add(Read(data, ref position, depth + 1, null));
                }

                return array;
            case 5:
                var map = new JsonObject();
                for (ulong i = 0; indefinite ? !AtBreak(data, ref position) : i < argument; i++)
                {
                    var name = Read(data, ref position, depth + 1, null) switch
                    {
                        JsonValue v when v.TryGetValue<string>(out var s) => s,
                        var other => other?.ToJsonString() ?? "null",
                    };
                    var item = Read(data, ref position, depth + 1, null);
                    if (map.ContainsKey(name))
                    {
                        throw new ProtoFormatException($"the CBOR map has the key '{name}' twice.");
                    }

                    map[name] = item;
                }

                return map;
            default:
                // A tag: its meaning only changes how a byte string inside is shown; the self-describe tag means nothing.
                return Read(data, ref position, depth + 1, argument == SelfDescribeTag ? tag : argument);
        }
    }

    private static JsonNode BytesNode(byte[] bytes, ulong? tag) => tag switch
    {
        ExpectedBase64Tag => JsonValue.Create(Convert.ToBase64String(bytes)),
        ExpectedBase64UrlTag => JsonValue.Create(Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')),
        ExpectedBase16Tag => JsonValue.Create(Convert.ToHexString(bytes).ToLowerInvariant()),
        // Kubernetes writes Go strings as byte strings; bytes that are not text are shown as JSON shows bytes.
        _ => JsonValue.Create(ValueKinds.TryDecodeUtf8(bytes) ?? Convert.ToBase64String(bytes)),
    };

    private static JsonNode? ReadSimple(ReadOnlySpan<byte> data, ref int position, int info)
    {
        switch (info)
        {
            case 20:
                return JsonValue.Create(false);
            case 21:
                return JsonValue.Create(true);
            case 22:
            case 23:
                return null;
            case 24:
                Next(data, ref position);
                return null;
            case 25:
                return Number((double)BinaryPrimitives.ReadHalfBigEndian(Take(data, ref position, 2)));
            case 26:
                return Number(BinaryPrimitives.ReadSingleBigEndian(Take(data, ref position, 4)));
            case 27:
                return Number(BinaryPrimitives.ReadDoubleBigEndian(Take(data, ref position, 8)));
            case 31:
                throw new ProtoFormatException("a CBOR break code outside an indefinite-length item.");
            default:
                if (info < 20)
                {
                    return null;
                }

                throw new ProtoFormatException($"the CBOR simple value {info} is reserved.");
        }
    }

    private static JsonValue Number(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    private static byte[] Chunks(ReadOnlySpan<byte> data, ref int position, int major)
    {
        using var buffer = new MemoryStream();
        while (!AtBreak(data, ref position))
        {
            var initial = Next(data, ref position);
            if (initial >> 5 != major || (initial & 0x1f) == 31)
            {
                throw new ProtoFormatException("an indefinite-length CBOR string holds a chunk of another type.");
            }

            buffer.Write(Slice(data, ref position, Argument(data, ref position, initial & 0x1f)));
        }

        return buffer.ToArray();
    }

    private static bool AtBreak(ReadOnlySpan<byte> data, ref int position)
    {
        if (position >= data.Length)
        {
            throw new ProtoFormatException("the CBOR value ends inside an indefinite-length item.");
        }

        if (data[position] != 0xff)
        {
            return false;
        }

        position++;
        return true;
    }

    private static ulong Argument(ReadOnlySpan<byte> data, ref int position, int info) => info switch
    {
        < 24 => (ulong)info,
        24 => Next(data, ref position),
        25 => BinaryPrimitives.ReadUInt16BigEndian(Take(data, ref position, 2)),
        26 => BinaryPrimitives.ReadUInt32BigEndian(Take(data, ref position, 4)),
        27 => BinaryPrimitives.ReadUInt64BigEndian(Take(data, ref position, 8)),
        _ => throw new ProtoFormatException($"the CBOR additional information {info} is reserved."),
    };

    private static byte[] Slice(ReadOnlySpan<byte> data, ref int position, ulong length) =>
        Take(data, ref position, length > int.MaxValue ? int.MaxValue : (int)length).ToArray();

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, ref int position, int length)
    {
        if (length > data.Length - position)
        {
            throw new ProtoFormatException($"the CBOR value is truncated: {length} bytes announced, {data.Length - position} left.");
        }

        var slice = data.Slice(position, length);
        position += length;
        return slice;
    }

    private static byte Next(ReadOnlySpan<byte> data, ref int position) => Take(data, ref position, 1)[0];

    private static string Utf8(byte[] text) =>
        ValueKinds.TryDecodeUtf8(text) ?? throw new ProtoFormatException("a CBOR text string is not valid UTF-8.");
}
