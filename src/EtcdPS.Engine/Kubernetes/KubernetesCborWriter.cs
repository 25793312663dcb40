using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// CBOR as Kubernetes' CBOR serializer writes an object: the self-describe tag (d9 d9 f7), then the object with
/// map keys in bytewise order of their encoding (core deterministic encoding), integers in their shortest form,
/// text strings, and floats as float64.
/// </summary>
internal static class KubernetesCborWriter
{
    public static byte[] Serialize(JsonNode? node)
    {
        var output = new MemoryStream();
        output.Write([0xd9, 0xd9, 0xf7]);
        Write(node, output);
        return output.ToArray();
    }

    private static void Write(JsonNode? node, MemoryStream output)
    {
        switch (node)
        {
            case null:
                output.WriteByte(0xf6);
                break;
            case JsonObject obj:
                Head(5, (ulong)obj.Count, output);
                var entries = obj.Select(p => (Key: Text(p.Key), p.Value)).ToList();
                entries.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
                foreach (var (key, value) in entries)
                {
                    output.Write(key);
                    Write(value, output);
                }

                break;
            case JsonArray array:
                Head(4, (ulong)array.Count, output);
                foreach (var item in array)
                {
                    Write(item, output);
                }

                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        output.Write(Text(value.GetValue<string>()));
                        break;
                    case JsonValueKind.True:
                        output.WriteByte(0xf5);
                        break;
                    case JsonValueKind.False:
                        output.WriteByte(0xf4);
                        break;
                    case JsonValueKind.Number:
                        var raw = value.ToJsonString();
                        if (long.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var whole))
                        {
                            if (whole >= 0) { Head(0, (ulong)whole, output); } else { Head(1, (ulong)(-1 - whole), output); }
                        }
                        else
                        {
                            output.WriteByte(0xfb);
                            var bits = BitConverter.DoubleToUInt64Bits(double.Parse(raw, System.Globalization.CultureInfo.InvariantCulture));
                            for (var shift = 56; shift >= 0; shift -= 8)
                            {
                                output.WriteByte((byte)(bits >> shift));
                            }
                        }

                        break;
                    default:
                        output.WriteByte(0xf6);
                        break;
                }

                break;
        }
    }

    private static byte[] Text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var output = new MemoryStream(bytes.Length + 9);
        Head(3, (ulong)bytes.Length, output);
        output.Write(bytes);
        return output.ToArray();
    }

    private static void Head(int major, ulong value, MemoryStream output)
    {
        var m = (byte)(major << 5);
        if (value < 24) { output.WriteByte((byte)(m | value)); return; }
        if (value <= byte.MaxValue) { output.WriteByte((byte)(m | 24)); output.WriteByte((byte)value); return; }
        var (code, bytes) = value <= ushort.MaxValue ? (25, 2) : value <= uint.MaxValue ? (26, 4) : (27, 8);
        output.WriteByte((byte)(m | code));
        for (var i = bytes - 1; i >= 0; i--)
        {
            output.WriteByte((byte)(value >> (i * 8)));
        }
    }
}
