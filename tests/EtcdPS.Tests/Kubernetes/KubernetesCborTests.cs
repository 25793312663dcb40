using System.Formats.Cbor;
using System.Text;
using EtcdPS.Engine.Kubernetes;
using Xunit;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>
/// The CBOR reader against values written by .NET's own CBOR writer, shaped like Kubernetes' CBOR serializer writes
/// them: self-describe tag, strings as byte strings, []byte as byte strings tagged "expected base64".
/// </summary>
public sealed class KubernetesCborTests
{
    private static byte[] ConfigMapCbor(bool indefinite = false)
    {
        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteTag(CborTag.SelfDescribeCbor);
        w.WriteStartMap(indefinite ? null : 5);
        ByteText(w, "kind"); ByteText(w, "ConfigMap");
        ByteText(w, "apiVersion"); w.WriteTextString("v1");
        ByteText(w, "metadata");
        w.WriteStartMap(indefinite ? null : 4);
        ByteText(w, "name"); ByteText(w, "app-config");
        ByteText(w, "namespace"); ByteText(w, "shop");
        ByteText(w, "labels"); w.WriteStartMap(1); ByteText(w, "app"); ByteText(w, "web"); w.WriteEndMap();
        ByteText(w, "generation"); w.WriteInt64(3);
        w.WriteEndMap();
        ByteText(w, "data");
        w.WriteStartMap(2);
        ByteText(w, "mode"); ByteText(w, "prod");
        ByteText(w, "ratio"); w.WriteDouble(0.5);
        w.WriteEndMap();
        ByteText(w, "binaryData");
        w.WriteStartMap(1);
        ByteText(w, "blob");
        w.WriteTag((CborTag)22);
        w.WriteByteString([0x00, 0xff, 0x10]);
        w.WriteEndMap();
        w.WriteEndMap();
        return w.Encode();
    }

    private static void ByteText(CborWriter w, string text) => w.WriteByteString(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kubernetes_cbor_decodes_into_the_same_tree_as_json(bool indefinite)
    {
        var obj = KubernetesValueDecoder.Decode(ConfigMapCbor(indefinite), 77, DecodeOptions.Default, "/registry/configmaps/shop/app-config");

        Assert.Equal(("ConfigMap", "v1", "shop", "app-config", ValueKind.Cbor), (obj.Kind, obj.ApiVersion, obj.Namespace, obj.Name, obj.Encoding));
        var tree = obj.ToJsonNode()!;
        Assert.Equal("web", tree["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal(3, tree["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal("77", tree["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(0.5, tree["data"]!["ratio"]!.GetValue<double>());
        Assert.Equal(Convert.ToBase64String([0x00, 0xff, 0x10]), tree["binaryData"]!["blob"]!.GetValue<string>());
        Assert.Equal("keys: mode, ratio, blob", obj.Summary);
    }

    [Fact]
    public void Scalars_negative_numbers_half_floats_and_chunked_strings_decode()
    {
        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteStartArray(null);
        w.WriteInt64(-1);
        w.WriteInt64(long.MinValue);
        w.WriteHalf((Half)1.5);
        w.WriteBoolean(true);
        w.WriteNull();
        w.WriteStartIndefiniteLengthTextString();
        w.WriteTextString("ab");
        w.WriteTextString("cd");
        w.WriteEndIndefiniteLengthTextString();
        w.WriteEndArray();

        var array = KubernetesCbor.Decode(w.Encode())!.AsArray();
        Assert.Equal(-1, array[0]!.GetValue<long>());
        Assert.Equal(long.MinValue, array[1]!.GetValue<long>());
        Assert.Equal(1.5, array[2]!.GetValue<double>());
        Assert.True(array[3]!.GetValue<bool>());
        Assert.Null(array[4]);
        Assert.Equal("abcd", array[5]!.GetValue<string>());
    }

    [Fact]
    public void The_most_negative_cbor_integer_keeps_its_exact_value()
    {
        // Major type 1 with argument 2^64-1 is -2^64: beyond long, kept exact as text (not "-0" from an overflow).
        var value = KubernetesCbor.Decode([0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])!;
        Assert.Equal("-18446744073709551616", value.GetValue<string>());
        var beyondLong = KubernetesCbor.Decode([0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0])!;
        Assert.Equal("-9223372036854775809", beyondLong.GetValue<string>());
    }

    [Theory]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0xa1, 0x61 }, "truncated")]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0xa0, 0x00 }, "follow")]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0xbf, 0x61, 0x61, 0x01 }, "indefinite")]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02 }, "twice")]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0x62, 0xc3, 0x28 }, "UTF-8")]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0xa1, 0x61, 0x61, 0x01 }, "no kind")]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0x1c }, "reserved")]
    public void Malformed_cbor_is_not_decodable_with_the_reason(byte[] value, string reason)
    {
        var ex = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(value, 0, DecodeOptions.Default, "/k"));
        Assert.Equal(EtcdErrorIds.ValueNotDecodable, ex.ErrorId);
        Assert.Contains("CBOR", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_stops_at_the_depth_limit_without_overflowing_the_stack()
    {
        var value = new byte[3 + 100_000];
        value[0] = 0xd9; value[1] = 0xd9; value[2] = 0xf7;
        value.AsSpan(3).Fill(0x81); // arrays of one element, nested
        var ex = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(value, 0, DecodeOptions.Default, "/k"));
        Assert.Contains("levels deep", ex.Message, StringComparison.Ordinal);
    }
}
