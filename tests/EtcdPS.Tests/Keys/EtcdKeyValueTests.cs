using System.Text;
using EtcdPS.Engine.Keys;
using Google.Protobuf;
using Mvccpb;

namespace EtcdPS.Tests.Keys;

public sealed class EtcdKeyValueTests
{
    private static EtcdKeyValue From(byte[] key, byte[] value) => EtcdKeyValue.FromProto(new KeyValue
    {
        Key = ByteString.CopyFrom(key),
        Value = ByteString.CopyFrom(value),
        CreateRevision = 5,
        ModRevision = 9,
        Version = 3,
        Lease = 0x1234,
    }, 42);

    [Theory]
    [InlineData(new byte[0], ValueKind.Empty)]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f }, ValueKind.KubernetesProtobuf)]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0xa1 }, ValueKind.Cbor)]
    [InlineData(new byte[] { 0xff, 0xfe, 0x00, 0x01 }, ValueKind.Binary)]
    public void Detects_binary_kinds_from_the_bytes(byte[] value, ValueKind expected)
    {
        var kv = From("/k"u8.ToArray(), value);
        Assert.Equal(expected, kv.ValueKind);
        Assert.Null(expected == ValueKind.Empty ? null : kv.Value);
        Assert.Equal(value, kv.RawValue);
        Assert.Equal(value.Length, kv.Size);
    }

    [Theory]
    [InlineData("hello world", ValueKind.Text)]
    [InlineData("{\"kind\":\"ConfigMapApp\"}", ValueKind.Json)]
    [InlineData("  [1, 2, 3]\n", ValueKind.Json)]
    [InlineData("{not closed", ValueKind.Text)]
    [InlineData("k8s:enc:aescbc:v1:key1:\u0001\u0002", ValueKind.KubernetesEncrypted)]
    [InlineData("k8s:enc:kms:v2:vault:xyz", ValueKind.KubernetesEncrypted)]
    [InlineData("grüße, ✓", ValueKind.Text)]
    public void Detects_text_kinds_and_keeps_text(string text, ValueKind expected)
    {
        var kv = From("/k"u8.ToArray(), Encoding.UTF8.GetBytes(text));
        Assert.Equal(expected, kv.ValueKind);
        Assert.Equal(expected == ValueKind.KubernetesEncrypted ? null : text, kv.Value);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), kv.Size);
    }

    [Fact]
    public void Valid_utf8_with_control_bytes_is_binary_but_keeps_its_text()
    {
        var kv = From("/k"u8.ToArray(), [1, 2, 3]);
        Assert.Equal(ValueKind.Binary, kv.ValueKind);
        Assert.Equal("\u0001\u0002\u0003", kv.Value);
        Assert.Equal(ValueKind.Text, From("/k"u8.ToArray(), "line one\r\n\tline two"u8.ToArray()).ValueKind);
    }

    [Fact]
    public void Copies_revisions_lease_and_the_read_revision()
    {
        var kv = From("/registry/pods/ns1/web"u8.ToArray(), "x"u8.ToArray());
        Assert.Equal((5L, 9L, 3L, 0x1234L, 42L), (kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease, kv.Revision));
        Assert.Equal(("", "pods", "ns1", "web"), (kv.Group, kv.Resource, kv.Namespace, kv.Name));
        Assert.Equal("/registry/pods/ns1/web", kv.ToString());
    }

    [Fact]
    public void A_key_that_is_not_utf8_keeps_its_bytes_and_shows_escapes()
    {
        byte[] key = [0x2f, 0x62, 0xff, 0x5c, 0x00];
        var kv = From(key, []);
        Assert.Equal("/b\\xff\\x5c\\x00", kv.Key);
        Assert.Equal(key, kv.RawKey);
        Assert.Equal(ValueKind.Empty, kv.ValueKind);
    }

    [Fact]
    public void The_key_zero_byte_is_valid_text()
    {
        var kv = From([0], []);
        Assert.Equal("\0", kv.Key);
    }

    [Theory]
    [InlineData("/registry/pods/", "/registry/pods0")]
    [InlineData("a", "b")]
    [InlineData("a\u007f", "a\u0080")]
    public void Prefix_end_increments_the_last_byte(string prefix, string end)
    {
        Assert.Equal(Encoding.Latin1.GetBytes(end), KeyRange.PrefixEnd(Encoding.Latin1.GetBytes(prefix)));
    }

    [Fact]
    public void Prefix_end_drops_trailing_ff_and_all_ff_means_the_end()
    {
        Assert.Equal(new byte[] { 0x62 }, KeyRange.PrefixEnd([0x61, 0xff, 0xff]));
        Assert.Equal(new byte[] { 0 }, KeyRange.PrefixEnd([0xff, 0xff]));
        var whole = KeyRange.Prefix(Array.Empty<byte>());
        Assert.Equal(new byte[] { 0 }, whole.Start);
        Assert.Equal(new byte[] { 0 }, whole.End);
    }

    [Fact]
    public void Page_limit_adapts_to_the_bytes_of_the_last_page()
    {
        var paging = new RangePaging { TargetPageBytes = 12_000_000, MinPageLimit = 100, MaxPageLimit = 200_000, PerKeyOverheadBytes = 0 };
        Assert.Equal(5_000, paging.NextLimit(1_000, 2_400_000));     // 2.4 kB per key
        Assert.Equal(100, paging.NextLimit(10, 100_000_000));        // huge values: never below the minimum
        Assert.Equal(200_000, paging.NextLimit(1_000, 40_000));      // tiny keys: capped
        Assert.Equal(200_000, paging.NextLimit(0, 0));

        // What each key costs the client counts too: 140-byte keys get pages of 40,000 keys, not 85,714.
        var withOverhead = paging with { PerKeyOverheadBytes = 160 };
        Assert.Equal(40_000, withOverhead.NextLimit(1_000, 140_000));
        Assert.Equal(4_724, withOverhead.NextLimit(1_000, 2_380_000));
    }

    [Fact]
    public void Clip_keeps_a_group_inside_the_measured_range()
    {
        var range = KeyRange.Prefix("/registry/pods/a/");
        var clipped = range.Clip(Encoding.UTF8.GetBytes("/registry/pods/"), KeyRange.PrefixEnd(Encoding.UTF8.GetBytes("/registry/pods/")));
        Assert.Equal(range.Start, clipped.Start);
        Assert.Equal(range.End, clipped.End);
    }
}
